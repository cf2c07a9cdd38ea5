"""Flight legs (take-off to landing) of one aircraft's track, read from its observation model.

The legs take the model (`tracks.observation.Observation`): its gap mask and gap table (THE gap rule of
tracks.segments), its air/ground state per sample (THE rule of tracks.airborne) and its speed bound. Nothing here
recomputes them. Each event (take-off, landing, touch-and-go, go-around) carries an interval [earliest, latest]
in which it happened (`event_interval`) and how it was observed (`Event.how`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tracks.airborne import height_above_nearby, runs
from tracks.airports import (
    APPROACH_BELOW_FT,
    GROUND_RADIUS_KM,
    Event,
    height_words,
    heights_above_ft,
    nearest_airports,
)
from tracks.altitude import height_ft
from tracks.gaps import Gaps
from tracks.geo.geodesy import GEOD
from tracks.segments import DEFAULT_MAX_GAP_S
from tracks.units import KT_PER_MS
from tracks.wording import clock, duration, km

#: Describes one event of the model's rows (Observation.describe_event: tracks.airports.describe_event, once).
Describe = Callable[..., Event]

if TYPE_CHECKING:
    from tracks.observation import Observation
    from tracks.track import Track

# -- legs ------------------------------------------------------------------------------------------------------

#: A ground run at least this fast throughout and at most this long is a touch-and-go, not a full stop.
TOUCH_AND_GO_MAX_S = 90.0
TOUCH_AND_GO_MIN_KT = 40.0
#: An airborne-to-airborne gap splits a leg when at least this long with both ends low (or readsb says so).
SPLIT_GAP_S = 1800.0
LOW_HEIGHT_FT = 10_000.0
#: Go-around: lowest point at most this high above an airport within this distance, then a climb of at least.
GO_AROUND_HEIGHT_FT = 1_000.0
GO_AROUND_RADIUS_KM = 8.0
GO_AROUND_CLIMB_FT = 800.0
#: A landing inferred from a final approach where the data ends (a take-off from an initial climb where it starts)
#: is bounded in time assuming the remaining distance to the airport is flown at no less than this fraction of
#: the last (first) observed ground speed; without a ground speed that end of its interval stays open.
APPROACH_SPEED_FRACTION = 0.5
#: Assumed descent/climb rate and minimum turnaround (s) when asking whether a gap could hide a landing.
HIDDEN_RATE_FPM = 3_000.0
HIDDEN_TURNAROUND_S = 600.0

LEG_SUMMARY_COLUMNS: tuple[str, ...] = (
    "leg_id", "start_index", "end_index", "start_time", "end_time", "callsign",
    "takeoff_airport", "takeoff_observed", "takeoff_evidence", "takeoff_time", "takeoff",
    "landing_airport", "landing_observed", "landing_evidence", "landing_time", "landing",
    "touch_and_goes", "go_arounds", "flags",
    "takeoff_earliest", "takeoff_latest", "landing_earliest", "landing_latest",
)


@dataclass(frozen=True)
class Leg:
    """One flight: samples start_index..end_index (inclusive, rows of the track), take-off and landing events.

    `flags` are short machine-readable facts: "takeoff_not_observed", "landing_not_observed",
    "starts_with_track", "ends_with_track", "split_at_gap", "touch_and_go", "go_around",
    "landing_may_hide_in_gap". `notes` say the same for people. `gap_ids` are the coverage gaps inside the leg.
    """

    leg_id: str
    start_index: int
    end_index: int
    start_time: pd.Timestamp
    end_time: pd.Timestamp
    takeoff: Event
    landing: Event
    touch_and_goes: tuple[Event, ...] = ()
    go_arounds: tuple[Event, ...] = ()
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    gap_ids: tuple[str, ...] = ()
    callsign: str = ""

    @property
    def duration(self) -> pd.Timedelta:
        return self.end_time - self.start_time

    def sentence(self) -> str:
        """'took off from SVMI 23:12Z; landed at SVSE 01:09Z' and any touch-and-go / go-around."""
        parts = [self.takeoff.sentence] + [e.sentence for e in self.touch_and_goes + self.go_arounds]
        return "; ".join([*parts, self.landing.sentence])


class Legs:
    """The legs of a track: a list of `Leg`, a `summary` table, and where the split disagrees with the
    exporter's own new-leg flags (`flag_disagreements`: index, time, kind, note)."""

    def __init__(self, legs: list[Leg], track: Track, gaps: Gaps, flag_disagreements: pd.DataFrame,
                 notes: tuple[str, ...] = ()) -> None:
        self.legs = legs
        self._track = track
        self.gaps = gaps
        self.flag_disagreements = flag_disagreements
        self.notes = notes
        self.summary = _summary(legs)

    def __len__(self) -> int:
        return len(self.legs)

    def __iter__(self) -> Iterator[Leg]:
        return iter(self.legs)

    def __getitem__(self, i: int) -> Leg:
        return self.legs[i]

    def __repr__(self) -> str:
        lines = [f"<Legs: {len(self)}>"] + [f"  {leg.leg_id}: {leg.sentence()}" for leg in self.legs]
        return "\n".join(lines)

    def track(self, i: int) -> Track:
        """The samples of leg `i` (0-based) as a Track."""
        leg = self.legs[i]
        return self._track.filter(self._track.data.index.to_series().between(leg.start_index, leg.end_index))


