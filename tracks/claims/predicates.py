"""Predicates: one function per kind of claim, each over a Track (a Traffic for traffic_count) -> Verdict.

Every predicate follows the same rule (docs/method.md): observed samples decide a claim when they can; when
the answer depends on what happened inside a coverage gap (its reachability ellipse, or the time it leaves
for an unseen landing, can reach the place) the claim is NOT_VERIFIABLE and the verdict names the gap; when
no gap can matter, the data decides. Verdicts carry `measured` values (km, seconds, ISO 8601 UTC times),
`evidence` and one quotable `sentence` with times in UTC and in the case's zone (`tz`).

The functions take the same keyword parameters as the case file (docs/case-format.md) plus:
`tz` (IANA zone for sentences), `gaps` / `legs` (precomputed `tracks.legs` results for this track; computed
when omitted). Region predicates live in `tracks.claims.spatial`; all are listed in `PREDICATES`.
Moments: a predicate whose claim is an event puts its time in `measured["time"]` and, when that time is not
observed exactly, the bounds in `measured["time_earliest"]` / `measured["time_latest"]` (used by `after`
and `sequence`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from tracks.airports import Event
from tracks.claims import evidence as ev
from tracks.claims.evidence import Place
from tracks.claims.spatial import (
    SPATIAL_PREDICATES,
    absent,
    approached,
    crossed,
    crossing_time_within,
    entered,
    never_entered,
    present,
    stayed_outside,
    time_inside,
    traffic_count,
)
from tracks.claims.verdict import (
    CONTRADICTED,
    NOT_VERIFIABLE,
    SUPPORTED,
    GapRef,
    GeoPoint,
    Sample,
    Verdict,
    iso_utc,
)
from tracks.legs import HIDDEN_RATE_FPM, HIDDEN_TURNAROUND_S, KT_PER_MS, Gaps, Legs, find_gaps, split_legs
from tracks.track import Track
from tracks.wording import duration, km, when

#: Evidence kinds (tracks.airports.describe_event) that place an event at an airport.
STRONG_EVIDENCE = ("ground", "final_approach", "initial_climb")
#: A landing inferred from a final approach at the end of the data (or a take-off from an initial climb at its
#: start) is bounded in time by assuming the aircraft covered the remaining distance to the airport at no less
#: than this fraction of its last (first) observed ground speed. Without a ground speed the bound stays open.
APPROACH_SPEED_FRACTION = 0.5


# -- shared helpers --------------------------------------------------------------------------------------------


def _gaps(track: Track, gaps: Gaps | None, max_speed_kt: float | None = None) -> Gaps:
    if gaps is not None and (max_speed_kt is None or gaps.max_speed_kt == max_speed_kt):
        return gaps
    return find_gaps(track, max_gap_s=gaps.max_gap_s if gaps is not None else 60.0, max_speed_kt=max_speed_kt)


def _legs(track: Track, legs: Legs | None, gaps: Gaps | None) -> Legs:
    if legs is not None:
        return legs
    return split_legs(track, max_gap_s=gaps.max_gap_s if gaps is not None else 60.0)


def _times(track: Track) -> pd.Series:
    return track.data["time"]


def event_bounds(track: Track, e: Event) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Earliest and latest time the event can have happened (equal when observed; NaT = open).

    A landing seen only on final approach where the data ends is over at the latest after the remaining
    distance to the airport at `APPROACH_SPEED_FRACTION` of the last ground speed (`approach_seconds`); a
    take-off seen only from the initial climb where the data starts, likewise before it."""
    t = _times(track)
    n = len(t)
    i = e.index
    if e.observed:
        return e.time, e.time
    landing = e.kind in ("landing", "touch_and_go")

    def at(k: int) -> pd.Timestamp:
        return t.iloc[k] if 0 <= k < n else pd.NaT

    if e.evidence == "ground":  # index = the ground sample next to the unseen moment
        return (at(i - 1), at(i)) if landing else (at(i), at(i + 1))
    lo, hi = (at(i), at(i + 1)) if landing else (at(i - 1), at(i))  # index = the airborne sample
    s = approach_seconds(track, e)
    if landing and pd.isna(hi) and s is not None:
        hi = at(i) + pd.Timedelta(seconds=s)
    if not landing and pd.isna(lo) and s is not None:
        lo = at(i) - pd.Timedelta(seconds=s)
    return lo, hi


def approach_seconds(track: Track, e: Event) -> float | None:
    """For a landing inferred from a final approach (a take-off from an initial climb): the longest time (s) to
    cover the distance from that sample to the airport at `APPROACH_SPEED_FRACTION` of its ground speed; None
    for other evidence, without a known ground speed or distance."""
    if e.evidence not in ("final_approach", "initial_climb") or not 0 <= e.index < len(track):
        return None
    gs = float(track.data["gs_kt"].iloc[e.index])
    if not (np.isfinite(gs) and gs > 0 and np.isfinite(e.distance_km)):
        return None
    return float(e.distance_km) / (APPROACH_SPEED_FRACTION * gs * ev.KT_TO_KM_S)


