"""`tracks.check(path)`: load a case file, its tracks and regions, and decide every claim.

Steps: validate the case (tracks.claims.case) -> load the track files -> pick the case's aircraft -> clean all
of its samples in the files (nothing dropped silently; removed samples are listed in the result's notes and the
track's `rejected`) -> build its observation model ONCE (tracks.observation: gaps, speed bound, air/ground state)
-> each claim in dependency order (`after`, `before`, `sequence`), on the model's view of its tested period ->
CaseResult (with the case window's view, which the report and the map read).

The tested period of a claim runs from the window start (or the earliest possible time of its `after` claim's
moment, or its own `start` for predicates whose start/end narrow the period) to the window end (or the latest
possible time of its `before` claim's moment, or its own `end`). The view keeps the samples in it plus the one
just outside each end when a coverage gap spans that end, so the gap is not lost; time before the aircraft's
first sample or after its last one in the files is an unobserved edge. If the `after` or `before` claim has no
moment (it is contradicted or not verifiable), the dependent claim is not verifiable. What each predicate takes
and what it is about is its spec (tracks.claims.params.PREDICATES). Verdicts are decided by the data only: the
case file says what to test, never what the answer is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

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
from tracks.claims.params import PREDICATES, PredicateSpec
from tracks.claims.predicates import moment
from tracks.claims.result import EVENT_COLUMNS, CaseResult
from tracks.claims.verdict import NOT_VERIFIABLE, SUPPORTED, Verdict, iso_utc
from tracks.errors import CaseFileError, FormatOptionError, RegionError
from tracks.history.layout import Dataset
from tracks.observation import Observation, observe
from tracks.schema import UNKNOWN_ICAO24
from tracks.track import Track, Traffic
from tracks.wording import when

ILLUSTRATIVE_NOTE = "based on an ILLUSTRATIVE (synthetic) track, not a recording"
DRAFT_NOTE = "DRAFT: proposed by `tracks draft` from the article's words and never reviewed; its test may be wrong"
#: How sentences name the ends of the case window.
WINDOW_NAMES = ("the window start", "the window end")


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
        except FormatOptionError as e:
            if not spec.options:
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


def _option_error(case: Case, spec: TrackSpec, e: FormatOptionError) -> CaseFileError:
    """A loader option the detected format does not take, as an error at the entry's line in the case file."""
    from tracks.claims.loadopts import format_options

    fmt = e.format_name
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
        if track.icao24 == UNKNOWN_ICAO24:
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
    known = (d["icao24"].astype(str) != UNKNOWN_ICAO24).groupby(d["file"].astype(str), sort=True).any()
    return [f"file {os.path.basename(f)} has no ICAO address (its aircraft loads as {UNKNOWN_ICAO24}); add icao24: to "
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


# -- claims --------------------------------------------------------------------------------------------------------


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


def _empty_period(claim: Claim, start: pd.Timestamp, end: pd.Timestamp, names: tuple[str, str], tz: str) -> Verdict:
    return Verdict(
        claim_id=claim.id, quote=claim.quote, predicate=claim.predicate, status=NOT_VERIFIABLE,
        sentence=f"Not verifiable: the tested period would run from {names[0]} ({when(start, tz)}) to {names[1]} "
                 f"({when(end, tz)}), which comes before it: there is no period to test.",
        measured={k: v for k, v in (("after", claim.after), ("before", claim.before)) if v}, source=claim.source,
    )


class _Runner:
    def __init__(self, case: Case, base: Observation, traffic: Callable[[], Traffic | Dataset],
                 missing: list[str]) -> None:
        self.case = case
        self.base = base  # the observation model of the aircraft's whole cleaned track, built once
        self.traffic = traffic
        self.missing = missing  # why there are no samples (aircraft not found), repeated on every verdict
        self.regions = RegionResolver(case)
        self._views: dict[tuple[Any, ...], Observation] = {}
        self.verdicts: dict[str, Verdict] = {}
        w = case.window
        self.window = self.view(w.start, w.end, WINDOW_NAMES)

    def view(self, start: pd.Timestamp, end: pd.Timestamp, names: tuple[str, str],
             speed_kt: float | None = None) -> Observation:
        """The model's view of [start, end] (cached: its legs are split once), under a claim's speed bound."""
        key = (start, end, names, speed_kt)
        if key not in self._views:
            self._views[key] = self.base.period(start, end, names).with_speed(speed_kt, "claim")
        return self._views[key]

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

    def _period(self, claim: Claim, spec: PredicateSpec, t0: pd.Timestamp | None, t1: pd.Timestamp | None
                ) -> tuple[pd.Timestamp, pd.Timestamp, tuple[str, str]]:
        """The tested period and how sentences name its ends: the window, or the `after` / `before` moments, or
        the claim's own start / end when its spec says they narrow the period (the later start, the earlier end)."""
        w = self.case.window
        start, end = (w.start, WINDOW_NAMES[0]), (w.end, WINDOW_NAMES[1])
        if t0 is not None:
            start = (t0, f"the moment of claim {claim.after!r}")
        if t1 is not None:
            end = (t1, f"the moment of claim {claim.before!r}")
        if spec.narrows:
            cs, ce = claim.params.get("start"), claim.params.get("end")
            if cs is not None and (t0 is None or cs > t0):
                start = (cs, "the claimed start")
            if ce is not None and (t1 is None or ce < t1):
                end = (ce, "the claimed end")
        return start[0], end[0], (start[1], end[1])

    def evaluate(self, claim: Claim) -> Verdict:
        spec = PREDICATES[claim.predicate]
        tz = self.case.timezone
        t0 = self._bound(claim, "after")
        t1 = self._bound(claim, "before")
        for b in (t0, t1):
            if isinstance(b, Verdict):
                return b
        assert not isinstance(t0, Verdict) and not isinstance(t1, Verdict)
        params: dict[str, Any] = {}
        for k, v in claim.params.items():
            if isinstance(v, RegionRef):
                v = self.regions(v, claim, k)
                if k == "region" and spec.area and not v.is_area:
                    raise CaseFileError(self.case.path, f"region {v.code} is a {v.geometry.geom_type}, and "
                                        f"{claim.predicate} needs an area", line=claim.lines.get(k, claim.line),
                                        key=f"claims[{claim.index}].test.{claim.predicate}.{k}")
            params[k] = v
        border_ref = claim.params.get("border")
        if spec.sides and isinstance(border_ref, RegionRef):
            side_a, side_b = border_ref.args  # the two sides, resolved like any region (user files first)
            params["sides"] = (self.regions(RegionRef("code", (side_a,)), claim, "border"),
                               self.regions(RegionRef("code", (side_b,)), claim, "border"))
        if spec.subject == "verdicts":
            verdict = spec.function([self.verdicts[c] for c in params["claims"]], tz=tz)
        elif spec.subject == "traffic":
            verdict = spec.function(self.traffic(), **params, tz=tz, max_gap_s=self.case.settings.max_gap_s)
        else:
            start, end, names = self._period(claim, spec, t0, t1)
            if end < start:
                return _empty_period(claim, start, end, names, tz)
            if spec.narrows:
                params.pop("start", None)
                params.pop("end", None)
            obs = self.view(start, end, names, params.pop("max_speed_kt", None))
            self._check_airports(claim)
            verdict = spec.function(obs, **params, tz=tz)
        notes = list(verdict.notes)
        if t1 is not None:
            notes.insert(0, f"tested on samples up to {iso_utc(t1)} (before claim {claim.before!r})")
        if t0 is not None:
            notes.insert(0, f"tested on samples from {iso_utc(t0)} on (after claim {claim.after!r})")
        if not len(self.base):
            notes += [n for n in self.missing if n not in notes]
        if self.base.track.illustrative:
            notes.append(ILLUSTRATIVE_NOTE)
        if claim.draft:
            notes.insert(0, DRAFT_NOTE)
        return replace(verdict, claim_id=claim.id, quote=claim.quote, source=claim.source, notes=tuple(notes))

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


def _events(window: Observation, verdicts: tuple[Verdict, ...]) -> pd.DataFrame:
    """Take-offs, landings, touch-and-goes and go-arounds of the window's legs, and the crossings, closest approaches
    and first-within points of the verdicts, each with how it was observed (never read from a label)."""
    rows: list[dict[str, Any]] = []
    if len(window):
        e = window.events
        rows += e[e["kind"] != "go_around"].to_dict("records")
    for v in verdicts:
        for p in v.evidence.points:
            if p.kind in ("crossing", "closest", "first_within") and p.time:
                t = pd.Timestamp(p.time)
                rows.append({"kind": p.kind, "time": t, "earliest": t if p.observed else pd.NaT,
                             "latest": t if p.observed else pd.NaT, "lat": p.lat, "lon": p.lon,
                             "label": f"{v.claim_id}: {p.label}", "observed": p.observed,
                             "how": "" if p.observed else "inside a coverage gap"})
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for c in ("time", "earliest", "latest"):
        frame[c] = pd.to_datetime(frame[c], utc=True)
    return frame.sort_values("time", kind="stable").reset_index(drop=True)


def run(case: Case, *, allow_drafts: bool = False) -> CaseResult:
    """Decide every claim of an already validated Case (drafts refused unless `allow_drafts`, see `check`)."""
    if not allow_drafts:
        require_reviewed(case)
    loaded = _load(case.tracks, case)
    raw, notes = select_aircraft(loaded, case)
    missing = list(notes) if not len(raw) else []
    cleaned = raw.clean()  # the whole track: cleaning and the speed bound do not depend on the window
    track = cleaned.track
    removed = len(cleaned.rejected)
    if removed:
        notes.append(f"cleaning removed {removed} sample value(s) of {case.aircraft.label} in the files; each is "
                     "listed with its reason in the track's rejected table")
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

    drafts = [c.id for c in case.claims if c.draft]
    if drafts:
        notes.insert(0, f"{len(drafts)} claim(s) are unreviewed drafts (checked with --allow-drafts): {', '.join(drafts)}")
    s = case.settings
    base = observe(track, max_gap_s=s.max_gap_s, max_speed_kt=s.max_speed_kt)
    runner = _Runner(case, base, traffic, missing)
    window = runner.window
    if len(raw) and not window.in_period().any():
        note = f"the files hold {len(raw)} samples of {case.aircraft.label}, none in the case window"
        notes.append(note)
        missing.append(note)
    notes.append(f"speed bound for unobserved time: {base.speed.sentence()}")
    for claim in evaluation_order(case):
        runner.verdicts[claim.id] = runner.evaluate(claim)
    verdicts = tuple(runner.verdicts[c.id] for c in case.claims)
    regions = tuple(runner.regions.cache.values())
    return CaseResult(
        case=case,
        track=window.track,
        verdicts=verdicts,
        regions=regions,
        events=_events(window, verdicts),
        tool={"name": "tracks", "version": tracks.__version__},
        gaps=window.gaps.frame,
        legs=window.legs.summary if len(window) else pd.DataFrame(),
        notes=tuple(notes),
        observation=window,
    )