def _summary(legs: list[Leg]) -> pd.DataFrame:
    rows = [
        {
            "leg_id": g.leg_id, "start_index": g.start_index, "end_index": g.end_index,
            "start_time": g.start_time, "end_time": g.end_time, "callsign": g.callsign,
            "takeoff_airport": g.takeoff.airport, "takeoff_observed": g.takeoff.observed,
            "takeoff_evidence": g.takeoff.evidence, "takeoff_time": g.takeoff.time, "takeoff": g.takeoff.sentence,
            "landing_airport": g.landing.airport, "landing_observed": g.landing.observed,
            "landing_evidence": g.landing.evidence, "landing_time": g.landing.time, "landing": g.landing.sentence,
            "touch_and_goes": len(g.touch_and_goes), "go_arounds": len(g.go_arounds),
            "flags": ",".join(g.flags),
            "takeoff_earliest": g.takeoff.earliest, "takeoff_latest": g.takeoff.latest,
            "landing_earliest": g.landing.earliest, "landing_latest": g.landing.latest,
        }
        for g in legs
    ]
    frame = pd.DataFrame(rows, columns=list(LEG_SUMMARY_COLUMNS))
    for c in ("start_time", "end_time", "takeoff_time", "landing_time", "takeoff_earliest", "takeoff_latest",
              "landing_earliest", "landing_latest"):
        frame[c] = pd.to_datetime(frame[c], utc=True)
    return frame


@dataclass(frozen=True)
class _Connector:
    """What separates two flights: a full stop on the ground, a touch-and-go, or a splitting gap."""

    kind: str  # "stop", "touch_and_go", "gap"
    first: int  # ground run first..last, or the gap segment (first = last = i: samples i, i+1)
    last: int


