"""Region predicates about the track's path: approached, entered, never_entered, stayed_outside, crossed.

Each takes the observation model of its tested period (tracks.observation.Observation) and reads it: its
samples, its gaps and unobserved edges with their reach, its speed bound. The rule is the same everywhere: what
the observed samples show decides; unobserved time matters only when the aircraft could have reached the region
then (for `approached`: come within `within_km` of it), and then the claim is not verifiable and names the gap
or edge. Boundaries have a positional tolerance (tracks.geo.regions.tolerance_at): a verdict that would flip
anywhere inside that error band is not verifiable and says so (tracks.claims.measure.Band). Presence, time
inside and crossing times are in tracks.claims.presence.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tracks.claims import evidence as ev
from tracks.claims.evidence import rname
from tracks.claims.measure import (
    FINER_BOUNDARIES,
    Band,
    Moment,
    band_at,
    crossing_moment,
    deeper_than,
    edge_refs,
    first_within,
    gap_refs,
    observed_closest,
)
from tracks.claims.verdict import CONTRADICTED, NOT_VERIFIABLE, SUPPORTED, GapRef, GeoPoint, Verdict, iso_utc
from tracks.geo import fence
from tracks.geo.regions import Region
from tracks.observation import Observation
from tracks.wording import km, km_pair, when

# -- helpers ----------------------------------------------------------------------------------------------------------


def ruled_out(refs: list[GapRef], tz: str) -> str:
    """'; the reach of gap-1, ..., cannot get there; the 3 min without data after the last sample is too short to
    get there' for unobserved time checked and ruled out ('' when none)."""
    gaps, edges = ev.split_refs(refs)
    parts = []
    if len(gaps) == 1:
        parts.append(f"the reachability ellipse of {ev.gap_phrase(gaps, tz)}, cannot reach it")
    elif gaps:
        parts.append(f"the reachability ellipses of {len(gaps)} coverage gaps cannot reach it")
    if edges:
        parts.append(" and ".join(ev.edge_brief(e) for e in edges)
                     + (" are" if len(edges) > 1 else " is") + " too short to get there")
    return "".join(f"; {p}" for p in parts)


def nor_edges(refs: list[GapRef]) -> str:
    """', nor the 5 min without data after the last sample,' for edges ruled out ('' when none)."""
    edges = [r for r in refs if r.is_edge and not r.matters]
    return f", nor {' or '.join(ev.edge_brief(e) for e in edges)}," if edges else ""


def _km_claim(value: float) -> str:
    return f"{value:g} km"


def tolerance_note(band: Band, region: Region) -> list[str]:
    """A note when the observed distance is within the boundary's tolerance."""
    if not band.unresolved:
        return []
    consequence = ("the true line may lie that much nearer or further" if not region.is_area else
                   "the data cannot place the track on one side of the boundary with certainty")
    d, tol = km_pair(band.distance_km, band.tolerance_km)
    return [f"the track came within {d} of {region.code}, no further than the {tol} positional tolerance of the "
            f"boundary data there: {consequence}"]


def approach_evidence(obs: Observation, a: fence.Approach, region: Region) -> dict[str, Any]:
    n = len(obs)
    samples = [ev.sample(obs, k, "closest (sample)" if a.sample_before == a.sample_after else role)
               for k, role in ((a.sample_before, "before the closest point"), (a.sample_after, "after the closest point"))
               if 0 <= k < n]
    if a.sample_before == a.sample_after:
        samples = samples[:1]
    return {
        "samples": samples,
        "points": (GeoPoint(f"closest to {region.code}", a.track_lat, a.track_lon, iso_utc(a.time), "closest"),
                   GeoPoint(f"nearest point of {region.code}", a.border_lat, a.border_lon, "", "border")),
        "lines": (((a.track_lat, a.track_lon), (a.border_lat, a.border_lon)),),
    }


def crossing_rows(cr: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"time": iso_utc(r["time"]), "direction": str(r["direction"]), "in_gap": bool(r["in_gap"]),
             "window_start": iso_utc(r["window_start"]), "window_end": iso_utc(r["window_end"]),
             "lat": None if np.isnan(r["lat"]) else float(r["lat"]), "lon": None if np.isnan(r["lon"]) else float(r["lon"])}
            for _, r in cr.iterrows()]


