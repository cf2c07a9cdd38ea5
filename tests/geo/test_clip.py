"""Track.clip: the pieces inside a region agree with the fence's crossings (same entries, exits and times)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from tests.helpers import make_track
from tracks.geo import fence

T0 = pd.Timestamp("2025-11-29T00:00:00Z")
BOX = shapely.box(0.0, 0.0, 1.0, 1.0)


def times(seconds) -> list[pd.Timestamp]:
    return [T0 + pd.Timedelta(seconds=float(s)) for s in seconds]


@pytest.mark.parametrize("orbits", [1, 17])
def test_racetrack_pieces_match_the_fence(orbits: int) -> None:
    s = np.arange(0, orbits * 360.0, 4.0) + 1.0
    theta = 2 * np.pi * s / 360.0
    tr = make_track(times(s), 0.5 + 0.1 * np.sin(theta), 0.1 * np.cos(theta))
    c = fence.crossings(tr, BOX)
    clip = tr.clip(BOX)
    assert len(clip) == orbits + 1  # the first half-orbit (starts inside), then one per entry
    frame = clip.frame()
    entries, exits = c[c["direction"] == "entry"], c[c["direction"] == "exit"]
    assert frame["entry_time"].iloc[1:].tolist() == entries["time"].tolist()
    assert frame["exit_time"].iloc[:len(exits)].tolist() == exits["time"].tolist()
    assert pd.isna(frame["entry_time"].iloc[0])  # the track starts inside: no entry
    inside = fence.inside(tr, BOX)
    assert len(clip.track) == inside.sum()
    assert (clip.track.data["time"] == tr.data["time"][inside].reset_index(drop=True)).all()
    # the line of a piece starts at the entry point and ends at the exit point
    geom = clip[1].geometry()
    assert geom.coords[0] == pytest.approx((entries["lon"].iloc[0], entries["lat"].iloc[0]))
    if orbits > 1:
        assert geom.coords[-1] == pytest.approx((exits["lon"].iloc[1], exits["lat"].iloc[1]))
        assert frame["observed_s"].iloc[1] == pytest.approx(180.0, abs=1.0)
    else:  # ends inside: the last piece ends at the last sample, without an exit
        assert pd.isna(frame["exit_time"].iloc[1]) and geom.coords[-1] == pytest.approx(
            (tr.data["lon"].iloc[-1], tr.data["lat"].iloc[-1]))


def test_sparse_track_entry_inside_a_gap_keeps_the_gap() -> None:
    s = [0, 10, 20, 620, 630, 640, 1240, 1250]  # out -> (gap) -> in, in -> (gap, stays in) -> in
    tr = make_track(times(s), [0.5] * 8, [-0.3, -0.2, -0.1, 0.3, 0.31, 0.32, 0.6, 0.61])
    c = fence.crossings(tr, BOX, max_gap_s=60)
    clip = tr.clip(BOX, max_gap_s=60)
    assert len(clip) == 1
    row = clip.frame().iloc[0]
    assert bool(row["entry_in_gap"]) and pd.isna(row["entry_time"])
    assert row["entry_window_start"] == c["window_start"].iloc[0] == T0 + pd.Timedelta(seconds=20)
    assert row["entry_window_end"] == c["window_end"].iloc[0] == T0 + pd.Timedelta(seconds=620)
    assert (row["first_index"], row["last_index"], row["samples"]) == (3, 7, 5)
    geom = clip[0].geometry()
    # no line drawn through either gap: from the first sample inside, broken at the inside gap
    assert geom.geom_type == "MultiLineString"
    assert [g.coords[0][0] for g in geom.geoms] == [0.3, 0.6]
    assert row["observed_s"] == pytest.approx(630 - 620 + 640 - 630 + 1250 - 1240)


def test_corner_cut_piece_has_no_sample_but_both_crossings() -> None:
    small = shapely.box(0.0, 0.0, 0.1, 0.1)
    tr = make_track(times([0, 10, 60, 70]), [0.14, 0.12, 0.05, 0.03], [0.03, 0.05, 0.12, 0.14])
    clip = tr.clip(small)
    c = fence.crossings(tr, small)
    assert len(clip) == 1 and len(clip[0].track) == 0
    assert (clip[0].entry_time, clip[0].exit_time) == (c["time"].iloc[0], c["time"].iloc[1])
    (a, b) = clip[0].geometry().coords[:]
    assert a == pytest.approx((0.07, 0.1)) and b == pytest.approx((0.1, 0.07))


def test_sample_on_the_boundary_and_a_track_never_inside() -> None:
    tr = make_track(times([0, 20, 40]), [0.5, 0.5, 0.5], [-0.1, 0.0, 0.1])
    clip = tr.clip(BOX)
    assert len(clip) == 1 and (clip[0].first_index, clip[0].last_index) == (2, 2)
    assert clip[0].entry_time == T0 + pd.Timedelta(seconds=20)
    out = make_track(times([0, 20]), [2.0, 2.0], [2.0, 2.1])
    assert len(out.clip(BOX)) == 0 and out.clip(BOX).track.empty
