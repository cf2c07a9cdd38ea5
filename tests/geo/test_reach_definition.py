"""Reachability decided by its definition: P is reachable during a gap from A to B with reach D iff
d(A, P) + d(P, B) <= D (geodesic, WGS84), checked against brute force - over the poles and across the antimeridian
too - and on the 8.4 h gap of ac671b (issue 11, item 4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely import MultiPolygon, Point, box

import tracks
from tracks.claims.measure import gap_refs
from tracks.geo import geodesy
from tracks.geo.reach import (
    REACH_TOLERANCE_KM,
    disc_reaches_geometry,
    focal_sum_km,
    reachability_ellipse,
    reachable,
    reaches_geometry,
)
from tracks.geo.regions import get_region
from tracks.observation import observe

KT_KM_S = 1.852 / 3600.0
# ac671b's 8.4 h gap (readsb trace, gap-49 at the default 60 s): Spokane area, 06:23:59Z to 14:47:03Z
AC_A = (47.456887, -117.105948)
AC_B = (47.526111, -117.276165)
AC_SECONDS = 30184.53


def ac_reach(kt: float) -> float:
    return kt * KT_KM_S * AC_SECONDS


# -- strategies: gaps and regions anywhere, over a pole, across the antimeridian --------------------------------

lats = st.floats(-89.9, 89.9)
lons = st.floats(-180.0, 179.999)


@st.composite
def gaps(draw: st.DrawFn) -> tuple[float, float, float, float]:
    """(lat1, lon1, lat2, lon2): anywhere, across a pole, or across the antimeridian."""
    kind = draw(st.sampled_from(["anywhere", "pole", "antimeridian", "same place"]))
    if kind == "pole":
        s = draw(st.sampled_from([1.0, -1.0]))
        lon = draw(lons)
        return (s * draw(st.floats(75.0, 89.9)), lon, s * draw(st.floats(75.0, 89.9)),
                float(geodesy.wrap_lon(lon + draw(st.floats(120.0, 240.0)))))
    if kind == "antimeridian":
        lat = draw(st.floats(-70.0, 70.0))
        return (lat, draw(st.floats(170.0, 179.99)), lat + draw(st.floats(-5.0, 5.0)),
                draw(st.floats(-179.99, -170.0)))
    if kind == "same place":
        lat, lon = draw(lats), draw(lons)
        return lat, lon, lat, lon
    lat1, lon1 = draw(lats), draw(lons)
    lat2 = float(np.clip(lat1 + draw(st.floats(-10.0, 10.0)), -89.9, 89.9))
    return lat1, lon1, lat2, float(geodesy.wrap_lon(lon1 + draw(st.floats(-20.0, 20.0))))


@st.composite
def regions(draw: st.DrawFn, near: tuple[float, float]) -> shapely.Geometry:
    """Lon/lat boxes (edges straight in lon/lat): near the gap, around a pole, or split at the antimeridian."""
    kind = draw(st.sampled_from(["near", "polar cap", "antimeridian", "anywhere"]))
    w, h = draw(st.floats(0.05, 25.0)), draw(st.floats(0.05, 15.0))
    if kind == "polar cap":
        s = draw(st.sampled_from([1.0, -1.0]))
        lat = draw(st.floats(60.0, 89.5))
        return box(-180.0, lat, 180.0, 90.0) if s > 0 else box(-180.0, -90.0, 180.0, -lat)
    if kind == "antimeridian":
        y = draw(st.floats(-85.0, 70.0))
        return MultiPolygon([box(180.0 - w, y, 180.0, min(y + h, 90.0)), box(-180.0, y, -180.0 + w, min(y + h, 90.0))])
    if kind == "near":
        x = float(near[1]) + draw(st.floats(-30.0, 30.0))
        y = float(np.clip(near[0] + draw(st.floats(-20.0, 20.0)), -89.9, 89.0))
    else:
        x, y = draw(lons), draw(st.floats(-89.9, 89.0))
    x = float(np.clip(x, -180.0, 179.9))
    return box(x, y, min(x + w, 180.0), min(y + h, 90.0))


def _brute_boundary_min(geometry: shapely.Geometry, gap: tuple[float, float, float, float],
                        per_edge: int = 4000) -> tuple[float, float]:
    """(smallest focal sum over points sampled along every lon/lat edge, the most the true minimum over the
    boundary can lie below it: g is 2-Lipschitz and every boundary point is within half a sampling step)."""
    e = geodesy_edges(geometry)
    s = np.linspace(0.0, 1.0, per_edge)
    x = e[:, 0, None] + s[None, :] * (e[:, 2] - e[:, 0])[:, None]
    y = e[:, 1, None] + s[None, :] * (e[:, 3] - e[:, 1])[:, None]
    g = focal_sum_km(y.ravel(), x.ravel(), *gap)
    step = geodesy.edge_length_bound_km(e[:, 0], e[:, 1], e[:, 2], e[:, 3]).max() / (per_edge - 1)
    return float(g.min()), float(step)


def geodesy_edges(geometry: shapely.Geometry) -> np.ndarray:
    from tracks.geo.fence_index import edges_of

    return edges_of(geometry)


# -- properties -------------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gap=gaps(), points=st.lists(st.tuples(lats, lons), min_size=1, max_size=12),
       extra=st.floats(0.0, 6000.0))
def test_points_agree_with_the_definition(gap: tuple[float, float, float, float],
                                          points: list[tuple[float, float]], extra: float) -> None:
    """Every point region is reachable exactly when its focal sum is at most the reach."""
    reach = float(geodesy.distance_km(*gap)) + extra
    for lat, lon in points:
        g = float(focal_sum_km(lat, lon, *gap))
        got = bool(reaches_geometry([gap[0]], [gap[1]], [gap[2]], [gap[3]], [reach], Point(lon, lat))[0])
        if abs(g - reach) > REACH_TOLERANCE_KM:
            assert got == (g <= reach), (lat, lon, g, reach)
        assert bool(reachable(lat, lon, *gap, reach)) == (g <= reach)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), gap=gaps(), offset=st.floats(-0.08, 0.08))
def test_regions_agree_with_brute_force(data: st.DataObject, gap: tuple[float, float, float, float],
                                        offset: float) -> None:
    """A region is reachable exactly when some point of it is: brute force samples its boundary every few
    hundred metres (plus: a region holding a sample is reachable). The reach is drawn around the brute-force
    minimum, so both answers occur; cases within the brute force's own error are skipped."""
    region = data.draw(regions(near=(gap[0], gap[1])))
    focal = float(geodesy.distance_km(*gap))
    inside = bool(shapely.intersects_xy(region, gap[1], gap[0]) or shapely.intersects_xy(region, gap[3], gap[2]))
    gmin, err = _brute_boundary_min(region, gap)
    reach = max(focal, gmin * (1.0 + offset))
    got = bool(reaches_geometry([gap[0]], [gap[1]], [gap[2]], [gap[3]], [reach], region)[0])
    if inside or gmin <= reach:
        assert got, (gap, region.wkt, gmin, reach)
    else:
        assume(gmin - err > reach + REACH_TOLERANCE_KM)
        assert not got, (gap, region.wkt, gmin, err, reach)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gap=gaps(), q=st.tuples(lats, lons), margin=st.floats(1.0, 400.0), offset=st.floats(-0.03, 0.03))