def _inferred_note(track: Track, e: Event) -> list[str]:
    """'landing inferred from final approach at 2.1 km from RJTT, 0 ft, 122 kt; ...' (nothing for other evidence)."""
    if e.evidence not in ("final_approach", "initial_climb") or not 0 <= e.index < len(track):
        return []
    r = track.data.iloc[e.index]
    alt = e.alt_ft if np.isfinite(e.alt_ft) else np.nan
    gs = float(r["gs_kt"])
    what = ("landing inferred from final approach" if e.evidence == "final_approach"
            else "take-off inferred from initial climb")
    parts = [f"{km(e.distance_km)} from {e.airport}"]
    if np.isfinite(alt):
        parts.append(f"{alt:,.0f} ft")
    if np.isfinite(gs):
        parts.append(f"{gs:.0f} kt")
    s = approach_seconds(track, e)
    moment = "touchdown" if e.evidence == "final_approach" else "lift-off"
    bound = (f"; {moment} not observed, assumed within {duration(s)} of that sample (the distance at no less "
             f"than {APPROACH_SPEED_FRACTION:.0%} of that ground speed)" if s is not None else
             f"; {moment} not observed, and without a ground speed its time is open")
    return [f"{what} at {', '.join(parts)}{bound}"]


def _moment(measured: dict[str, Any], time: pd.Timestamp, lo: pd.Timestamp, hi: pd.Timestamp) -> None:
    measured["time"] = iso_utc(time)
    if not (lo == hi == time):
        measured["time_earliest"] = iso_utc(lo)
        measured["time_latest"] = iso_utc(hi)


def moment(v: Verdict) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(earliest, latest) of a verdict's moment; None when it has none. NaT bounds mean open."""
    m = v.measured
    if not m.get("time"):
        return None
    t = pd.Timestamp(m["time"])
    lo = pd.Timestamp(m["time_earliest"]) if m.get("time_earliest") else (pd.NaT if "time_earliest" in m else t)
    hi = pd.Timestamp(m["time_latest"]) if m.get("time_latest") else (pd.NaT if "time_latest" in m else t)
    return lo, hi


def _stop_possible_in_gaps(gaps: Gaps, place: Place, *, overlapping: tuple[pd.Timestamp, pd.Timestamp] | None = None
                           ) -> list[GapRef]:
    """Gaps long enough to fly to the place, land, turn around and fly on, unseen (any of its targets).

    Needs: the distance via the place at the gap's speed bound, plus the descent from and climb back to the
    gap's end altitudes at HIDDEN_RATE_FPM, plus HIDDEN_TURNAROUND_S on the ground.
    """
    f = gaps.frame
    if overlapping is not None:
        f = f[(f["end_time"] >= overlapping[0]) & (f["start_time"] <= overlapping[1])]
    f = f[f["duration_s"] >= HIDDEN_TURNAROUND_S]
    out = []
    for _, r in f.iterrows():  # a handful of long gaps at most
        v_km_s = float(r["max_speed_kt"]) / KT_PER_MS / 1000.0
        d_in = place.distances_km(float(r["start_lat"]), float(r["start_lon"]))
        d_out = place.distances_km(float(r["end_lat"]), float(r["end_lon"]))
        elev = np.asarray(place.elevations_ft)
        h = np.nan_to_num(np.maximum(float(r["start_alt_ft"]) - elev, 0.0)) + np.nan_to_num(
            np.maximum(float(r["end_alt_ft"]) - elev, 0.0))
        need = np.maximum(d_in + d_out - 2 * place.within_km, 0.0) / v_km_s + h / HIDDEN_RATE_FPM * 60.0
        if (need + HIDDEN_TURNAROUND_S <= float(r["duration_s"])).any():
            out.append(ev.gap_ref(r, reaches=True))
    return out


def _event_samples(track: Track, e: Event, role: str) -> list[Sample]:
    """The two samples on either side of an event (ground and airborne), as evidence."""
    n = len(track)
    landing = e.kind in ("landing", "touch_and_go")
    if e.evidence == "ground":
        pair = (e.index - 1, e.index) if landing else (e.index, e.index + 1)
    else:
        pair = (e.index, e.index + 1) if landing else (e.index - 1, e.index)
    ground = track.data["on_ground"]
    return [ev.sample(track, k, f"{role}: {'on the ground' if ev.is_true(ground.iloc[k]) else 'airborne'}")
            for k in pair if 0 <= k < n]