def crossing_points(cr: pd.DataFrame, region: str) -> list[GeoPoint]:
    out = []
    for _, r in cr.iterrows():
        if np.isnan(r["lat"]):
            continue
        label = f"{r['direction']} {region}" + (" (unobserved, in a gap)" if r["in_gap"] else "")
        t = r["time"] if not r["in_gap"] else r["window_start"]
        out.append(GeoPoint(label, float(r["lat"]), float(r["lon"]), iso_utc(t), "crossing", not bool(r["in_gap"])))
    return out


def crossings_in_period(obs: Observation, region: Region) -> pd.DataFrame:
    """Entries and exits (tracks.geo.fence.crossings on the model) whose time window overlaps the period."""
    if len(obs) < 2:
        return pd.DataFrame(columns=list(fence.CROSSING_COLUMNS))
    cr = fence.crossings(obs, region, max_gap_s=obs.max_gap_s)
    if len(cr):
        keep = np.ones(len(cr), dtype=bool)
        if obs.start is not None:
            keep &= (cr["window_end"] >= obs.start).to_numpy()
        if obs.end is not None:
            keep &= (cr["window_start"] <= obs.end).to_numpy()
        cr = cr[keep].reset_index(drop=True)
    return cr


def inside_samples(obs: Observation, region: Region) -> np.ndarray:
    """Rows of the period's samples strictly inside the region."""
    if not len(obs):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(fence.inside(obs, region) & obs.in_period())


def deep_inside(obs: Observation, region: Region, rows: np.ndarray) -> bool:
    """Some of these inside samples lie further inside than the region's tolerance (the verdict 'it was inside'
    holds wherever the true boundary lies in its error band)."""
    f = obs.frame
    return deeper_than(f["lat"].to_numpy(float)[rows], f["lon"].to_numpy(float)[rows], region, region.tolerance_km)


def _sample_moment(obs: Observation, i: int) -> Moment:
    """The moment of 'inside at sample i' when no transition before it was observed: it got there after the
    previous sample (the start of a gap) or the start of the period."""
    t = obs.times
    earlier = t.iloc[i - 1] if i > 0 else (obs.start if obs.start is not None and obs.start < t.iloc[i] else t.iloc[i])
    f = obs.frame
    return Moment(t.iloc[i], earlier, t.iloc[i], float(f["lat"].iloc[i]), float(f["lon"].iloc[i]), "inside at a sample")


# -- approached -------------------------------------------------------------------------------------------------------