def split_legs(
    obs: Observation | Track,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    split_gap_s: float = SPLIT_GAP_S,
    low_height_ft: float = LOW_HEIGHT_FT,
    touch_and_go_max_s: float = TOUCH_AND_GO_MAX_S,
    use_leg_flags: bool = True,
    max_speed_kt: float | None = None,
    **event_options: float,
) -> Legs:
    """Split a track into legs (flights) with take-off, landing, touch-and-go and go-around events.

    `obs` is the track's observation model (tracks.observation; a Track is observed first, with `max_gap_s`
    and `max_speed_kt`): its gaps, speed bound and air/ground state per sample are used as they are.
    - A ground run between two airborne runs is a touch-and-go (same leg) when it lasts at most
      `touch_and_go_max_s` without dropping below TOUCH_AND_GO_MIN_KT and without a coverage gap; else a
      full stop (new leg), split where the exporter flags a new leg or at the longest pause on the ground.
    - An airborne-to-airborne gap splits the leg when the sample after it carries the exporter's new-leg
      flag (`use_leg_flags`), or when it lasts at least `split_gap_s` with both ends below `low_height_ft`
      above the nearest airport. Unsplit gaps long enough to hide a landing are flagged.
    - A go-around (low approach, then a climb, no ground contact) stays in its leg and is reported.
    Events are worded by `tracks.airports.describe_event`; `event_options` are passed to it (radii, heights).
    """
    from tracks.observation import as_observation

    obs = as_observation(obs, max_gap_s=max_gap_s, max_speed_kt=max_speed_kt)
    track = obs.track
    frame = track.data
    n = len(frame)
    gaps = obs.gaps
    if n == 0:
        return Legs([], track, gaps, _empty_disagreements(), ("the track is empty",))
    notes: list[str] = list(obs.ground.notes)
    tsec = obs.t
    gapseg = obs.gap
    gap_at = dict(zip(gaps.frame["start_index"].tolist(), gaps.frame["gap_id"].tolist(), strict=True))
    alt = height_ft(frame)
    gs = frame["gs_kt"].to_numpy(float)
    flags_new = frame["new_leg"].to_numpy(bool)
    times = frame["time"]
    with_date = times.iloc[0].date() != times.iloc[-1].date()
    ground = obs.on_ground

    air_runs = [(a, b) for a, b, g in runs(ground) if not g]
    if not air_runs:
        _note_missing_flights(frame, ground, gapseg, gap_at, notes, with_date)
        notes.append("on the ground throughout: no flight observed")
        return Legs([], track, gaps, _disagreements(frame, [], [], use_leg_flags), tuple(notes))

    # 1. flights = airborne runs cut at splitting gaps; connectors between consecutive flights
    flights: list[tuple[int, int]] = []
    connectors: list[_Connector] = []
    for k, (a, b) in enumerate(air_runs):
        if k > 0:
            g0, g1 = air_runs[k - 1][1] + 1, a - 1
            kind = "touch_and_go" if _is_touch_and_go(g0, g1, tsec, gs, gapseg, flags_new,
                                                      touch_and_go_max_s, use_leg_flags) else "stop"
            connectors.append(_Connector(kind, g0, g1))
        start = a
        for i in np.flatnonzero(gapseg[a:b]) + a:
            if _gap_splits(frame, int(i), tsec, flags_new, split_gap_s, low_height_ft, use_leg_flags):
                flights.append((start, int(i)))
                connectors.append(_Connector("gap", int(i), int(i)))
                start = int(i) + 1
        flights.append((start, b))

    # 2. legs = flights joined by touch-and-goes
    groups: list[list[int]] = [[0]]
    for k, c in enumerate(connectors):
        if c.kind == "touch_and_go":
            groups[-1].append(k + 1)
        else:
            groups.append([k + 1])
    bounds = [_boundary(c, frame, tsec, flags_new) for c in connectors if c.kind != "touch_and_go"]
    starts = [0, *bounds]
    ends = [b - 1 for b in bounds] + [n - 1]

    opts = dict(event_options)
    legs: list[Leg] = []
    gf = gaps.frame
    g_start = gf["start_index"].to_numpy(np.int64)
    g_end = gf["end_index"].to_numpy(np.int64)
    g_ids = gf["gap_id"].to_numpy(object)
    calls = _callsign_codes(frame)
    arounds = _go_arounds(frame, flights, alt, tsec, with_date)
    for j, members in enumerate(groups):
        fa = flights[members[0]][0]
        la = flights[members[-1]][1]
        before = connectors[members[0] - 1] if members[0] > 0 else None
        after = connectors[members[-1]] if members[-1] < len(connectors) else None
        takeoff = _timed(frame, _event("takeoff", frame, fa, before, ground, gapseg, gap_at, tsec, with_date, opts,
                                       obs.describe_event))
        landing = _timed(frame, _event("landing", frame, la, after, ground, gapseg, gap_at, tsec, with_date, opts,
                                       obs.describe_event))
        tgs = tuple(
            _timed(frame, _touch_and_go(frame, connectors[m - 1], gapseg, gap_at, with_date, opts, obs.describe_event))
            for m in members[1:]
        )
        gas = tuple(_timed(frame, e) for m in members for e in arounds.get(m, ()))
        leg_flags: list[str] = []
        leg_notes: list[str] = []
        if not takeoff.observed:
            leg_flags.append("takeoff_not_observed")
        if not landing.observed:
            leg_flags.append("landing_not_observed")
        if fa == 0:
            leg_flags.append("starts_with_track")
        if la == n - 1:
            leg_flags.append("ends_with_track")
        if (before is not None and before.kind == "gap") or (after is not None and after.kind == "gap"):
            leg_flags.append("split_at_gap")
        if tgs:
            leg_flags.append("touch_and_go")
        if gas:
            leg_flags.append("go_around")
        s0, s1 = starts[j], ends[j]
        hidden = _hidden_landings(frame, gaps, fa, la)
        if hidden:
            leg_flags.append("landing_may_hide_in_gap")
            leg_notes.extend(hidden)
        inside = g_ids[(g_start >= s0) & (g_end <= s1)]
        callsign = calls(s0, s1 + 1)
        legs.append(Leg(
            leg_id=f"leg-{j + 1}", start_index=s0, end_index=s1,
            start_time=times.iloc[s0], end_time=times.iloc[s1],
            takeoff=takeoff, landing=landing, touch_and_goes=tgs, go_arounds=gas,
            flags=tuple(leg_flags), notes=tuple(leg_notes), gap_ids=tuple(str(g) for g in inside), callsign=callsign,
        ))
    _note_missing_flights(frame, ground, gapseg, gap_at, notes, with_date)
    stops = [c for c in connectors if c.kind != "touch_and_go"]
    disagreements = _disagreements(frame, stops, bounds, use_leg_flags)
    if use_leg_flags and not flags_new.any():
        notes.append("the export carries no new-leg flags to compare the split with")
    return Legs(legs, track, gaps, disagreements, tuple(notes))