def test_margin_agrees_with_brute_force(gap: tuple[float, float, float, float], q: tuple[float, float],
                                        margin: float, offset: float) -> None:
    """'Comes within m km of Q' during the gap: some point within m of Q has a focal sum <= reach. Brute force
    samples the disc around Q (40 rings x 720 bearings)."""
    rings = np.linspace(0.0, margin, 41)[1:]
    az = np.linspace(0.0, 360.0, 720, endpoint=False)
    r, a = np.meshgrid(rings, az)
    lon, lat, _ = geodesy.GEOD.fwd(np.full(r.size, q[1]), np.full(r.size, q[0]), a.ravel(), r.ravel() * 1000.0)
    g = focal_sum_km(np.append(lat, q[0]), np.append(lon, q[1]), *gap)
    near = min(float(geodesy.distance_km(q[0], q[1], gap[0], gap[1])),
               float(geodesy.distance_km(q[0], q[1], gap[2], gap[3]))) <= margin
    focal = float(geodesy.distance_km(*gap))
    gmin = focal if near else float(g.min())
    err = 2.0 * float(np.hypot(margin / 80.0, margin * np.pi / 720.0))
    reach = max(focal, gmin * (1.0 + offset))
    got = bool(reaches_geometry([gap[0]], [gap[1]], [gap[2]], [gap[3]], [reach], Point(q[1], q[0]), margin)[0])
    if gmin <= reach:
        assert got, (gap, q, margin, gmin, reach)
    else:
        assume(gmin - err > reach + REACH_TOLERANCE_KM)
        assert not got, (gap, q, margin, gmin, err, reach)


