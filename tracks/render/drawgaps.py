"""Which coverage gaps the map and the profile chart draw as "no data": a drawing rule, never a verdict rule.

Verdicts use the coverage-gap definition of `tracks.segments.gap_mask` and decide with the reachability rule
(docs/method.md); nothing here changes a verdict. But some exports thin their data: Flightradar24 keeps about
one position a minute in cruise, so with a 60 s gap threshold every other step of an FR24 track is a "gap",
and a map drawn from that is mostly dashed "no data" where the source simply keeps one sample a minute.

The drawing threshold follows the source's cadence: the 90th percentile of the track's steps between samples,
times 1.5, never below `max_gap_s` and never above 10 minutes. A gap segment is drawn as "no data" when

- it is longer than the drawing threshold, or it leads into a stale sample or out of a re-sent one (those
  gaps are about coverage, not thinning); or
- a verdict depends on it (the claims' evidence cites it): gaps that matter are always drawn and labelled.

Other gap segments (a step of the export's own cadence) are drawn as track. For a receiver-rate track
(readsb: a sample every few seconds) the threshold is `max_gap_s` itself and every gap is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from tracks.observation import Observation
from tracks.segments import DEFAULT_MAX_GAP_S, gap_mask, resent_mask, times_s

#: Percentile of the steps between samples taken as the source's cadence, and the factor above it.
CADENCE_PERCENTILE = 90.0
CADENCE_FACTOR = 1.5
#: A step longer than this (s) is always drawn as "no data", whatever the cadence.
MAX_DRAW_THRESHOLD_S = 600.0


def cadence_s(dt: np.ndarray) -> float:
    """The source's usual step between samples (s): the 90th percentile of `dt`; 0 without steps."""
    dt = np.asarray(dt, dtype=float)
    dt = dt[np.isfinite(dt)]
    return float(np.percentile(dt, CADENCE_PERCENTILE)) if len(dt) else 0.0


def draw_threshold_s(dt: np.ndarray, max_gap_s: float) -> float:
    """Steps up to this long (s) between two fresh samples are the export's cadence, not drawn as gaps."""
    return max(float(max_gap_s), min(CADENCE_FACTOR * cadence_s(dt), MAX_DRAW_THRESHOLD_S))


def drawn_gaps(source: Observation | pd.DataFrame, max_gap_s: float | None = None,
               cited_starts: Iterable[pd.Timestamp | str] = (), starts: np.ndarray | None = None) -> np.ndarray:
    """Boolean per segment (length n-1): True where the segment is drawn as a coverage gap ("no data").

    `source` is an aircraft's observation model (tracks.observation: its gaps are used as they are, and
    `max_gap_s` is its own) or a table (a map of many aircraft: the gaps are those of `tracks.segments.gap_mask`,
    the same rule). `cited_starts` are the start times of the gaps a verdict depends on: the segment starting then
    (within 1 s) is drawn whatever its length. `starts`: for a table of several aircraft (sorted by aircraft, then
    time), the first row of each; the segments between two aircraft are never gaps, and each aircraft's
    drawing threshold follows its own cadence.
    """
    if isinstance(source, Observation):
        frame, max_gap_s, gaps, t = source.frame, source.max_gap_s, source.gap.copy(), source.t
    else:
        frame = source
        max_gap_s = DEFAULT_MAX_GAP_S if max_gap_s is None else max_gap_s
        gaps = gap_mask(frame, max_gap_s)
        t = times_s(frame)
    if not len(gaps):
        return gaps
    dt = np.diff(t)
    if starts is None or len(starts) <= 1:
        threshold: np.ndarray | float = draw_threshold_s(dt, max_gap_s)
    else:
        group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(t))))[:-1]  # per segment
        boundary = np.asarray(starts[1:]) - 1
        gaps[boundary] = False
        steps = pd.Series(np.where(np.isin(np.arange(len(dt)), boundary), np.nan, dt))
        cadence = steps.groupby(group).quantile(CADENCE_PERCENTILE / 100).reindex(np.arange(len(starts))).to_numpy()
        per_group = np.maximum(float(max_gap_s), np.minimum(CADENCE_FACTOR * np.nan_to_num(cadence),
                                                            MAX_DRAW_THRESHOLD_S))
        threshold = per_group[group]
    # a step of the cadence: not into a stale sample, not from a re-sent one (those gaps are about coverage)
    stale_next = frame["stale"].to_numpy(dtype=bool)[1:]
    thinning = (dt <= threshold) & ~stale_next & ~resent_mask(frame)[:-1]
    drawn = gaps & ~thinning
    cited = np.array([pd.Timestamp(s).value / 1e9 for s in cited_starts if s is not None and str(s) != ""])
    if len(cited) and thinning.any() and (starts is None or len(starts) <= 1):  # one aircraft: t is sorted
        pos = np.clip(np.searchsorted(t, cited - 1.0), 0, len(gaps) - 1)
        hit = pos[np.abs(t[pos] - cited) <= 1.0]
        drawn[hit] |= gaps[hit]
    return drawn