def approached(obs: Observation, *, region: Region | None = None, border: Region | None = None, within_km: float,
               tz: str = "UTC") -> Verdict:
    """The track came within `within_km` of a region or border line during the tested period.

    Measured: distance_km and closest_time (the observed closest approach, geodesic), time (the moment: the first
    time the observed track came within `within_km`, with time_earliest / time_latest, the two samples around it),
    track and border points of the closest approach, tolerance_km (of the boundary there), within_tolerance. A
    "there exists" claim: an observed approach within `within_km` supports it whatever happened unseen. Not
    verifiable when the closest approach is within the tolerance of `within_km` (the verdict would flip inside
    the boundary's error band), or when the observed track stays further but the reach of a gap or unobserved
    edge comes within `within_km` plus the tolerance.
    """
    target = region if region is not None else border
    if target is None:
        raise ValueError("approached needs a region or a border")
    who = ev.name(obs.track)
    track = obs.track
    a = observed_closest(obs, target)
    if a is None:
        return ev.verdict("approached", NOT_VERIFIABLE, f"No samples of {who} in the period: whether it came within "
                          f"{_km_claim(within_km)} of {rname(target)} can be neither seen nor ruled out.", track=track,
                          regions=[target.code])
    band = band_at(target, a)
    deep = a.distance_km == 0 and target.is_area and band.tolerance_km > within_km and deep_inside(
        obs, target, inside_samples(obs, target))
    flips = band.near_claim(within_km) and not deep
    measured: dict[str, Any] = {
        "distance_km": round(a.distance_km, 3), "closest_time": iso_utc(a.time), "within_km": within_km,
        "track_lat": a.track_lat, "track_lon": a.track_lon, "border_lat": a.border_lat, "border_lon": a.border_lon,
        "tolerance_km": band.tolerance_km, "within_tolerance": bool(flips or band.unresolved),
    }
    notes = tolerance_note(band, target)
    evid = approach_evidence(obs, a, target)
    closest = f"{km(a.distance_km)} of {rname(target)} at {when(a.time, tz)}"
    if a.distance_km <= within_km and not flips:
        m = first_within(obs, target, within_km, a)
        assert m is not None
        measured.update(m.measured())
        evid["points"] = (*evid["points"], GeoPoint(f"first within {_km_claim(within_km)} of {target.code}", m.lat,
                                                    m.lon, iso_utc(m.time), "first_within"))
        first = (f"first came within the claimed {_km_claim(within_km)} at {when(m.time, tz)}"
                 + ("" if m.earliest == m.latest == m.time else
                    f" (between {when(m.earliest, tz, seconds=True)} and {when(m.latest, tz, seconds=True)}, {m.how})"))
        sentence = f"{who} {first}, and came within {closest} at the closest."
        return ev.verdict("approached", SUPPORTED, sentence, track=track, measured=measured, regions=[target.code],
                          notes=notes, **evid)
    if flips:
        sentence = (f"Not verifiable: the observed track of {who} came within {closest}, closer to the claimed "
                    f"{_km_claim(within_km)} than the border data can resolve (it is accurate to "
                    f"{km(band.tolerance_km)} there); {FINER_BOUNDARIES}.")
        return ev.verdict("approached", NOT_VERIFIABLE, sentence, track=track, measured=measured, regions=[target.code],
                          notes=notes, **evid)
    margin = within_km + band.tolerance_km
    refs = [*edge_refs(obs, target, margin), *gap_refs(obs, target, margin)]
    reaching = [r for r in refs if r.reaches_region]
    if reaching:
        sentence = (f"Not verifiable: the observed track of {who} came no closer than {km(a.distance_km)} to "
                    f"{rname(target)}, at {when(a.time, tz)}, but during {ev.gap_phrase(reaching, tz)}, it could have "
                    f"come within {_km_claim(within_km)}.")
        return ev.verdict("approached", NOT_VERIFIABLE, sentence, track=track, measured=measured, gaps=refs,
                          regions=[target.code], notes=notes, **evid)
    sentence = (f"{who} came no closer than {km(a.distance_km)} to {rname(target)}, at {when(a.time, tz)}, "
                f"further than the claimed {_km_claim(within_km)}; no coverage gap{nor_edges(refs)} could have "
                "brought it closer.")
    return ev.verdict("approached", CONTRADICTED, sentence, track=track, measured=measured, gaps=refs,
                      regions=[target.code], notes=notes, **evid)


# -- entered / never_entered / stayed_outside ---------------------------------------------------------------------


