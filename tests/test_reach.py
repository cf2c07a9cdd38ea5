"""Reachability ellipses: boundary points satisfy d(P,F1)+d(P,F2) = major axis (geodesic, WGS84)."""

from __future__ import annotations

import numpy as np
import pytest
from shapely import MultiPolygon, Point, Polygon

from tracks.geo.reach import geodesic_km, reachability_ellipse, reachability_ellipses

SVMI = (10.60312, -66.99059)
SVSE = (4.555, -61.150)


def _boundary_sums(poly: Polygon, f1: tuple[float, float], f2: tuple[float, float]) -> np.ndarray:
    lon, lat = np.asarray(poly.exterior.coords).T
    return geodesic_km(lat, lon, *f1) + geodesic_km(lat, lon, *f2)


@pytest.mark.parametrize(
    ("f1", "f2", "major_km"),
    [
        (SVMI, SVSE, 1200.0),  # long, flat ellipse (931 km focal distance)
        (SVMI, SVSE, 3000.0),  # nearly a circle
        ((60.0, 10.0), (60.5, 11.0), 120.0),  # high latitude
        ((-33.9, 151.2), (-33.9, 151.2), 40.0),  # both samples at one place: a circle of radius 20 km
    ],
)
def test_boundary_points_satisfy_the_focal_sum(f1: tuple[float, float], f2: tuple[float, float],
                                               major_km: float) -> None:
    poly = reachability_ellipse(*f1, *f2, major_km, n=72)
    assert isinstance(poly, Polygon) and poly.is_valid
    assert len(poly.exterior.coords) == 73
    sums = _boundary_sums(poly, f1, f2)
    assert np.all(np.abs(sums - major_km) / major_km < 0.005)
    # both foci and the geodesic midpoint are inside
    assert poly.contains(Point(f1[1], f1[0])) and poly.contains(Point(f2[1], f2[0]))


def test_circle_when_foci_coincide() -> None:
    poly = reachability_ellipse(0.0, 0.0, 0.0, 0.0, 200.0, n=36)
    lon, lat = np.asarray(poly.exterior.coords).T
    r = geodesic_km(lat, lon, 0.0, 0.0)
    assert np.allclose(r, 100.0, rtol=1e-6)


def test_points_outside_the_ellipse_are_not_reachable() -> None:
    # 100 km focal distance along the equator, 120 km major axis: semi-major 60 km, vertex at 60 km from mid
    poly = reachability_ellipse(0.0, 0.0, 0.0, 0.8983, 120.0)
    mid_lon = 0.8983 / 2
    assert poly.contains(Point(mid_lon + 0.5, 0.0))  # ~55.6 km east of the midpoint, inside
    assert not poly.contains(Point(mid_lon + 0.6, 0.0))  # ~66.8 km, outside
    # semi-minor axis: sqrt(60^2 - 50^2) = 33.2 km ~ 0.30 deg of latitude
    assert poly.contains(Point(mid_lon, 0.28)) and not poly.contains(Point(mid_lon, 0.32))


def test_too_short_major_axis_is_an_error() -> None:
    with pytest.raises(ValueError, match="shorter than"):
        reachability_ellipse(*SVMI, *SVSE, 500.0)


def test_exact_focal_distance_gives_a_thin_sliver() -> None:
    d = float(geodesic_km(*SVMI, *SVSE))
    poly = reachability_ellipse(*SVMI, *SVSE, d)
    assert poly.is_valid and poly.area > 0
    # reaches (within 1 km) both samples but is at most a few km wide
    for lat, lon in (SVMI, SVSE):
        assert poly.distance(Point(lon, lat)) < 0.01
    mid = poly.centroid
    assert not poly.contains(Point(mid.x + 0.1, mid.y + 0.1))


def test_antimeridian_is_split() -> None:
    poly = reachability_ellipse(0.0, 179.8, 0.0, -179.8, 100.0)
    assert isinstance(poly, MultiPolygon)
    assert poly.bounds[0] == -180.0 and poly.bounds[2] == 180.0
    assert poly.contains(Point(179.9, 0.0)) and poly.contains(Point(-179.9, 0.0))
    assert not poly.contains(Point(0.0, 0.0))


def test_pole_inside_gives_a_polar_cap() -> None:
    poly = reachability_ellipse(89.0, 0.0, 89.0, 180.0, 400.0)
    assert poly.contains(Point(90.0, 89.9)) and poly.bounds[1] < 88.5


def test_vectorised_equals_single() -> None:
    many = reachability_ellipses([SVMI[0], 0.0], [SVMI[1], 0.0], [SVSE[0], 0.0], [SVSE[1], 1.0], [1200.0, 150.0])
    one = reachability_ellipse(0.0, 0.0, 0.0, 1.0, 150.0)
    assert len(many) == 2 and many[1].equals_exact(one, 1e-9)
