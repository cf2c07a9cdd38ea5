"""`tracks.check(path)`: load a case file, its tracks and regions, and decide every claim.

Steps: validate the case (tracks.claims.case) -> load the track files -> pick the case's aircraft -> keep the
window -> clean (nothing dropped silently; removed samples are listed in the result's notes and the track's
`rejected`) -> gaps and legs once -> each claim in dependency order (`after`, `sequence`) -> CaseResult.

`after: X` restricts a claim to the samples from the earliest possible time of X's moment on (plus the
sample just before it when a coverage gap spans that time, so that the gap is not lost); `before: Y`, symmetric,
to the samples up to the latest possible time of Y's moment (plus the sample just after it when a gap spans
it). If X or Y has no moment (it is contradicted or not verifiable), the dependent claim is not verifiable.
The tested period [window start or X, Y or window end] is passed to the predicates as `start` / `end`: time in
it before the first or after the last sample is unobserved (see `tracks.claims.spatial.edge_refs`).
Verdicts are decided by the data only: the case file says what to test, never what the answer is.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

import tracks
from tracks.claims.case import (
    Case,
    Claim,
    RegionRef,
    TrackSpec,
    evaluation_order,
    load_case,
    require_reviewed,
)
from tracks.claims.predicates import PREDICATES, moment
from tracks.claims.result import EVENT_COLUMNS, CaseResult
from tracks.claims.verdict import NOT_VERIFIABLE, SUPPORTED, Verdict, iso_utc
from tracks.errors import CaseFileError, RegionError, TrackFormatError
from tracks.history.layout import Dataset
from tracks.legs import Gaps, Legs, find_gaps, split_legs
from tracks.segments import gap_mask
from tracks.track import Track, Traffic

ILLUSTRATIVE_NOTE = "based on an ILLUSTRATIVE (synthetic) track, not a recording"
DRAFT_NOTE = "DRAFT: proposed by `tracks draft` from the article's words and never reviewed; its test may be wrong"
UNKNOWN_ICAO = "000000"  # tracks.schema: the address of an aircraft whose file does not give one
#: Predicates whose `region` must be an area (it has an inside).
AREA_PREDICATES = ("entered", "never_entered", "stayed_outside", "time_inside", "present", "absent", "traffic_count",
                   "event_time_within")
#: Predicates tested over the period [window start or `after` moment, `before` moment or window end], whose
#: unobserved edges (before the first / after the last sample) count like coverage gaps.
PERIOD_PREDICATES = ("approached", "entered", "never_entered", "stayed_outside", "crossed", "departed_from",
                     "landed_at", "visited", "present", "absent", "time_inside")


def check(path: str | os.PathLike[str], *, allow_drafts: bool = False, allow_outside: bool = False) -> CaseResult:
    """Check every claim of the case file at `path`; CaseFileError / TrackFormatError on bad input, and on
    claims still marked `draft: true` unless `allow_drafts` (their verdicts then say they are drafts)."""
    return run(load_case(path, allow_outside=allow_outside), allow_drafts=allow_drafts)


# -- loading -----------------------------------------------------------------------------------------------------


def _load(specs: tuple[TrackSpec, ...], case: Case) -> Track | Traffic:
    frames: list[Track | Traffic] = []
    for spec in specs:
        try:
            loaded = tracks.load(list(spec.files), format=spec.format, **spec.options)
        except TrackFormatError as e:
            if not spec.options or "option not understood" not in e.problem:
                raise
            raise _option_error(case, spec, e) from None
        if spec.url:  # an archived fetch: keep where and when the bytes were retrieved
            srcs = tuple(replace(s, url=spec.url, retrieved_at=spec.retrieved_at) for s in loaded.sources)
            loaded = type(loaded)(loaded.data, srcs, loaded.rejected)
        frames.append(loaded)
    if len(frames) == 1:
        return frames[0]
    data = pd.concat([f.data for f in frames], ignore_index=True)
    sources = tuple(s for f in frames for s in f.sources)
    rejected = pd.concat([f.rejected for f in frames], ignore_index=True)
    return Traffic(data, sources, rejected) if data["icao24"].nunique() > 1 else Track(data, sources, rejected)


def _option_error(case: Case, spec: TrackSpec, e: TrackFormatError) -> CaseFileError:
    """A loader option the detected format does not take, as an error at the entry's line in the case file."""
    from tracks.claims.loadopts import format_options

    found = re.search(r"by format (\S+?):", e.problem)
    fmt = found.group(1) if found else ""
    takes = format_options().get(fmt, ())
    bad = [o for o in spec.options if o not in takes] if fmt else list(spec.options)
    line = min((spec.option_lines.get(o, spec.line) for o in bad), default=spec.line)
    what = f"{os.path.basename(e.path)} is a {fmt} file, whose reader" if fmt else f"the reader of {e.path}"
    return CaseFileError(case.path, f"entry {spec.pattern!r}: {what} does not take option(s) "
                         f"{', '.join(map(repr, bad))} (it takes: {', '.join(takes) or 'none'})", line=line)


