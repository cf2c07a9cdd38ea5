"""Fence on small tracks with exactly known answers (each test runs with and without the containment raster)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from tests.helpers import make_track
from tracks.errors import RegionError
from tracks.geo import fence, fence_index
from tracks.geo import track_arrays as track_arrays_module
from tracks.geo.regions import Region
from tracks.geo.track_arrays import track_arrays

GEOD = Geod(ellps="WGS84")
T0 = pd.Timestamp("2025-11-29T00:00:00Z")
BOX = shapely.box(0.0, 0.0, 1.0, 1.0)


@pytest.fixture(params=["exact", "raster"], autouse=True)
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every test through both paths: contains_xy and the R-tree only, and the raster and edge grid."""
    monkeypatch.setattr(fence_index, "RASTER_MIN_POINTS", 0 if request.param == "raster" else 10**12)
    monkeypatch.setattr(track_arrays_module, "GRID_MIN_PIECES", 0 if request.param == "raster" else 10**12)
    return str(request.param)


def times(seconds: np.ndarray | list[float]) -> list[pd.Timestamp]:
    return [T0 + pd.Timedelta(seconds=float(s)) for s in seconds]


def geodesic_track(lat0: float, lon0: float, az: float, speed_ms: float, step_s: float, n: int):
    """Samples every step_s along a geodesic at constant ground speed."""
    d = np.arange(n) * step_s * speed_ms
    lon, lat, _ = GEOD.fwd(np.full(n, lon0), np.full(n, lat0), np.full(n, az), d)
    return np.asarray(lat), np.asarray(lon), np.arange(n) * step_s


def truth_crossing_s(lat0: float, lon0: float, az: float, speed_ms: float, lon_edge: float) -> float:
    """Seconds after the start at which the geodesic reaches longitude lon_edge (bisection on Geod.fwd)."""
    lo, hi = 0.0, 2_000_000.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lon, _, _ = GEOD.fwd(lon0, lat0, az, mid)
        lo, hi = (mid, hi) if lon < lon_edge else (lo, mid)
    return lo / speed_ms


def test_straight_track_crosses_box_edge_at_known_second() -> None:
    # along the equator-parallel lat 0.5 from lon -0.5, at 0.01 deg per second: the edge lon=0 at t=50 s
    # (samples every 7 s so that no sample falls on the edge)
    s = np.arange(0, 300, 7.0)
    tr = make_track(times(s), np.full(len(s), 0.5), -0.5 + 0.01 * s)
    c = fence.crossings(tr, BOX)
    assert list(c["direction"]) == ["entry", "exit"]
    assert abs((c["time"][0] - T0).total_seconds() - 50.0) < 1.0
    assert abs((c["time"][1] - T0).total_seconds() - 150.0) < 1.0
    assert c["lon"][0] == pytest.approx(0.0, abs=1e-9) and c["lat"][0] == pytest.approx(0.5)
    assert (c["before_index"][0], c["after_index"][0]) == (7, 8)
    assert c["before_time"][0] == T0 + pd.Timedelta(seconds=49) and c["after_time"][0] == T0 + pd.Timedelta(seconds=56)
    assert not c["in_gap"].any()
    assert (c["window_start"] == c["time"]).all() and (c["window_end"] == c["time"]).all()


def test_diagonal_great_circle_crossing_time_within_a_second() -> None:
    lat0, lon0, az, v = 0.7, -0.3, 63.0, 230.0
    lat, lon, s = geodesic_track(lat0, lon0, az, v, 10.0, 40)
    c = fence.crossings(make_track(times(s), lat, lon), BOX)
    truth_in = truth_crossing_s(lat0, lon0, az, v, 0.0)
    assert c["direction"][0] == "entry"
    assert abs((c["time"][0] - T0).total_seconds() - truth_in) < 1.0
    # exit through the top edge lat=1: truth by bisection on latitude
    lo, hi = 0.0, 400_000.0
    for _ in range(80):
        mid = (lo + hi) / 2
        _, la, _ = GEOD.fwd(lon0, lat0, az, mid)
        lo, hi = (mid, hi) if la < 1.0 else (lo, mid)
    assert c["direction"][1] == "exit"
    assert abs((c["time"][1] - T0).total_seconds() - lo / v) < 1.0


