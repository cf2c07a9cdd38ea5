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


def test_fastest_is_the_exact_argmax() -> None:
    for seed in range(5):
        lat1, lon1, lat2, lon2 = _pairs(50_000, seed + 10)
        dt = np.random.default_rng(seed).uniform(10, 20, 50_000)
        v = distance_km(lat1, lon1, lat2, lon2) / dt
        k, best = fastest(lat1, lon1, lat2, lon2, dt)
        assert k == int(np.argmax(v)) and best == v[k]
    # many equal speeds (a steady cruise): the first, as np.argmax
    lat = np.zeros(10)
    k, _ = fastest(lat, np.arange(10.0), lat, np.arange(10.0) + 0.1, np.full(10, 30.0))
    assert k == int(np.argmax(distance_km(lat, np.arange(10.0), lat, np.arange(10.0) + 0.1)))


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