def _classify(events: Iterable[Event], place: Place) -> tuple[list[tuple[Event, int, float]], list[Event], list[Event]]:
    """(matches with target index and distance, events placed elsewhere, events without a place)."""
    matches, elsewhere, unknown = [], [], []
    for e in events:
        if e.evidence not in STRONG_EVIDENCE or not np.isfinite(e.lat):
            unknown.append(e)
            continue
        k, d = place.nearest(e.lat, e.lon)
        if e.airport and e.airport in place.codes:
            k = place.codes.index(e.airport)
            d = float(place.distances_km(e.lat, e.lon)[k])
        if (e.airport and e.airport in place.codes) or d <= place.within_km:
            matches.append((e, k, d))
        else:
            elsewhere.append(e)
    return matches, elsewhere, unknown


_VERB = {"takeoff": ("took off from", "take-off"), "landing": ("landed at", "landing")}


def _place_edges(track: Track, start: pd.Timestamp | None, end: pd.Timestamp | None, place: Place | None,
                 max_speed_kt: float, names: tuple[str, str] = ev.PERIOD_NAMES) -> list[GapRef]:
    """The unobserved edges of [start, end] (before the first / after the last sample), each with whether the
    aircraft, flying no faster than `max_speed_kt`, could have got from that sample to within the place's
    `within_km` of one of its targets (anywhere, without a place) in that time: a geodesic disc."""
    out = []
    frame = track.data
    for e in ev.edges(track, start, end):
        reach = ev.edge_reach_km(e, max_speed_kt)
        ok = True
        if place is not None:
            d = place.nearest(float(frame["lat"].iloc[e.index]), float(frame["lon"].iloc[e.index]))[1]
            ok = d - place.within_km <= reach
        out.append(ev.edge_ref(track, e, reach, bool(ok), names))
    return out