def test_corner_cut_between_two_outside_samples() -> None:
    small = shapely.box(0.0, 0.0, 0.1, 0.1)
    lats, lons = [0.14, 0.12, 0.05, 0.03], [0.03, 0.05, 0.12, 0.14]
    tr = make_track(times([0, 10, 60, 70]), lats, lons)
    assert not fence.inside(tr, small).any()
    c = fence.crossings(tr, small)
    assert list(c["direction"]) == ["entry", "exit"]
    assert list(c["before_index"]) == [1, 1] and list(c["after_index"]) == [2, 2]
    # the line x + y = 0.17 enters through y = 0.1 at x = 0.07, leaves through x = 0.1 at y = 0.07
    assert (c["lon"][0], c["lat"][0]) == pytest.approx((0.07, 0.1), abs=1e-12)
    assert (c["lon"][1], c["lat"][1]) == pytest.approx((0.1, 0.07), abs=1e-12)
    # great-circle truth: constant speed along the geodesic from sample 1 to sample 2 (50 s)
    az, _, dist = GEOD.inv(0.05, 0.12, 0.12, 0.05)
    for k, (edge_lat, edge_lon) in enumerate([(0.1, None), (None, 0.1)]):
        lo, hi = 0.0, dist
        for _ in range(80):
            mid = (lo + hi) / 2
            lo_, la_, _ = GEOD.fwd(0.05, 0.12, az, mid)
            past = la_ < edge_lat if edge_lat is not None else lo_ > edge_lon
            lo, hi = (lo, mid) if past else (mid, hi)
        assert abs((c["time"][k] - T0).total_seconds() - (10 + 50 * lo / dist)) < 1.0
    ti = fence.time_inside(tr, small)
    assert len(ti.observed) == 1 and 0 < ti.observed_s < 50
    assert ti.unobserved.empty


@pytest.mark.parametrize("orbits", [1, 17, 84])
def test_racetrack_reports_every_incursion(orbits: int) -> None:
    # circle of radius 0.1 deg around (lon 0, lat 0.5), 4 s samples, 360 s per orbit: half of it inside BOX
    s = np.arange(0, orbits * 360.0, 4.0) + 1.0
    theta = 2 * np.pi * s / 360.0
    tr = make_track(times(s), 0.5 + 0.1 * np.sin(theta), 0.1 * np.cos(theta))
    c = fence.crossings(tr, BOX)
    entries = c[c["direction"] == "entry"]
    exits = c[c["direction"] == "exit"]
    # starts inside (cos > 0): exit at theta = 90 deg, entry at 270 deg of every orbit
    assert len(exits) == orbits and len(entries) == orbits
    assert list(c["direction"][:2]) == ["exit", "entry"]
    want_exit = 90.0 + 360.0 * np.arange(orbits)
    got = (exits["time"] - T0).dt.total_seconds().to_numpy()
    assert np.abs(got - want_exit).max() < 1.0
    ti = fence.time_inside(tr, BOX)
    assert len(ti.observed) == orbits + 1  # the first half-orbit, then one per entry
    # inside from the first sample (1 s) to 90 s, then 270..450 s of every orbit, to the last sample
    assert ti.observed_s == pytest.approx((90 - 1) + (orbits - 1) * 180.0 + (s[-1] - (orbits - 1) * 360 - 270),
                                          abs=0.01 * orbits)


def test_tangent_touch_is_not_a_crossing() -> None:
    # a segment through the corner (1, 1) only: touches, never enters
    tr = make_track(times([0, 30, 60]), [1.2, 1.1, 0.9], [0.8, 0.9, 1.1])
    assert fence.crossings(tr, BOX).empty
    assert fence.time_inside(tr, BOX).observed.empty
    a = fence.closest_approach(tr, BOX)
    assert a.distance_km == pytest.approx(0.0, abs=1e-6)
    assert (a.track_lat, a.track_lon) == pytest.approx((1.0, 1.0), abs=1e-9)
    assert (a.time - T0).total_seconds() == pytest.approx(45.0, abs=0.5)