@settings(max_examples=40, deadline=None)
@given(centre=st.tuples(lats, lons), data=st.data(), offset=st.floats(-0.1, 0.1))
def test_discs_agree_with_brute_force(centre: tuple[float, float], data: st.DataObject, offset: float) -> None:
    """Window-edge discs: reachable iff the distance from the sample to the region is at most the radius."""
    region = data.draw(regions(near=centre))
    gmin, err = _brute_boundary_min(region, (*centre, *centre))  # twice the distance
    inside = bool(shapely.intersects_xy(region, centre[1], centre[0]))
    radius = max(0.0, gmin / 2.0 * (1.0 + offset))
    got = bool(disc_reaches_geometry([centre[0]], [centre[1]], [radius], region)[0])
    if inside or gmin / 2.0 <= radius:
        assert got
    else:
        assume((gmin - err) / 2.0 > radius + REACH_TOLERANCE_KM)
        assert not got


# -- the numbers: ac671b's 8.4 h gap ----------------------------------------------------------------------

CITIES = {"London": (51.5072, -0.1276), "Moscow": (55.7558, 37.6173), "Tokyo": (35.6762, 139.6503),
          "Caracas": (10.4806, -66.9036), "Boa Vista (northern Brazil)": (2.8235, -60.6758)}


@pytest.mark.parametrize("kt", [612.0, 617.0, 650.0, 700.0])
def test_far_cities_are_out_of_reach_even_when_the_reach_holds_the_pole(kt: float) -> None:
    reach = ac_reach(kt)
    assert float(focal_sum_km(90.0, 0.0, *AC_A, *AC_B)) < reach  # the North Pole is reachable at these speeds
    for name, (lat, lon) in CITIES.items():
        assert not reaches_geometry([AC_A[0]], [AC_A[1]], [AC_B[0]], [AC_B[1]], [reach], Point(lon, lat))[0], name
    for code in ("GB", "JP", "VE", "BR"):
        assert not reaches_geometry([AC_A[0]], [AC_A[1]], [AC_B[0]], [AC_B[1]], [reach],
                                    get_region(code).geometry)[0], code
    for code in ("CA", "GL", "RU"):  # across the pole: Greenland, and Chukotka across the antimeridian
        assert reaches_geometry([AC_A[0]], [AC_A[1]], [AC_B[0]], [AC_B[1]], [reach], get_region(code).geometry)[0]


