"""Region predicates: approached, entered, never_entered, crossed, stayed_outside, time_inside, present,
absent and crossing times for event_time_within (traffic_count, over many aircraft, is in tracks.claims.traffic).

Built on tracks.geo.fence (containment, crossings, closest approach and time inside, all on segments) and on
the gaps' reach (tracks.geo.reach: decided by the definition d(A, P) + d(P, B) <= reach, geodesic). The rule is
the same everywhere: what the observed samples show decides; a gap matters only when its reach can touch the
region (for `approached`: come within `within_km` of it), and then the claim is not verifiable and names the gap. The edges of the
tested period (`start` / `end`: the case window, or the moments of `after` / `before` claims) before the first
and after the last sample are unobserved time too, like gaps open on one side: the aircraft was within a
geodesic disc of radius speed bound x duration around that sample (`edge_refs`). Distances closer
than the boundary data's tolerance (Region.tolerance_km) are flagged in `measured["within_tolerance"]`, the
notes and the sentence.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tracks.claims import evidence as ev
from tracks.claims.evidence import rname
from tracks.claims.traffic import traffic_count
from tracks.claims.verdict import CONTRADICTED, NOT_VERIFIABLE, SUPPORTED, GapRef, GeoPoint, Verdict, iso_utc
from tracks.geo import fence, reach
from tracks.geo.regions import Region
from tracks.legs import Gaps, find_gaps
from tracks.segments import gap_mask
from tracks.track import Track
from tracks.wording import at_most, duration, km, km_pair, when

KT_KM_S = 1.852 / 3600.0


# -- geometry helpers -------------------------------------------------------------------------------------------


def _gaps(track: Track, gaps: Gaps | None, max_speed_kt: float | None) -> Gaps:
    if gaps is not None and (max_speed_kt is None or gaps.max_speed_kt == max_speed_kt):
        return gaps
    return find_gaps(track, max_gap_s=gaps.max_gap_s if gaps is not None else 60.0, max_speed_kt=max_speed_kt)


def _points_frame(lats: np.ndarray, lons: np.ndarray) -> pd.DataFrame:
    """A minimal track table (1 s apart, never stale) for measuring a ring of points against a region."""
    n = len(lats)
    t = pd.Timestamp("2000-01-01T00:00:00Z") + pd.to_timedelta(np.arange(n), unit="s")
    return pd.DataFrame({"time": t, "lat": np.asarray(lats, float), "lon": np.asarray(lons, float),
                         "stale": np.zeros(n, dtype=bool)})


def gap_refs(gaps: Gaps, region: Region, margin_km: float = 0.0, *, start: pd.Timestamp | None = None,
             end: pd.Timestamp | None = None) -> list[GapRef]:
    """Every gap overlapping [start, end], with whether its reach comes within `margin_km` of the region, decided
    by the definition (some point P of the region, or within margin_km of it, with d(A, P) + d(P, B) <= reach_km;
    tracks.geo.reach.reaches_geometry), not by the drawn ellipse."""
    f = gaps.frame
    if start is not None:
        f = f[f["end_time"] > start]
    if end is not None:
        f = f[f["start_time"] < end]
    if not len(f):
        return []
    flags = reach.reaches_geometry(f["start_lat"], f["start_lon"], f["end_lat"], f["end_lon"], f["reach_km"],
                                   region.geometry, margin_km)
    return [ev.gap_ref(r, reaches=bool(flag)) for (_, r), flag in zip(f.iterrows(), flags, strict=True)]


def point_distance_km(lat: float, lon: float, region: Region) -> float:
    """Geodesic distance (km) from a point to a region (0 inside an area)."""
    return fence.closest_approach(_points_frame(np.full(2, lat), np.full(2, lon)), region).distance_km


def edge_refs(track: Track, start: pd.Timestamp | None, end: pd.Timestamp | None, region: Region,
              margin_km: float, max_speed_kt: float, names: tuple[str, str] = ev.PERIOD_NAMES) -> list[GapRef]:
    """The unobserved edges of [start, end] (before the first / after the last sample), each with whether its
    disc (radius: `max_speed_kt` x its duration, around that sample) comes within `margin_km` of the region."""
    out = []
    for e in ev.edges(track, start, end):
        radius = ev.edge_reach_km(e, max_speed_kt)
        row = track.data.iloc[e.index]
        hit = reach.disc_reaches_geometry([float(row["lat"])], [float(row["lon"])], [radius], region.geometry,
                                          margin_km)
        out.append(ev.edge_ref(track, e, radius, bool(hit[0]), names))
    return out


def _ruled_out(refs: list[GapRef], tz: str) -> str:
    """'; the reachability ellipse of gap-1, ..., cannot reach it; the 3 min without data after the last sample
    is too short to get there' for unobserved time checked and ruled out ('' when none)."""
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


