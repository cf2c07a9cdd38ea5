"""traffic_count: distinct aircraft seen inside a region per UTC day, a period against a baseline.

A claim about many aircraft ("the airspace is closed in its entirety"): days without any data are left out and
listed, because no data is not no traffic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tracks.claims import evidence as ev
from tracks.claims.evidence import rname
from tracks.claims.verdict import CONTRADICTED, NOT_VERIFIABLE, SUPPORTED, Verdict
from tracks.geo import fence
from tracks.geo.regions import Region
from tracks.track import Track, Traffic


def traffic_count(traffic: Traffic, *, region: Region, baseline: Any, period: Any, at_most_ratio: float | None = None,
                  at_most_per_day: float | None = None, exclude_icao24: tuple[str, ...] = (), tz: str = "UTC",
                  max_gap_s: float = 60.0) -> Verdict:
    """Distinct aircraft seen inside the region per UTC day, `period` compared with `baseline` (TimeRanges).

    An aircraft counts on a day when a sample of it is inside the region that day, or it enters the region
    between two samples. Days without any sample in the files (inside the region or not) are days without
    data: they are left out of the means and listed, because no data is not no traffic. Supported when the
    period's mean is at most `at_most_ratio` x the baseline's (and/or at most `at_most_per_day`).
    Measured: per-day counts of both periods, their means, the ratio, days without data.
    """
    d = traffic.data
    if exclude_icao24:
        d = d[~d["icao24"].str.startswith(tuple(exclude_icao24)).fillna(False)]
    sub = Traffic(d.reset_index(drop=True), traffic.sources) if len(d) else None
    d = sub.data if sub is not None else d
    t = d["time"]
    inside = fence.inside(sub, region) if sub is not None else np.zeros(0, dtype=bool)
    rows = d.loc[inside, ["icao24", "time"]] if len(d) else d[["icao24", "time"]]
    if sub is not None and region.is_area and len(d) > 1:
        cr = fence.crossings(sub, region, max_gap_s=max_gap_s)
        cr = cr[(cr["direction"] == "entry") & ~cr["in_gap"]]
        rows = pd.concat([rows, cr[["icao24", "time"]]], ignore_index=True)
    days_with_data = set(t.dt.floor("D").unique()) if len(d) else set()
    per_day = rows.assign(day=rows["time"].dt.floor("D")).groupby("day")["icao24"].nunique() if len(rows) else pd.Series(
        dtype=int)

    def summarise(rng: Any) -> tuple[dict[str, int], list[str], float | None]:
        days = pd.date_range(rng.start.floor("D"), (rng.end - pd.Timedelta("1ns")).floor("D"), freq="D", tz="UTC")
        counts = {d_.strftime("%Y-%m-%d"): int(per_day.get(d_, 0)) for d_ in days if d_ in days_with_data}
        missing = [d_.strftime("%Y-%m-%d") for d_ in days if d_ not in days_with_data]
        mean = float(np.mean(list(counts.values()))) if counts else None
        return counts, missing, mean

    b_counts, b_missing, b_mean = summarise(baseline)
    p_counts, p_missing, p_mean = summarise(period)
    ratio = (p_mean / b_mean) if (p_mean is not None and b_mean) else None
    measured: dict[str, Any] = {
        "baseline": {"per_day": b_counts, "mean_per_day": b_mean, "days_without_data": b_missing},
        "period": {"per_day": p_counts, "mean_per_day": p_mean, "days_without_data": p_missing},
        "ratio": None if ratio is None else round(ratio, 4),
        "excluded_icao24_prefixes": list(exclude_icao24),
    }
    what = f"distinct aircraft per day inside {rname(region)}"
    srcs_track = Track(traffic.data.iloc[0:0], traffic.sources)
    if p_mean is None or b_mean is None or (at_most_ratio is not None and not b_mean):
        why = ("the baseline has no traffic to compare with" if b_mean == 0 else
               "the files hold no data for " + ("the baseline" if b_mean is None else "the period"))
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
    notes = ["counts only aircraft seen in these files: receivers and data providers miss traffic"]
    if b_missing or p_missing:
        notes.append(f"days without any data, left out: {', '.join(b_missing + p_missing)}")
    return ev.verdict("traffic_count", status, sentence, track=srcs_track, measured=measured, regions=[region.code],
                      notes=notes)
