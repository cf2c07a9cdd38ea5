"""Display simplification: which samples of a long track to draw, keeping every one that evidence rests on.

Only for drawing. Verdicts are computed on the full track upstream; the map shows a subset of the samples:
- `must` samples are always kept (first/last, both ends of every coverage gap, the samples around every
  take-off, landing, crossing and closest approach, samples cited as evidence);
- `prefer` samples (source changes, stale samples) are kept while the budget allows, evenly thinned otherwise;
- the rest is Douglas-Peucker (shapely/GEOS), run on consecutive chunks of `chunk_size` samples, each
  keeping its first and last sample: one GEOS call over an array of short lines, linear in the number of
  samples, where one line of 10M samples costs about n^1.8.
The tolerance is chosen on a subsample of whole chunks (every k-th chunk: the kept count of chunked
Douglas-Peucker is a sum over chunks, so the sample estimates it without bias), then the whole track is
simplified once (a second pass only when the estimate was too optimistic).
The original index rides along as the Z coordinate, so the kept samples are mapped back exactly.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

#: Default number of samples drawn per map (about 40 bytes of HTML each).
DEFAULT_MAX_POINTS = 60_000
#: Smallest chunk of samples simplified as one line; tracks of up to this many samples are one line.
MIN_CHUNK = 4096
#: The tolerance is searched on about this many samples (whole chunks spread over the track).
SEARCH_SAMPLES = 200_000


def chunk_size(n: int, max_points: int = DEFAULT_MAX_POINTS) -> int:
    """Samples per chunk: at least MIN_CHUNK, and few enough chunks that their ends use <= 5% of the budget."""
    return max(MIN_CHUNK, math.ceil(n / max(max_points / 20, 1)))


def douglas_peucker(lat: np.ndarray, lon: np.ndarray, tolerance_deg: float, chunk: int | None = None) -> np.ndarray:
    """Sorted indices kept by Douglas-Peucker at `tolerance_deg` (longitude scaled by cos(mean latitude)).

    Runs on consecutive chunks of `chunk` samples (default: `chunk_size(n)`); every chunk keeps its first and
    last sample.
    """
    n = len(lat)
    if n <= 2:
        return np.arange(n)
    lat = np.asarray(lat, dtype=float)
    return _chunked(_x(lat, lon), lat, chunk or chunk_size(n), tolerance_deg)


def _x(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Longitude scaled by cos(mean latitude): distances in both axes in about the same unit (degrees)."""
    return np.asarray(lon, dtype=float) * math.cos(math.radians(float(np.nanmean(lat))))


def _chunked(x: np.ndarray, y: np.ndarray, chunk: int, tolerance: float,
             starts: np.ndarray | None = None) -> np.ndarray:
    """Indices kept by Douglas-Peucker on the chunks [s, s + chunk) for each s in `starts` (default: all).

    A chunk of one sample (the track's last) joins the chunk before it; every chunk keeps both ends.
    """
    n = len(x)
    if starts is None:
        idx = np.arange(n)
        parts = idx // chunk
    else:
        lengths = np.minimum(starts + chunk, n) - starts
        idx = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
        parts = np.repeat(np.arange(len(starts)), lengths)
    if len(parts) > 1 and parts[-1] != parts[-2]:  # a lone last sample: no line of one point
        parts[-1] = parts[-2]
    coords = np.empty((len(idx), 3))
    coords[:, 0] = x[idx]
    coords[:, 1] = y[idx]
    coords[:, 2] = idx
    lines = shapely.linestrings(coords, indices=parts)
    kept = shapely.get_coordinates(shapely.simplify(lines, tolerance, preserve_topology=False), include_z=True)
    return np.unique(np.rint(kept[:, 2]).astype(np.int64))


def _tolerance(x: np.ndarray, y: np.ndarray, chunk: int, room: int, span: float) -> float:
    """The finest tolerance (span/256 times a power of sqrt(2)) whose estimated kept count fits in `room`."""
    n = len(x)
    starts = np.arange(0, n, chunk)
    step = max(1, math.ceil(n / SEARCH_SAMPLES))
    sample = starts[::step]
    scale = len(starts) / len(sample)

    def estimate(tol: float) -> float:
        return len(_chunked(x, y, chunk, tol, sample)) * scale

    tolerance = span / 256
    while estimate(tolerance) > room and tolerance < span:
        tolerance *= 2.0
    floor = max(1e-6, span * 1e-6)  # ~0.1 m: below what any export's positions resolve
    while tolerance > floor and estimate(tolerance / 2.0) <= room:
        tolerance /= 2.0
    if estimate(tolerance / math.sqrt(2)) <= room:
        tolerance /= math.sqrt(2)
    return tolerance


def display_indices(
    lat: np.ndarray,
    lon: np.ndarray,
    must: np.ndarray,
    prefer: np.ndarray | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> np.ndarray:
    """Sorted indices of the samples to draw: all `must`, then `prefer` and Douglas-Peucker within `max_points`.

    `must` and `prefer` are boolean masks of length n. With n <= max_points every sample is kept. `must`
    is never dropped, even when it alone exceeds the budget. Linear in n (see the module docstring).
    """
    n = len(lat)
    if n <= max_points:
        return np.arange(n)
    must_idx = np.union1d(np.flatnonzero(must), [0, n - 1])
    room = max_points - len(must_idx)
    prefer_idx = np.setdiff1d(np.flatnonzero(prefer), must_idx) if prefer is not None else np.zeros(0, np.int64)
    if room <= 0:
        return must_idx
    if len(prefer_idx) > room // 2:  # leave half of the room for the shape of the track
        take = np.linspace(0, len(prefer_idx) - 1, room // 2).round().astype(np.int64)
        prefer_idx = prefer_idx[np.unique(take)]
    base = np.union1d(must_idx, prefer_idx)
    chunk = chunk_size(n, max_points)
    lat = np.asarray(lat, dtype=float)
    x = _x(lat, lon)
    span = max(float(np.ptp(lat)), float(np.ptp(x)), 1e-6)
    shape_room = int((max_points - len(base)) * 0.9)  # the estimate is a sample: leave a margin
    if shape_room <= 0:
        return base
    tolerance = _tolerance(x, lat, chunk, shape_room, span)
    for _ in range(8):
        idx = np.union1d(base, _chunked(x, lat, chunk, tolerance))
        if len(idx) <= max_points:
            return idx
        tolerance *= 2.0
    return base