def _was_inside(obs: Observation, region: Region, tz: str
                ) -> tuple[str, dict[str, Any], dict[str, Any], list[str], str]:
    """Shared core of entered / never_entered / stayed_outside: inside at some time in the tested period?

    "yes" when samples or observed entries show it inside, further inside than the boundary's tolerance;
    "no" when the observed track stays outside further than the tolerance and no gap and no unobserved edge can
    come within the tolerance of the region; "unknown" otherwise.

    Returns (answer: "yes" / "no" / "unknown", measured, evidence kwargs, notes, description).
    """
    if not region.is_area:
        raise ValueError(f"{region.code} is a line ({region.kind}); entering needs an area (use crossed for a border)")
    who = ev.name(obs.track)
    t = obs.times
    ins = inside_samples(obs, region)
    cr = crossings_in_period(obs, region)
    entries = cr[cr["direction"] == "entry"]
    measured: dict[str, Any] = {"crossings": crossing_rows(cr), "inside_samples": len(ins),
                                "tolerance_km": region.tolerance_km}
    evid: dict[str, Any] = {"regions": [region.code], "points": crossing_points(cr, region.code)}
    notes: list[str] = []
    if len(ins) or len(entries):
        # the earliest evidence of being inside: an observed entry, an entry hidden in a gap, or an inside sample
        options = []
        for _, row in entries.iterrows():
            options.append((row["window_start"], "gap" if row["in_gap"] else "entry", row))
        if len(ins):
            options.append((t.iloc[int(ins[0])], "sample", int(ins[0])))
        _, kind, item = min(options, key=lambda o: o[0])
        if kind == "entry":
            m = crossing_moment(item)
            desc = f"{who} entered {rname(region)} at {when(item['time'], tz)}"
            samples = [ev.sample(obs, int(item["before_index"]), "before the entry"),
                       ev.sample(obs, int(item["after_index"]), "after the entry")]
        elif kind == "sample":
            m = _sample_moment(obs, item)
            desc = f"{who} was inside {rname(region)} at {when(m.time, tz)}"
            samples = [ev.sample(obs, item, "inside")]
        else:
            m = crossing_moment(item)
            desc = (f"{who} entered {rname(region)} unseen, between {when(item['window_start'], tz)} and "
                    f"{when(item['window_end'], tz)} (the samples on either side of a coverage gap are on "
                    "different sides)")
            samples = [ev.sample(obs, int(item["before_index"]), "last before the gap"),
                       ev.sample(obs, int(item["after_index"]), "first after the gap")]
        measured.update(m.measured())
        evid["samples"] = samples
        if region.tolerance_km > 0 and not deep_inside(obs, region, ins):
            measured["within_tolerance"] = True
            return "unknown", measured, evid, notes, (
                f"{desc}, but never further inside than the {km(region.tolerance_km)} the border data can resolve: "
                f"closer to the border than the border data can resolve; {FINER_BOUNDARIES}")
        return "yes", measured, evid, notes, desc
    # the data alone does not show it inside: could unobserved time have taken it there?
    a = observed_closest(obs, region)
    if a is None:  # no sample in the period: only gaps (or edges) cover it, and they decide
        refs = [*edge_refs(obs, region, region.tolerance_km),
                *gap_refs(obs, region, region.tolerance_km, start=obs.start, end=obs.end)]
        evid["gaps"] = refs
        reaching = [r for r in refs if r.reaches_region]
        if not len(obs) or reaching:
            why = f"; the aircraft could have entered unseen during {ev.gap_phrase(reaching, tz)}" if reaching else ""
            return "unknown", measured, evid, notes, f"there are no samples of {who} in the period{why}"
        return "no", measured, evid, notes, (f"there are no samples of {who} in the period, which lies inside "
                                             f"{ev.gap_phrase(refs, tz)}, whose reach cannot get there")
    band = band_at(region, a)
    refs = [*edge_refs(obs, region, band.tolerance_km),
            *gap_refs(obs, region, band.tolerance_km, start=obs.start, end=obs.end)]
    evid["gaps"] = refs
    measured.update(distance_km=round(a.distance_km, 3), closest_time=iso_utc(a.time), tolerance_km=band.tolerance_km,
                    within_tolerance=band.unresolved)
    notes += tolerance_note(band, region)
    extra = approach_evidence(obs, a, region)
    evid["samples"] = extra["samples"]
    evid["points"] = [*evid["points"], *extra["points"]]
    evid["lines"] = extra["lines"]
    reaching = [r for r in refs if r.reaches_region]
    unseen = f"the aircraft could have entered unseen during {ev.gap_phrase(reaching, tz)}" if reaching else ""
    if band.unresolved:
        return "unknown", measured, evid, notes, (band.sentence(region, f"the observed track of {who}")
                                                  + (f"; and {unseen}" if unseen else ""))
    closest = f"its observed track came no closer than {km(a.distance_km)} to {rname(region)}, at {when(a.time, tz)}"
    if reaching:
        return "unknown", measured, evid, notes, f"{closest}, but {unseen}"
    return "no", measured, evid, notes, closest + ruled_out(refs, tz)


def entered(obs: Observation, *, region: Region, tz: str = "UTC") -> Verdict:
    """The track was inside the region (a sample inside, an observed entry, or a gap whose ends are on both
    sides) during the tested period, whose unobserved edges count like gaps. Measured: crossings (time,
    direction, in_gap), time of the first evidence of being inside (with its bounds), closest distance otherwise."""
    answer, measured, evid, notes, desc = _was_inside(obs, region, tz)
    status = {"yes": SUPPORTED, "no": CONTRADICTED, "unknown": NOT_VERIFIABLE}[answer]
    if answer == "unknown":
        desc = desc.replace("its observed track", f"the observed track of {ev.name(obs.track)}", 1)
    sentence = desc + "." if answer == "yes" else (f"Not verifiable: {desc}." if answer == "unknown" else
                                                   f"{ev.name(obs.track)} did not enter {rname(region)}: {desc}.")
    if answer != "yes":
        for k in ("time", "time_earliest", "time_latest"):
            measured.pop(k, None)
    return ev.verdict("entered", status, sentence, track=obs.track, measured=measured, notes=notes, **evid)