def test_sample_exactly_on_boundary() -> None:
    # out -> on the edge lon=0 -> in: one entry, at that sample, with the sample as both neighbours
    tr = make_track(times([0, 20, 40]), [0.5, 0.5, 0.5], [-0.1, 0.0, 0.1])
    assert list(fence.inside(tr, BOX)) == [False, False, True]
    c = fence.crossings(tr, BOX)
    assert list(c["direction"]) == ["entry"]
    assert c["time"][0] == T0 + pd.Timedelta(seconds=20)
    assert (c["before_index"][0], c["after_index"][0]) == (1, 1)
    # out -> on -> out: nothing
    back = make_track(times([0, 20, 40]), [0.5, 0.5, 0.5], [-0.1, 0.0, -0.1])
    assert fence.crossings(back, BOX).empty
    # along the edge (on the boundary for a whole segment), then inside
    along = make_track(times([0, 20, 40, 60]), [-0.1, 0.2, 0.4, 0.5], [0.0, 0.0, 0.0, 0.1])
    c = fence.crossings(along, BOX)
    assert list(c["direction"]) == ["entry"] and c["time"][0] == T0 + pd.Timedelta(seconds=40)


def test_gap_spanning_a_border_is_an_unobserved_crossing() -> None:
    s = [0, 10, 20, 620, 630]  # a 10-minute gap between samples 2 and 3, from outside to inside
    tr = make_track(times(s), [0.5] * 5, [-0.3, -0.2, -0.1, 0.3, 0.31])
    c = fence.crossings(tr, BOX, max_gap_s=60)
    assert len(c) == 1
    row = c.iloc[0]
    assert row["direction"] == "entry" and bool(row["in_gap"])
    assert pd.isna(row["time"])
    assert row["window_start"] == T0 + pd.Timedelta(seconds=20) and row["window_end"] == T0 + pd.Timedelta(seconds=620)
    assert (row["before_index"], row["after_index"]) == (2, 3) and row["dt_s"] == 600
    assert row["lon"] == pytest.approx(0.0)  # where the straight line would cross: indicative
    ti = fence.time_inside(tr, BOX, max_gap_s=60)
    assert ti.observed_s == pytest.approx(10.0)
    assert len(ti.unobserved) == 1 and ti.unobserved_s == pytest.approx(600.0)
    assert not ti.unobserved["start_inside"][0] and ti.unobserved["end_inside"][0]
    # the same samples with a looser gap definition: an observed crossing with a time
    c2 = fence.crossings(tr, BOX, max_gap_s=900)
    assert not c2["in_gap"][0] and abs((c2["time"][0] - T0).total_seconds() - 170.0) < 1.0


def test_stale_sample_makes_a_gap() -> None:
    tr = make_track(times([0, 20, 40]), [0.5] * 3, [-0.1, 0.05, 0.1], stale=[False, True, False])
    c = fence.crossings(tr, BOX)
    assert bool(c["in_gap"][0]) and pd.isna(c["time"][0])


def test_gap_that_returns_outside_gives_no_crossing_but_an_unobserved_interval() -> None:
    tr = make_track(times([0, 600]), [0.5, 0.5], [-0.2, 1.2])
    assert fence.crossings(tr, BOX).empty
    ti = fence.time_inside(tr, BOX)
    assert ti.observed.empty and len(ti.unobserved) == 1
    assert ti.total_s == pytest.approx(600.0)


def test_antimeridian_crossing() -> None:
    east = shapely.box(-179.9, -1.0, -179.5, 1.0)  # just east of the antimeridian
    lon = np.array([179.7, 179.8, 179.9, -180.0, -179.9, -179.8, -179.7])
    tr = make_track(times(np.arange(7) * 40.0), np.zeros(7), lon)
    c = fence.crossings(tr, east)
    assert list(c["direction"]) == ["entry"]
    assert c["time"][0] == T0 + pd.Timedelta(seconds=160)  # the sample at -179.9 lies on the edge
    lon2 = np.array([179.75, 179.85, 179.95, -179.95, -179.85, -179.75])  # no sample on an edge
    c = fence.crossings(make_track(times(np.arange(6) * 40.0), np.zeros(6), lon2), east)
    assert list(c["direction"]) == ["entry"] and abs((c["time"][0] - T0).total_seconds() - 140.0) < 1.0
    assert c["lon"][0] == pytest.approx(-179.9)
    # a region split at the antimeridian: one entry, one exit, nothing at the seam
    split = shapely.MultiPolygon([shapely.box(179.5, -1, 180, 1), shapely.box(-180, -1, -179.5, 1)])
    lon3 = np.array([179.0, 179.45, 179.85, -179.95, -179.55, -179.25])
    tr3 = make_track(times(np.arange(6) * 50.0), np.zeros(6), lon3)
    c = fence.crossings(tr3, split)
    assert list(c["direction"]) == ["entry", "exit"]
    assert list(c["lon"]) == pytest.approx([179.5, -179.5])
    assert abs((c["time"][0] - T0).total_seconds() - (50 + 50 * 0.05 / 0.4)) < 1.0
    assert abs((c["time"][1] - T0).total_seconds() - (200 + 50 * 0.05 / 0.3)) < 1.0
    ti = fence.time_inside(tr3, split)
    assert len(ti.observed) == 1
    assert ti.observed_s == pytest.approx((200 + 50 * 0.05 / 0.3) - (50 + 50 * 0.05 / 0.4), abs=1.0)
    # closest approach across the antimeridian
    a = fence.closest_approach(tr3.head(2), shapely.Point(-179.0, 0.0))
    assert a.distance_km == pytest.approx(GEOD.inv(179.45, 0, -179.0, 0)[2] / 1000, rel=1e-6)


