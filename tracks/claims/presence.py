"""Region predicates about time: present, absent, time_inside, and crossing times for event_time_within.

Like tracks.claims.spatial, each reads the observation model of its tested period: observed samples decide
when they can; unobserved time (gaps, edges of the period) that could reach the region makes the claim not
verifiable and is named; a region's boundary is only as good as its tolerance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tracks.claims import evidence as ev
from tracks.claims.evidence import rname
from tracks.claims.measure import (
    FINER_BOUNDARIES,
    crossing_intervals,
    crossing_moment,
    edge_refs,
    gap_refs,
    point_distance_km,
)
from tracks.claims.spatial import (
    crossing_pairs,
    crossing_points,
    crossings_in_period,
    deep_inside,
    inside_samples,
    nor_edges,
)
from tracks.claims.verdict import CONTRADICTED, NOT_VERIFIABLE, SUPPORTED, GapRef, Verdict, iso_utc
from tracks.geo import fence
from tracks.geo.regions import Region
from tracks.observation import Observation
from tracks.units import KM_S_PER_KT
from tracks.wording import duration, km, when

# -- time_inside ----------------------------------------------------------------------------------------------------


def time_inside(obs: Observation, *, region: Region, at_least: pd.Timedelta | None = None,
                at_most: pd.Timedelta | None = None, tz: str = "UTC") -> Verdict:
    """Time spent inside the region during the tested period compared with `at_least` / `at_most`.

    The data bounds it: at least the observed time inside (`seconds`), at most that plus the part inside the
    period of every gap whose reach touches the region, plus the unobserved edges of the period less the time
    needed to reach the region (`seconds_max`). Supported when both bounds satisfy the claim, contradicted when
    neither can, not verifiable in between.
    """
    who = ev.name(obs.track)
    track = obs.track
    if not len(obs):
        return ev.verdict("time_inside", NOT_VERIFIABLE, f"Not verifiable: there are no samples of {who} in the "
                          f"period; the time it spent inside {rname(region)} can be neither seen nor ruled out.",
                          track=track, measured={"seconds": 0.0, "seconds_max": None, "intervals": []},
                          regions=[region.code])
    iv = fence.time_inside(obs, region, max_gap_s=obs.max_gap_s) if len(obs) > 1 else None
    observed = iv.observed_s if iv is not None else 0.0
    refs = gap_refs(obs, region, 0.0)
    reaching = [r for r in refs if r.reaches_region]
    edges: list[GapRef] = []
    end_s = 0.0
    frame = obs.frame
    for e in obs.edges:
        d = point_distance_km(float(frame["lat"].iloc[e.index]), float(frame["lon"].iloc[e.index]), region)
        spare = e.seconds - d / (obs.speed.kt * KM_S_PER_KT)  # time left once there, flying at the speed bound
        edges.append(ev.edge_ref(obs, e, bool(spare > 0)))
        end_s += max(spare, 0.0)
    ends = [e for e in edges if e.reaches_region]
    upper = observed + sum(_overlap_s(obs, r) for r in reaching) + end_s
    lo = at_least.total_seconds() if at_least is not None else None
    hi = at_most.total_seconds() if at_most is not None else None
    ok_lo = None if lo is None else (True if observed >= lo else (False if upper < lo else None))
    ok_hi = None if hi is None else (True if upper <= hi else (False if observed > hi else None))
    checks = [c for c, given in ((ok_lo, lo is not None), (ok_hi, hi is not None)) if given]
    intervals = [] if iv is None else [
        {"start": iso_utc(r["start"]), "end": iso_utc(r["end"]), "seconds": float(r["duration_s"])}
        for _, r in iv.observed.iterrows()]
    measured = {"seconds": round(observed, 1), "seconds_max": round(upper, 1), "intervals": intervals}
    claim = " and ".join(x for x in (f"at least {duration(lo)}" if lo is not None else "",
                                     f"at most {duration(hi)}" if hi is not None else "") if x)
    unseen = [*([f"throughout {ev.gap_phrase(reaching, tz)}"] if reaching else []),
              *([f"whenever it could have been during {ev.gap_phrase(ends, tz)}"] if ends else [])]
    span = (f"{duration(observed)}" if upper == observed else
            f"between {duration(observed)} (observed) and {duration(upper)} (if it was inside "
            + "; and ".join(unseen) + ")")
    if all(c is True for c in checks):
        status, sentence = SUPPORTED, f"{who} spent {span} inside {rname(region)}, consistent with the claimed {claim}."
    elif any(c is False for c in checks):
        status, sentence = CONTRADICTED, f"{who} spent {span} inside {rname(region)}, not the claimed {claim}."
    else:
        status, sentence = NOT_VERIFIABLE, (f"Not verifiable: {who} spent {span} inside {rname(region)}; the claimed "
                                            f"{claim} depends on the time without data.")
    samples = []
    if iv is not None and len(iv.observed):
        r = iv.observed.iloc[0]
        samples = [ev.sample(obs, int(r["first_index"]), "first inside interval starts"),
                   ev.sample(obs, int(iv.observed["last_index"].iloc[-1]), "last inside interval ends")]
    return ev.verdict("time_inside", status, sentence, track=track, measured=measured, gaps=[*edges, *refs],
                      regions=[region.code], samples=samples)


def _overlap_s(obs: Observation, g: GapRef) -> float:
    """Seconds of a gap inside the tested period."""
    a, b = pd.Timestamp(g.start), pd.Timestamp(g.end)
    if obs.start is not None:
        a = max(a, obs.start)
    if obs.end is not None:
        b = min(b, obs.end)
    return max((b - a).total_seconds(), 0.0)


# -- present / absent ------------------------------------------------------------------------------------------------


def _presence(predicate: str, obs: Observation, region: Region | None, tz: str) -> Verdict:
    who = ev.name(obs.track)
    track = obs.track
    t = obs.times
    start, end = obs.start, obs.end
    period = f"between {when(start, tz)} and {when(end, tz)}"
    where = f" inside {rname(region)}" if region is not None else ""
    regions = [region.code] if region is not None else []
    hits = inside_samples(obs, region) if region is not None else np.flatnonzero(obs.in_period())
    measured: dict[str, Any] = {"samples": len(hits)}
    shallow = region is not None and len(hits) and region.tolerance_km > 0 and not deep_inside(obs, region, hits)
    if len(hits) and not shallow:
        measured.update(first_seen=iso_utc(t.iloc[hits[0]]), last_seen=iso_utc(t.iloc[hits[-1]]))
        if predicate == "present":
            measured["time"] = measured["first_seen"]
        samples = [ev.sample(obs, int(hits[0]), "first seen"), ev.sample(obs, int(hits[-1]), "last seen")]
        text = (f"{who} was seen{where} {period}: {len(hits)} samples from {when(t.iloc[hits[0]], tz)} to "
                f"{when(t.iloc[hits[-1]], tz)}.")
        status = SUPPORTED if predicate == "present" else CONTRADICTED
        return ev.verdict(predicate, status, text, track=track, measured=measured, samples=samples, regions=regions)
    if shallow:
        measured["within_tolerance"] = True
        text = (f"Not verifiable: {who} was seen{where} {period} ({len(hits)} samples), but never further inside than "
                f"the {km(region.tolerance_km)} the border data can resolve: closer to the border than the border "
                f"data can resolve; {FINER_BOUNDARIES}.")
        return ev.verdict(predicate, NOT_VERIFIABLE, text, track=track, measured=measured, regions=regions,
                          samples=[ev.sample(obs, int(hits[0]), "first seen")])
    # inside crossings between samples (an incursion between two outside samples) count as presence
    if region is not None and len(obs) > 1 and region.is_area:
        cr = crossings_in_period(obs, region)
        cr = cr[(cr["direction"] == "entry") & ~cr["in_gap"]]
        if start is not None:
            cr = cr[cr["time"] >= start]
        if end is not None:
            cr = cr[cr["time"] <= end]
        if len(cr):
            r = cr.iloc[0]
            if predicate == "present":
                measured.update(crossing_moment(r).measured())
            text = f"{who} entered {rname(region)} at {when(r['time'], tz)}, {period} (between two samples)."
            status = SUPPORTED if predicate == "present" else CONTRADICTED
            if region.tolerance_km > 0:  # between two outside samples: only as deep as the corner it cut
                status = NOT_VERIFIABLE
                for k in ("time", "time_earliest", "time_latest"):
                    measured.pop(k, None)
                text = (f"Not verifiable: {text[:-1]}, cutting a corner no deeper than the border data can "
                        f"resolve ({km(region.tolerance_km)}); {FINER_BOUNDARIES}.")
            return ev.verdict(predicate, status, text, track=track, measured=measured, regions=regions,
                              points=crossing_points(cr.head(1), region.code))
    if region is not None:
        refs = [r for r in gap_refs(obs, region, region.tolerance_km, start=start, end=end) if r.reaches_region]
        edges = edge_refs(obs, region, region.tolerance_km)
    else:
        refs = [ev.gap_ref(r, reaches=True) for _, r in obs.gaps.frame.iterrows()
                if (start is None or r["end_time"] > start) and (end is None or r["start_time"] < end)]
        edges = edge_refs(obs, None)
    reaching_edges = [e for e in edges if e.reaches_region]
    if region is None:
        if predicate == "present":
            text = (f"Not verifiable: {who} is not seen {period}" + (f" ({ev.gap_phrase(edges, tz)})" if edges else "")
                    + "; no data is not no flight.")
            return ev.verdict(predicate, NOT_VERIFIABLE, text, track=track, measured=measured, gaps=[*edges, *refs])
        text = (f"{who} is not seen in these track files {period}. No data is not no flight: this says the aircraft "
                "was not seen, not that it did not fly.")
        return ev.verdict(predicate, SUPPORTED, text, track=track, measured=measured, gaps=[*edges, *refs])
    if not len(obs):
        text = (f"Not verifiable: {who} is not seen{where} {period}, but no data covers the whole period, when it "
                "could have been there.")
        return ev.verdict(predicate, NOT_VERIFIABLE, text, track=track, measured=measured, regions=regions)
    if refs or reaching_edges:
        bits = ([f"{ev.gap_phrase(refs, tz)} could have taken it there"] if refs else []) + (
            [f"it could have been there during {ev.gap_phrase(reaching_edges, tz)}"] if reaching_edges else [])
        text = f"Not verifiable: {who} is not seen{where} {period}, but " + "; ".join(bits) + "."
        return ev.verdict(predicate, NOT_VERIFIABLE, text, track=track, measured=measured, gaps=[*edges, *refs],
                          regions=regions)
    text = (f"{who} was observed elsewhere throughout, never{where}, {period}; no coverage gap{nor_edges(edges)} "
            "could have taken it there.")
    status = CONTRADICTED if predicate == "present" else SUPPORTED
    return ev.verdict(predicate, status, text, track=track, measured=measured, regions=regions, gaps=edges)


def present(obs: Observation, *, region: Region | None = None, tz: str = "UTC") -> Verdict:
    """The aircraft was seen during the tested period (inside the region when given). Without a region the claim
    is about the data (seen or not); with one, unobserved time that could reach the region makes it not
    verifiable. Measured: samples, first_seen, last_seen, time."""
    return _presence("present", obs, region, tz)


def absent(obs: Observation, *, region: Region | None = None, tz: str = "UTC") -> Verdict:
    """The aircraft was not seen during the tested period (not inside the region when given); see `present`."""
    return _presence("absent", obs, region, tz)


# -- crossings for event_time_within --------------------------------------------------------------------------------


def crossing_time_within(obs: Observation, *, start: pd.Timestamp, end: pd.Timestamp, region: Region | None = None,
                         border: Region | None = None, sides: tuple[Region, Region] | None = None,
                         tz: str = "UTC") -> Verdict:
    """A crossing of the region's boundary (or of the border line, whose two `sides` default to the regions
    named by its code "A|B") between start and end; an observed crossing counts when both of its samples do."""
    who = ev.name(obs.track)
    track = obs.track
    target = region if region is not None else border
    assert target is not None
    if region is not None:
        cr = (fence.crossings(obs, region, max_gap_s=obs.max_gap_s) if len(obs) > 1 else
              pd.DataFrame(columns=list(fence.CROSSING_COLUMNS)))
    else:
        if sides is None:
            from tracks.geo.regions import get_region

            sides = tuple(get_region(c) for c in target.code.split("|"))  # type: ignore[assignment]
        assert sides is not None
        cr = crossing_pairs(obs, *sides)
    window = f"between {when(start, tz)} and {when(end, tz)}"
    lo, hi = crossing_intervals(cr) if len(cr) else (cr["window_start"], cr["window_end"])
    inside = cr[((lo >= start) & (hi <= end)).to_numpy(bool)] if len(cr) else cr
    partial = cr[((hi >= start) & (lo <= end)).to_numpy(bool) & ~cr.index.isin(inside.index)] if len(cr) else cr
    measured: dict[str, Any] = {"event": "crossing", "crossings": len(cr)}
    if len(inside):
        r = inside.iloc[0]
        m = crossing_moment(r)
        if r["in_gap"]:
            text = (f"{who} crossed the boundary of {rname(target)} unseen between {when(r['window_start'], tz)} and "
                    f"{when(r['window_end'], tz)}, {window}.")
        else:
            text = f"{who} crossed the boundary of {rname(target)} at {when(r['time'], tz)}, {window}."
        measured.update(m.measured())
        return ev.verdict("event_time_within", SUPPORTED, text, track=track, measured=measured,
                          regions=[target.code])
    claimed = obs.period(start, end, ("the claimed start", "the claimed end"))
    refs = [r for r in gap_refs(obs, target, 0.0, start=start, end=end) if r.reaches_region]
    edges = edge_refs(claimed, target, 0.0)
    ends = [e for e in edges if e.reaches_region]
    if not len(obs):
        text = (f"Not verifiable: there are no samples of {who}: no data covers the whole period {window}, so a "
                f"crossing of {rname(target)} can be neither seen nor ruled out.")
        return ev.verdict("event_time_within", NOT_VERIFIABLE, text, track=track, measured=measured,
                          regions=[target.code])
    if len(partial) or refs or ends:
        why = [*(["a crossing's time is only known to a range overlapping it"] if len(partial) else []),
               *([f"{ev.gap_phrase(refs, tz)} could hide one"] if refs else []),
               *([f"one could have happened unseen during {ev.gap_phrase(ends, tz)}"] if ends else [])]
        text = f"Not verifiable: no crossing of {rname(target)} is observed {window}, but " + "; ".join(why) + "."
        return ev.verdict("event_time_within", NOT_VERIFIABLE, text, track=track, measured=measured,
                          gaps=[*edges, *refs], regions=[target.code])
    if len(cr):
        times = cr["window_start"]
        k = int(np.argmin(np.minimum(abs((times - start).dt.total_seconds()), abs((times - end).dt.total_seconds()))))
        t_k = cr["window_start"].iloc[k]
        measured["nearest_crossing"] = iso_utc(t_k)
        text = (f"{who} crossed the boundary of {rname(target)} only outside the claimed window ({window}), nearest "
                f"at {when(t_k, tz)}.")
    else:
        text = (f"{who} never crossed the boundary of {rname(target)}, and no coverage gap{nor_edges(edges)} could "
                f"hide a crossing {window}.")
    return ev.verdict("event_time_within", CONTRADICTED, text, track=track, measured=measured, regions=[target.code],
                      gaps=edges)
