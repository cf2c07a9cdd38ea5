"""Segments between consecutive samples, and which of them are coverage gaps.

One definition shared by legs (gap list, reachability), the fence (unobserved crossings) and the map (dashed
segments): segment i joins sample i and sample i+1; it is a gap when the time between them exceeds
`max_gap_s`, or when sample i+1 is flagged stale (the exporter says there was no reliable position before
it). A gap is never interpolated through without being marked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_MAX_GAP_S = 60.0


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
    dt = segment_dt_s(frame)
    stale_next = frame["stale"].to_numpy(dtype=bool)[1:]
    return (dt > max_gap_s) | stale_next