def select_aircraft(loaded: Track | Traffic, case: Case) -> tuple[Track, list[str]]:
    """The case aircraft's samples: by ICAO address, else registration, else callsign. Empty when absent."""
    ac = case.aircraft
    notes: list[str] = []
    traffic = loaded if isinstance(loaded, Traffic) else Traffic(loaded.data, loaded.sources, loaded.rejected)
    for key in (ac.icao24, ac.registration, ac.callsign):
        if key and key in traffic:
            track = traffic.select(key)
            break
    else:
        notes.append(f"no samples of {ac.label} in the track files (found: {', '.join(traffic.icao24s[:10]) or 'none'})")
        notes += _no_address_notes(loaded)
        return Track(loaded.data.iloc[0:0], loaded.sources, loaded.rejected), notes
    if ac.icao24 and track.icao24 != ac.icao24:
        notes.append(f"the case gives ICAO {ac.icao24} but the files hold {ac.registration or ac.callsign} "
                     f"as {track.icao24}; using {track.icao24}")
        if track.icao24 == UNKNOWN_ICAO:
            notes += _no_address_notes(track)
    if ac.registration and track.registration and track.registration.upper() != ac.registration.upper():
        notes.append(f"the files give registration {track.registration} for {track.icao24}, the case {ac.registration}")
    # keep only the sources that hold this aircraft
    files = set(track.data["file"].dropna().unique())
    srcs = tuple(s for s in track.sources if s.path in files) or track.sources
    return Track(track.data, srcs, track.rejected), notes


def _no_address_notes(loaded: Track | Traffic) -> list[str]:
    """For each file whose only aircraft has the unknown address 000000 (FR24 CSV and KML, GPX, ... carry none):
    say so, and how to give it."""
    d = loaded.data
    if not len(d):
        return []
    known = (d["icao24"].astype(str) != UNKNOWN_ICAO).groupby(d["file"].astype(str), sort=True).any()
    return [f"file {os.path.basename(f)} has no ICAO address (its aircraft loads as {UNKNOWN_ICAO}); add icao24: to "
            f"its tracks: entry, e.g. {{path: {os.path.basename(f)}, icao24: <6 hex digits>}}"
            for f, any_known in known.items() if not any_known]


# -- regions -----------------------------------------------------------------------------------------------------


