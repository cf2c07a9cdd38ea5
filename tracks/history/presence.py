"""Which aircraft were inside a region, when, and for how long: the one rule for counting traffic.

An aircraft is **inside** when the fence (tracks.geo.fence, segments not only samples) shows it inside at some
observed moment: a sample inside, or an observed segment passing inside (a corner cut between two samples
outside counts). An aircraft whose only time inside could be inside a coverage gap is **possibly inside**:
it is listed, never counted. Both `traffic_count` over files in memory and the history dataset queries
count with this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracks.geo import fence
from tracks.geo.regions import Region
from tracks.segments import DEFAULT_MAX_GAP_S

PRESENCE_COLUMNS = ("icao24", "first_inside", "last_inside", "inside_s", "points_inside", "entries", "exits",
                    "first_entry", "last_exit", "observed")
INTERVAL_COLUMNS = ("icao24", "start", "end")
_TS = "datetime64[ns, UTC]"


def empty_presence() -> pd.DataFrame:
    return pd.DataFrame({
        "icao24": pd.Series([], dtype="string"), "first_inside": pd.Series([], dtype=_TS),
        "last_inside": pd.Series([], dtype=_TS), "inside_s": pd.Series([], dtype="float64"),
        "points_inside": pd.Series([], dtype="int64"), "entries": pd.Series([], dtype="int64"),
        "exits": pd.Series([], dtype="int64"), "first_entry": pd.Series([], dtype=_TS),
        "last_exit": pd.Series([], dtype=_TS), "observed": pd.Series([], dtype="bool")})


def empty_intervals() -> pd.DataFrame:
    return pd.DataFrame({"icao24": pd.Series([], dtype="string"), "start": pd.Series([], dtype=_TS),
                         "end": pd.Series([], dtype=_TS)})


def presence(table: pd.DataFrame, region: Region, max_gap_s: float = DEFAULT_MAX_GAP_S) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per aircraft of `table` (canonical columns time, icao24, lat, lon, stale; sorted by icao24 then time)
    that was inside or possibly inside `region`: (presence, observed intervals inside).

    presence columns: first_inside / last_inside (UTC, interpolated on segments), inside_s (observed seconds
    inside), points_inside (samples inside), entries / exits (observed crossings), first_entry / last_exit
    (NaT when it started / ended inside or crossed only in gaps), observed (False: only possibly inside,
    during a coverage gap). intervals: one row per observed interval inside (icao24, start, end)."""
    if not len(table):
        return empty_presence(), empty_intervals()
    res = fence.analyse(table, region, max_gap_s)
    icao = table["icao24"].to_numpy(dtype=object)
    obs = res.intervals.observed
    intervals = pd.DataFrame({"icao24": pd.array(icao[obs["first_index"].to_numpy()], dtype="string"),
                              "start": obs["start"], "end": obs["end"]})
    inside_pts = pd.Series(res.inside, index=pd.Index(icao, name="icao24")).groupby(level=0, sort=True).sum()
    cr = res.crossings[~res.crossings["in_gap"]]
    entries = cr[cr["direction"] == "entry"].groupby("icao24")["time"].agg(["count", "min"])
    exits = cr[cr["direction"] == "exit"].groupby("icao24")["time"].agg(["count", "max"])
    per = intervals.assign(dur=(intervals["end"] - intervals["start"]).dt.total_seconds()).groupby("icao24").agg(
        first_inside=("start", "min"), last_inside=("end", "max"), inside_s=("dur", "sum"))
    unobs = res.intervals.unobserved
    maybe = pd.Index(pd.unique(icao[unobs["before_index"].to_numpy()]) if len(unobs) else [], dtype="string")
    ids = per.index.union(maybe)
    if not len(ids):
        return empty_presence(), empty_intervals()
    out = pd.DataFrame({"icao24": pd.array(ids, dtype="string")})
    out["first_inside"] = per["first_inside"].reindex(ids).to_numpy()
    out["last_inside"] = per["last_inside"].reindex(ids).to_numpy()
    out["inside_s"] = per["inside_s"].reindex(ids).fillna(0.0).to_numpy()
    out["points_inside"] = inside_pts.reindex(ids).fillna(0).astype("int64").to_numpy()
    out["entries"] = entries["count"].reindex(ids).fillna(0).astype("int64").to_numpy()
    out["exits"] = exits["count"].reindex(ids).fillna(0).astype("int64").to_numpy()
    out["first_entry"] = entries["min"].reindex(ids).to_numpy()
    out["last_exit"] = exits["max"].reindex(ids).to_numpy()
    out["observed"] = ids.isin(per.index)
    for c in ("first_inside", "last_inside", "first_entry", "last_exit"):
        out[c] = pd.to_datetime(out[c], utc=True).astype(_TS)
    return out, intervals


def periods(intervals: pd.DataFrame, freq: str) -> pd.DataFrame:
    """(period, icao24) pairs, each once: the UTC days (freq "D") or hours ("h") that each aircraft's observed
    intervals inside overlap. `period` is the period's start (UTC)."""
    if not len(intervals):
        return pd.DataFrame({"period": pd.Series([], dtype=_TS), "icao24": pd.Series([], dtype="string")})
    unit = {"D": 86_400, "h": 3_600}[freq] * 10**9
    s = intervals["start"].array.asi8 // unit
    e = intervals["end"].array.asi8 // unit
    n = (e - s + 1).astype(np.int64)
    period = np.repeat(s, n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    who = np.repeat(intervals["icao24"].to_numpy(dtype=object), n)
    pairs = pd.DataFrame({"period": period, "icao24": who}).drop_duplicates().sort_values(["period", "icao24"])
    return pd.DataFrame({"period": pd.to_datetime(pairs["period"].to_numpy() * unit, utc=True).astype(_TS),
                         "icao24": pd.array(pairs["icao24"].to_numpy(), dtype="string")})


def counts_per(intervals: pd.DataFrame, freq: str) -> pd.Series:
    """Distinct aircraft inside per period (freq "D" for UTC days, "h" for hours): an aircraft counts in every
    period its observed intervals overlap. Index: period starts (UTC); only periods with aircraft."""
    pairs = periods(intervals, freq)
    counts = pairs.groupby("period").size()
    return pd.Series(counts.to_numpy(dtype="int64"), index=pd.DatetimeIndex(counts.index), name="aircraft")