def _nor_edges(refs: list[GapRef]) -> str:
    """', nor the 5 min without data after the last sample,' for edges ruled out ('' when none)."""
    edges = [r for r in refs if r.is_edge and not r.matters]
    return f", nor {' or '.join(ev.edge_brief(e) for e in edges)}," if edges else ""


def observed_closest(track: Track, region: Region, max_gap_s: float) -> fence.Approach | None:
    """Closest approach over observed segments only (a gap is not an observed path). None if empty.

    Each run of samples between gaps gets its own id, so the fence treats gap segments as joining different
    aircraft and measures only the observed pieces, in one vectorised call.
    """
    if not len(track):
        return None
    frame = track.data
    runs = np.r_[0, np.cumsum(gap_mask(frame, max_gap_s))] if len(frame) > 1 else np.zeros(1, dtype=int)
    if runs[-1] == 0:
        return fence.closest_approach(track, region, max_gap_s=max_gap_s)
    labelled = frame[["time", "lat", "lon", "stale"]].assign(icao24=pd.Series(runs, index=frame.index).map("run{}".format))
    return fence.closest_approach(labelled, region, max_gap_s=max_gap_s)


def _km_claim(value: float) -> str:
    return f"{value:g} km"


def _within_tolerance(distance_km: float, region: Region) -> bool:
    """The distance is no more than the boundary data's tolerance (compared as worded, see `at_most`)."""
    return region.tolerance_km > 0 and at_most(distance_km, region.tolerance_km)


def _tolerance_note(distance_km: float, region: Region) -> list[str]:
    if _within_tolerance(distance_km, region):
        consequence = ("the true line may lie that much nearer or further" if not region.is_area else
                       "the data cannot place the track on one side of the boundary with certainty")
        d, tol = km_pair(distance_km, region.tolerance_km)
        return [f"the track came within {d} of {region.code}, no further than the {tol} positional tolerance of the "
                f"boundary data: {consequence}"]
    return []


def _approach_evidence(track: Track, a: fence.Approach, region: Region) -> dict[str, Any]:
    samples = [ev.sample(track, k, "closest (sample)" if a.sample_before == a.sample_after else role)
               for k, role in ((a.sample_before, "before the closest point"), (a.sample_after, "after the closest point"))
               if 0 <= k < len(track)]
    if a.sample_before == a.sample_after:
        samples = samples[:1]
    return {
        "samples": samples,
        "points": (GeoPoint(f"closest to {region.code}", a.track_lat, a.track_lon, iso_utc(a.time), "closest"),
                   GeoPoint(f"nearest point of {region.code}", a.border_lat, a.border_lon, "", "border")),
        "lines": (((a.track_lat, a.track_lon), (a.border_lat, a.border_lon)),),
    }


def _crossing_rows(cr: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"time": iso_utc(r["time"]), "direction": str(r["direction"]), "in_gap": bool(r["in_gap"]),
             "window_start": iso_utc(r["window_start"]), "window_end": iso_utc(r["window_end"]),
             "lat": None if np.isnan(r["lat"]) else float(r["lat"]), "lon": None if np.isnan(r["lon"]) else float(r["lon"])}
            for _, r in cr.iterrows()]


def _crossing_points(cr: pd.DataFrame, region: str) -> list[GeoPoint]:
    out = []
    for _, r in cr.iterrows():
        if np.isnan(r["lat"]):
            continue
        label = f"{r['direction']} {region}" + (" (unobserved, in a gap)" if r["in_gap"] else "")
        t = r["time"] if not r["in_gap"] else r["window_start"]
        out.append(GeoPoint(label, float(r["lat"]), float(r["lon"]), iso_utc(t), "crossing"))
    return out


def _in_range(times: pd.Series, start: pd.Timestamp | None, end: pd.Timestamp | None) -> np.ndarray:
    keep = np.ones(len(times), dtype=bool)
    if start is not None:
        keep &= (times >= start).to_numpy()
    if end is not None:
        keep &= (times <= end).to_numpy()
    return keep


# -- approached --------------------------------------------------------------------------------------------------


