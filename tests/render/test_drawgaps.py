"""Gaps drawn as the data shows them: the export's own cadence is not "no data"; coverage gaps and the gaps a
verdict depends on always are. A drawing rule only: tracks.segments.gap_mask (the verdicts' rule) is unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tracks
from tests.helpers import make_track
from tracks.observation import observe
from tracks.render.drawgaps import MAX_DRAW_THRESHOLD_S, cadence_s, draw_threshold_s, drawn_gaps
from tracks.segments import gap_mask


def _track(steps_s: list[float], stale: list[int] = ()) -> tracks.Track:
    t = pd.Timestamp("2025-11-29T00:00:00Z") + pd.to_timedelta(np.concatenate([[0], np.cumsum(steps_s)]), unit="s")
    n = len(t)
    flags = np.zeros(n, bool)
    flags[list(stale)] = True
    return make_track(t, np.linspace(0, 1, n), np.linspace(0, 1, n), stale=flags)


def test_cruise_cadence_of_a_minute_is_not_drawn_but_a_five_minute_hole_is() -> None:
    # FR24-like: 5 s steps in the climb, then one position a minute (61-64 s), and one 5-min hole
    steps = [5.0] * 20 + [61.0, 62.0, 64.0, 61.0] * 10 + [300.0] + [61.0] * 20
    tr = _track(steps)
    assert gap_mask(tr.data, 60).sum() == 61  # the verdicts' rule: every minute step is a gap
    assert cadence_s(np.array(steps)) == pytest.approx(np.percentile(steps, 90))
    assert draw_threshold_s(np.array(steps), 60) == pytest.approx(1.5 * np.percentile(steps, 90))
    drawn = drawn_gaps(observe(tr))
    assert np.flatnonzero(drawn).tolist() == [60]  # only the 300 s step


def test_receiver_rate_tracks_draw_every_gap() -> None:
    steps = [1.0] * 500 + [75.0] + [1.0] * 100 + [61.0] + [2.0] * 50
    tr = _track(steps)
    assert draw_threshold_s(np.array(steps), 60) == 60
    assert np.array_equal(drawn_gaps(observe(tr)), gap_mask(tr.data, 60))
    assert drawn_gaps(observe(tr)).sum() == 2


def test_stale_samples_and_cited_gaps_are_always_drawn() -> None:
    steps = [61.0] * 30 + [20.0] + [61.0] * 10
    tr = _track(steps, stale=[31])  # sample 31 follows a 20 s step and is stale: a coverage gap
    drawn = drawn_gaps(observe(tr))
    assert drawn[30] and drawn.sum() == 1
    cited = tr.data["time"].iloc[[12]].tolist()  # a verdict depends on the gap starting at sample 12
    assert np.flatnonzero(drawn_gaps(observe(tr), cited_starts=cited)).tolist() == [12, 30]


def test_the_drawing_threshold_is_capped() -> None:
    steps = [900.0] * 50 + [1800.0]
    assert draw_threshold_s(np.array(steps), 60) == MAX_DRAW_THRESHOLD_S
    assert drawn_gaps(observe(_track(steps))).all()


@pytest.mark.corpus
def test_fr24_spar19_is_not_mostly_dashed(corpus) -> None:
    tr = tracks.load(corpus / "fr24-playback-json" / "2ce4f83f.json")
    gaps, drawn = gap_mask(tr.data, 60), drawn_gaps(observe(tr))
    dt = np.diff(tr.data["time"].to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9)
    assert gaps.sum() == 321  # one-a-minute cruise: 321 of 870 steps are over 60 s
    assert 0 < drawn.sum() <= 12
    assert (dt[drawn] > 90).all() and (dt[gaps & ~drawn] < 100).all()


def test_a_run_of_re_sent_positions_is_drawn_as_no_data() -> None:
    # samples 10..13 re-send sample 9's position (stale, same place) every 30 s: 120 s without a fresh one
    steps = [61.0] * 9 + [30.0] * 5 + [61.0] * 10
    n = len(steps) + 1
    t = pd.Timestamp("2025-11-29T00:00:00Z") + pd.to_timedelta(np.concatenate([[0], np.cumsum(steps)]), unit="s")
    lat, lon = np.linspace(0, 1, n), np.linspace(0, 1, n)
    lat[10:14], lon[10:14] = lat[9], lon[9]
    stale = np.zeros(n, bool)
    stale[10:14] = True
    tr = make_track(t, lat, lon, stale=stale)
    drawn = drawn_gaps(observe(tr))
    assert np.flatnonzero(drawn).tolist() == [9, 10, 11, 12, 13]  # into, along and out of the re-sent run
