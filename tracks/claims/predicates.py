"""Event and altitude predicates: departed_from, landed_at, visited, event_time_within, altitude_band, sequence.

Every predicate takes the observation model of its tested period (tracks.observation.Observation: samples,
gaps with their reach, unobserved edges, speed bound, air/ground state, legs with their events) and follows the
same rule (docs/method.md): observed samples decide a claim when they can; when the answer depends on what
happened inside unobserved time (a gap or an edge of the period from which the place is within reach) the claim is
NOT_VERIFIABLE and the verdict names it; when none can matter, the data decides. Verdicts carry `measured`
values (km, seconds, ISO 8601 UTC times), `evidence` and one quotable `sentence` with times in UTC and in the
case's zone (`tz`). Region predicates are in tracks.claims.spatial and tracks.claims.presence; the parameters
of each, what it is about and its moment are in tracks.claims.params.PREDICATES.

Moments: a predicate whose claim is an event puts its time in `measured["time"]` and the interval in which it
happened in `measured["time_earliest"]` / `measured["time_latest"]` (used by `after`, `before` and `sequence`).
A landing's interval runs from its last airborne to its first ground sample, even when both were seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from tracks.airports import Event, heights_above_ft
from tracks.altitude import displayed_ft
from tracks.claims import evidence as ev
from tracks.claims.evidence import Place
from tracks.claims.measure import place_reach
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
from tracks.legs import APPROACH_SPEED_FRACTION, HIDDEN_RATE_FPM, HIDDEN_TURNAROUND_S, approach_seconds
from tracks.observation import Edge, Observation
from tracks.units import KT_PER_MS
from tracks.wording import duration, km, when

#: Evidence kinds (tracks.airports.describe_event) that place an event at an airport.
STRONG_EVIDENCE = ("ground", "final_approach", "initial_climb")


# -- shared helpers --------------------------------------------------------------------------------------------


def _inferred_note(obs: Observation, e: Event) -> list[str]:
    """'landing inferred from final approach at 2.1 km from RJTT, 0 ft, 122 kt; ...' (nothing for other evidence)."""
    if e.evidence not in ("final_approach", "initial_climb") or not 0 <= e.index < len(obs):
        return []
    r = obs.frame.iloc[e.index]
    alt = e.alt_ft if np.isfinite(e.alt_ft) else np.nan
    gs = float(r["gs_kt"])
    what = ("landing inferred from final approach" if e.evidence == "final_approach"
            else "take-off inferred from initial climb")
    parts = [f"{km(e.distance_km)} from {e.airport}"]
    if np.isfinite(alt):
        parts.append(f"{alt:,.0f} ft")
    if np.isfinite(gs):
        parts.append(f"{gs:.0f} kt")
    s = approach_seconds(obs.frame, e)
    moment_ = "touchdown" if e.evidence == "final_approach" else "lift-off"
    bound = (f"; {moment_} not observed, assumed within {duration(s)} of that sample (the distance at no less "
             f"than {APPROACH_SPEED_FRACTION:.0%} of that ground speed)" if s is not None else
             f"; {moment_} not observed, and without a ground speed its time is open")
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


def _stop_possible_in_gaps(obs: Observation, place: Place, *,
                           overlapping: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> list[GapRef]:
    """Gaps long enough to fly to the place, land, turn around and fly on, unseen (any of its targets).

    Needs: the distance via the place at the gap's speed bound, plus the descent from and climb back to the
    gap's two samples at HIDDEN_RATE_FPM, plus HIDDEN_TURNAROUND_S on the ground. Their heights above each target
    are THE height rule (`tracks.airports.heights_above_ft`: GNSS altitude less the geoid, else pressure
    altitude); a sample without altitude counts as on the ground (the stop is then possible sooner).
    """
    f = obs.gaps.frame
    if overlapping is not None:
        f = f[(f["end_time"] >= overlapping[0]) & (f["start_time"] <= overlapping[1])]
    f = f[f["duration_s"] >= HIDDEN_TURNAROUND_S]
    out = []
    elev = np.asarray(place.elevations_ft, float)
    for _, r in f.iterrows():  # a handful of long gaps at most
        v_km_s = float(r["max_speed_kt"]) / KT_PER_MS / 1000.0
        d_in = place.distances_km(float(r["start_lat"]), float(r["start_lon"]))
        d_out = place.distances_km(float(r["end_lat"]), float(r["end_lon"]))
        h_in, _ = heights_above_ft(obs.frame, np.full(len(elev), int(r["start_index"])), elev)
        h_out, _ = heights_above_ft(obs.frame, np.full(len(elev), int(r["end_index"])), elev)
        h = np.nan_to_num(np.maximum(h_in, 0.0)) + np.nan_to_num(np.maximum(h_out, 0.0))
        need = np.maximum(d_in + d_out - 2 * place.within_km, 0.0) / v_km_s + h / HIDDEN_RATE_FPM * 60.0
        if (need + HIDDEN_TURNAROUND_S <= float(r["duration_s"])).any():
            out.append(ev.gap_ref(r, reaches=True))
    return out


def _event_samples(obs: Observation, e: Event, role: str) -> list[Sample]:
    """The two samples on either side of an event (ground and airborne, as the model has them), as evidence."""
    n = len(obs)
    landing = e.kind in ("landing", "touch_and_go")
    if e.evidence == "ground":
        pair = (e.index - 1, e.index) if landing else (e.index, e.index + 1)
    else:
        pair = (e.index, e.index + 1) if landing else (e.index - 1, e.index)
    return [ev.sample(obs, k, f"{role}: {'on the ground' if obs.on_ground[k] else 'airborne'}")
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


def _could_be_there(obs: Observation, e: Event, place: Place | None) -> bool:
    """An event not placed at any airport (seen only in flight on one side) matters for a place only when the
    aircraft could have been there at the time: inside a gap whose reach comes within `within_km` of the place.
    One at the edge of the data happened before (after) the tested period's observed time: the edges of the period
    decide whether the place was within reach then (`_place_edges`); only a period without a start (end) leaves it
    open."""
    if not e.gap_id:  # at the start (end) of the data: only a period unbounded on that side leaves it open
        return obs.start is None if e.kind == "takeoff" else obs.end is None
    if place is None:
        return True
    f = obs.gaps.frame
    hit = f[f["gap_id"] == e.gap_id]
    return bool(len(hit)) and place_reach(obs, place, hit.iloc[0])


_VERB = {"takeoff": ("took off from", "take-off"), "landing": ("landed at", "landing")}


def _place_edges(obs: Observation, place: Place | None, edges: tuple[Edge, ...] | None = None,
                 names: Observation | None = None) -> list[GapRef]:
    """The unobserved edges of the tested period (or `edges`, named after `names`' period), each with whether
    the aircraft, flying no faster than the speed bound, could have got from that sample to within the place's
    `within_km` of one of its targets (anywhere, without a place) in that time: a geodesic disc."""
    out = []
    frame = obs.frame
    for e in obs.edges if edges is None else edges:
        ok = True
        if place is not None:
            d = place.nearest(float(frame["lat"].iloc[e.index]), float(frame["lon"].iloc[e.index]))[1]
            ok = d - place.within_km <= e.reach_km
        out.append(ev.edge_ref(names or obs, e, bool(ok)))
    return out


def _event_claim(predicate: str, kind: str, obs: Observation, place: Place, tz: str) -> Verdict:
    verb, noun = _VERB[kind]
    track = obs.track
    who = ev.name(track)
    if not len(obs):
        return ev.verdict(predicate, NOT_VERIFIABLE, f"No samples of {who} in the period: no data is not no flight, "
                          f"so a {noun} at {place.label} can be neither seen nor ruled out.", track=track,
                          points=place.points())
    events = [leg.takeoff if kind == "takeoff" else leg.landing for leg in obs.legs]
    matches, elsewhere, unknown = _classify(events, place)
    if matches:
        e, k, d = min(matches, key=lambda m: m[0].time)
        lo, hi = e.earliest, e.latest
        code = place.codes[k] or place.label
        measured: dict[str, Any] = {"airport": place.codes[k], "distance_km": round(d, 3), "observed": e.observed,
                                    "evidence": e.evidence}
        _moment(measured, e.time, lo, hi)
        if e.observed:
            sentence = (f"{who} {verb} {code} between {when(lo, tz, seconds=True)} and {when(hi, tz, seconds=True)} "
                        f"({e.how}).")
        else:
            span = (f"between {when(lo, tz)} and {when(hi, tz)}" if not (pd.isna(lo) or pd.isna(hi))
                    else f"{'after' if kind == 'landing' else 'before'} {when(e.time, tz)}")
            sentence = (f"{who} {verb} {code} {span}; the {noun} itself was not observed "
                        f"({e.evidence.replace('_', ' ')} evidence).")
        notes = [*_inferred_note(obs, e), f"tracks.legs: {e.sentence}"]
        if len(matches) > 1:
            notes.append(f"{len(matches)} {noun}s match; the first is reported")
        gaps = [ev.gap_ref(obs.gaps.row(e.gap_id))] if e.gap_id else []
        return ev.verdict(predicate, SUPPORTED, sentence, track=track, measured=measured,
                          samples=_event_samples(obs, e, noun), gaps=gaps,
                          points=(*place.points(), GeoPoint(noun, e.lat, e.lon, iso_utc(e.time), kind, e.observed)),
                          notes=notes)
    unknown = [e for e in unknown if _could_be_there(obs, e, place)]
    hidden = _stop_possible_in_gaps(obs, place)
    edges = _place_edges(obs, place)
    open_edges = [e for e in edges if e.reaches_region]
    seen = "; ".join(e.sentence for e in elsewhere) or f"no {noun} in the data"
    if unknown or hidden or open_edges:
        reasons = []
        if unknown:
            reasons.append("; ".join(e.sentence for e in unknown) + f", when {place.label} was within reach")
        if hidden:
            reasons.append(f"{ev.gap_phrase(hidden, tz)} could hide a {noun} there")
        if open_edges:
            reasons.append(f"a {noun} there could have happened unseen during {ev.gap_phrase(open_edges, tz)}, "
                           "when it was within reach")
        sentence = (f"Not verifiable: no observed {noun} at {place.label} ({seen}), but "
                    + "; ".join(reasons) + ".")
        samples = [ev.sample(obs, e.index, f"{noun} not placed") for e in unknown if 0 <= e.index < len(obs)]
        return ev.verdict(predicate, NOT_VERIFIABLE, sentence, track=track, gaps=[*edges, *hidden], samples=samples,
                          points=place.points(), measured={"matches": 0, "unplaced_events": len(unknown)})
    too_short = (" and ".join(ev.edge_brief(e) for e in edges) + (" are" if len(edges) > 1 else " is")
                 + " too short to get there") if edges else ""
    verb_not = "take off from" if kind == "takeoff" else "land at"
    if elsewhere:
        sentence = f"{who} did not {verb_not} {place.label}: {seen}" + (f"; {too_short}" if too_short else "") + "."
    else:
        sentence = (f"{who} did not {verb_not} {place.label}: the data shows no {noun} in the period and no gap long "
                    "enough to hide one there" + (f"; {too_short}" if too_short else "") + ".")
    samples = [ev.sample(obs, e.index, f"{noun} elsewhere") for e in elsewhere if 0 <= e.index < len(obs)]
    first = min(elsewhere, key=lambda e: e.time) if elsewhere else None
    measured = {"matches": 0, f"{noun}s_elsewhere": [e.airport or e.nearest_airport for e in elsewhere]}
    if first is not None:
        _, measured["distance_km"] = place.nearest(first.lat, first.lon)
        measured["distance_km"] = round(float(measured["distance_km"]), 3)
    return ev.verdict(predicate, CONTRADICTED, sentence, track=track, samples=samples, points=place.points(),
                      measured=measured, gaps=edges)


# -- departed_from / landed_at / visited -------------------------------------------------------------------


def departed_from(obs: Observation, *, airports: Iterable[str] = (), point: tuple[float, float] | None = None,
                  within_km: float = 5.0, tz: str = "UTC") -> Verdict:
    """A take-off from one of `airports` (or within `within_km` of `point`) in the tested period.

    Measured: airport, distance_km (event position to the airport), time with time_earliest / time_latest (the
    interval in which it happened), observed, evidence. An observed take-off there supports it whatever happened
    unseen. Without one, not verifiable when a gap could hide a take-off there (one not placed at any airport
    inside a gap whose reach comes within `within_km` of it, or a gap long enough to land and take off again
    there) or the place is within reach of the first / last sample during the unobserved edges of the period;
    else contradicted.
    """
    return _event_claim("departed_from", "takeoff", obs, Place.of(airports, point, within_km), tz)


def landed_at(obs: Observation, *, airports: Iterable[str] = (), point: tuple[float, float] | None = None,
              within_km: float = 5.0, tz: str = "UTC") -> Verdict:
    """A landing at one of `airports` (or within `within_km` of `point`) in the tested period (see departed_from)."""
    return _event_claim("landed_at", "landing", obs, Place.of(airports, point, within_km), tz)


def visited(obs: Observation, *, airports: Iterable[str] = (), point: tuple[float, float] | None = None,
            within_km: float = 5.0, ground_time: tuple[pd.Timedelta | None, pd.Timedelta | None] = (None, None),
            tz: str = "UTC") -> Verdict:
    """A landing at the place, and the time on the ground until the next take-off within `ground_time`.

    The ground time is bounded by the events' intervals (from the latest landing to the earliest take-off, and
    from the earliest landing to the latest take-off); when the bounds straddle the range the claim is not
    verifiable. Measured: airport, landing and take-off times, ground_time_s (min/max when uncertain).
    """
    place = Place.of(airports, point, within_km)
    landing = _event_claim("visited", "landing", obs, place, tz)
    if landing.status != SUPPORTED:
        return landing
    who = ev.name(obs.track)
    lo_req, hi_req = ground_time
    legs_list = list(obs.legs)
    visits = []
    for j, leg in enumerate(legs_list):
        m, _, _ = _classify([leg.landing], place)
        if not m:
            continue
        e_land, k, d = m[0]
        nxt = legs_list[j + 1].takeoff if j + 1 < len(legs_list) else None
        l_lo, l_hi = e_land.earliest, e_land.latest
        if nxt is not None and _classify([nxt], place)[0]:
            t_lo, t_hi = nxt.earliest, nxt.latest
        else:
            nxt, t_lo, t_hi = None, obs.track.stop, pd.NaT  # still there at the end of the data (or left unseen)
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
    same = np.isfinite(gmax) and duration(gmin) == duration(gmax)  # e.g. 2,400 to 2,460 s: '40 min' both
    stay = (f"{duration(gmin)} on the ground" if gmin == gmax else
            f"about {duration(gmin)} on the ground" if same
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
    samples = _event_samples(obs, e_land, "landing") + (_event_samples(obs, nxt, "take-off") if nxt else [])
    return ev.verdict("visited", status, sentence, track=obs.track, measured=measured, samples=samples,
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


def event_time_within(obs: Observation, *, event: str, start: pd.Timestamp, end: pd.Timestamp,
                      airports: Iterable[str] = (), point: tuple[float, float] | None = None, within_km: float = 5.0,
                      region: Any = None, border: Any = None, sides: Any = None, tz: str = "UTC") -> Verdict:
    """A take-off, landing (optionally at a place) or crossing (of a region or border) between start and end.

    Supported when the interval in which such an event happened (tracks.legs.event_interval; for an observed
    landing, from its last airborne to its first ground sample) lies in [start, end]; contradicted when every
    such event lies outside and no gap or unobserved edge of [start, end] could hide one; else not verifiable.
    Measured: event, time (+ interval), airport or crossing, minutes_outside when outside.
    """
    if event == "crossing":
        from tracks.claims.presence import crossing_time_within

        return crossing_time_within(obs, start=start, end=end, region=region, border=border, sides=sides, tz=tz)
    track = obs.track
    who = ev.name(track)
    kind = event
    verb, noun = _VERB[kind]
    place = Place.of(airports, point, within_km) if (airports or point is not None) else None
    events = [leg.takeoff if kind == "takeoff" else leg.landing for leg in obs.legs] if len(obs) else []
    if place is not None:
        matches, _, unknown = _classify(events, place)
        candidates = [m[0] for m in matches]
        unknown = [e for e in unknown if _could_be_there(obs, e, place)]
    else:
        candidates = [e for e in events if e.evidence in STRONG_EVIDENCE]
        unknown = [e for e in events if e.evidence not in STRONG_EVIDENCE and _could_be_there(obs, e, None)]
    where = f" {'from' if kind == 'takeoff' else 'at'} {place.label}" if place else ""
    window = f"between {when(start, tz)} and {when(end, tz)}"
    inside, partial, outside = [], [], []
    for e in candidates:
        lo, hi = e.earliest, e.latest
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
        measured: dict[str, Any] = {"event": kind, "airport": e.airport, "observed": e.observed}
        _moment(measured, e.time, e.earliest, e.latest)
        how = e.how if e.observed else f"not observed exactly: {e.how}"
        sentence = (f"{who} {verb} {e.airport or 'an unnamed place'} between {when(e.earliest, tz, seconds=True)} "
                    f"and {when(e.latest, tz, seconds=True)} ({how}), {window}.")
        return ev.verdict("event_time_within", SUPPORTED, sentence, track=track, measured=measured,
                          samples=_event_samples(obs, e, noun), notes=_inferred_note(obs, e),
                          points=(*points, GeoPoint(noun, e.lat, e.lon, iso_utc(e.time), kind, e.observed)))
    overlap = (start, end)
    hidden = _stop_possible_in_gaps(obs, place, overlapping=overlap) if place else [
        ev.gap_ref(r, reaches=True) for _, r in obs.gaps.frame.iterrows()
        if r["end_time"] >= start and r["start_time"] <= end and r["duration_s"] >= HIDDEN_TURNAROUND_S]
    unknown_in = [e for e in unknown if _could_be_within(e, start, end)]
    claimed = obs.period(start, end, ("the claimed start", "the claimed end"))
    edges = _place_edges(claimed, place) if len(obs) else []
    ends = [e for e in edges if e.reaches_region]
    if not len(obs):
        sentence = (f"Not verifiable: there are no samples of {who}: no data covers the whole period {window}, so a "
                    f"{noun}{where} can be neither seen nor ruled out.")
        return ev.verdict("event_time_within", NOT_VERIFIABLE, sentence, track=track, measured={"event": kind},
                          points=points)
    if partial or hidden or unknown_in or ends:
        bits = [f"{verb} {e.airport or e.nearest_airport} at an unobserved time between "
                f"{when(e.earliest, tz, seconds=True)} and {when(e.latest, tz, seconds=True)} ({e.how})"
                for e in partial]
        bits += [e.sentence for e in unknown_in]
        if hidden:
            bits.append(f"{ev.gap_phrase(hidden, tz)} could hide a {noun}{where}")
        if ends:
            bits.append(f"a {noun}{where} could have happened unseen during {ev.gap_phrase(ends, tz)}")
        sentence = f"Not verifiable: no {noun}{where} is observed {window}; " + "; ".join(bits) + "."
        e0 = partial[0] if partial else None
        measured = {"event": kind}
        if e0 is not None:
            _moment(measured, e0.time, e0.earliest, e0.latest)
        return ev.verdict("event_time_within", NOT_VERIFIABLE, sentence, track=track, measured=measured,
                          gaps=[*edges, *hidden], points=points)
    if outside:
        e = min(outside, key=lambda x: min(abs((x.time - start).total_seconds()), abs((x.time - end).total_seconds())))
        before = not pd.isna(e.latest) and e.latest < start
        off = (start - e.latest).total_seconds() if before else (e.earliest - end).total_seconds()
        side = "before the start" if before else "after the end"
        measured = {"event": kind, "airport": e.airport, "time": iso_utc(e.time),
                    "minutes_outside": round(off / 60.0, 1)}
        sentence = (f"{who} {verb} {e.airport or e.nearest_airport} between {when(e.earliest, tz, seconds=True)} and "
                    f"{when(e.latest, tz, seconds=True)}, at least {duration(off)} {side} of the claimed window "
                    f"({window}).")
        return ev.verdict("event_time_within", CONTRADICTED, sentence, track=track, measured=measured,
                          samples=_event_samples(obs, e, noun), gaps=edges,
                          points=(*points, GeoPoint(noun, e.lat, e.lon, iso_utc(e.time), kind, e.observed)))
    sentence = f"{who} has no {noun}{where} in the data, and no gap {window} could hide one."
    return ev.verdict("event_time_within", CONTRADICTED, sentence, track=track, measured={"event": kind},
                      points=points, gaps=edges)


def _could_be_within(e: Event, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    lo, hi = e.earliest, e.latest
    return not ((not pd.isna(hi) and hi < start) or (not pd.isna(lo) and lo > end))


# -- altitude_band ----------------------------------------------------------------------------------------------


def altitude_band(obs: Observation, *, min_ft: float | None = None, max_ft: float | None = None, mode: str = "all",
                  max_vrate_fpm: float = 6000.0, tz: str = "UTC") -> Verdict:
    """Airborne altitudes (barometric, else geometric; ft) during the tested period within [min_ft, max_ft].

    Airborne is the model's air/ground state (tracks.airborne: the export's flag, else inferred from ground speed
    and altitude as the legs do): a taxiing sample is not an airborne altitude. mode "all": every airborne sample
    in the band (contradicted by any sample outside; not verifiable when a gap lasts long enough to leave the band
    at `max_vrate_fpm` and come back). mode "any": at least one sample in the band (not verifiable when none is,
    but a gap could have reached it).
    """
    lo_ft = -np.inf if min_ft is None else float(min_ft)
    hi_ft = np.inf if max_ft is None else float(max_ft)
    band = _band_text(min_ft, max_ft)
    track = obs.track
    d = obs.frame
    t = obs.times
    sel = obs.in_period()
    alt = displayed_ft(d)
    airborne = sel & ~obs.on_ground & np.isfinite(alt)
    n_ground = int((sel & obs.on_ground).sum())
    who = ev.name(track)
    idx = np.flatnonzero(airborne)
    in_band = airborne & (alt >= lo_ft) & (alt <= hi_ft)
    out_band = airborne & ~in_band
    # gaps inside the period: how far could the altitude have strayed?
    f = obs.gaps.frame
    if obs.start is not None:
        f = f[f["end_time"] >= obs.start]
    if obs.end is not None:
        f = f[f["start_time"] <= obs.end]
    a1 = f["start_alt_ft"].to_numpy(float)
    a2 = f["end_alt_ft"].to_numpy(float)
    span = max_vrate_fpm * f["duration_s"].to_numpy(float) / 60.0
    peak = np.where(np.isfinite(a1) & np.isfinite(a2), (a1 + a2 + span) / 2.0, np.inf)
    trough = np.where(np.isfinite(a1) & np.isfinite(a2), (a1 + a2 - span) / 2.0, -np.inf)
    measured: dict[str, Any] = {"samples": len(idx), "ground_samples": n_ground,
                                "min_ft": float(np.min(alt[idx])) if len(idx) else None,
                                "max_ft": float(np.max(alt[idx])) if len(idx) else None}
    ground = (f" ({n_ground} sample{'s' if n_ground != 1 else ''} on the ground, "
              f"{_ground_source(obs, sel)}, are not airborne altitudes)") if n_ground else ""
    if mode == "all":
        if out_band.any():
            k = int(np.flatnonzero(out_band)[np.argmax(np.maximum(lo_ft - alt[out_band], alt[out_band] - hi_ft))])
            measured["outside_samples"] = int(out_band.sum())
            measured["time"] = iso_utc(t.iloc[k])
            sentence = (f"{who} was at {alt[k]:,.0f} ft at {when(t.iloc[k], tz)}, outside the claimed {band} "
                        f"({int(out_band.sum())} of {len(idx)} airborne samples outside){ground}.")
            return ev.verdict("altitude_band", CONTRADICTED, sentence, track=track, measured=measured,
                              samples=[ev.sample(obs, k, "furthest outside the band")])
        if not len(idx):
            return ev.verdict("altitude_band", NOT_VERIFIABLE, f"No airborne altitude of {who} in the period{ground}: "
                              f"the claimed {band} can be neither seen nor ruled out.", track=track, measured=measured)
        leave = (peak > hi_ft) | (trough < lo_ft)
        if leave.any():
            refs = [ev.gap_ref(r, reaches=True) for (_, r), lv in zip(f.iterrows(), leave, strict=True) if lv]
            sentence = (f"Not verifiable: every observed airborne altitude of {who} is within {band}, but "
                        f"{ev.gap_phrase(refs, tz)} lasted long enough to leave it unseen.")
            return ev.verdict("altitude_band", NOT_VERIFIABLE, sentence, track=track, measured=measured, gaps=refs)
        sentence = (f"All {len(idx)} airborne altitudes of {who} are within {band} "
                    f"({measured['min_ft']:,.0f} to {measured['max_ft']:,.0f} ft){ground}.")
        return ev.verdict("altitude_band", SUPPORTED, sentence, track=track, measured=measured,
                          samples=[ev.sample(obs, int(idx[np.argmin(alt[idx])]), "lowest"),
                                   ev.sample(obs, int(idx[np.argmax(alt[idx])]), "highest")])
    if in_band.any():
        k = int(np.flatnonzero(in_band)[0])
        measured["time"] = iso_utc(t.iloc[k])
        measured["inside_samples"] = int(in_band.sum())
        sentence = f"{who} was at {alt[k]:,.0f} ft at {when(t.iloc[k], tz)}, within the claimed {band}."
        return ev.verdict("altitude_band", SUPPORTED, sentence, track=track, measured=measured,
                          samples=[ev.sample(obs, k, "first in the band")])
    reach = (peak >= lo_ft) & (trough <= hi_ft)
    if reach.any() or not len(idx):
        refs = [ev.gap_ref(r, reaches=True) for (_, r), rc in zip(f.iterrows(), reach, strict=True) if rc]
        why = f"{ev.gap_phrase(refs, tz)} could have reached it unseen" if refs else "there are no airborne samples"
        sentence = f"Not verifiable: no observed altitude of {who} is within {band}{ground}, but {why}."
        return ev.verdict("altitude_band", NOT_VERIFIABLE, sentence, track=track, measured=measured, gaps=refs)
    sentence = (f"{who} never reached {band}: observed airborne altitudes run from {measured['min_ft']:,.0f} to "
                f"{measured['max_ft']:,.0f} ft and no gap is long enough to have reached it.")
    return ev.verdict("altitude_band", CONTRADICTED, sentence, track=track, measured=measured)


def _ground_source(obs: Observation, sel: np.ndarray) -> str:
    """'by the export's air/ground flag' or 'inferred from speed and altitude' (tracks.airborne)."""
    src = obs.ground.source[sel & obs.on_ground]
    return "by the export's air/ground flag" if (src == 0).all() else \
        "inferred from ground speed and altitude, as the legs are (the export gives no air/ground flag)"


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


__all__ = ["altitude_band", "departed_from", "event_time_within", "landed_at", "moment", "sequence", "visited"]
