"""exceeds_km and fastest give exactly what the full geodesic computation gives, computing fewer geodesics."""

from __future__ import annotations

import numpy as np

from tracks.geo.geodesy import bounds_km, distance_km, exceeds_km, fastest, normal_angle


def _pairs(n: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    lat1, lon1 = rng.uniform(-89.9, 89.9, n), rng.uniform(-180, 180, n)
    lat2 = np.clip(lat1 + rng.normal(0, 1, n), -90, 90)
    lon2 = lon1 + rng.normal(0, 1, n)
    return lat1, lon1, lat2, lon2


def test_exceeds_km_is_the_exact_comparison_even_at_the_limit() -> None:
    lat1, lon1, lat2, lon2 = _pairs(200_000, 1)
    d = distance_km(lat1, lon1, lat2, lon2)
    for limit in (d * 0.9999, d * 1.0001, d * 0.995, np.full(len(d), 80.0), d):
        assert np.array_equal(exceeds_km(lat1, lon1, lat2, lon2, limit), d > limit)
    # across the antimeridian and at the poles
    assert exceeds_km(0.0, 179.9, 0.0, -179.9, 22.0)[()] == (distance_km(0.0, 179.9, 0.0, -179.9) > 22.0)
    assert not exceeds_km(89.99, 0.0, 89.99, 180.0, 2.3)[()] and exceeds_km(89.99, 0.0, 89.99, 180.0, 2.2)[()]


def test_the_normal_angle_bounds_the_geodesic() -> None:
    lat1, lon1, lat2, lon2 = _pairs(100_000, 2)
    d = distance_km(lat1, lon1, lat2, lon2)
    low, high = bounds_km(normal_angle(lat1, lon1, lat2, lon2))
    assert np.all(low <= d) and np.all(d <= high)
    assert np.all(high - low < 0.011 * d + 1e-7)  # about 1 % apart: the geodesic is rarely needed


def _speeds(lat: np.ndarray, lon: np.ndarray, t: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return distance_km(lat[i], lon[i], lat[j], lon[j]) / (t[j] - t[i])


def test_fastest_is_the_exact_argmax() -> None:
    rng = np.random.default_rng(10)
    for n, noise in ((50_000, 1e-4), (50_000, 0.05), (20_000, 3.0)):  # GPS-like, MLAT-like zigzag, garbage
        t = np.cumsum(rng.uniform(0.5, 20, n))
        lat = np.clip(40 + np.cumsum(rng.normal(0, 0.01, n)) + rng.normal(0, noise, n), -90, 90)
        lon = ((-100 + np.cumsum(rng.normal(0, 0.02, n)) + rng.normal(0, noise, n)) + 180) % 360 - 180
        j = np.searchsorted(t, t + 30.0)
        i = np.flatnonzero(j < n)
        j = j[i]
        v = _speeds(lat, lon, t, i, j)
        k, best = fastest(lat, lon, t, i, j)
        assert k == int(np.argmax(v)) and best == v[k]


def test_fastest_at_ties_across_the_antimeridian_and_at_the_pole() -> None:
    # a steady cruise along the equator over the antimeridian: equal speeds, the first pair, as np.argmax
    lon = ((170.0 + 0.1 * np.arange(200)) + 180) % 360 - 180
    lat, t = np.zeros(200), 30.0 * np.arange(200)
    i, j = np.arange(199), np.arange(1, 200)
    v = _speeds(lat, lon, t, i, j)
    assert fastest(lat, lon, t, i, j) == (int(np.argmax(v)), v[int(np.argmax(v))])
    # over the pole: the fastest pair is the one across it (longitude jumps by 180 degrees)
    lat = np.array([89.0, 89.9, 89.9, 89.0])
    lon = np.array([0.0, 0.0, 180.0, 180.0])
    t = np.array([0.0, 120.0, 130.0, 250.0])
    i, j = np.array([0, 1, 2]), np.array([1, 2, 3])
    v = _speeds(lat, lon, t, i, j)
    assert fastest(lat, lon, t, i, j) == (1, v[1]) and int(np.argmax(v)) == 1


def test_exact_from_millimetres_to_near_antipodes() -> None:
    rng = np.random.default_rng(7)
    lat1, lon1 = rng.uniform(-89.9, 89.9, 50_000), rng.uniform(-180, 180, 50_000)
    for step in (1e-8, 1e-6, 1e-3):  # about a millimetre, 10 cm, 100 m
        lat2, lon2 = lat1 + rng.normal(0, step, len(lat1)), lon1 + rng.normal(0, step, len(lat1))
        d = distance_km(lat1, lon1, lat2, lon2)
        low, high = bounds_km(normal_angle(lat1, lon1, lat2, lon2))
        assert np.all(low <= d) and np.all(d <= high)
        for limit in (d, np.nextafter(d, 0), np.nextafter(d, np.inf)):
            assert np.array_equal(exceeds_km(lat1, lon1, lat2, lon2, limit), d > limit)
    # near-antipodal pairs
    lat2, lon2 = -lat1 + rng.normal(0, 1e-3, len(lat1)), lon1 + 180 + rng.normal(0, 1e-3, len(lat1))
    d = distance_km(lat1, lon1, lat2, lon2)
    for limit in (d, np.nextafter(d, 0), d * 0.999):
        assert np.array_equal(exceeds_km(lat1, lon1, lat2, lon2, limit), d > limit)