def approached(track: Track, *, region: Region | None = None, border: Region | None = None, within_km: float,
               max_speed_kt: float | None = None, tz: str = "UTC", gaps: Gaps | None = None,
               start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
               period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """The track came within `within_km` of a region or border line.

    Measured: distance_km (observed closest approach, geodesic), time, track and border points, tolerance_km,
    within_tolerance. A "there exists" claim: an observed approach within `within_km` supports it whatever
    happened unseen. Not verifiable when the observed track stays further but a gap's ellipse, or the disc of
    an unobserved edge of [start, end] (see `edge_refs`), comes within `within_km`.
    """
    target = region if region is not None else border
    if target is None:
        raise ValueError("approached needs a region or a border")
    g = _gaps(track, gaps, max_speed_kt)
    who = ev.name(track)
    a = observed_closest(track, target, g.max_gap_s)
    # gaps matter only when the observed track stays further than claimed
    refs = [*edge_refs(track, start, end, target, within_km, g.max_speed_kt, period_names),
            *gap_refs(g, target, within_km)] if a is not None and a.distance_km > within_km else []
    if a is None:
        return ev.verdict("approached", NOT_VERIFIABLE, f"No samples of {who} in the window: whether it came within "
                          f"{_km_claim(within_km)} of {rname(target)} can be neither seen nor ruled out.", track=track,
                          regions=[target.code])
    measured: dict[str, Any] = {
        "distance_km": round(a.distance_km, 3), "time": iso_utc(a.time), "within_km": within_km,
        "track_lat": a.track_lat, "track_lon": a.track_lon, "border_lat": a.border_lat, "border_lon": a.border_lon,
        "tolerance_km": target.tolerance_km,
        "within_tolerance": bool(at_most(abs(a.distance_km - within_km), target.tolerance_km)
                                 or _within_tolerance(a.distance_km, target)),
    }
    notes = _tolerance_note(a.distance_km, target)
    if at_most(abs(a.distance_km - within_km), target.tolerance_km):
        notes.append(f"the closest approach ({km(a.distance_km)}) is within the boundary data's tolerance "
                     f"({km(target.tolerance_km)}) of the claimed {_km_claim(within_km)}")
    evid = _approach_evidence(track, a, target)
    reaching = [r for r in refs if r.reaches_region]
    tol = (f" (the border data is accurate to about {km(target.tolerance_km)})" if measured["within_tolerance"] else "")
    if a.distance_km <= within_km:
        sentence = (f"{who} came within {km(a.distance_km)} of {rname(target)} at {when(a.time, tz)}, "
                    f"inside the claimed {_km_claim(within_km)}{tol}.")
        return ev.verdict("approached", SUPPORTED, sentence, track=track, measured=measured, gaps=refs,
                          regions=[target.code], notes=notes, **evid)
    if reaching:
        sentence = (f"Not verifiable: the observed track of {who} came no closer than {km(a.distance_km)} to "
                    f"{rname(target)}, at {when(a.time, tz)}, but during {ev.gap_phrase(reaching, tz)}, it could have "
                    f"come within {_km_claim(within_km)}.")
        return ev.verdict("approached", NOT_VERIFIABLE, sentence, track=track, measured=measured, gaps=refs,
                          regions=[target.code], notes=notes, **evid)
    sentence = (f"{who} came no closer than {km(a.distance_km)} to {rname(target)}, at {when(a.time, tz)}, "
                f"further than the claimed {_km_claim(within_km)}{tol}; no coverage gap{_nor_edges(refs)} could have "
                "brought it closer.")
    return ev.verdict("approached", CONTRADICTED, sentence, track=track, measured=measured, gaps=refs,
                      regions=[target.code], notes=notes, **evid)


# -- entered / never_entered / stayed_outside ---------------------------------------------------------------------


def _entry_facts(track: Track, region: Region, g: Gaps, start: pd.Timestamp | None, end: pd.Timestamp | None
                 ) -> tuple[np.ndarray, pd.DataFrame]:
    """(inside samples in range, crossings in range)."""
    if not region.is_area:
        raise ValueError(f"{region.code} is a line ({region.kind}); entering needs an area (use crossed for a border)")
    t = track.data["time"]
    ins = np.flatnonzero(fence.inside(track, region) & _in_range(t, start, end)) if len(track) else np.zeros(0, int)
    cr = fence.crossings(track, region, max_gap_s=g.max_gap_s) if len(track) > 1 else pd.DataFrame(
        columns=list(fence.CROSSING_COLUMNS))
    if len(cr):
        lo = cr["window_start"]
        hi = cr["window_end"]
        keep = np.ones(len(cr), dtype=bool)
        if start is not None:
            keep &= (hi >= start).to_numpy()
        if end is not None:
            keep &= (lo <= end).to_numpy()
        cr = cr[keep].reset_index(drop=True)
    return ins, cr


def _was_inside(track: Track, region: Region, g: Gaps, start: pd.Timestamp | None, end: pd.Timestamp | None,
                tz: str, names: tuple[str, str] = ev.PERIOD_NAMES
                ) -> tuple[str, dict[str, Any], dict[str, Any], list[str], str]:
    """Shared core of entered / never_entered / stayed_outside: inside at some time in [start, end]?

    "yes" from the samples alone; "no" when they stay outside and no gap's ellipse and no unobserved edge's disc
    of [start, end] can reach the region; "unknown" otherwise.

    Returns (answer: "yes" / "no" / "unknown", measured, evidence kwargs, notes, description).
    """
    who = ev.name(track)
    ins, cr = _entry_facts(track, region, g, start, end)
    entries = cr[cr["direction"] == "entry"]
    measured: dict[str, Any] = {"crossings": _crossing_rows(cr), "inside_samples": len(ins),
                                "tolerance_km": region.tolerance_km}
    evid: dict[str, Any] = {"regions": [region.code], "points": _crossing_points(cr, region.code)}
    notes: list[str] = []
    if len(ins) or len(entries):
        # the earliest evidence of being inside: an observed entry, an entry hidden in a gap, or an inside sample
        options = []
        for _, row in entries.iterrows():
            options.append((row["window_start"], "gap" if row["in_gap"] else "entry", row))
        if len(ins):
            options.append((track.data["time"].iloc[int(ins[0])], "sample", int(ins[0])))
        _, kind, item = min(options, key=lambda o: o[0])
        if kind == "entry":
            measured["time"] = iso_utc(item["time"])
            desc = f"{who} entered {rname(region)} at {when(item['time'], tz)}"
            samples = [ev.sample(track, int(item["before_index"]), "before the entry"),
                       ev.sample(track, int(item["after_index"]), "after the entry")]
        elif kind == "sample":
            t_sample = track.data["time"].iloc[item]
            measured["time"] = iso_utc(t_sample)
            desc = f"{who} was inside {rname(region)} at {when(t_sample, tz)}"
            samples = [ev.sample(track, item, "inside")]
        else:
            measured.update(time=iso_utc(item["window_end"]), time_earliest=iso_utc(item["window_start"]),
                            time_latest=iso_utc(item["window_end"]))
            desc = (f"{who} entered {rname(region)} unseen, between {when(item['window_start'], tz)} and "
                    f"{when(item['window_end'], tz)} (the samples on either side of a coverage gap are on "
                    "different sides)")
            samples = [ev.sample(track, int(item["before_index"]), "last before the gap"),
                       ev.sample(track, int(item["after_index"]), "first after the gap")]
        evid["samples"] = samples
        return "yes", measured, evid, notes, desc
    # the data alone does not show it inside: could unobserved time have taken it there?
    refs = [*edge_refs(track, start, end, region, 0.0, g.max_speed_kt, names),
            *gap_refs(g, region, 0.0, start=start, end=end)]
    evid["gaps"] = refs
    a = observed_closest(track, region, g.max_gap_s) if len(track) else None
    if a is not None:
        measured.update(distance_km=round(a.distance_km, 3), closest_time=iso_utc(a.time))
        notes += _tolerance_note(a.distance_km, region)
        extra = _approach_evidence(track, a, region)
        evid["samples"] = extra["samples"]
        evid["points"] = [*evid["points"], *extra["points"]]
        evid["lines"] = extra["lines"]
        measured["within_tolerance"] = _within_tolerance(a.distance_km, region)
    reaching = [r for r in refs if r.reaches_region]
    if a is None:
        return "unknown", measured, evid, notes, f"there are no samples of {who} in the period"
    d_text, tol_text = km_pair(a.distance_km, region.tolerance_km) if measured.get("within_tolerance") else (
        km(a.distance_km), "")
    closest = f"its observed track came no closer than {d_text} to {rname(region)}, at {when(a.time, tz)}"
    if measured.get("within_tolerance"):
        closest += f", which is within the {tol_text} accuracy of the boundary data"
    if reaching:
        return "unknown", measured, evid, notes, (f"{closest}, but the aircraft could have entered unseen during "
                                                  f"{ev.gap_phrase(reaching, tz)}")
    return "no", measured, evid, notes, closest + _ruled_out(refs, tz)


def entered(track: Track, *, region: Region, max_speed_kt: float | None = None, tz: str = "UTC",
            gaps: Gaps | None = None, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
            period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """The track was inside the region (a sample inside, an observed entry, or a gap whose ends are on both
    sides) between `start` and `end` (default: the track's own extent; the engine passes the tested period,
    whose unobserved edges count like gaps). Measured: crossings (time, direction, in_gap), time of the first
    entry, closest distance otherwise."""
    g = _gaps(track, gaps, max_speed_kt)
    answer, measured, evid, notes, desc = _was_inside(track, region, g, start, end, tz, period_names)
    status = {"yes": SUPPORTED, "no": CONTRADICTED, "unknown": NOT_VERIFIABLE}[answer]
    if answer == "unknown":
        desc = desc.replace("its observed track", f"the observed track of {ev.name(track)}", 1)
    sentence = desc + "." if answer == "yes" else (f"Not verifiable: {desc}." if answer == "unknown" else
                                                   f"{ev.name(track)} did not enter {rname(region)}: {desc}.")
    return ev.verdict("entered", status, _cap(sentence), track=track, measured=measured, notes=notes, **evid)


def never_entered(track: Track, *, region: Region, max_speed_kt: float | None = None, tz: str = "UTC",
                  gaps: Gaps | None = None, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                  period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """The track was never inside the region between `start` and `end` (the mirror of `entered`). A "for all"
    claim: unobserved time that could reach the region (gaps, edges of the period) makes it not verifiable."""
    return _outside("never_entered", track, region, start, end, max_speed_kt, tz, gaps, period_names)


def stayed_outside(track: Track, *, region: Region, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                   max_speed_kt: float | None = None, tz: str = "UTC", gaps: Gaps | None = None,
                   period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """The track stayed outside the region (e.g. a 12 nm territorial sea) between `start` and `end` (default:
    all of it): samples, crossings and gaps outside that period do not count; its unobserved edges do."""
    return _outside("stayed_outside", track, region, start, end, max_speed_kt, tz, gaps, period_names)


def _outside(predicate: str, track: Track, region: Region, start: pd.Timestamp | None, end: pd.Timestamp | None,
             max_speed_kt: float | None, tz: str, gaps: Gaps | None,
             names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    g = _gaps(track, gaps, max_speed_kt)
    answer, measured, evid, notes, desc = _was_inside(track, region, g, start, end, tz, names)
    measured.pop("time", None)  # a claim of absence has no moment
    who = ev.name(track)
    if answer == "yes":
        return ev.verdict(predicate, CONTRADICTED, _cap(desc) + ".", track=track, measured=measured, notes=notes,
                          **evid)
    if answer == "unknown":
        desc = desc.replace("its observed track", f"the observed track of {who}", 1)  # 'its' has no antecedent here
        return ev.verdict(predicate, NOT_VERIFIABLE, f"Not verifiable: {desc}.", track=track, measured=measured,
                          notes=notes, **evid)
    by = " according to the boundary data" if measured.get("within_tolerance") else ""
    sentence = f"{who} stayed outside {rname(region)}{by}: {desc}."
    return ev.verdict(predicate, SUPPORTED, sentence, track=track, measured=measured, notes=notes, **evid)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# -- crossed ------------------------------------------------------------------------------------------------------


def _pairs(track: Track, a: Region, b: Region, max_gap_s: float) -> pd.DataFrame:
    """Crossings from a into b and from b into a: an exit of one and an entry into the other on one segment."""
    ca = fence.crossings(track, a, max_gap_s=max_gap_s)
    cb = fence.crossings(track, b, max_gap_s=max_gap_s)
    rows = []
    for src, dst, frm, to in ((ca, cb, a, b), (cb, ca, b, a)):
        ex = src[src["direction"] == "exit"]
        en = dst[dst["direction"] == "entry"]
        m = ex.merge(en, on=["before_index", "after_index"], suffixes=("", "_dst"))
        for _, r in m.iterrows():
            rows.append({"from": frm.code, "to": to.code, "time": r["time"], "window_start": r["window_start"],
                         "window_end": r["window_end"], "in_gap": bool(r["in_gap"]), "lat": r["lat"],
                         "lon": r["lon"], "before_index": int(r["before_index"]), "after_index": int(r["after_index"])})
    frame = pd.DataFrame(rows, columns=["from", "to", "time", "window_start", "window_end", "in_gap", "lat", "lon",
                                        "before_index", "after_index"])
    return frame.sort_values("window_start", kind="stable").reset_index(drop=True)


def crossed(track: Track, *, border: Region, sides: tuple[Region, Region] | None = None, from_: Region | None = None,
            max_speed_kt: float | None = None, tz: str = "UTC", gaps: Gaps | None = None,
            start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
            period_names: tuple[str, str] = ev.PERIOD_NAMES, **kw: Any) -> Verdict:
    """The track crossed the border line between the two regions (from `from` into the other when given).

    `sides` are the two regions (the engine passes them; by default they are read from the border's code
    "A|B"). A crossing inside a gap (ends on either side) counts, with its time bounds. Not verifiable when no
    crossing is seen but a gap's ellipse, or the disc of an unobserved edge of [start, end], reaches the border
    line. Measured: crossings (time, from, to, in_gap).
    """
    from_ = kw.pop("from", from_)
    if kw:
        raise TypeError(f"crossed() got unexpected arguments {sorted(kw)}")
    g = _gaps(track, gaps, max_speed_kt)
    if sides is None:
        from tracks.geo.regions import get_region

        sides = tuple(get_region(c) for c in border.code.split("|"))  # type: ignore[assignment]
    assert sides is not None
    a, b = sides
    who = ev.name(track)
    pairs = _pairs(track, a, b, g.max_gap_s) if len(track) > 1 else pd.DataFrame(
        columns=["from", "to", "time", "window_start", "window_end", "in_gap", "lat", "lon"])
    if from_ is not None:
        pairs = pairs[pairs["from"] == from_.code].reset_index(drop=True)
    direction = f" from {from_.code}" if from_ is not None else ""
    rows = [{"time": iso_utc(r["time"]), "from": r["from"], "to": r["to"], "in_gap": bool(r["in_gap"]),
             "window_start": iso_utc(r["window_start"]), "window_end": iso_utc(r["window_end"])}
            for _, r in pairs.iterrows()]
    refs = gap_refs(g, border, 0.0)
    measured: dict[str, Any] = {"crossings": rows, "tolerance_km": border.tolerance_km}
    points = [GeoPoint(f"{r['from']} -> {r['to']}" + (" (unobserved, in a gap)" if r["in_gap"] else ""),
                       float(r["lat"]), float(r["lon"]), iso_utc(r["time"] if not r["in_gap"] else r["window_start"]),
                       "crossing") for _, r in pairs.iterrows() if not pd.isna(r["lat"])]
    if len(pairs):
        r = pairs.iloc[0]
        if r["in_gap"]:
            measured.update(time=iso_utc(r["window_end"]), time_earliest=iso_utc(r["window_start"]),
                            time_latest=iso_utc(r["window_end"]))
            sentence = (f"{who} crossed {rname(border)} from {r['from']} to {r['to']} unseen, between "
                        f"{when(r['window_start'], tz)} and {when(r['window_end'], tz)} (inside a coverage gap).")
        else:
            measured["time"] = iso_utc(r["time"])
            sentence = f"{who} crossed {rname(border)} from {r['from']} to {r['to']} at {when(r['time'], tz)}."
        samples = [ev.sample(track, int(r["before_index"]), "before the crossing"),
                   ev.sample(track, int(r["after_index"]), "after the crossing")]
        return ev.verdict("crossed", SUPPORTED, sentence, track=track, measured=measured, samples=samples,
                          points=points, gaps=refs, regions=[border.code])
    refs = [*edge_refs(track, start, end, border, 0.0, g.max_speed_kt, period_names), *refs]
    app = observed_closest(track, border, g.max_gap_s) if len(track) else None
    extra: dict[str, Any] = {}
    notes: list[str] = []
    closest = ""
    if app is not None:
        measured.update(distance_km=round(app.distance_km, 3), closest_time=iso_utc(app.time),
                        within_tolerance=_within_tolerance(app.distance_km, border))
        extra = _approach_evidence(track, app, border)
        notes = _tolerance_note(app.distance_km, border)
        closest = f"; its observed track came no closer than {km(app.distance_km)} to the line, at {when(app.time, tz)}"
    reaching = [r for r in refs if r.reaches_region]
    if reaching or app is None:
        why = f"{ev.gap_phrase(reaching, tz)} could hide a crossing" if reaching else "there are no samples"
        return ev.verdict("crossed", NOT_VERIFIABLE, f"Not verifiable: no crossing{direction} of {rname(border)} "
                          f"is observed{closest}, but {why}.", track=track, measured=measured, gaps=refs,
                          regions=[border.code], notes=notes, **extra)
    return ev.verdict("crossed", CONTRADICTED, f"{who} did not cross {rname(border)}{direction}{closest}; no "
                      f"coverage gap{_nor_edges(refs)} could hide a crossing.", track=track, measured=measured, gaps=refs,
                      regions=[border.code], notes=notes, **extra)


# -- time_inside ----------------------------------------------------------------------------------------------------


def time_inside(track: Track, *, region: Region, at_least: pd.Timedelta | None = None,
                at_most: pd.Timedelta | None = None, max_speed_kt: float | None = None, tz: str = "UTC",
                gaps: Gaps | None = None, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """Time spent inside the region compared with `at_least` / `at_most`.

    The data bounds it: at least the observed time inside (`seconds`), at most that plus every gap whose
    ellipse reaches the region, plus the unobserved ends of the period [`start`, `end`] (the case window: before
    the first and after the last sample) less the time needed to reach the region (`seconds_max`). Supported
    when both bounds satisfy the claim, contradicted when neither can, not verifiable in between.
    """
    g = _gaps(track, gaps, max_speed_kt)
    who = ev.name(track)
    if not len(track):
        return ev.verdict("time_inside", NOT_VERIFIABLE, f"Not verifiable: there are no samples of {who} in the "
                          f"period; the time it spent inside {rname(region)} can be neither seen nor ruled out.",
                          track=track, measured={"seconds": 0.0, "seconds_max": None, "intervals": []},
                          regions=[region.code])
    iv = fence.time_inside(track, region, max_gap_s=g.max_gap_s) if len(track) > 1 else None
    observed = iv.observed_s if iv is not None else 0.0
    refs = gap_refs(g, region, 0.0)
    reaching = [r for r in refs if r.reaches_region]
    edges: list[GapRef] = []
    end_s = 0.0
    for e in ev.edges(track, start, end):
        row = track.data.iloc[e.index]
        d = point_distance_km(float(row["lat"]), float(row["lon"]), region)
        spare = e.seconds - d / (g.max_speed_kt * KT_KM_S)  # time left once there, flying at the speed bound
        edges.append(ev.edge_ref(track, e, ev.edge_reach_km(e, g.max_speed_kt), bool(spare > 0), period_names))
        end_s += max(spare, 0.0)
    ends = [e for e in edges if e.reaches_region]
    upper = observed + sum(r.duration_s for r in reaching) + end_s
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
        samples = [ev.sample(track, int(r["first_index"]), "first inside interval starts"),
                   ev.sample(track, int(iv.observed["last_index"].iloc[-1]), "last inside interval ends")]
    return ev.verdict("time_inside", status, sentence, track=track, measured=measured, gaps=[*edges, *refs],
                      regions=[region.code], samples=samples)


# -- present / absent ------------------------------------------------------------------------------------------------


def _unobserved(track: Track, g: Gaps, start: pd.Timestamp, end: pd.Timestamp, region: Region | None,
                names: tuple[str, str] = ev.PERIOD_NAMES) -> tuple[list[GapRef], list[GapRef]]:
    """Gaps overlapping [start, end] that could put the aircraft in the region (any gap, without a region), and
    every unobserved edge of the period (`reaches_region`: it could; always, without a region)."""
    refs = gap_refs(g, region, 0.0, start=start, end=end) if region is not None else [
        ev.gap_ref(r, reaches=True) for _, r in g.frame.iterrows() if r["end_time"] > start and r["start_time"] < end]
    if region is not None:
        edges = edge_refs(track, start, end, region, 0.0, g.max_speed_kt, names)
    else:
        edges = [ev.edge_ref(track, e, ev.edge_reach_km(e, g.max_speed_kt), True, names)
                 for e in ev.edges(track, start, end)]
    return [r for r in refs if r.reaches_region], edges


def _presence(predicate: str, track: Track, start: pd.Timestamp, end: pd.Timestamp, region: Region | None,
              max_speed_kt: float | None, tz: str, gaps: Gaps | None,
              names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    g = _gaps(track, gaps, max_speed_kt)
    who = ev.name(track)
    t = track.data["time"]
    sel = _in_range(t, start, end)
    if region is not None and len(track):
        sel &= fence.inside(track, region)
    hits = np.flatnonzero(sel)
    where = f" inside {rname(region)}" if region is not None else ""
    period = f"between {when(start, tz)} and {when(end, tz)}"
    measured: dict[str, Any] = {"samples": len(hits)}
    regions = [region.code] if region is not None else []
    if len(hits):
        measured.update(first_seen=iso_utc(t.iloc[hits[0]]), last_seen=iso_utc(t.iloc[hits[-1]]))
        if predicate == "present":
            measured["time"] = measured["first_seen"]
        samples = [ev.sample(track, int(hits[0]), "first seen"), ev.sample(track, int(hits[-1]), "last seen")]
        text = (f"{who} was seen{where} {period}: {len(hits)} samples from {when(t.iloc[hits[0]], tz)} to "
                f"{when(t.iloc[hits[-1]], tz)}.")
        status = SUPPORTED if predicate == "present" else CONTRADICTED
        return ev.verdict(predicate, status, text, track=track, measured=measured, samples=samples, regions=regions)
    # inside crossings between samples (an incursion between two outside samples) count as presence
    if region is not None and len(track) > 1 and region.is_area:
        cr = fence.crossings(track, region, max_gap_s=g.max_gap_s)
        cr = cr[(cr["direction"] == "entry") & ~cr["in_gap"] & (cr["time"] >= start) & (cr["time"] <= end)]
        if len(cr):
            r = cr.iloc[0]
            measured["time"] = iso_utc(r["time"]) if predicate == "present" else ""
            text = f"{who} entered {rname(region)} at {when(r['time'], tz)}, {period} (between two samples)."
            status = SUPPORTED if predicate == "present" else CONTRADICTED
            if predicate == "absent":
                measured.pop("time", None)
            return ev.verdict(predicate, status, text, track=track, measured=measured, regions=regions,
                              points=_crossing_points(cr.head(1), region.code))
    refs, edges = _unobserved(track, g, start, end, region, names)
    reaching_edges = [e for e in edges if e.reaches_region]
    if region is None:
        if predicate == "present":
            text = (f"Not verifiable: {who} is not seen {period}" + (f" ({ev.gap_phrase(edges, tz)})" if edges else "")
                    + "; no data is not no flight.")
            return ev.verdict(predicate, NOT_VERIFIABLE, text, track=track, measured=measured, gaps=[*edges, *refs])
        text = (f"{who} is not seen in these track files {period}. No data is not no flight: this says the aircraft "
                "was not seen, not that it did not fly.")
        return ev.verdict(predicate, SUPPORTED, text, track=track, measured=measured, gaps=[*edges, *refs])
    if not len(track):
        text = (f"Not verifiable: {who} is not seen{where} {period}, but no data covers the whole period, when it "
                "could have been there.")
        return ev.verdict(predicate, NOT_VERIFIABLE, text, track=track, measured=measured, regions=regions)
    if refs or reaching_edges:
        bits = ([f"{ev.gap_phrase(refs, tz)} could have taken it there"] if refs else []) + (
            [f"it could have been there during {ev.gap_phrase(reaching_edges, tz)}"] if reaching_edges else [])
        text = f"Not verifiable: {who} is not seen{where} {period}, but " + "; ".join(bits) + "."
        return ev.verdict(predicate, NOT_VERIFIABLE, text, track=track, measured=measured, gaps=[*edges, *refs],
                          regions=regions)
    text = (f"{who} was observed elsewhere throughout, never{where}, {period}; no coverage gap{_nor_edges(edges)} "
            "could have taken it there.")
    status = CONTRADICTED if predicate == "present" else SUPPORTED
    return ev.verdict(predicate, status, text, track=track, measured=measured, regions=regions, gaps=edges)


def present(track: Track, *, start: pd.Timestamp, end: pd.Timestamp, region: Region | None = None,
            max_speed_kt: float | None = None, tz: str = "UTC", gaps: Gaps | None = None,
            period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """The aircraft was seen between start and end (inside the region when given). Without a region the claim
    is about the data (seen or not); with one, unobserved time that could reach the region makes it not
    verifiable. Measured: samples, first_seen, last_seen, time."""
    return _presence("present", track, start, end, region, max_speed_kt, tz, gaps, period_names)


def absent(track: Track, *, start: pd.Timestamp, end: pd.Timestamp, region: Region | None = None,
           max_speed_kt: float | None = None, tz: str = "UTC", gaps: Gaps | None = None,
           period_names: tuple[str, str] = ev.PERIOD_NAMES) -> Verdict:
    """The aircraft was not seen between start and end (not inside the region when given); see `present`."""
    return _presence("absent", track, start, end, region, max_speed_kt, tz, gaps, period_names)


# -- crossings for event_time_within --------------------------------------------------------------------------------


def crossing_time_within(track: Track, *, start: pd.Timestamp, end: pd.Timestamp, region: Region | None = None,
                         border: Region | None = None, sides: tuple[Region, Region] | None = None, tz: str = "UTC",
                         gaps: Gaps | None = None, max_speed_kt: float | None = None,
                         period_names: tuple[str, str] = ("the claimed start", "the claimed end")) -> Verdict:
    """A crossing of the region's boundary (or of the border line, whose two `sides` default to the regions
    named by its code "A|B") between start and end."""
    g = _gaps(track, gaps, max_speed_kt)
    who = ev.name(track)
    target = region if region is not None else border
    assert target is not None
    if region is not None:
        cr = fence.crossings(track, region, max_gap_s=g.max_gap_s) if len(track) > 1 else pd.DataFrame(
            columns=list(fence.CROSSING_COLUMNS))
    else:
        if sides is None:
            from tracks.geo.regions import get_region

            sides = tuple(get_region(c) for c in target.code.split("|"))  # type: ignore[assignment]
        assert sides is not None
        a, b = sides
        cr = _pairs(track, a, b, g.max_gap_s) if len(track) > 1 else pd.DataFrame(
            columns=["time", "window_start", "window_end", "in_gap", "lat", "lon"])
    window = f"between {when(start, tz)} and {when(end, tz)}"
    inside = cr[(cr["window_start"] >= start) & (cr["window_end"] <= end)]
    partial = cr[(cr["window_end"] >= start) & (cr["window_start"] <= end) & ~cr.index.isin(inside.index)]
    measured: dict[str, Any] = {"event": "crossing", "crossings": len(cr)}
    if len(inside):
        r = inside.iloc[0]
        if r["in_gap"]:
            measured.update(time=iso_utc(r["window_end"]), time_earliest=iso_utc(r["window_start"]),
                            time_latest=iso_utc(r["window_end"]))
            text = (f"{who} crossed the boundary of {rname(target)} unseen between {when(r['window_start'], tz)} and "
                    f"{when(r['window_end'], tz)}, {window}.")
        else:
            measured["time"] = iso_utc(r["time"])
            text = f"{who} crossed the boundary of {rname(target)} at {when(r['time'], tz)}, {window}."
        return ev.verdict("event_time_within", SUPPORTED, text, track=track, measured=measured,
                          regions=[target.code])
    refs = [r for r in gap_refs(g, target, 0.0, start=start, end=end) if r.reaches_region]
    edges = edge_refs(track, start, end, target, 0.0, g.max_speed_kt, period_names)
    ends = [e for e in edges if e.reaches_region]
    if not len(track):
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
        text = f"{who} crossed the boundary of {rname(target)} only outside the claimed window ({window}), nearest at {when(t_k, tz)}."
    else:
        text = (f"{who} never crossed the boundary of {rname(target)}, and no coverage gap{_nor_edges(edges)} could "
                f"hide a crossing {window}.")
    return ev.verdict("event_time_within", CONTRADICTED, text, track=track, measured=measured, regions=[target.code],
                      gaps=edges)


#: Region predicates by case-file name.
SPATIAL_PREDICATES = {
    "approached": approached,
    "entered": entered,
    "never_entered": never_entered,
    "crossed": crossed,
    "stayed_outside": stayed_outside,
    "time_inside": time_inside,
    "present": present,
    "absent": absent,
    "traffic_count": traffic_count,
}