def never_entered(obs: Observation, *, region: Region, tz: str = "UTC") -> Verdict:
    """The track was never inside the region during the tested period (the mirror of `entered`). A "for all"
    claim: unobserved time that could reach the region (gaps, edges of the period) makes it not verifiable."""
    return _outside("never_entered", obs, region, tz)


def stayed_outside(obs: Observation, *, region: Region, tz: str = "UTC") -> Verdict:
    """The track stayed outside the region (e.g. a 12 nm territorial sea) during the tested period (its `start` /
    `end` narrow it): samples, crossings and gaps outside that period do not count; its unobserved edges do."""
    return _outside("stayed_outside", obs, region, tz)


def _outside(predicate: str, obs: Observation, region: Region, tz: str) -> Verdict:
    answer, measured, evid, notes, desc = _was_inside(obs, region, tz)
    for k in ("time", "time_earliest", "time_latest"):
        measured.pop(k, None)  # a claim of absence has no moment
    who = ev.name(obs.track)
    if answer == "yes":
        return ev.verdict(predicate, CONTRADICTED, _cap(desc) + ".", track=obs.track, measured=measured, notes=notes,
                          **evid)
    if answer == "unknown":
        desc = desc.replace("its observed track", f"the observed track of {who}", 1)  # 'its' has no antecedent here
        return ev.verdict(predicate, NOT_VERIFIABLE, f"Not verifiable: {desc}.", track=obs.track, measured=measured,
                          notes=notes, **evid)
    sentence = f"{who} stayed outside {rname(region)}: {desc}."
    return ev.verdict(predicate, SUPPORTED, sentence, track=obs.track, measured=measured, notes=notes, **evid)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# -- crossed ------------------------------------------------------------------------------------------------------


def crossing_pairs(obs: Observation, a: Region, b: Region) -> pd.DataFrame:
    """Crossings from a into b and from b into a: an exit of one and an entry into the other on one segment."""
    cols = ["from", "to", "time", "window_start", "window_end", "in_gap", "lat", "lon", "before_index", "after_index",
            "before_time", "after_time"]
    if len(obs) < 2:
        return pd.DataFrame(columns=cols)
    ca = crossings_in_period(obs, a)
    cb = crossings_in_period(obs, b)
    rows = []
    for src, dst, frm, to in ((ca, cb, a, b), (cb, ca, b, a)):
        ex = src[src["direction"] == "exit"]
        en = dst[dst["direction"] == "entry"]
        m = ex.merge(en, on=["before_index", "after_index"], suffixes=("", "_dst"))
        for _, r in m.iterrows():
            rows.append({"from": frm.code, "to": to.code, "time": r["time"], "window_start": r["window_start"],
                         "window_end": r["window_end"], "in_gap": bool(r["in_gap"]), "lat": r["lat"],
                         "lon": r["lon"], "before_index": int(r["before_index"]), "after_index": int(r["after_index"]),
                         "before_time": r["before_time"], "after_time": r["after_time"]})
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values("window_start", kind="stable").reset_index(drop=True)