class RegionResolver:
    """Turns a claim's RegionRef into a Region (cached), naming the claim's line when it cannot."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.cache: dict[RegionRef, Any] = {}
        self._user: dict[str, Any] | None = None

    def _user_regions(self) -> dict[str, Any]:
        if self._user is None:
            self._user = {}
            if self.case.regions:
                from tracks.geo import regions as geo_regions

                for path in self.case.regions:
                    try:
                        for r in geo_regions.load_regions(path):
                            self._user[r.code] = r
                    except RegionError as e:
                        raise CaseFileError(self.case.path, str(e), key="regions") from None
        return self._user

    def __call__(self, ref: RegionRef, claim: Claim, param: str) -> Any:
        if ref in self.cache:
            return self.cache[ref]
        from tracks.geo import regions as geo_regions

        user = self._user_regions()
        try:
            if ref.kind == "code":
                region = user.get(ref.args[0]) or geo_regions.get_region(ref.args[0])
            elif ref.kind == "border":
                a, b = (user.get(x) or x for x in ref.args)
                region = geo_regions.border(a, b)
            elif ref.kind == "territorial_sea":
                code, nm = ref.args
                region = geo_regions.territorial_sea(user.get(code) or code, nm=nm)
            else:
                lat, lon, r = ref.args
                region = geo_regions.circle(lat, lon, r)
        except (RegionError, KeyError, ValueError) as e:
            raise CaseFileError(self.case.path, str(e).strip("'\""), line=claim.lines.get(param, claim.line),
                                key=f"claims[{claim.index}].test.{claim.predicate}.{param}") from None
        self.cache[ref] = region
        return region


# -- analysis of one (sub)track ------------------------------------------------------------------------------------


class Analysis:
    """A track with its gaps and legs, computed once."""

    def __init__(self, track: Track, max_gap_s: float, max_speed_kt: float | None) -> None:
        self.track = track
        self.gaps: Gaps = find_gaps(track, max_gap_s=max_gap_s, max_speed_kt=max_speed_kt)
        self.max_gap_s = max_gap_s
        self.max_speed_kt = max_speed_kt
        self._legs: Legs | None = None

    @property
    def legs(self) -> Legs:
        if self._legs is None:
            self._legs = split_legs(self.track, max_gap_s=self.max_gap_s, max_speed_kt=self.gaps.max_speed_kt)
        return self._legs


def since(track: Track, t0: pd.Timestamp, max_gap_s: float) -> Track:
    """Samples at or after `t0`, plus the one before when the segment spanning `t0` is a coverage gap."""
    return track.filter(_since_mask(track, t0, max_gap_s))


def until(track: Track, t1: pd.Timestamp, max_gap_s: float) -> Track:
    """Samples at or before `t1`, plus the one after when the segment spanning `t1` is a coverage gap."""
    return track.filter(_until_mask(track, t1, max_gap_s))


def _since_mask(track: Track, t0: pd.Timestamp, max_gap_s: float) -> np.ndarray:
    t = track.data["time"]
    keep = np.array(t >= t0, dtype=bool)  # a copy: to_numpy() may be a read-only view
    first = int(np.argmax(keep)) if keep.any() else len(t)
    if 0 < first < len(t) and gap_mask(track.data.iloc[first - 1:first + 1], max_gap_s)[0]:
        keep[first - 1] = True
    return keep


def _until_mask(track: Track, t1: pd.Timestamp, max_gap_s: float) -> np.ndarray:
    t = track.data["time"]
    keep = np.array(t <= t1, dtype=bool)
    last = len(t) - 1 - int(np.argmax(keep[::-1])) if keep.any() else -1
    if 0 <= last < len(t) - 1 and gap_mask(track.data.iloc[last:last + 2], max_gap_s)[0]:
        keep[last + 1] = True
    return keep


# -- claims --------------------------------------------------------------------------------------------------------


def _accepts(fn: Callable[..., Verdict]) -> set[str]:
    return set(inspect.signature(fn).parameters)


def _not_verifiable_bound(claim: Claim, key: str, ref: Verdict) -> Verdict:
    """`key` is "after" or "before": the referenced claim gives no moment to start from / end at."""
    why = "has no moment in time" if ref.status == SUPPORTED else f"is {ref.label}"
    what = "start from" if key == "after" else "end at"
    ref_id = claim.after if key == "after" else claim.before
    return Verdict(
        claim_id=claim.id, quote=claim.quote, predicate=claim.predicate, status=NOT_VERIFIABLE,
        sentence=f"Not verifiable: this claim is tested {key} claim {ref_id!r}, which {why}, so there is "
                 f"no moment to {what}.",
        measured={key: ref_id}, source=claim.source,
    )


def _empty_period(claim: Claim, t0: pd.Timestamp, t1: pd.Timestamp, tz: str) -> Verdict:
    from tracks.wording import when

    return Verdict(
        claim_id=claim.id, quote=claim.quote, predicate=claim.predicate, status=NOT_VERIFIABLE,
        sentence=f"Not verifiable: this claim is tested after claim {claim.after!r} and before claim "
                 f"{claim.before!r}, but the latest possible moment of {claim.before!r} ({when(t1, tz)}) comes "
                 f"before the earliest possible moment of {claim.after!r} ({when(t0, tz)}): there is no period "
                 "to test.",
        measured={"after": claim.after, "before": claim.before}, source=claim.source,
    )


def _observed_across(before: pd.DataFrame, after: pd.DataFrame, max_gap_s: float) -> bool:
    """Whether the segment from the last row of `before` to the first row of `after` is observed (not a coverage
    gap, tracks.segments); False when either is empty."""
    if not len(before) or not len(after):
        return False
    cols = ["time", "lat", "lon", "stale"]
    pair = pd.concat([before.tail(1)[cols], after.head(1)[cols]], ignore_index=True)
    return not bool(gap_mask(pair, max_gap_s)[0])


class _Runner:
    def __init__(self, case: Case, track: Track, traffic: Callable[[], Traffic | Dataset],
                 outside: tuple[pd.DataFrame, pd.DataFrame] = (pd.DataFrame(), pd.DataFrame())) -> None:
        self.case = case
        self.track = track
        self.traffic = traffic
        self.outside = outside  # the aircraft's last sample before / first after the window (may be empty)
        self.missing: list[str] = []  # why there are no samples (aircraft not found), repeated on every verdict
        self.regions = RegionResolver(case)
        s = case.settings
        self.base = Analysis(track, s.max_gap_s, s.max_speed_kt)
        self._parts: dict[tuple[pd.Timestamp | None, pd.Timestamp | None], Analysis] = {}
        self.verdicts: dict[str, Verdict] = {}

    def analysis(self, t0: pd.Timestamp | None, t1: pd.Timestamp | None = None) -> Analysis:
        """The track from `t0` (see `since`) up to `t1` (see `until`), with its own gaps and legs."""
        if t0 is None and t1 is None:
            return self.base
        if (t0, t1) not in self._parts:
            s = self.case.settings
            keep = np.ones(len(self.track), dtype=bool)
            if t0 is not None:
                keep &= _since_mask(self.track, t0, s.max_gap_s)
            if t1 is not None:
                keep &= _until_mask(self.track, t1, s.max_gap_s)
            self._parts[(t0, t1)] = Analysis(self.track.filter(keep), s.max_gap_s,
                                             self.base.gaps.max_speed_kt if s.max_speed_kt is None else s.max_speed_kt)
        return self._parts[(t0, t1)]

    def _bound(self, claim: Claim, key: str) -> pd.Timestamp | Verdict | None:
        """The tested period's start (`after`: the earliest possible moment of that claim) or end (`before`:
        the latest possible one); None without the key; a not-verifiable Verdict when there is no moment."""
        ref_id = claim.after if key == "after" else claim.before
        if not ref_id:
            return None
        ref = self.verdicts[ref_id]
        m = moment(ref) if ref.status == SUPPORTED else None
        if m is None:
            return _not_verifiable_bound(claim, key, ref)
        t = m[0] if key == "after" else m[1]
        return t if not pd.isna(t) else pd.Timestamp(ref.measured["time"])  # an open bound: the moment itself

    def evaluate(self, claim: Claim) -> Verdict:
        t0 = self._bound(claim, "after")
        t1 = self._bound(claim, "before")
        for b in (t0, t1):
            if isinstance(b, Verdict):
                return b
        assert not isinstance(t0, Verdict) and not isinstance(t1, Verdict)
        if t0 is not None and t1 is not None and t1 < t0:
            return _empty_period(claim, t0, t1, self.case.timezone)
        a = self.analysis(t0, t1)
        fn = PREDICATES[claim.predicate]
        accepted = _accepts(fn)
        kwargs: dict[str, Any] = {}
        for k, v in claim.params.items():
            if isinstance(v, RegionRef):
                v = self.regions(v, claim, k)
                if k == "region" and claim.predicate in AREA_PREDICATES and not v.is_area:
                    raise CaseFileError(self.case.path, f"region {v.code} is a {v.geometry.geom_type}, and "
                                        f"{claim.predicate} needs an area", line=claim.lines.get(k, claim.line),
                                        key=f"claims[{claim.index}].test.{claim.predicate}.{k}")
            kwargs[k] = v
        border_ref = claim.params.get("border")
        if claim.predicate in ("crossed", "event_time_within") and isinstance(border_ref, RegionRef):
            side_a, side_b = border_ref.args  # the two sides, resolved like any region (user files first)
            kwargs["sides"] = (self.regions(RegionRef("code", (side_a,)), claim, "border"),
                               self.regions(RegionRef("code", (side_b,)), claim, "border"))
        if claim.predicate in PERIOD_PREDICATES:  # the period's edges are unobserved time too
            start, end, names = self._period(claim, a.track, t0, t1)
            names = ("the claimed start" if "start" in kwargs else names[0],
                     "the claimed end" if "end" in kwargs else names[1])
            kwargs.setdefault("start", start)
            kwargs.setdefault("end", end)
            kwargs["period_names"] = names
        if claim.predicate == "sequence":
            verdict = fn([self.verdicts[c] for c in claim.params["claims"]], tz=self.case.timezone)
        elif claim.predicate == "traffic_count":
            verdict = fn(self.traffic(), **kwargs, tz=self.case.timezone, max_gap_s=self.case.settings.max_gap_s)
        else:
            common = {"tz": self.case.timezone, "gaps": a.gaps}
            if "legs" in accepted:
                common["legs"] = a.legs
            self._check_airports(claim)
            verdict = fn(a.track, **kwargs, **{k: v for k, v in common.items() if k in accepted})
        notes = list(verdict.notes)
        if t1 is not None:
            notes.insert(0, f"tested on samples up to {iso_utc(t1)} (before claim {claim.before!r})")
        if t0 is not None:
            notes.insert(0, f"tested on samples from {iso_utc(t0)} on (after claim {claim.after!r})")
        if not len(self.track):
            notes += [n for n in self.missing if n not in notes]
        if self.track.illustrative:
            notes.append(ILLUSTRATIVE_NOTE)
        if claim.draft:
            notes.insert(0, DRAFT_NOTE)
        return replace(verdict, claim_id=claim.id, quote=claim.quote, source=claim.source, notes=tuple(notes))

    def _period(self, claim: Claim, track: Track, t0: pd.Timestamp | None, t1: pd.Timestamp | None
                ) -> tuple[pd.Timestamp, pd.Timestamp, tuple[str, str]]:
        """The tested period (start, end) and how sentences name its ends.

        From the window start (or the `after` moment) to the window end (or the `before` moment). When that
        moment falls on an observed segment (not a coverage gap) whose earlier / later sample was left out (it
        lies outside the window, or before / after the moment), the aircraft was observed across it: the period
        then starts / ends at the first / last sample kept, and that edge is not unobserved time.
        """
        w = self.case.window
        start = w.start if t0 is None else t0
        end = w.end if t1 is None else t1
        names = ("the window start" if t0 is None else f"the moment of claim {claim.after!r}",
                 "the window end" if t1 is None else f"the moment of claim {claim.before!r}")
        if not len(track):
            return start, end, names
        d = track.data
        gap_s = self.case.settings.max_gap_s
        first, last = d["time"].iloc[0], d["time"].iloc[-1]
        if first > start:
            prev = self.outside[0] if t0 is None else self.track.data[self.track.data["time"] < start]
            if _observed_across(prev, d, gap_s):
                start = first
        if last < end:
            nxt = self.outside[1] if t1 is None else self.track.data[self.track.data["time"] > end]
            if _observed_across(d, nxt, gap_s):
                end = last
        return start, end, names

    def _check_airports(self, claim: Claim) -> None:
        from tracks.airports import airport

        for code in claim.params.get("airports", ()):
            try:
                airport(code)
            except KeyError:
                raise CaseFileError(
                    self.case.path, f"unknown airport code {code!r} (not in airportsdata; give an ICAO code such as "
                    "SVMI, or a point [lat, lon])", line=claim.lines.get("airports", claim.line),
                    key=f"claims[{claim.index}].test.{claim.predicate}.airports") from None


def _events(a: Analysis, verdicts: tuple[Verdict, ...]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    if len(a.track):
        for leg in a.legs:
            for e in (leg.takeoff, leg.landing, *leg.touch_and_goes):
                rows.append({"kind": e.kind, "time": e.time, "lat": e.lat, "lon": e.lon, "label": e.sentence,
                             "observed": bool(e.observed)})
    for v in verdicts:
        for p in v.evidence.points:
            if p.kind in ("crossing", "closest") and p.time:
                rows.append({"kind": p.kind, "time": pd.Timestamp(p.time), "lat": p.lat, "lon": p.lon,
                             "label": f"{v.claim_id}: {p.label}", "observed": "unobserved" not in p.label})
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame.sort_values("time", kind="stable").reset_index(drop=True)


def run(case: Case, *, allow_drafts: bool = False) -> CaseResult:
    """Decide every claim of an already validated Case (drafts refused unless `allow_drafts`, see `check`)."""
    if not allow_drafts:
        require_reviewed(case)
    loaded = _load(case.tracks, case)
    raw, notes = select_aircraft(loaded, case)
    windowed = raw.between(case.window.start, case.window.end)
    if len(raw) and not len(windowed):
        notes.append(f"the files hold {len(raw)} samples of {case.aircraft.label}, none in the case window")
    cleaned = windowed.clean()
    track = cleaned.track
    removed = len(cleaned.rejected)
    if removed:
        notes.append(f"cleaning removed {removed} sample value(s); each is listed with its reason in the track's "
                     "rejected table")
    notes.extend(cleaned.notes)
    n_rejected_files = int(sum(s.records_rejected for s in track.sources))
    if n_rejected_files:
        notes.append(f"{n_rejected_files} record(s) in the files could not be read (see sources)")
    if track.illustrative:
        notes.insert(0, "ILLUSTRATIVE: the track is synthetic, built from reported facts; it is not a recording")

    traffic_cache: list[Traffic | Dataset] = []

    def traffic() -> Traffic | Dataset:
        if not traffic_cache and case.traffic_dataset:
            traffic_cache.append(Dataset(case.traffic_dataset))
        if not traffic_cache:
            src = _load(case.traffic, case) if case.traffic else loaded
            traffic_cache.append(src if isinstance(src, Traffic) else Traffic(src.data, src.sources, src.rejected))
        return traffic_cache[0]

    t_raw = raw.data["time"]
    outside = (raw.data[(t_raw < case.window.start).to_numpy()].tail(1), raw.data[(t_raw > case.window.end).to_numpy()].head(1))
    drafts = [c.id for c in case.claims if c.draft]
    if drafts:
        notes.insert(0, f"{len(drafts)} claim(s) are unreviewed drafts (checked with --allow-drafts): {', '.join(drafts)}")
    runner = _Runner(case, track, traffic, outside)
    runner.missing = [n for n in notes if n.startswith(("no samples of", "file ", "the files hold"))]
    for claim in evaluation_order(case):
        runner.verdicts[claim.id] = runner.evaluate(claim)
    verdicts = tuple(runner.verdicts[c.id] for c in case.claims)
    regions = tuple(runner.regions.cache.values())
    base = runner.base
    return CaseResult(
        case=case,
        track=track,
        verdicts=verdicts,
        regions=regions,
        events=_events(base, verdicts),
        tool={"name": "tracks", "version": tracks.__version__},
        gaps=base.gaps.frame,
        legs=base.legs.summary if len(track) else pd.DataFrame(),
        notes=tuple(notes),
    )
