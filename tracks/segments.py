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


#: Cause codes of `segment_causes`, by code: 0 an observed segment, then the three reasons for a gap.
CAUSES: tuple[str, ...] = ("", "time", "resent", "stale")
#: What each cause means, for sentences and docs.
GAP_CAUSES: dict[str, str] = {
    "time": "longer than the gap threshold without any sample",
    "resent": "longer than the gap threshold since the last fresh position (the samples in between re-send an old "
              "position)",
    "stale": "the exporter flags the sample after it as coming after 15 s or more without a reliable position",
}


def segment_causes(frame: pd.DataFrame, max_gap_s: float = DEFAULT_MAX_GAP_S) -> np.ndarray:
    """Per segment (length n-1, int8): why it is a coverage gap, as an index into CAUSES (1 "time", 2 "resent",
    3 "stale"; see GAP_CAUSES), 0 when it is observed. THE gap rule: consumers read it through
    `tracks.observation.Observation`, which computes it once per check."""
    n = len(frame)
    if n < 2:
        return np.zeros(0, dtype=np.int8)
    t = times_s(frame)
    dt = np.diff(t)
    resent = resent_mask(frame)
    fresh_t = pd.Series(np.where(resent, np.nan, t)).ffill().fillna(t[0]).to_numpy()
    since_fresh = t[1:] - fresh_t[:-1]
    stale_next = frame["stale"].to_numpy(dtype=bool)[1:]
    return np.select([dt > max_gap_s, since_fresh > max_gap_s, stale_next & (dt > STALE_MIN_S)],
                     [1, 2, 3], 0).astype(np.int8)


def gap_mask(frame: pd.DataFrame, max_gap_s: float = DEFAULT_MAX_GAP_S) -> np.ndarray:
    """Boolean per segment (length n-1): True where the segment is a coverage gap (`segment_causes` > 0)."""
    return segment_causes(frame, max_gap_s) > 0


def resent_mask(frame: pd.DataFrame) -> np.ndarray:
    """Per sample: flagged stale and exactly at the previous sample's position (an old position re-sent)."""
    stale = frame["stale"].to_numpy(dtype=bool)
    lat, lon = frame["lat"].to_numpy(), frame["lon"].to_numpy()
    same = np.zeros(len(frame), dtype=bool)
    same[1:] = (lat[1:] == lat[:-1]) & (lon[1:] == lon[:-1])
    return stale & same
