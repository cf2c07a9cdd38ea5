"""Cleaning: every removed row or value has a reason; stale points are kept and marked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.helpers import make_track
from tracks.clean import CleanResult, clean
from tracks.track import REJECTED_COLUMNS


def _line(n: int, step_s: float = 10.0, gs: float = 300.0, start: str = "2025-11-29T00:00:00Z", **cols: object):
    """n samples flying north at exactly `gs` kt, one every `step_s` s, from 5N 61W."""
    t0 = pd.Timestamp(start)
    times = [(t0 + pd.Timedelta(seconds=i * step_s)).isoformat() for i in range(n)]
    dlat = gs * 1.852 * step_s / 3600 / 111.2  # degrees of latitude per step (close enough for the tests)
    lats = 5.0 + dlat * np.arange(n)
    lons = np.full(n, -61.0)
    cols.setdefault("gs_kt", np.full(n, gs))
    cols.setdefault("alt_baro_ft", np.full(n, 10_000.0))
    cols.setdefault("source", ["adsb"] * n)
    return times, lats, lons, cols


def _track(times, lats, lons, cols):
    return make_track(times, lats, lons, **cols)


def test_clean_track_is_unchanged_and_input_untouched() -> None:
    tr = _track(*_line(50))
    before = tr.data.copy()
    r = clean(tr)
    assert isinstance(r, CleanResult) and isinstance(tr.clean(), CleanResult)
    assert len(r.track) == 50 and r.rejected.empty
    assert tuple(r.rejected.columns) == REJECTED_COLUMNS
    pd.testing.assert_frame_equal(tr.data, before)
    pd.testing.assert_frame_equal(r.track.data, before)


def test_exact_duplicates_are_dropped_with_the_original_named() -> None:
    times, lats, lons, cols = _line(10)
    times = [*times, times[3]]
    lats = np.r_[lats, lats[3]]
    lons = np.r_[lons, lons[3]]
    cols = {k: np.append(np.asarray(v), np.asarray(v)[3]) for k, v in cols.items()}
    r = clean(_track(times, lats, lons, cols))
    assert len(r.track) == 10 and len(r.rejected) == 1
    row = r.rejected.iloc[0]
    assert row["record"] == 10 and row["reason"] == "exact duplicate of record 3 (test)"
    assert "lat=5.0" in row["values"] and r.counts["duplicate"] == 1


def test_same_time_conflict_keeps_the_better_source() -> None:
    times, lats, lons, cols = _line(10)
    times = [*times, times[5]]
    lats = np.r_[lats, lats[5] + 0.05]
    lons = np.r_[lons, lons[5]]
    cols = {k: np.append(np.asarray(v), np.asarray(v)[5]) for k, v in cols.items()}
    src = ["mlat"] * 10 + ["adsb"]
    r = clean(_track(times, lats, lons, {**cols, "source": src}))
    assert len(r.track) == 10
    assert r.rejected["record"].tolist() == [5]
    assert "kept that one (adsb, better source)" in r.rejected["reason"].iloc[0]
    assert r.track.data.loc[5, "source"] == "adsb"


def test_teleport_there_and_back_is_removed() -> None:
    times, lats, lons, cols = _line(30)
    lats = lats.copy()
    lats[10] += 4.0  # one sample 445 km away
    lats[20:23] -= 2.0  # three samples 222 km away (a spoofed stretch)
    r = clean(_track(times, lats, lons, cols))
    assert sorted(r.rejected["record"].tolist()) == [10, 20, 21, 22]
    assert r.rejected["reason"].str.contains("jump there and back").all()
    assert r.rejected["reason"].str.contains("3 sample").sum() == 3
    assert len(r.track) == 26 and r.counts["implausible_position"] == 4


def test_speed_bound_follows_reported_ground_speed_with_mlat_leeway() -> None:
    times, lats, lons, cols = _line(20, gs=200)
    lats = lats.copy()
    lats[10] += 5.0 / 111.2  # 5 km off in 10 s: under Mach 3.5 but far above 2 x 200 kt + margin
    adsb = clean(_track(times, lats, lons, cols))
    assert adsb.rejected["record"].tolist() == [10]
    mlat = clean(_track(times, lats, lons, {**cols, "source": ["mlat"] * 20}))
    assert mlat.rejected.empty  # 3 km tolerance per MLAT fix and a larger margin
    # without a ground speed, only Mach 3.5 applies: 5 km in 10 s (970 kt) is kept
    nogs = clean(_track(times, lats, lons, {**cols, "gs_kt": np.full(20, np.nan)}))
    assert nogs.rejected.empty


def test_bad_first_sample_is_removed_and_sustained_jump_is_kept_with_a_note() -> None:
    times, lats, lons, cols = _line(20)
    lats = lats.copy()
    lats[0] -= 3.0
    r = clean(_track(times, lats, lons, cols))
    assert r.rejected["record"].tolist() == [0]
    assert "start of the track" in r.rejected["reason"].iloc[0]
    # two long self-consistent halves 300 km apart: cannot tell which is wrong -> keep all, note it
    times, lats, lons, cols = _line(60)
    lats = lats.copy()
    lats[30:] += 2.7
    r = clean(_track(times, lats, lons, cols))
    assert r.rejected.empty and len(r.track) == 60
    assert len(r.notes) == 1 and "records 29 and 30" in r.notes[0]


def test_altitude_spike_is_blanked_and_position_kept() -> None:
    times, lats, lons, cols = _line(20)
    alt = cols["alt_baro_ft"].copy()
    alt[7] = 35_000.0
    r = clean(_track(times, lats, lons, {**cols, "alt_baro_ft": alt}))
    assert len(r.track) == 20
    assert np.isnan(r.track.data.loc[7, "alt_baro_ft"])
    assert r.track.data["alt_baro_ft"].isna().sum() == 1
    assert r.rejected["record"].tolist() == [7]
    assert r.rejected["reason"].iloc[0].startswith("altitude spike: alt_baro_ft 35,000 ft")
    # confirmed by the geometric altitude: a real value, not blanked
    geom = alt + 150.0
    r2 = clean(_track(times, lats, lons, {**cols, "alt_baro_ft": alt, "alt_geom_ft": geom}))
    assert r2.rejected.empty and r2.track.data.loc[7, "alt_baro_ft"] == 35_000.0


def test_null_island_is_rejected() -> None:
    times, lats, lons, cols = _line(5)
    lats, lons = lats.copy(), lons.copy()
    lats[2], lons[2] = 0.0, 0.0
    r = clean(_track(times, lats, lons, cols))
    assert r.rejected["record"].tolist() == [2] and "null island" in r.rejected["reason"].iloc[0]


def test_stale_points_are_kept_and_marked_never_filled() -> None:
    times, lats, lons, cols = _line(12)
    lats = lats.copy()
    lats[6] = lats[4]  # position of sample 4 re-sent at sample 6's time while moving at 300 kt
    stale = np.zeros(12, dtype=bool)
    stale[9] = True  # the export's own stale flag
    r = clean(_track(times, lats, lons, {**cols, "stale": stale}))
    assert len(r.track) == 12 and r.rejected.empty
    assert r.track.data["stale"].tolist() == [i in (6, 9) for i in range(12)]
    assert r.counts["marked_stale"] == 1 and "re-sent" in r.notes[0]
    assert r.track.data.loc[6, "lat"] == lats[4]  # not moved, not interpolated


def test_rejected_accumulates_on_the_track() -> None:
    times, lats, lons, cols = _line(10)
    lats = lats.copy()
    lats[5] += 3.0
    tr = _track(times, lats, lons, cols)
    prior = pd.DataFrame({"file": ["test"], "record": [99], "reason": ["loader: bad row"], "values": ["x"]})
    from tracks.track import Track

    tr = Track(tr.data, tr.sources, prior.astype({"file": "string", "reason": "string", "values": "string"}))
    r = clean(tr)
    assert r.track.rejected["record"].tolist() == [99, 5]
    assert r.rejected["record"].tolist() == [5]


def test_many_points_are_fast() -> None:
    import time

    times, lats, lons, cols = _line(50_000, step_s=1.0)
    lats = lats.copy()
    lats[::1000] += 1.0  # 50 teleports
    tr = _track(times, lats, lons, cols)
    t0 = time.perf_counter()
    r = clean(tr)
    elapsed = time.perf_counter() - t0
    assert r.counts["implausible_position"] == 50
    assert elapsed < 10.0


def test_corpus_trace_loses_only_what_it_must(corpus) -> None:
    import tracks

    tr = tracks.load(corpus / "readsb-trace" / "trace_full_ac671b.json")
    r = tr.clean()
    # records 103 and 104 share one instant; the stale one goes, with its reason
    assert r.rejected["record"].tolist() == [103]
    assert "same time as record 104" in r.rejected["reason"].iloc[0]
    assert len(r.track) == len(tr) - 1
    assert r.track.data["stale"].sum() == tr.data["stale"].sum() - 1  # stale points kept (103 was one)


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_tracks(n: int) -> None:
    times, lats, lons, cols = _line(n)
    r = clean(_track(times, lats, lons, cols))
    assert len(r.track) == n and r.rejected.empty
