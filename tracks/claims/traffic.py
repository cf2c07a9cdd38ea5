"""traffic_count: distinct aircraft seen inside a region per UTC day, a period against a baseline.

A claim about many aircraft ("the airspace is closed in its entirety"), checked on files loaded in memory or on
a history dataset (`traffic: {dataset: DIR}` in the case file; see docs/history.md). Both count with the same
rule (tracks.history.presence) and report each day's coverage: the aircraft seen anywhere near the region.
Days without any data, and days on which nothing at all was seen near the region (no coverage), are left out
and listed, because no data is not no traffic.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

from tracks import schema
from tracks.claims import evidence as ev
from tracks.claims.evidence import rname
from tracks.claims.verdict import CONTRADICTED, NOT_VERIFIABLE, SUPPORTED, Verdict
from tracks.geo.regions import Region
from tracks.history import presence
from tracks.history.layout import MANIFEST, Dataset
from tracks.history.scan import boxes
from tracks.track import Source, Track, Traffic

MAX_LISTED = 200  # aircraft listed in the measured values of the period (the dataset query lists them all)


def traffic_count(traffic: Traffic | Dataset, *, region: Region, baseline: Any, period: Any,
                  at_most_ratio: float | None = None, at_most_per_day: float | None = None,
                  exclude_icao24: tuple[str, ...] = (), tz: str = "UTC", max_gap_s: float = 60.0,
                  near_km: float = 300.0) -> Verdict:
    """Distinct aircraft seen inside the region per UTC day, `period` compared with `baseline` (TimeRanges).

    `traffic` is a Traffic table or a history Dataset. An aircraft counts on a day when it was inside at an
    observed moment that day (a sample inside, or a segment passing inside: tracks.history.presence). Days
    without any data, and days with no aircraft seen within `near_km` of the region's box (no coverage), are
    left out of the means and listed. Supported when the period's mean is at most `at_most_ratio` x the
    baseline's (and/or at most `at_most_per_day`). Measured: per-day counts and coverage of both periods, their
    means, the ratio, the days left out.
    """
    first = min(baseline.start, period.start).floor("D")
    last = (max(baseline.end, period.end) - pd.Timedelta("1ns")).floor("D")
    if isinstance(traffic, Dataset):
        who, near, held, srcs = _from_dataset(traffic, region, first, last, exclude_icao24, max_gap_s, near_km)
    else:
        who, near, held, srcs = _from_table(traffic, region, exclude_icao24, max_gap_s, near_km)
    per_day = who.groupby("day")["icao24"].nunique().to_dict()

    def aircraft(counts: dict[str, int]) -> list[str]:
        """The aircraft counted on those days (sorted addresses, at most MAX_LISTED)."""
        return sorted(who.loc[who["day"].isin(list(counts)), "icao24"].unique().tolist())[:MAX_LISTED]

    def summarise(rng: Any) -> tuple[dict[str, int], dict[str, int], list[str], list[str], float | None]:
        days = [d.strftime("%Y-%m-%d") for d in pd.date_range(rng.start.floor("D"),
                                                                 (rng.end - pd.Timedelta("1ns")).floor("D"), freq="D")]
        counts = {d: int(per_day.get(d, 0)) for d in days if d in held and near.get(d, 0) > 0}
        coverage = {d: int(near.get(d, 0)) for d in days if d in held}
        missing = [d for d in days if d not in held]
        blind = [d for d in days if d in held and near.get(d, 0) == 0]
        mean = float(np.mean(list(counts.values()))) if counts else None
        return counts, coverage, missing, blind, mean

    b_counts, b_cov, b_missing, b_blind, b_mean = summarise(baseline)
    p_counts, p_cov, p_missing, p_blind, p_mean = summarise(period)
    ratio = (p_mean / b_mean) if (p_mean is not None and b_mean) else None
    b_cov_mean = float(np.mean([b_cov[d] for d in b_counts])) if b_counts else None
    p_cov_mean = float(np.mean([p_cov[d] for d in p_counts])) if p_counts else None
    # what a closure does not remove: aircraft seen near the region but not inside it (routes around it)
    b_out = float(np.mean([max(b_cov[d] - b_counts[d], 0) for d in b_counts])) if b_counts else None
    p_out = float(np.mean([max(p_cov[d] - p_counts[d], 0) for d in p_counts])) if p_counts else None
    measured: dict[str, Any] = {
        "baseline": {"per_day": b_counts, "mean_per_day": b_mean, "coverage_per_day": b_cov,
                     "days_without_data": b_missing, "days_without_coverage": b_blind},
        "period": {"per_day": p_counts, "mean_per_day": p_mean, "coverage_per_day": p_cov,
                   "days_without_data": p_missing, "days_without_coverage": p_blind, "aircraft": aircraft(p_counts)},
        "ratio": None if ratio is None else round(ratio, 4),
        "coverage_ratio": None if not (b_out and p_out is not None) else round(p_out / b_out, 4),
        "coverage_near_km": near_km,
        "excluded_icao24_prefixes": list(exclude_icao24),
        "source": "history dataset" if isinstance(traffic, Dataset) else "track files",
    }
    what = f"distinct aircraft per day inside {rname(region)}"
    srcs_track = Track(schema.empty_frame(), tuple(srcs))
    if p_mean is None or b_mean is None or (at_most_ratio is not None and not b_mean):
        why = ("the baseline has no traffic to compare with" if b_mean == 0 else
               "the data has no day with coverage for " + ("the baseline" if b_mean is None else "the period"))
        return ev.verdict("traffic_count", NOT_VERIFIABLE, f"Not verifiable: {why}.", track=srcs_track,
                          measured=measured, regions=[region.code])
    ok = []
    if at_most_ratio is not None:
        ok.append(ratio is not None and ratio <= at_most_ratio)
    if at_most_per_day is not None:
        ok.append(p_mean <= at_most_per_day)
    status = SUPPORTED if all(ok) else CONTRADICTED
    claim = " and ".join(x for x in (f"at most {at_most_ratio:g} of the baseline" if at_most_ratio is not None else "",
                                     f"at most {at_most_per_day:g} per day" if at_most_per_day is not None else "") if x)
    sentence = (f"{p_mean:.1f} {what} in the period against {b_mean:.1f} in the baseline"
                + (f" (ratio {ratio:.2f})" if ratio is not None else "")
                + (f": consistent with the claimed {claim}." if status == SUPPORTED else f": not the claimed {claim}."))
    notes = ["counts only aircraft seen in this data: receivers and data providers miss traffic",
             f"coverage: {p_cov_mean:.1f} aircraft a day seen within {near_km:g} km of the region in the period, "
             f"{b_cov_mean:.1f} in the baseline"]
    if measured["coverage_ratio"] is not None and ratio is not None and measured["coverage_ratio"] < 0.7:
        notes.append(f"aircraft seen near the region but not inside it fell to {measured['coverage_ratio']:.2f} of the "
                     "baseline's: receivers saw less there too, so part of the drop in traffic may be a drop in coverage")
    if b_missing or p_missing:
        notes.append(f"days without any data, left out: {', '.join(b_missing + p_missing)}")
    if b_blind or p_blind:
        notes.append(f"days with no aircraft seen near the region (no coverage), left out: {', '.join(b_blind + p_blind)}")
    return ev.verdict("traffic_count", status, sentence, track=srcs_track, measured=measured, regions=[region.code],
                      notes=notes)


def _from_table(traffic: Traffic, region: Region, exclude: tuple[str, ...], max_gap_s: float,
                near_km: float) -> tuple[pd.DataFrame, dict[str, int], set[str], list[Source]]:
    """(who: day and icao24 of each aircraft inside each day, coverage per day, days with data, sources)."""
    d = traffic.data
    day = d["time"].dt.strftime("%Y-%m-%d") if len(d) else pd.Series([], dtype=str)
    held = set(day.unique())
    _, nbox = boxes(region, near_km)
    x, y = d["lon"].to_numpy(), d["lat"].to_numpy()
    in_near = (x >= nbox[0]) & (x <= nbox[2]) & (y >= nbox[1]) & (y <= nbox[3])
    near = d.loc[in_near, "icao24"].groupby(day[in_near]).nunique().to_dict() if len(d) else {}
    if exclude:
        d = d[~d["icao24"].str.startswith(tuple(exclude)).fillna(False)]
    cols = ["time", "icao24", "lat", "lon", "stale"]
    _, intervals = presence.presence(d[cols].reset_index(drop=True), region, max_gap_s)
    pairs = presence.periods(intervals, "D")
    who = pd.DataFrame({"day": pairs["period"].dt.strftime("%Y-%m-%d"), "icao24": pairs["icao24"]})
    return who, {k: int(v) for k, v in near.items()}, held, list(traffic.sources)


def _from_dataset(ds: Dataset, region: Region, first: pd.Timestamp, last: pd.Timestamp, exclude: tuple[str, ...],
                  max_gap_s: float, near_km: float) -> tuple[pd.DataFrame, dict[str, int], set[str], list[Source]]:
    from tracks.history.query import region_traffic

    rt = region_traffic(ds, region, start=first.date(), end=last.date(), max_gap_s=max_gap_s, near_km=near_km)
    a = rt.aircraft
    if exclude:
        a = a[~a["icao24"].str.startswith(tuple(exclude)).fillna(False)]
    who = a.loc[a["observed"], ["day", "icao24"]]
    near = dict(zip(rt.days["day"], rt.days["aircraft_near"].astype(int), strict=True))
    held = set(rt.days["day"])
    srcs = []
    for day in sorted(held):  # each day's manifest: it lists every input file of the day with its sha256
        path = f"{ds.day_dir(day)}/{MANIFEST}"
        data = ds.fs.cat_file(path)
        m = ds.manifest(day)
        srcs.append(Source(path=ds.fs.unstrip_protocol(path), sha256=hashlib.sha256(data).hexdigest(),
                           format="tracks-history-manifest", size=len(data), records_read=m.counts.get("points_read", 0),
                           records_kept=m.rows, records_rejected=sum(m.rejected_points.values()),
                           rejected_reasons=dict(m.rejected_points),
                           note=f"{len(m.inputs)} input file(s), {len(m.bad_members)} bad member(s)"))
    return who, near, held, srcs
