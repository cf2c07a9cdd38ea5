"""Segments between consecutive samples, and which of them are coverage gaps.

One definition shared by legs (gap list, reachability), the fence (unobserved crossings) and the map (dashed
segments): segment i joins sample i and sample i+1. It is a gap when

- the time between them exceeds `max_gap_s`; or
- the time since the last *fresh* position before sample i+1 exceeds `max_gap_s`: a *re-sent* sample (flagged
  stale and at exactly the previous sample's position, as OpenSky/FR24 repeat an old position) is not a
  fresh observation, and a run of them hides the aircraft just as well as no sample at all; or
- sample i+1 is flagged stale and follows sample i by more than `STALE_MIN_S` (readsb's stale flag: 15 s
  or more without a reliable position before this point).

A position re-sent a second later is not a gap on its own. A gap is never
interpolated through without being marked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_MAX_GAP_S = 60.0
STALE_MIN_S = 15.0  # readsb TRACE_STALE: a stale flag means at least this long without a reliable position


def times_s(frame: pd.DataFrame) -> np.ndarray:
    """Sample times as float seconds since the Unix epoch (UTC)."""
    t = frame["time"]
    return t.to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9


def segment_dt_s(frame: pd.DataFrame) -> np.ndarray:
    """Duration of each segment in seconds (length n-1)."""
    return np.diff(times_s(frame))


def gap_mask(frame: pd.DataFrame, max_gap_s: float = DEFAULT_MAX_GAP_S) -> np.ndarray:
    """Boolean per segment (length n-1): True where the segment is a coverage gap."""
    if len(frame) < 2:
        return np.zeros(0, dtype=bool)
    t = times_s(frame)
    dt = np.diff(t)
    resent = resent_mask(frame)
    fresh_t = pd.Series(np.where(resent, np.nan, t)).ffill().fillna(t[0]).to_numpy()
    since_fresh = t[1:] - fresh_t[:-1]
    stale_next = frame["stale"].to_numpy(dtype=bool)[1:]
    return (dt > max_gap_s) | (since_fresh > max_gap_s) | (stale_next & (dt > STALE_MIN_S))


def resent_mask(frame: pd.DataFrame) -> np.ndarray:
    """Per sample: flagged stale and exactly at the previous sample's position (an old position re-sent)."""
    stale = frame["stale"].to_numpy(dtype=bool)
    lat, lon = frame["lat"].to_numpy(), frame["lon"].to_numpy()
    same = np.zeros(len(frame), dtype=bool)
    same[1:] = (lat[1:] == lat[:-1]) & (lon[1:] == lon[:-1])
    return stale & same
