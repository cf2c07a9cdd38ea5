"""The shared gap definition (tracks.segments.gap_mask) on hand-made sample sequences."""

from __future__ import annotations

import pandas as pd

from tests.helpers import make_track
from tracks.segments import gap_mask


def times(*seconds: float) -> list[pd.Timestamp]:
    t0 = pd.Timestamp("2025-11-29T01:00:00Z")
    return [t0 + pd.Timedelta(seconds=s) for s in seconds]


def test_long_interval_is_a_gap_and_short_ones_are_not() -> None:
    t = make_track(times(0, 10, 20, 81, 90), [1, 1, 1, 1, 1], [1, 2, 3, 4, 5])
    assert gap_mask(t.data).tolist() == [False, False, True, False]
    assert gap_mask(t.data, max_gap_s=90).tolist() == [False] * 4


def test_readsb_stale_flag_after_15_s_is_a_gap() -> None:
    t = make_track(times(0, 10, 30, 40), [1] * 4, [1, 2, 3, 4], stale=[False, False, True, False])
    assert gap_mask(t.data).tolist() == [False, True, False]  # the stale point is a fresh position after a gap


def test_resent_positions_one_second_apart_are_not_gaps_but_a_long_stale_run_is() -> None:
    # fresh at 0, re-sent (stale) every 20 s until 70 s, fresh again at 75 s: 75 s without a fresh position
    t = make_track(times(0, 1, 20, 40, 70, 75), [1] * 6, [1, 1, 1, 1, 1, 2],
                   stale=[False, True, True, True, True, False])
    mask = gap_mask(t.data)
    # a 1 s repeat is fine; stale steps of 15 s or more are gaps; 75 s after the last fresh position is a gap
    assert mask.tolist() == [False, True, True, True, True]
    slow = make_track(times(0, 10, 20, 30, 40, 50, 61, 65), [1] * 8, [1] * 7 + [2],
                      stale=[False, True, True, True, True, True, True, False])
    assert gap_mask(slow.data).tolist() == [False] * 5 + [True, True]  # 10 s repeats: gap once 60 s have passed
    short = make_track(times(0, 1, 2, 3), [1] * 4, [1, 1, 1, 2], stale=[False, True, True, False])
    assert gap_mask(short.data).tolist() == [False, False, False]
