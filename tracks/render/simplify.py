"""Display simplification: which samples of a long track to draw, keeping every one that evidence rests on.

Only for drawing. Verdicts are computed on the full track upstream; the map shows a subset of the samples:
- `must` samples are always kept (first/last, both ends of every coverage gap, the samples around every
  take-off, landing, crossing and closest approach, samples cited as evidence);
- `prefer` samples (source changes, stale samples) are kept while the budget allows, evenly thinned otherwise;
- the rest is Douglas-Peucker (shapely/GEOS) with the finest tolerance (a power of two times span/256)
  that fits.
The original index rides along as the Z coordinate, so the kept samples are mapped back exactly.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

#: Default number of samples drawn per map (about 40 bytes of HTML each).
DEFAULT_MAX_POINTS = 60_000


def douglas_peucker(lat: np.ndarray, lon: np.ndarray, tolerance_deg: float) -> np.ndarray:
    """Sorted indices kept by Douglas-Peucker at `tolerance_deg` (longitude scaled by cos(mean latitude))."""
    n = len(lat)
    if n <= 2:
        return np.arange(n)
    x = lon * math.cos(math.radians(float(np.nanmean(lat))))
    line = shapely.linestrings(x, lat, np.arange(n, dtype=float))
    kept = shapely.get_coordinates(shapely.simplify(line, tolerance_deg, preserve_topology=False), include_z=True)
    idx = np.unique(np.rint(kept[:, 2]).astype(np.int64))
    return np.union1d(idx, [0, n - 1])


def display_indices(
    lat: np.ndarray,
    lon: np.ndarray,
    must: np.ndarray,
    prefer: np.ndarray | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> np.ndarray:
    """Sorted indices of the samples to draw: all `must`, then `prefer` and Douglas-Peucker within `max_points`.

    `must` and `prefer` are boolean masks of length n. With n <= max_points every sample is kept. `must`
    is never dropped, even when it alone exceeds the budget.
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
    # from span/256: coarsen until the budget holds, then refine while it still holds (cheap steps first)
    span = max(float(np.ptp(lat)), float(np.ptp(lon)), 1e-6)
    tolerance = span / 256
    best = np.union1d(base, douglas_peucker(lat, lon, tolerance))
    while len(best) > max_points and tolerance < span:
        tolerance *= 2.0
        best = np.union1d(base, douglas_peucker(lat, lon, tolerance))
    if len(best) > max_points:
        return base
    floor = max(1e-6, span * 1e-6)  # ~0.1 m: below what any export's positions resolve
    while tolerance > floor:
        tolerance /= 2.0
        idx = np.union1d(base, douglas_peucker(lat, lon, tolerance))
        if len(idx) > max_points:
            break
        best = idx
    return best