def crossed(obs: Observation, *, border: Region, sides: tuple[Region, Region] | None = None,
            from_: Region | None = None, tz: str = "UTC", **kw: Any) -> Verdict:
    """The track crossed the border line between the two regions (from `from` into the other when given) during
    the tested period.

    `sides` are the two regions (the engine passes them; by default they are read from the border's code
    "A|B"). A crossing inside a gap (ends on either side) counts, with its time bounds; an observed crossing has
    the interval of its two samples. Not verifiable when the track never goes further from the line than its
    tolerance on one side, or when no crossing is seen but a gap or an unobserved edge could come within the
    tolerance of the line. Measured: crossings (time, from, to, in_gap).
    """
    from_ = kw.pop("from", from_)
    if kw:
        raise TypeError(f"crossed() got unexpected arguments {sorted(kw)}")
    if sides is None:
        from tracks.geo.regions import get_region

        sides = tuple(get_region(c) for c in border.code.split("|"))  # type: ignore[assignment]
    assert sides is not None
    a, b = sides
    who = ev.name(obs.track)
    track = obs.track
    pairs = crossing_pairs(obs, a, b)
    crossed_line = len(pairs) > 0  # in either direction: the track is on both sides, whatever the band
    if from_ is not None:
        pairs = pairs[pairs["from"] == from_.code].reset_index(drop=True)
    direction = f" from {from_.code}" if from_ is not None else ""
    rows = [{"time": iso_utc(r["time"]), "from": r["from"], "to": r["to"], "in_gap": bool(r["in_gap"]),
             "window_start": iso_utc(r["window_start"]), "window_end": iso_utc(r["window_end"])}
            for _, r in pairs.iterrows()]
    measured: dict[str, Any] = {"crossings": rows, "tolerance_km": border.tolerance_km}
    points = [GeoPoint(f"{r['from']} -> {r['to']}" + (" (unobserved, in a gap)" if r["in_gap"] else ""),
                       float(r["lat"]), float(r["lon"]), iso_utc(r["time"] if not r["in_gap"] else r["window_start"]),
                       "crossing", not bool(r["in_gap"])) for _, r in pairs.iterrows() if not pd.isna(r["lat"])]
    if len(pairs):
        r = pairs.iloc[0]
        m = crossing_moment(r)
        if r["in_gap"]:
            sentence = (f"{who} crossed {rname(border)} from {r['from']} to {r['to']} unseen, between "
                        f"{when(r['window_start'], tz)} and {when(r['window_end'], tz)} (inside a coverage gap).")
        else:
            sentence = f"{who} crossed {rname(border)} from {r['from']} to {r['to']} at {when(r['time'], tz)}."
        measured.update(m.measured())
        samples = [ev.sample(obs, int(r["before_index"]), "before the crossing"),
                   ev.sample(obs, int(r["after_index"]), "after the crossing")]
        shallow = [s.code for s in (a, b) if s.tolerance_km > 0 and not deep_inside(obs, s, inside_samples(obs, s))]
        if shallow:
            measured["within_tolerance"] = True
            for k in ("time", "time_earliest", "time_latest"):
                measured.pop(k, None)
            sentence = (f"Not verifiable: {sentence[:-1]}, but the observed track never goes further into "
                        f"{' or '.join(shallow)} than the border data can resolve: closer to the border than the "
                        f"border data can resolve; {FINER_BOUNDARIES}.")
            return ev.verdict("crossed", NOT_VERIFIABLE, sentence, track=track, measured=measured, samples=samples,
                              points=points, regions=[border.code])
        return ev.verdict("crossed", SUPPORTED, sentence, track=track, measured=measured, samples=samples,
                          points=points, gaps=gap_refs(obs, border, 0.0), regions=[border.code])
    app = observed_closest(obs, border)
    if app is None:
        refs = [*edge_refs(obs, border), *gap_refs(obs, border, 0.0)]
        return ev.verdict("crossed", NOT_VERIFIABLE, f"Not verifiable: no crossing{direction} of {rname(border)} is "
                          "observed, but there are no samples.", track=track, measured=measured, gaps=refs,
                          regions=[border.code])
    band = band_at(border, app)
    refs = [*edge_refs(obs, border, band.tolerance_km), *gap_refs(obs, border, band.tolerance_km)]
    measured.update(distance_km=round(app.distance_km, 3), closest_time=iso_utc(app.time),
                    tolerance_km=band.tolerance_km, within_tolerance=band.unresolved)
    extra = approach_evidence(obs, app, border)
    notes = tolerance_note(band, border)
    closest = f"; its observed track came no closer than {km(app.distance_km)} to the line, at {when(app.time, tz)}"
    reaching = [r for r in refs if r.reaches_region]
    if band.unresolved and not crossed_line:
        return ev.verdict("crossed", NOT_VERIFIABLE, f"Not verifiable: no crossing{direction} of {rname(border)} is "
                          f"observed, but {band.sentence(border, 'its observed track')}.", track=track,
                          measured=measured, gaps=refs, regions=[border.code], notes=notes, **extra)
    if reaching:
        return ev.verdict("crossed", NOT_VERIFIABLE, f"Not verifiable: no crossing{direction} of {rname(border)} "
                          f"is observed{closest}, but {ev.gap_phrase(reaching, tz)} could hide a crossing.",
                          track=track, measured=measured, gaps=refs, regions=[border.code], notes=notes, **extra)
    return ev.verdict("crossed", CONTRADICTED, f"{who} did not cross {rname(border)}{direction}{closest}; no "
                      f"coverage gap{nor_edges(refs)} could hide a crossing.", track=track, measured=measured, gaps=refs,
                      regions=[border.code], notes=notes, **extra)