def test_closest_approach_between_two_samples_is_7_4_km() -> None:
    # samples on the equator 0.1 deg apart (60 s); a point 7.4 km due north of the segment's middle
    lon_p, lat_p, _ = GEOD.fwd(10.05, 0.0, 0.0, 7400.0)
    tr = make_track(times([0, 30, 90, 120]), [0.0] * 4, [9.9, 10.0, 10.1, 10.2])
    a = fence.closest_approach(tr, shapely.Point(lon_p, lat_p))
    assert a.distance_km == pytest.approx(7.4, abs=1e-3)
    assert (a.time - T0).total_seconds() == pytest.approx(60.0, abs=1.0)
    assert (a.track_lat, a.track_lon) == pytest.approx((0.0, 10.05), abs=1e-4)
    assert (a.border_lat, a.border_lon) == pytest.approx((lat_p, lon_p), abs=1e-9)
    assert (a.segment_index, a.sample_before, a.sample_after) == (1, 1, 2)
    assert not a.in_gap
    # to a line along that parallel (a border), and to a box above it: the same 7.4 km (a meridian arc)
    line = shapely.LineString([(9.0, lat_p), (11.0, lat_p)])
    assert fence.closest_approach(tr, line).distance_km == pytest.approx(7.4, abs=1e-3)
    above = shapely.box(10.04, lat_p, 10.06, lat_p + 0.05)
    b = fence.closest_approach(tr, above)
    assert b.distance_km == pytest.approx(7.4, abs=1e-3)
    multi = shapely.MultiPolygon([above, shapely.box(20, 20, 21, 21)])
    assert fence.closest_approach(tr, multi).distance_km == pytest.approx(7.4, abs=1e-3)
    region = Region("TEST", "test line", line, "border", "test", 1.0)
    assert fence.closest_approach(tr, region).region == "TEST"


def test_closest_approach_in_a_gap_is_flagged() -> None:
    lon_p, lat_p, _ = GEOD.fwd(10.5, 0.0, 0.0, 20_000.0)
    tr = make_track(times([0, 10, 1000, 1010]), [0.0] * 4, [9.9, 10.0, 11.0, 11.1])
    a = fence.closest_approach(tr, shapely.Point(lon_p, lat_p))
    assert a.in_gap and a.distance_km == pytest.approx(20.0, abs=1e-3)
    assert a.window_start == T0 + pd.Timedelta(seconds=10) and a.window_end == T0 + pd.Timedelta(seconds=1000)


def test_closest_approach_inside_polygon_is_zero_at_entry() -> None:
    s = np.arange(0, 300, 7.0)
    tr = make_track(times(s), np.full(len(s), 0.5), -0.5 + 0.01 * s)
    a = fence.closest_approach(tr, BOX)
    assert a.distance_km == 0.0 and abs((a.time - T0).total_seconds() - 50.0) < 1.0
    assert a.track_lon == pytest.approx(0.0, abs=1e-9)
    starts_inside = make_track(times([0, 10]), [0.5, 0.5], [0.5, 0.6])
    b = fence.closest_approach(starts_inside, BOX)
    assert b.distance_km == 0.0 and b.time == T0


