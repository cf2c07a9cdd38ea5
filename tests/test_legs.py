"""Gaps (shared gap definition + reachability ellipses) and legs (take-off to landing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shapely import Point

from tests.helpers import make_track
from tracks.geo.reach import geodesic_km
from tracks.legs import Gaps, estimate_max_speed_kt, find_gaps


def _times(start: str, offsets_s: list[float]) -> list[str]:
    t0 = pd.Timestamp(start)
    return [(t0 + pd.Timedelta(seconds=s)).isoformat() for s in offsets_s]


# -- gaps ----------------------------------------------------------------------------------------------------

def test_gaps_exact_times_distances_and_ids() -> None:
    # samples every 10 s, then a 300 s hole, then a stale-flagged sample after 20 s
    offsets = [0, 10, 20, 320, 330, 350]
    lats = [10.0, 10.01, 10.02, 10.3, 10.31, 10.33]
    stale = [False, False, False, False, False, True]
    tr = make_track(_times("2025-11-29T00:59:00Z", offsets), lats, [-66.0] * 6, stale=stale, gs_kt=[300.0] * 6)
    gaps = find_gaps(tr, max_gap_s=60, max_speed_kt=400)
    f = gaps.frame
    assert list(f["gap_id"]) == ["gap-1", "gap-2"]
    assert list(f["start_index"]) == [2, 4] and list(f["end_index"]) == [3, 5]
    assert list(f["cause"]) == ["time", "stale"]
    assert list(f["duration_s"]) == [300.0, 20.0]
    assert f["start_time"].iloc[0] == pd.Timestamp("2025-11-29T00:59:20Z")
    assert f["end_time"].iloc[0] == pd.Timestamp("2025-11-29T01:04:20Z")  # crosses 01:00 fine
    d = float(geodesic_km(10.02, -66.0, 10.3, -66.0))
    assert f["distance_km"].iloc[0] == pytest.approx(d, rel=1e-9)
    assert f["implied_speed_kt"].iloc[0] == pytest.approx(d / 1.852 / (300 / 3600), rel=1e-9)
    assert f["reach_km"].iloc[0] == pytest.approx(400 * 1.852 * 300 / 3600, rel=1e-9)
    assert not f["exceeds_max_speed"].any()


def test_gap_ellipse_contains_endpoints_and_respects_major_axis() -> None:
    tr = make_track(_times("2025-11-29T00:00:00Z", [0, 600]), [4.555, 5.5], [-61.15, -62.0])
    gaps = find_gaps(tr, max_speed_kt=600)
    e = gaps.ellipse("gap-1")
    assert e.contains(Point(-61.15, 4.555)) and e.contains(Point(-62.0, 5.5))
    lon, lat = np.asarray(e.exterior.coords).T
    sums = geodesic_km(lat, lon, 4.555, -61.15) + geodesic_km(lat, lon, 5.5, -62.0)
    assert np.allclose(sums, 600 * 1.852 * 600 / 3600, rtol=0.005)
    with pytest.raises(KeyError, match="gap-9"):
        gaps.ellipse("gap-9")


def test_gap_faster_than_max_speed_is_flagged_not_dropped() -> None:
    tr = make_track(_times("2025-11-29T00:00:00Z", [0, 120]), [0.0, 1.0], [0.0, 0.0])  # 111 km in 2 min
    gaps = find_gaps(tr, max_speed_kt=300)
    assert bool(gaps.frame["exceeds_max_speed"].iloc[0])
    assert gaps.frame["reach_km"].iloc[0] == pytest.approx(gaps.frame["distance_km"].iloc[0])
    assert gaps.ellipse("gap-1").is_valid


def test_no_gaps_is_an_empty_table() -> None:
    tr = make_track(_times("2025-11-29T00:00:00Z", [0, 10, 20]), [0, 0.01, 0.02], [0, 0, 0])
    gaps = tr.gaps()
    assert isinstance(gaps, Gaps) and len(gaps) == 0 and gaps.ellipses() == {}
    assert "gap_id" in gaps.frame.columns


def test_default_max_speed_from_observed_speeds() -> None:
    n = 100
    tr = make_track(_times("2025-11-29T00:00:00Z", list(range(0, 10 * n, 10))), np.linspace(0, 1, n), [0.0] * n,
                    gs_kt=np.linspace(100, 500, n))
    v = estimate_max_speed_kt(tr.data)
    # the 95th percentile of gs is 480 kt; implied speed is ~ 111 km / 990 s = 218 kt
    assert v == pytest.approx(1.2 * np.percentile(np.linspace(100, 500, n), 95))
    slow = make_track(_times("2025-11-29T00:00:00Z", [0, 10]), [0, 0.0001], [0, 0], gs_kt=[10.0, 10.0])
    assert estimate_max_speed_kt(slow.data) == 300.0


def test_corpus_gaps(corpus) -> None:
    import tracks

    tr = tracks.load(corpus / "readsb-trace" / "trace_full_ac671b.json")
    gaps = tr.gaps()
    f = gaps.frame
    # every gap is a segment the shared definition marks, and long ones are all there
    assert len(f) == 80
    long = f[f["duration_s"] > 3600]
    assert list(long["start_index"]) == [769, 1331]
    assert (f["reach_km"] >= f["distance_km"]).all()
    assert len(gaps.ellipses()) == 80