@pytest.mark.parametrize("kt", [599.0, 605.0, 610.0])
def test_points_near_the_pole_inside_the_reach_are_reachable(kt: float) -> None:
    """Below 610.5 kt the pole itself is out of reach, but points at 87.6-89 N on the near side are inside it
    (by 70 km or more): reachable."""
    reach = ac_reach(kt)
    lat = np.linspace(87.6, 89.0, 15)
    lon = np.full(15, AC_A[1])
    g = focal_sum_km(lat, lon, *AC_A, *AC_B)
    inside = g <= reach - 70.0
    assert inside.any() and float(focal_sum_km(90.0, 0.0, *AC_A, *AC_B)) > reach
    for la, lo, ok in zip(lat, lon, inside, strict=True):
        if ok:
            assert reaches_geometry([AC_A[0]], [AC_A[1]], [AC_B[0]], [AC_B[1]], [reach], Point(lo, la))[0]
            assert reaches_geometry([AC_A[0]], [AC_A[1]], [AC_B[0]], [AC_B[1]], [reach], shapely.buffer(
                Point(lo, la), 0.01))[0]


def test_gap_refs_on_the_real_trace_use_the_definition(corpus: Path) -> None:
    """The verdict layer asks the definition: at 612 kt ac671b's 8.4 h gap cannot reach Great Britain or Japan
    but reaches Greenland (over the pole)."""
    tr = tracks.load(corpus / "readsb-trace" / "trace_full_ac671b.json")
    obs = observe(tr, max_speed_kt=612.0)
    row = obs.gaps.frame.sort_values("duration_s").iloc[-1]
    assert row["duration_s"] == pytest.approx(AC_SECONDS, abs=0.01)
    for code, expected in (("GB", False), ("JP", False), ("GL", True)):
        refs = {r.id: r for r in gap_refs(obs, get_region(code))}
        assert refs[row["gap_id"]].reaches_region is expected, code


def test_drawn_ellipse_around_the_pole_agrees_with_the_definition() -> None:
    """The map's polygon around the pole holds the pole and leaves out London, Tokyo and Caracas; away from its
    boundary (2 % of the reach) it agrees with the definition on a global grid."""
    reach = ac_reach(650.0)
    poly = reachability_ellipse(*AC_A, *AC_B, reach, n=360)
    assert poly.contains(Point(0.0, 89.99))
    for lat, lon in CITIES.values():
        assert not poly.contains(Point(lon, lat))
    lat, lon = np.meshgrid(np.linspace(-89.5, 89.5, 90), np.linspace(-179.5, 179.5, 180))
    g = focal_sum_km(lat.ravel(), lon.ravel(), *AC_A, *AC_B)
    clear = np.abs(g - reach) > 0.02 * reach
    inside = shapely.contains_xy(poly, lon.ravel(), lat.ravel())
    assert np.array_equal(inside[clear], (g <= reach)[clear])


def test_drawn_ellipse_across_the_antimeridian_agrees_with_the_definition() -> None:
    a, b, reach = (10.0, 175.0), (12.0, -170.0), 3000.0
    poly = reachability_ellipse(*a, *b, reach, n=360)
    lat, lon = np.meshgrid(np.linspace(-30, 50, 81), np.linspace(-179.5, 179.5, 360))
    g = focal_sum_km(lat.ravel(), lon.ravel(), *a, *b)
    clear = np.abs(g - reach) > 0.01 * reach
    inside = shapely.contains_xy(poly, lon.ravel(), lat.ravel())
    assert np.array_equal(inside[clear], (g <= reach)[clear])


def test_many_gaps_at_once_and_bad_input() -> None:
    region = get_region("VE").geometry
    got = reaches_geometry([AC_A[0], 10.6, 10.6], [AC_A[1], -66.99, -66.99], [AC_B[0], 4.56, 10.6],
                           [AC_B[1], -61.15, -66.99], [ac_reach(612.0), 1000.0, 0.0], region)
    assert got.tolist() == [False, True, True]  # the last: a zero-length gap at Caracas, inside Venezuela
    with pytest.raises(ValueError, match="shorter than"):
        reaches_geometry([10.6], [-66.99], [4.56], [-61.15], [10.0], region)
    with pytest.raises(ValueError, match="margin_km"):
        reaches_geometry([10.6], [-66.99], [4.56], [-61.15], [1000.0], region, margin_km=-1.0)
    assert reaches_geometry([], [], [], [], [], region).shape == (0,)