def test_single_sample_and_empty_track() -> None:
    one = make_track(times([0]), [0.5], [2.0])
    a = fence.closest_approach(one, BOX)
    assert a.distance_km == pytest.approx(GEOD.inv(2.0, 0.5, 1.0, 0.5)[2] / 1000, rel=1e-4)
    assert fence.crossings(one, BOX).empty
    assert list(fence.crossings(one, BOX).columns) == list(fence.CROSSING_COLUMNS)
    inside_one = make_track(times([0]), [0.5], [0.5])
    ti = fence.time_inside(inside_one, BOX)
    assert len(ti.observed) == 1 and ti.observed_s == 0.0
    empty = make_track([], [], [])
    assert fence.crossings(empty, BOX).empty and len(fence.inside(empty, BOX)) == 0
    with pytest.raises(ValueError, match="empty"):
        fence.closest_approach(empty, BOX)


def test_several_aircraft_in_one_table_do_not_join() -> None:
    a = make_track(times([0, 10]), [0.5, 0.5], [-0.1, -0.05], icao24="aaaaaa").data
    b = make_track(times([5, 15]), [0.5, 0.5], [0.2, 0.3], icao24="bbbbbb").data
    frame = pd.concat([a, b], ignore_index=True)
    c = fence.crossings(frame, BOX)
    assert c.empty  # the step from a's last sample to b's first is not a segment
    frame2 = pd.concat([a, make_track(times([20, 30]), [0.5, 0.5], [-0.1, 0.1], icao24="bbbbbb").data],
                       ignore_index=True)
    c = fence.crossings(frame2, BOX)
    assert list(c["icao24"]) == ["bbbbbb"] and list(c["before_index"]) == [2]


def test_track_method_and_region_codes_and_errors() -> None:
    s = np.arange(0, 300, 7.0)
    tr = make_track(times(s), np.full(len(s), 0.5), -0.5 + 0.01 * s)
    r = Region("BOX", "a box", BOX, "user", "test")
    c = tr.crossings(r)
    assert list(c["region"]) == ["BOX", "BOX"]
    with pytest.raises(RegionError, match="need an area"):
        fence.crossings(tr, shapely.LineString([(0, 0), (1, 1)]))
    with pytest.raises(ValueError, match="lacks column"):
        fence.crossings(pd.DataFrame({"lat": [1.0]}), BOX)
    frame = tr.data.copy()
    original = frame.copy()
    fence.crossings(frame, BOX)
    pd.testing.assert_frame_equal(frame, original)  # input untouched


def test_inside_is_vectorised_and_matches_shapely() -> None:
    rng = np.random.default_rng(3)
    poly = shapely.Polygon([(0, 0), (2, 0), (2, 2), (1, 0.5), (0, 2)])
    lon, lat = rng.uniform(-0.5, 2.5, 5000), rng.uniform(-0.5, 2.5, 5000)
    tr = make_track(times(np.arange(5000.0)), lat, lon)
    np.testing.assert_array_equal(fence.inside(tr, poly), shapely.contains_xy(poly, lon, lat))


def test_stationary_samples_and_degenerate_segments() -> None:
    # parked on the edge lon=0 for three samples, then into the box; and parked outside near a point
    tr = make_track(times([0, 10, 20, 30, 40]), [0.5] * 5, [-0.1, 0.0, 0.0, 0.0, 0.1])
    c = fence.crossings(tr, BOX)
    assert list(c["direction"]) == ["entry"] and c["time"][0] == T0 + pd.Timedelta(seconds=30)
    parked = make_track(times([0, 10, 20]), [0.0] * 3, [5.0] * 3)
    a = fence.closest_approach(parked, shapely.Point(5.0, 0.1))
    assert a.distance_km == pytest.approx(GEOD.inv(5.0, 0.0, 5.0, 0.1)[2] / 1000, rel=1e-9)
    assert fence.closest_approach(parked, shapely.Point(5.0, 0.0)).distance_km == pytest.approx(0.0, abs=1e-9)


def test_sample_times_are_kept_to_the_nanosecond() -> None:
    t = pd.to_datetime(["2025-11-29T01:09:58.123456789Z", "2025-11-29T01:10:07.987654321Z"], utc=True)
    tr = make_track(list(t), [0.5, 0.5], [-0.05, 0.05])
    c = fence.crossings(tr, BOX)
    assert c["before_time"][0] == t[0] and c["after_time"][0] == t[1]
    assert t[0] < c["time"][0] < t[1]
    assert abs((c["time"][0] - (t[0] + (t[1] - t[0]) / 2)).total_seconds()) < 1e-6