def _is_touch_and_go(g0: int, g1: int, tsec: np.ndarray, gs: np.ndarray, gapseg: np.ndarray,
                     flags_new: np.ndarray, max_s: float, use_leg_flags: bool) -> bool:
    """Ground run g0..g1 between two airborne runs: a touch-and-go when short, fast and fully observed."""
    if gapseg[g0 - 1: g1 + 1].any():
        return False
    if use_leg_flags and flags_new[g0: g1 + 2].any():
        return False
    if tsec[g1 + 1] - tsec[g0 - 1] > max_s:
        return False
    speeds = gs[g0: g1 + 1]
    speeds = speeds[np.isfinite(speeds)]
    return bool(len(speeds)) and bool(speeds.min() >= TOUCH_AND_GO_MIN_KT)


def _gap_splits(frame: pd.DataFrame, i: int, tsec: np.ndarray, flags_new: np.ndarray,
                split_gap_s: float, low_height_ft: float, use_leg_flags: bool) -> bool:
    """Whether the airborne gap on segment i (samples i, i+1) separates two legs."""
    if use_leg_flags and flags_new[i + 1]:
        return True
    if tsec[i + 1] - tsec[i] < split_gap_s:
        return False
    h1 = height_above_nearby(frame, i)
    h2 = height_above_nearby(frame, i + 1)
    return bool(np.isfinite(h1) and np.isfinite(h2) and h1 < low_height_ft and h2 < low_height_ft)


def _boundary(c: _Connector, frame: pd.DataFrame, tsec: np.ndarray, flags_new: np.ndarray) -> int:
    """Index of the first sample of the next leg."""
    if c.kind == "gap":
        return c.last + 1
    flagged = np.flatnonzero(flags_new[c.first: c.last + 2]) + c.first
    if len(flagged):
        return int(flagged[0])
    if c.last == c.first:
        return c.last + 1  # a single ground sample stays with the landing
    pause = np.diff(tsec[c.first: c.last + 1])
    return int(c.first + np.argmax(pause) + 1)


def _gap_label(gap_at: dict[int, str], i: int, tsec: np.ndarray) -> tuple[str, str]:
    gid = gap_at.get(i, "")
    dur = duration(float(tsec[i + 1] - tsec[i]))
    return gid, f"inside a gap of {dur} ({gid})" if gid else f"inside a gap of {dur}"


def approach_seconds(frame: pd.DataFrame, e: Event) -> float | None:
    """For a landing inferred from a final approach (a take-off from an initial climb): the longest time (s) to
    cover the distance from that sample to the airport at `APPROACH_SPEED_FRACTION` of its ground speed; None
    for other evidence, without a known ground speed or distance."""
    if e.evidence not in ("final_approach", "initial_climb") or not 0 <= e.index < len(frame):
        return None
    gs = float(frame["gs_kt"].iloc[e.index])
    if not (np.isfinite(gs) and gs > 0 and np.isfinite(e.distance_km)):
        return None
    return float(e.distance_km) / (APPROACH_SPEED_FRACTION * gs / KT_PER_MS / 1000.0)


