"""Display simplification keeps every sample evidence rests on, and stays within its budget."""

from __future__ import annotations

import numpy as np

from tracks.render.simplify import MIN_CHUNK, chunk_size, display_indices, douglas_peucker


def test_small_tracks_are_not_simplified() -> None:
    lat = np.linspace(0, 1, 500)
    idx = display_indices(lat, lat, np.zeros(500, bool), max_points=500)
    assert idx.tolist() == list(range(500))


def test_straight_line_collapses_to_its_ends_plus_must_plus_chunk_ends() -> None:
    n = 100_000
    lat, lon = np.linspace(0, 5, n), np.linspace(-60, -55, n)
    must = np.zeros(n, bool)
    must[[12_345, 67_890]] = True
    idx = display_indices(lat, lon, must, max_points=1000)
    chunk = chunk_size(n, 1000)
    starts = np.arange(0, n, chunk)
    ends = np.minimum(starts + chunk - 1, n - 1)
    assert idx.tolist() == sorted({0, 12_345, 67_890, n - 1, *starts.tolist(), *ends.tolist()})


def test_chunked_douglas_peucker_keeps_chunk_ends_and_equals_whole_line_within_a_chunk() -> None:
    rng = np.random.default_rng(5)
    n = 3 * MIN_CHUNK + 1  # the lone last sample joins the last chunk
    lat, lon = np.cumsum(rng.normal(0, 1e-3, n)), np.cumsum(rng.normal(0, 1e-3, n))
    idx = douglas_peucker(lat, lon, 5e-3, chunk=MIN_CHUNK)
    assert {0, MIN_CHUNK - 1, MIN_CHUNK, 2 * MIN_CHUNK - 1, 2 * MIN_CHUNK, n - 1} <= set(idx.tolist())
    assert n - 2 not in idx  # not a chunk end: the last chunk runs to n - 1
    # within a chunk the result is the same as Douglas-Peucker on that chunk alone
    first = idx[idx < MIN_CHUNK]
    assert first.tolist() == douglas_peucker(lat[:MIN_CHUNK], lon[:MIN_CHUNK], 5e-3, chunk=MIN_CHUNK).tolist()


def test_the_budget_is_used_but_never_exceeded_on_a_noisy_million_samples() -> None:
    rng = np.random.default_rng(7)
    n = 1_000_000
    k = np.arange(n)
    lat = 5 + np.sin(2 * np.pi * k / 7200) + np.cumsum(rng.normal(0, 1e-5, n))
    lon = -64 + np.cos(2 * np.pi * k / 7200) + np.cumsum(rng.normal(0, 1e-5, n))
    for budget in (5_000, 60_000):
        idx = display_indices(lat, lon, np.zeros(n, bool), max_points=budget)
        assert 0.3 * budget < len(idx) <= budget
        assert idx[0] == 0 and idx[-1] == n - 1 and np.all(np.diff(idx) > 0)


def test_douglas_peucker_keeps_the_corners_of_a_zigzag_and_maps_indices_back() -> None:
    # 10 straight legs of 1000 samples, corners at multiples of 1000 (lat alternates 0 / 1 degree)
    legs = 10
    corners_lat = np.array([i % 2 for i in range(legs + 1)], dtype=float)
    lat = np.concatenate([np.linspace(corners_lat[i], corners_lat[i + 1], 1000, endpoint=False) for i in range(legs)]
                         + [corners_lat[-1:]])
    lon = np.linspace(0, 10, len(lat))
    idx = douglas_peucker(lat, lon, 1e-3, chunk=len(lat))
    assert idx.tolist() == [1000 * i for i in range(legs + 1)]


def test_must_samples_survive_any_budget() -> None:
    n = 50_000
    rng = np.random.default_rng(3)
    lat, lon = np.cumsum(rng.normal(0, 1e-3, n)), np.cumsum(rng.normal(0, 1e-3, n))
    must = np.zeros(n, bool)
    must[rng.choice(n, 3000, replace=False)] = True
    idx = display_indices(lat, lon, must, max_points=2000)  # must alone exceeds the budget
    assert set(np.flatnonzero(must)) <= set(idx.tolist())
    idx = display_indices(lat, lon, must, max_points=10_000)
    assert set(np.flatnonzero(must)) <= set(idx.tolist())
    assert len(idx) <= 10_000
    assert len(idx) > 5_000  # the room left is used for the shape, not wasted


def test_prefer_samples_are_thinned_evenly_when_they_do_not_fit() -> None:
    n = 100_000
    lat, lon = np.linspace(0, 1, n), np.zeros(n)
    prefer = np.zeros(n, bool)
    prefer[::10] = True  # 10,000 preferred samples for a budget of 1,000
    idx = display_indices(lat, lon, np.zeros(n, bool), prefer, max_points=1000)
    assert len(idx) <= 1000
    n_chunk_ends = 2 * len(range(0, n, chunk_size(n, 1000)))  # kept too, and some are multiples of 10
    kept = np.intersect1d(idx, np.flatnonzero(prefer))
    assert 400 <= len(kept) <= 500 + n_chunk_ends
    spacing = np.diff(kept)[1:-1]  # the ends are `must` samples
    assert spacing.max() <= 1.1 * np.median(spacing)  # evenly spread over the track