def test_one_segment_gap_matches_the_shared_gap_mask() -> None:
    from tracks.segments import gap_mask

    rng = np.random.default_rng(5)
    s = np.cumsum(rng.choice([1.0, 5.0, 20.0, 70.0, 200.0], size=300))
    lon = np.linspace(0, 1, 300)
    repeat = rng.random(300) < 0.4  # re-sent positions: the previous sample's position again
    for i in np.flatnonzero(repeat[1:]) + 1:
        lon[i] = lon[i - 1]
    tr = make_track(times(s), np.zeros(300), lon, stale=rng.random(300) < 0.5)
    want = gap_mask(tr.data, 60.0)
    assert want.any() and not want.all()
    inp = track_arrays(tr, 60.0)
    assert [inp.gap_at(i) for i in range(299)] == list(want)


def test_closest_approaches_one_row_per_aircraft() -> None:
    lon_p, lat_p, _ = GEOD.fwd(10.05, 0.0, 0.0, 7400.0)
    near = make_track(times([0, 30, 90]), [0.0] * 3, [9.9, 10.0, 10.1], icao24="aaaaaa")
    far = make_track(times([0, 60]), [1.0, 1.0], [10.0, 10.1], icao24="bbbbbb")
    table = pd.concat([near.data, far.data], ignore_index=True)
    point = shapely.Point(lon_p, lat_p)
    out = fence.closest_approaches(table, point)
    assert list(out["icao24"]) == ["aaaaaa", "bbbbbb"]
    assert out["distance_km"][0] == pytest.approx(7.4, abs=1e-3)
    assert out["distance_km"][1] == pytest.approx(fence.closest_approach(far, point).distance_km)
    assert (out["sample_before"][1], out["sample_after"][1]) == (3, 4)  # rows of the table
    assert fence.closest_approach(table, point).distance_km == pytest.approx(7.4, abs=1e-3)
    assert str(out["time"].dtype) == "datetime64[ns, UTC]"


def test_hole_in_a_region_is_outside() -> None:
    ring = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], [[(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6)]])
    s = np.arange(0, 125, 10.0) + 3.0
    tr = make_track(times(s), np.full(len(s), 0.5), -0.1 + 0.01 * s)  # lon from -0.07 to 1.15
    c = fence.crossings(tr, ring)
    assert list(c["direction"]) == ["entry", "exit", "entry", "exit"]
    assert list(c["lon"]) == pytest.approx([0.0, 0.4, 0.6, 1.0])
    got = (c["time"] - T0).dt.total_seconds().to_numpy()
    assert np.abs(got - np.array([10.0, 50.0, 70.0, 110.0])).max() < 1.0
    assert fence.time_inside(tr, ring).observed_s == pytest.approx(80.0, abs=1.0)


def reference_events(lat: np.ndarray, lon: np.ndarray, region: shapely.Geometry) -> list[tuple[int, str]]:
    """A slow, independent reference: per segment, shapely's intersection points with the boundary, the state
    of each piece between them at its midpoint, and a change of state -> an event (segment, direction)."""
    events, state = [], None
    for i in range(len(lat) - 1):
        seg = shapely.LineString([(lon[i], lat[i]), (lon[i + 1], lat[i + 1])])
        cut = shapely.intersection(seg, region.boundary)
        ts = sorted({0.0, 1.0, *(seg.project(p, normalized=True) for p in shapely.get_parts(
            shapely.extract_unique_points(cut)))})
        for a, b in itertools.pairwise(ts):
            if b - a < 1e-9:
                continue
            now = bool(region.contains(seg.interpolate((a + b) / 2, normalized=True)))
            if state is not None and now != state:
                events.append((i, "entry" if now else "exit"))
            state = now
    return events


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_walks_match_an_independent_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    region = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0.5, 0.4), (0, 1)], [[(0.2, 0.1), (0.3, 0.1), (0.25, 0.2)]])
    steps = rng.normal(0, 0.03, size=(1500, 2))
    path = np.cumsum(steps, axis=0) % 1.4 - 0.2
    lat, lon = path[:, 1], path[:, 0]
    tr = make_track(times(np.arange(1500) * 5.0), lat, lon)
    c = fence.crossings(tr, region)
    ref = reference_events(lat, lon, region)
    assert len(ref) > 20
    got = [(int(b), d) for b, d in zip(c["before_index"], c["direction"], strict=True)]
    assert got == ref