def _event_claim(predicate: str, kind: str, track: Track, place: Place, legs: Legs, gaps: Gaps, tz: str,
                 start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                 names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    verb, noun = _VERB[kind]
    who = ev.name(track)
    if not len(track):
        return ev.verdict(predicate, NOT_VERIFIABLE, f"No samples of {who} in the window: no data is not no flight, "
                          f"so a {noun} at {place.label} can be neither seen nor ruled out.", track=track,
                          points=place.points())
    events = [leg.takeoff if kind == "takeoff" else leg.landing for leg in legs]
    matches, elsewhere, unknown = _classify(events, place)
    if matches:
        e, k, d = min(matches, key=lambda m: m[0].time)
        lo, hi = event_bounds(track, e)
        code = place.codes[k] or place.label
        measured: dict[str, Any] = {"airport": place.codes[k], "distance_km": round(d, 3), "observed": e.observed,
                                    "evidence": e.evidence}
        _moment(measured, e.time, lo, hi)
        if e.observed:
            sentence = f"{who} {verb} {code} at {when(e.time, tz)}."
        else:
            span = (f"between {when(lo, tz)} and {when(hi, tz)}" if not (pd.isna(lo) or pd.isna(hi))
                    else f"{'after' if kind == 'landing' else 'before'} {when(e.time, tz)}")
            sentence = (f"{who} {verb} {code} {span}; the {noun} itself was not observed "
                        f"({e.evidence.replace('_', ' ')} evidence).")
        notes = [*_inferred_note(track, e), f"tracks.legs: {e.sentence}"]
        if len(matches) > 1:
            notes.append(f"{len(matches)} {noun}s match; the first is reported")
        gap_refs = [ev.gap_ref(gaps.row(e.gap_id))] if e.gap_id else []
        return ev.verdict(predicate, SUPPORTED, sentence, track=track, measured=measured,
                          samples=_event_samples(track, e, noun), gaps=gap_refs,
                          points=(*place.points(), GeoPoint(noun, e.lat, e.lon, iso_utc(e.time), kind)), notes=notes)
    hidden = _stop_possible_in_gaps(gaps, place)
    edges = _place_edges(track, start, end, place, gaps.max_speed_kt, names)
    open_edges = [e for e in edges if e.reaches_region]
    seen = "; ".join(e.sentence for e in elsewhere) or f"no {noun} in the data"
    if unknown or hidden or open_edges:
        reasons = []
        if unknown:
            reasons.append("; ".join(e.sentence for e in unknown))
        if hidden:
            reasons.append(f"{ev.gap_phrase(hidden, tz)} could hide a {noun} there")
        if open_edges:
            reasons.append(f"a {noun} there could have happened unseen during {ev.gap_phrase(open_edges, tz)}, "
                           "when it was within reach")
        sentence = (f"Not verifiable: no observed {noun} at {place.label} ({seen}), but "
                    + "; ".join(reasons) + ".")
        samples = [ev.sample(track, e.index, f"{noun} not placed") for e in unknown if 0 <= e.index < len(track)]
        return ev.verdict(predicate, NOT_VERIFIABLE, sentence, track=track, gaps=[*edges, *hidden], samples=samples,
                          points=place.points(), measured={"matches": 0, "unplaced_events": len(unknown)})
    too_short = (" and ".join(ev.edge_brief(e) for e in edges) + (" are" if len(edges) > 1 else " is")
                 + " too short to get there") if edges else ""
    verb_not = "take off from" if kind == "takeoff" else "land at"
    if elsewhere:
        sentence = f"{who} did not {verb_not} {place.label}: {seen}" + (f"; {too_short}" if too_short else "") + "."
    else:
        sentence = (f"{who} did not {verb_not} {place.label}: the data shows no {noun} in the window and no gap long "
                    "enough to hide one there" + (f"; {too_short}" if too_short else "") + ".")
    samples = [ev.sample(track, e.index, f"{noun} elsewhere") for e in elsewhere if 0 <= e.index < len(track)]
    first = min(elsewhere, key=lambda e: e.time) if elsewhere else None
    measured = {"matches": 0, f"{noun}s_elsewhere": [e.airport or e.nearest_airport for e in elsewhere]}
    if first is not None:
        _, measured["distance_km"] = place.nearest(first.lat, first.lon)
        measured["distance_km"] = round(float(measured["distance_km"]), 3)
    return ev.verdict(predicate, CONTRADICTED, sentence, track=track, samples=samples, points=place.points(),
                      measured=measured, gaps=edges)


# -- departed_from / landed_at / visited -------------------------------------------------------------------


def departed_from(track: Track, *, airports: Iterable[str] = (), point: tuple[float, float] | None = None,
                  within_km: float = 5.0, tz: str = "UTC", gaps: Gaps | None = None, legs: Legs | None = None,
                  start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                  period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """A take-off from one of `airports` (or within `within_km` of `point`) is in the data.

    Measured: airport, distance_km (event position to the airport), time (+ bounds when not observed),
    observed, evidence. An observed take-off there supports it whatever happened unseen. Without one, not
    verifiable when a take-off was not placed (the track starts in flight), a gap is long enough to hide a
    landing and take-off there, or the place is within reach of the first / last sample during the unobserved
    edges of [start, end] (the tested period the engine passes); else contradicted.
    """
    g = _gaps(track, gaps)
    return _event_claim("departed_from", "takeoff", track, Place.of(airports, point, within_km),
                        _legs(track, legs, g), g, tz, start, end, period_names)


def landed_at(track: Track, *, airports: Iterable[str] = (), point: tuple[float, float] | None = None,
              within_km: float = 5.0, tz: str = "UTC", gaps: Gaps | None = None, legs: Legs | None = None,
              start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
              period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """A landing at one of `airports` (or within `within_km` of `point`) is in the data (see departed_from)."""
    g = _gaps(track, gaps)
    return _event_claim("landed_at", "landing", track, Place.of(airports, point, within_km),
                        _legs(track, legs, g), g, tz, start, end, period_names)


def visited(track: Track, *, airports: Iterable[str] = (), point: tuple[float, float] | None = None,
            within_km: float = 5.0, ground_time: tuple[pd.Timedelta | None, pd.Timedelta | None] = (None, None),
            tz: str = "UTC", gaps: Gaps | None = None, legs: Legs | None = None,
            start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
            period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """A landing at the place, and the time on the ground until the next take-off within `ground_time`.

    The ground time is bounded by the events' observation bounds; when the bounds straddle the range the claim
    is not verifiable. Measured: airport, landing and take-off times, ground_time_s (min/max when uncertain).
    """
    g = _gaps(track, gaps)
    lg = _legs(track, legs, g)
    place = Place.of(airports, point, within_km)
    landing = _event_claim("visited", "landing", track, place, lg, g, tz, start, end, period_names)
    if landing.status != SUPPORTED:
        return landing
    who = ev.name(track)
    lo_req, hi_req = ground_time
    legs_list = list(lg)
    visits = []
    for j, leg in enumerate(legs_list):
        m, _, _ = _classify([leg.landing], place)
        if not m:
            continue
        e_land, k, d = m[0]
        nxt = legs_list[j + 1].takeoff if j + 1 < len(legs_list) else None
        l_lo, l_hi = event_bounds(track, e_land)
        if nxt is not None and _classify([nxt], place)[0]:
            t_lo, t_hi = event_bounds(track, nxt)
        else:
            nxt, t_lo, t_hi = None, track.stop, pd.NaT  # still there at the end of the data (or left unseen)
        gmin = max((t_lo - l_hi).total_seconds(), 0.0) if not (pd.isna(t_lo) or pd.isna(l_hi)) else 0.0
        gmax = (t_hi - l_lo).total_seconds() if not (pd.isna(t_hi) or pd.isna(l_lo)) else float("inf")
        visits.append((e_land, nxt, k, d, gmin, gmax))
    results = []
    for e_land, nxt, k, d, gmin, gmax in visits:
        lo_s = lo_req.total_seconds() if lo_req is not None else 0.0
        hi_s = hi_req.total_seconds() if hi_req is not None else float("inf")
        if gmin >= lo_s and gmax <= hi_s:
            status = SUPPORTED
        elif gmax < lo_s or gmin > hi_s:
            status = CONTRADICTED
        else:
            status = NOT_VERIFIABLE
        results.append((status, e_land, nxt, k, d, gmin, gmax))
    order = {SUPPORTED: 0, NOT_VERIFIABLE: 1, CONTRADICTED: 2}
    status, e_land, nxt, k, d, gmin, gmax = min(results, key=lambda r: (order[r[0]], r[1].time))
    code = place.codes[k] or place.label
    measured: dict[str, Any] = dict(landing.measured)
    measured.update({"airport": place.codes[k], "distance_km": round(d, 3), "landing_time": iso_utc(e_land.time),
                     "takeoff_time": iso_utc(nxt.time) if nxt is not None else ""})
    if gmin == gmax:
        measured["ground_time_s"] = gmin
    else:
        measured["ground_time_min_s"] = gmin
        measured["ground_time_max_s"] = gmax if np.isfinite(gmax) else None
    stay = (f"{duration(gmin)} on the ground" if gmin == gmax
            else f"between {duration(gmin)} and {duration(gmax) if np.isfinite(gmax) else 'an unknown time'} on the ground")
    until = f", taking off again at {when(nxt.time, tz)}" if nxt is not None else ", with no take-off from there in the data"
    rng = _range_text(lo_req, hi_req)
    if status == SUPPORTED:
        sentence = f"{who} landed at {code} at {when(e_land.time, tz)} and spent {stay.replace(' on the ground', '')} there{until}" + (
            f", within the claimed {rng}." if rng else ".")
    elif status == CONTRADICTED:
        sentence = f"{who} landed at {code} at {when(e_land.time, tz)} but spent {stay}{until}, not the claimed {rng}."
    else:
        sentence = (f"Not verifiable: {who} landed at {code} at {when(e_land.time, tz)}, but the data bounds the stop only to "
                    f"{stay}{until}, which straddles the claimed {rng}.")
    samples = _event_samples(track, e_land, "landing") + (_event_samples(track, nxt, "take-off") if nxt else [])
    return ev.verdict("visited", status, sentence, track=track, measured=measured, samples=samples,
                      points=(*place.points(), GeoPoint("landing", e_land.lat, e_land.lon, iso_utc(e_land.time), "landing")),
                      gaps=landing.evidence.gaps)


def _range_text(lo: pd.Timedelta | None, hi: pd.Timedelta | None) -> str:
    if lo is not None and hi is not None:
        return f"{duration(lo.total_seconds())} to {duration(hi.total_seconds())} on the ground"
    if lo is not None:
        return f"at least {duration(lo.total_seconds())} on the ground"
    if hi is not None:
        return f"at most {duration(hi.total_seconds())} on the ground"
    return ""


# -- event_time_within (take-offs and landings; crossings in tracks.claims.spatial) ----------------------------


def event_time_within(track: Track, *, event: str, start: pd.Timestamp, end: pd.Timestamp,
                      airports: Iterable[str] = (), point: tuple[float, float] | None = None, within_km: float = 5.0,
                      region: Any = None, border: Any = None, sides: Any = None, tz: str = "UTC",
                      gaps: Gaps | None = None, legs: Legs | None = None, max_speed_kt: float | None = None,
                      period_names: tuple[str, str] = ("the claimed start", "the claimed end")) -> Verdict:
    """A take-off, landing (optionally at a place) or crossing (of a region or border) between start and end.

    Supported when such an event's time (or both its bounds, when not observed) lies in [start, end];
    contradicted when every such event lies outside and no gap in the window could hide one; else not
    verifiable. Measured: event, time (+ bounds), airport or crossing, minutes_outside when outside.
    """
    if event == "crossing":
        return crossing_time_within(track, start=start, end=end, region=region, border=border, sides=sides, tz=tz,
                                    gaps=gaps, max_speed_kt=max_speed_kt, period_names=period_names)
    g = _gaps(track, gaps, max_speed_kt)
    lg = _legs(track, legs, g)
    who = ev.name(track)
    kind = event
    verb, noun = _VERB[kind]
    place = Place.of(airports, point, within_km) if (airports or point is not None) else None
    events = [leg.takeoff if kind == "takeoff" else leg.landing for leg in lg]
    if place is not None:
        matches, _, unknown = _classify(events, place)
        candidates = [m[0] for m in matches]
    else:
        candidates = [e for e in events if e.evidence in STRONG_EVIDENCE]
        unknown = [e for e in events if e.evidence not in STRONG_EVIDENCE]
    where = f" {'from' if kind == 'takeoff' else 'at'} {place.label}" if place else ""
    window = f"between {when(start, tz)} and {when(end, tz)}"
    inside, partial, outside = [], [], []
    for e in candidates:
        lo, hi = event_bounds(track, e)
        lo_ok = not pd.isna(lo) and lo >= start
        hi_ok = not pd.isna(hi) and hi <= end
        if lo_ok and hi_ok:
            inside.append(e)
        elif (not pd.isna(hi) and hi < start) or (not pd.isna(lo) and lo > end):
            outside.append(e)
        else:
            partial.append(e)
    points = place.points() if place else ()
    if inside:
        e = inside[0]
        lo, hi = event_bounds(track, e)
        measured: dict[str, Any] = {"event": kind, "airport": e.airport, "observed": e.observed}
        _moment(measured, e.time, lo, hi)
        exact = "" if e.observed else f" (not observed exactly: between {when(lo, tz)} and {when(hi, tz)})"
        sentence = f"{who} {verb} {e.airport or 'an unnamed place'} at {when(e.time, tz)}{exact}, {window}."
        return ev.verdict("event_time_within", SUPPORTED, sentence, track=track, measured=measured,
                          samples=_event_samples(track, e, noun), notes=_inferred_note(track, e),
                          points=(*points, GeoPoint(noun, e.lat, e.lon, iso_utc(e.time), kind)))
    overlap = (start, end)
    hidden = _stop_possible_in_gaps(g, place, overlapping=overlap) if place else [
        ev.gap_ref(r, reaches=True) for _, r in g.frame.iterrows()
        if r["end_time"] >= start and r["start_time"] <= end and r["duration_s"] >= HIDDEN_TURNAROUND_S]
    unknown_in = [e for e in unknown if _could_be_within(track, e, start, end)]
    edges = _place_edges(track, start, end, place, g.max_speed_kt, period_names) if len(track) else []
    ends = [e for e in edges if e.reaches_region]
    if not len(track):
        sentence = (f"Not verifiable: there are no samples of {who}: no data covers the whole period {window}, so a "
                    f"{noun}{where} can be neither seen nor ruled out.")
        return ev.verdict("event_time_within", NOT_VERIFIABLE, sentence, track=track, measured={"event": kind},
                          points=points)
    if partial or hidden or unknown_in or ends:
        bits = [f"{verb} {e.airport or e.nearest_airport} at an unobserved time between "
                f"{when(event_bounds(track, e)[0], tz)} and {when(event_bounds(track, e)[1], tz)}" for e in partial]
        bits += [e.sentence for e in unknown_in]
        if hidden:
            bits.append(f"{ev.gap_phrase(hidden, tz)} could hide a {noun}{where}")
        if ends:
            bits.append(f"a {noun}{where} could have happened unseen during {ev.gap_phrase(ends, tz)}")
        sentence = f"Not verifiable: no {noun}{where} is observed {window}; " + "; ".join(bits) + "."
        e0 = partial[0] if partial else None
        measured = {"event": kind}
        if e0 is not None:
            lo, hi = event_bounds(track, e0)
            _moment(measured, e0.time, lo, hi)
        return ev.verdict("event_time_within", NOT_VERIFIABLE, sentence, track=track, measured=measured,
                          gaps=[*edges, *hidden], points=points)
    if outside:
        e = min(outside, key=lambda x: min(abs((x.time - start).total_seconds()), abs((x.time - end).total_seconds())))
        off = (start - e.time).total_seconds() if e.time < start else (e.time - end).total_seconds()
        side = "before the start" if e.time < start else "after the end"
        measured = {"event": kind, "airport": e.airport, "time": iso_utc(e.time),
                    "minutes_outside": round(off / 60.0, 1)}
        sentence = (f"{who} {verb} {e.airport or e.nearest_airport} at {when(e.time, tz)}, {duration(off)} {side} of the "
                    f"claimed window ({window}).")
        return ev.verdict("event_time_within", CONTRADICTED, sentence, track=track, measured=measured,
                          samples=_event_samples(track, e, noun), gaps=edges,
                          points=(*points, GeoPoint(noun, e.lat, e.lon, iso_utc(e.time), kind)))
    sentence = f"{who} has no {noun}{where} in the data, and no gap {window} could hide one."
    return ev.verdict("event_time_within", CONTRADICTED, sentence, track=track, measured={"event": kind},
                      points=points, gaps=edges)


def _could_be_within(track: Track, e: Event, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    lo, hi = event_bounds(track, e)
    return not ((not pd.isna(hi) and hi < start) or (not pd.isna(lo) and lo > end))


# -- altitude_band ----------------------------------------------------------------------------------------------


def _altitudes(frame: pd.DataFrame) -> np.ndarray:
    baro = frame["alt_baro_ft"].to_numpy(float)
    return np.where(np.isfinite(baro), baro, frame["alt_geom_ft"].to_numpy(float))


def altitude_band(track: Track, *, min_ft: float | None = None, max_ft: float | None = None,
                  start: pd.Timestamp | None = None, end: pd.Timestamp | None = None, mode: str = "all",
                  max_vrate_fpm: float = 6000.0, tz: str = "UTC", gaps: Gaps | None = None) -> Verdict:
    """Airborne altitudes (barometric, else geometric; ft) within [min_ft, max_ft].

    mode "all": every airborne sample in the band (contradicted by any sample outside; not verifiable when a
    gap lasts long enough to leave the band at `max_vrate_fpm` and come back). mode "any": at least one sample
    in the band (not verifiable when none is, but a gap could have reached it).
    """
    lo_ft = -np.inf if min_ft is None else float(min_ft)
    hi_ft = np.inf if max_ft is None else float(max_ft)
    band = _band_text(min_ft, max_ft)
    g = _gaps(track, gaps)
    d = track.data
    t = d["time"]
    sel = np.ones(len(d), dtype=bool)
    if start is not None:
        sel &= (t >= start).to_numpy()
    if end is not None:
        sel &= (t <= end).to_numpy()
    alt = _altitudes(d)
    airborne = sel & (d["on_ground"].fillna(False).to_numpy(bool) == False) & np.isfinite(alt)  # noqa: E712
    who = ev.name(track)
    idx = np.flatnonzero(airborne)
    in_band = airborne & (alt >= lo_ft) & (alt <= hi_ft)
    out_band = airborne & ~in_band
    # gaps inside the selection: how far could the altitude have strayed?
    f = g.frame
    if start is not None:
        f = f[f["end_time"] >= start]
    if end is not None:
        f = f[f["start_time"] <= end]
    a1 = f["start_alt_ft"].to_numpy(float)
    a2 = f["end_alt_ft"].to_numpy(float)
    span = max_vrate_fpm * f["duration_s"].to_numpy(float) / 60.0
    peak = np.where(np.isfinite(a1) & np.isfinite(a2), (a1 + a2 + span) / 2.0, np.inf)
    trough = np.where(np.isfinite(a1) & np.isfinite(a2), (a1 + a2 - span) / 2.0, -np.inf)
    measured: dict[str, Any] = {"samples": len(idx), "min_ft": float(np.min(alt[idx])) if len(idx) else None,
                                "max_ft": float(np.max(alt[idx])) if len(idx) else None}
    if mode == "all":
        if out_band.any():
            k = int(np.flatnonzero(out_band)[np.argmax(np.maximum(lo_ft - alt[out_band], alt[out_band] - hi_ft))])
            measured["outside_samples"] = int(out_band.sum())
            measured["time"] = iso_utc(t.iloc[k])
            sentence = (f"{who} was at {alt[k]:,.0f} ft at {when(t.iloc[k], tz)}, outside the claimed {band} "
                        f"({int(out_band.sum())} of {len(idx)} airborne samples outside).")
            return ev.verdict("altitude_band", CONTRADICTED, sentence, track=track, measured=measured,
                              samples=[ev.sample(track, k, "furthest outside the band")])
        if not len(idx):
            return ev.verdict("altitude_band", NOT_VERIFIABLE, f"No airborne altitude of {who} in the period: "
                              f"the claimed {band} can be neither seen nor ruled out.", track=track, measured=measured)
        leave = (peak > hi_ft) | (trough < lo_ft)
        if leave.any():
            refs = [ev.gap_ref(r, reaches=True) for (_, r), lv in zip(f.iterrows(), leave, strict=True) if lv]
            sentence = (f"Not verifiable: every observed airborne altitude of {who} is within {band}, but "
                        f"{ev.gap_phrase(refs, tz)} lasted long enough to leave it unseen.")
            return ev.verdict("altitude_band", NOT_VERIFIABLE, sentence, track=track, measured=measured, gaps=refs)
        sentence = (f"All {len(idx)} airborne altitudes of {who} are within {band} "
                    f"({measured['min_ft']:,.0f} to {measured['max_ft']:,.0f} ft).")
        return ev.verdict("altitude_band", SUPPORTED, sentence, track=track, measured=measured,
                          samples=[ev.sample(track, int(idx[np.argmin(alt[idx])]), "lowest"),
                                   ev.sample(track, int(idx[np.argmax(alt[idx])]), "highest")])
    if in_band.any():
        k = int(np.flatnonzero(in_band)[0])
        measured["time"] = iso_utc(t.iloc[k])
        measured["inside_samples"] = int(in_band.sum())
        sentence = f"{who} was at {alt[k]:,.0f} ft at {when(t.iloc[k], tz)}, within the claimed {band}."
        return ev.verdict("altitude_band", SUPPORTED, sentence, track=track, measured=measured,
                          samples=[ev.sample(track, k, "first in the band")])
    reach = (peak >= lo_ft) & (trough <= hi_ft)
    if reach.any() or not len(idx):
        refs = [ev.gap_ref(r, reaches=True) for (_, r), rc in zip(f.iterrows(), reach, strict=True) if rc]
        why = f"{ev.gap_phrase(refs, tz)} could have reached it unseen" if refs else "there are no airborne samples"
        sentence = f"Not verifiable: no observed altitude of {who} is within {band}, but {why}."
        return ev.verdict("altitude_band", NOT_VERIFIABLE, sentence, track=track, measured=measured, gaps=refs)
    sentence = (f"{who} never reached {band}: observed airborne altitudes run from {measured['min_ft']:,.0f} to "
                f"{measured['max_ft']:,.0f} ft and no gap is long enough to have reached it.")
    return ev.verdict("altitude_band", CONTRADICTED, sentence, track=track, measured=measured)


def _band_text(min_ft: float | None, max_ft: float | None) -> str:
    if min_ft is not None and max_ft is not None:
        return f"band of {min_ft:,.0f} to {max_ft:,.0f} ft"
    if min_ft is not None:
        return f"altitude of at least {min_ft:,.0f} ft"
    return f"altitude of at most {max_ft:,.0f} ft"


# -- sequence ---------------------------------------------------------------------------------------------------


def sequence(verdicts: Iterable[Verdict], *, tz: str = "UTC") -> Verdict:
    """The moments of the given verdicts (in the claimed order) come one after the other.

    Contradicted when a member is contradicted or two moments are observed in the wrong order; not verifiable
    when a member is not verifiable or two moments' bounds overlap; supported when each moment ends before
    the next begins. Measured: order (claim id, time) and the first out-of-order pair.
    """
    vs = list(verdicts)
    ids = [v.claim_id or v.predicate for v in vs]
    order = [{"claim": i, "time": v.measured.get("time", ""), "status": v.status} for i, v in zip(ids, vs, strict=True)]
    measured: dict[str, Any] = {"order": order}
    bad = [i for i, v in zip(ids, vs, strict=True) if v.status == CONTRADICTED]
    if bad:
        return _seq(CONTRADICTED, f"The claimed sequence fails: {', '.join(bad)} is contradicted by the data.",
                    measured, vs)
    unsure = [i for i, v in zip(ids, vs, strict=True) if v.status == NOT_VERIFIABLE]
    if unsure:
        return _seq(NOT_VERIFIABLE, f"Not verifiable: {', '.join(unsure)} cannot be checked, so neither can the order.",
                    measured, vs)
    moments = [moment(v) for v in vs]
    missing = [i for i, m in zip(ids, moments, strict=True) if m is None]
    if missing:
        raise ValueError(f"sequence: {', '.join(missing)} has no moment in time (not an event claim)")
    for (a, ma), (b, mb) in zip(zip(ids, moments, strict=True), zip(ids[1:], moments[1:], strict=True), strict=False):
        assert ma is not None and mb is not None
        a_lo, a_hi = ma
        b_lo, b_hi = mb
        if not pd.isna(b_hi) and not pd.isna(a_lo) and b_hi < a_lo:
            measured["out_of_order"] = [a, b]
            return _seq(CONTRADICTED, f"The order is wrong: {b} ({when(b_hi, tz)}) happened before {a} "
                        f"({when(a_lo, tz)}).", measured, vs)
        if pd.isna(a_hi) or pd.isna(b_lo) or not a_hi <= b_lo:
            measured["overlapping"] = [a, b]
            return _seq(NOT_VERIFIABLE, f"Not verifiable: the times of {a} and {b} are not known precisely enough "
                        "to order them.", measured, vs)
    steps = ", then ".join(f"{i} at {when(pd.Timestamp(v.measured['time']), tz)}" for i, v in zip(ids, vs, strict=True))
    return _seq(SUPPORTED, f"In the claimed order: {steps}.", measured, vs)


def _seq(status: Any, sentence: str, measured: dict[str, Any], vs: list[Verdict]) -> Verdict:
    samples = tuple(s for v in vs for s in v.evidence.samples[:1])
    srcs = vs[0].evidence.sources if vs else ()
    base = Verdict(claim_id="", quote="", predicate="sequence", status=status, sentence=sentence, measured=measured)
    return replace(base, evidence=replace(base.evidence, samples=samples, sources=srcs))


#: Every predicate by case-file name (region predicates come from tracks.claims.spatial).
PREDICATES: dict[str, Callable[..., Verdict]] = {
    "departed_from": departed_from,
    "landed_at": landed_at,
    "visited": visited,
    "event_time_within": event_time_within,
    "altitude_band": altitude_band,
    "sequence": sequence,
    **SPATIAL_PREDICATES,
}

__all__ = [
    "PREDICATES", "absent", "altitude_band", "approached", "crossed", "departed_from", "entered", "event_bounds",
    "event_time_within", "landed_at", "moment", "never_entered", "present", "sequence", "stayed_outside",
    "time_inside", "traffic_count", "visited",
]