def event_interval(frame: pd.DataFrame, e: Event) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[earliest, latest] time the event can have happened (NaT: open on that side).

    A landing (touch-and-go) happened between its last airborne and its first ground sample, a take-off between
    its last ground and its first airborne sample: observed or not, it is an interval, not the instant of either
    sample. A landing seen only on final approach where the data ends is over at the latest after the remaining
    distance to the airport at `APPROACH_SPEED_FRACTION` of the last ground speed (`approach_seconds`); a take-off
    seen only from the initial climb where the data starts, likewise before it. A go-around is the instant of its
    lowest sample."""
    if e.kind == "go_around":
        return e.time, e.time
    t = frame["time"]
    n = len(t)
    i = e.index
    landing = e.kind in ("landing", "touch_and_go")

    def at(k: int) -> pd.Timestamp:
        return t.iloc[k] if 0 <= k < n else pd.NaT

    if e.evidence == "ground":  # index = the ground sample next to the moment
        return (at(i - 1), at(i)) if landing else (at(i), at(i + 1))
    lo, hi = (at(i), at(i + 1)) if landing else (at(i - 1), at(i))  # index = the airborne sample
    s = approach_seconds(frame, e)
    if landing and pd.isna(hi) and s is not None:
        hi = at(i) + pd.Timedelta(seconds=s)
    if not landing and pd.isna(lo) and s is not None:
        lo = at(i) - pd.Timedelta(seconds=s)
    return lo, hi


def _timed(frame: pd.DataFrame, e: Event) -> Event:
    lo, hi = event_interval(frame, e)
    return replace(e, earliest=lo, latest=hi)


#: Columns of `event_rows` (and of CaseResult.events): what the map and the report show of each event.
EVENT_ROW_COLUMNS = ("kind", "time", "earliest", "latest", "lat", "lon", "label", "observed", "how")


def event_rows(legs: Legs) -> pd.DataFrame:
    """Every take-off, landing, touch-and-go and go-around of the legs, one row each (EVENT_ROW_COLUMNS)."""
    rows = [{"kind": e.kind, "time": e.time, "earliest": e.earliest, "latest": e.latest, "lat": e.lat, "lon": e.lon,
             "label": e.sentence, "observed": bool(e.observed), "how": e.how}
            for leg in legs for e in (leg.takeoff, leg.landing, *leg.touch_and_goes, *leg.go_arounds)]
    frame = pd.DataFrame(rows, columns=list(EVENT_ROW_COLUMNS))
    for c in ("time", "earliest", "latest"):
        frame[c] = pd.to_datetime(frame[c], utc=True)
    return frame


def _event(kind: str, frame: pd.DataFrame, air: int, conn: _Connector | None, ground: np.ndarray,
           gapseg: np.ndarray, gap_at: dict[int, str], tsec: np.ndarray, with_date: bool,
           opts: dict[str, Any], describe: Describe) -> Event:
    """Take-off before airborne sample `air` (kind "takeoff") or landing after it ("landing")."""
    n = len(frame)
    takeoff = kind == "takeoff"
    other = air - 1 if takeoff else air + 1
    seg = air - 1 if takeoff else air  # the segment between `air` and `other`
    if other < 0 or other >= n:
        boundary = "the start of the track" if takeoff else "the end of the track"
        return describe(kind, air, None, False, with_date=with_date, boundary=boundary, **opts)
    gid, label = _gap_label(gap_at, seg, tsec) if gapseg[seg] else ("", "")
    if ground[other]:
        e = describe(kind, air, other, not gapseg[seg], with_date=with_date,
                           boundary=label, **opts)
    else:  # split at an airborne gap
        e = describe(kind, air, None, False, with_date=with_date, boundary=label, **opts)
    return replace(e, gap_id=gid) if gid else e


def _touch_and_go(frame: pd.DataFrame, c: _Connector, gapseg: np.ndarray, gap_at: dict[int, str],
                  with_date: bool, opts: dict[str, Any], describe: Describe) -> Event:
    return describe("touch_and_go", c.first - 1, c.first, not gapseg[c.first - 1],
                          with_date=with_date, **opts)


def _go_arounds(frame: pd.DataFrame, flights: list[tuple[int, int]], alt: np.ndarray, tsec: np.ndarray,
                with_date: bool) -> dict[int, tuple[Event, ...]]:
    """Low points near an airport followed by a climb, without touching the ground: the go-arounds of each flight
    (keyed by its position in `flights`). The rolling minimum and maxima are taken within each flight; all the
    flights go through them in one pass, laid end to end on a time axis that keeps them an hour apart."""
    keep = [(f, a, b) for f, (a, b) in enumerate(flights) if b - a >= 2]
    if not keep:
        return {}
    sizes = [b - a + 1 for _, a, b in keep]
    rows = np.concatenate([np.arange(a, b + 1) for _, a, b in keep])
    which = np.repeat([f for f, _, _ in keep], sizes)
    ns = frame["time"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    first = np.array([ns[a] for _, a, _ in keep], dtype=np.int64)
    slot = max(int(ns[b] - ns[a]) for _, a, b in keep) + 3_600 * 10**9
    axis = ns[rows] - np.repeat(first, sizes) + np.repeat(np.arange(len(keep), dtype=np.int64) * slot, sizes)
    v = alt[rows]
    seg = pd.Series(v, index=pd.to_datetime(axis, unit="ns"))
    lowest = seg.rolling("300s", center=True, min_periods=1).min().to_numpy()
    earlier_max = seg.rolling("600s", min_periods=1).max().to_numpy()
    rev = pd.Series(v[::-1], index=pd.to_datetime(-axis[::-1], unit="ns"))
    later_max = rev.rolling("600s", min_periods=1).max().to_numpy()[::-1]
    cand = np.flatnonzero((v == lowest) & np.isfinite(v) & (v < 15_000.0)
                          & (earlier_max >= v + GO_AROUND_CLIMB_FT) & (later_max >= v + GO_AROUND_CLIMB_FT))
    ends = {a for _, a, _ in keep} | {b for _, _, b in keep}
    out: dict[int, list[Event]] = {}
    last_t, last_f = -np.inf, -1
    for c in cand:
        i, f = int(rows[c]), int(which[c])
        if f != last_f:
            last_t, last_f = -np.inf, f
        if i in ends or tsec[i] - last_t < 300.0:
            continue
        lat, lon = float(frame["lat"].iloc[i]), float(frame["lon"].iloc[i])
        near = nearest_airports(lat, lon, GO_AROUND_RADIUS_KM)
        if not len(near):
            continue
        height, basis = heights_above_ft(frame, np.full(len(near), i), near["elevation_ft"].to_numpy(float))
        ok = (height <= GO_AROUND_HEIGHT_FT) & (height >= -APPROACH_BELOW_FT)
        if not ok.any():
            continue
        k = int(np.flatnonzero(ok)[0])
        r = near.iloc[k]
        h = float(height[k])
        last_t = tsec[i]
        sentence = (f"go-around at {r['icao']} {clock(frame['time'].iloc[i], with_date)} (lowest point "
                    f"{height_words(h, str(basis[k]))}, {km(float(r['distance_km']))} out; no ground contact)")
        out.setdefault(f, []).append(Event(
            "go_around", True, frame["time"].iloc[i], lat, lon, float(alt[i]), str(r["icao"]), str(r["name"]),
            float(r["distance_km"]), h, (), sentence, "airborne", frame["time"].iloc[i - 1], i, "", str(r["icao"]),
            str(basis[k])))
    return {f: tuple(e) for f, e in out.items()}


def _hidden_landings(frame: pd.DataFrame, gaps: Gaps, fa: int, la: int) -> list[str]:
    """Unsplit airborne gaps in fa..la long enough to descend, land, turn around and climb back unseen."""
    f = gaps.frame
    s_i, e_i = f["start_index"].to_numpy(np.int64), f["end_index"].to_numpy(np.int64)
    dur = f["duration_s"].to_numpy(float)
    out = []
    for r in np.flatnonzero((s_i >= fa) & (e_i <= la) & (dur >= HIDDEN_TURNAROUND_S)):
        i, j = int(s_i[r]), int(e_i[r])
        h1 = height_above_nearby(frame, i)
        h2 = height_above_nearby(frame, j)
        if not (np.isfinite(h1) and np.isfinite(h2)):
            continue
        need = (max(h1, 0) + max(h2, 0)) / HIDDEN_RATE_FPM * 60.0 + HIDDEN_TURNAROUND_S
        need += float(f["distance_km"].iat[r]) * 1000.0 / (float(f["max_speed_kt"].iat[r]) / KT_PER_MS)
        if dur[r] >= need:
            out.append(f"{f['gap_id'].iat[r]} ({duration(dur[r])}) is long enough to land and take off again "
                       f"unseen (would need {duration(need)})")
    return out


def _note_missing_flights(frame: pd.DataFrame, ground: np.ndarray, gapseg: np.ndarray, gap_at: dict[int, str],
                          notes: list[str], with_date: bool) -> None:
    """A gap between two ground samples far apart hides at least one whole flight."""
    idx = np.flatnonzero(gapseg & ground[:-1] & ground[1:])
    if not len(idx):
        return
    lat, lon = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    _, _, d = GEOD.inv(lon[idx], lat[idx], lon[idx + 1], lat[idx + 1])
    t = frame["time"]
    for i, dist in zip(idx, np.asarray(d) / 1000.0, strict=True):
        if dist > 2 * GROUND_RADIUS_KM:
            notes.append(f"on the ground at {clock(t.iloc[i], with_date)} and {km(dist)} away on the ground "
                         f"at {clock(t.iloc[i + 1], with_date)} ({gap_at.get(int(i), 'gap')}): "
                         "at least one flight is missing from the data")


def _empty_disagreements() -> pd.DataFrame:
    return pd.DataFrame({"index": pd.Series([], dtype="int64"), "time": pd.Series([], dtype="datetime64[ns, UTC]"),
                         "kind": pd.Series([], dtype=object), "note": pd.Series([], dtype=object)})


def _disagreements(frame: pd.DataFrame, stops: list[_Connector], bounds: list[int],
                   use_leg_flags: bool) -> pd.DataFrame:
    """Where our leg boundaries and the exporter's new-leg flags differ (only when the export has flags)."""
    flags = np.flatnonzero(frame["new_leg"].to_numpy(bool))
    flags = flags[flags > 0]
    if not len(np.flatnonzero(frame["new_leg"].to_numpy(bool))):
        return _empty_disagreements()
    rows = []
    covered: set[int] = set()
    for c, b in zip(stops, bounds, strict=True):
        window = set(range(c.first, c.last + 2)) if c.kind == "stop" else {c.last + 1}
        hit = [int(f) for f in flags if int(f) in window]
        covered.update(hit)
        if not hit:
            why = "a full stop on the ground" if c.kind == "stop" else "a long gap between low samples"
            rows.append((b, "split_without_flag", f"split here after {why}; the export marks no new leg"))
    t = frame["time"]
    for f in flags:
        if int(f) not in covered:
            note = "the export marks a new leg here; " + (
                "ignored: leg flags not used" if not use_leg_flags else "no landing or splitting gap found here")
            rows.append((int(f), "flag_without_split", note))
    if not rows:
        return _empty_disagreements()
    rows.sort()
    out = pd.DataFrame(rows, columns=["index", "kind", "note"])
    out.insert(1, "time", t.iloc[out["index"]].to_numpy())
    out["time"] = pd.to_datetime(out["time"], utc=True)
    return out


def _callsign_codes(frame: pd.DataFrame) -> Callable[[int, int], str]:
    """The most frequent non-empty callsign of rows a..b-1 ("" when none; a tie goes to the one seen first there),
    from codes made once for the whole track."""
    codes, names = pd.factorize(frame["callsign"], use_na_sentinel=True)
    names = np.asarray(names, dtype=object)
    empty = np.flatnonzero(names == "")
    codes = np.where(np.isin(codes, empty), -1, codes)

    def mode(a: int, b: int) -> str:
        c = codes[a:b]
        c = c[c >= 0]
        if not len(c):
            return ""
        counts = np.bincount(c)
        best = np.flatnonzero(counts == counts.max())
        if len(best) > 1:  # a tie: the one seen first in these rows
            best = best[np.argsort([np.argmax(c == b) for b in best], kind="stable")]
        return str(names[int(best[0])])

    return mode
