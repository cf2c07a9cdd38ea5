"""Bounding caps over lon/lat edges: geodesic lower bounds on distances without touching every edge.

A cap is a geodesic disc (centre, radius in km) holding every point of some edges. Edges are straight in lon/lat
(as everywhere in tracks.geo); `geodesy.edge_length_bound_km` bounds their ground length from above.

- A leaf cap (level 0) holds one edge: centred on its lon/lat midpoint, radius half the edge's length bound
  (each half of the edge is no longer than that, so every point of it is that close to the midpoint).
- A node cap at level l holds FANOUT consecutive caps of level l - 1 (edges j * FANOUT**l ... up to
  (j + 1) * FANOUT**l - 1): centred on their mean direction, radius the largest (centre distance + child radius).
  The top level has at most FANOUT caps.

For any point P and any point X of a cap's edges, d(P, X) >= d(P, centre) - radius, and for two caps
d(X, Y) >= d(centre1, centre2) - radius1 - radius2 (triangle inequality, geodesic). Consecutive edges of rings,
lines and tracks lie close together, so caps stay small and a search discards whole groups at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracks.geo import geodesy

#: Caps of one level per cap of the next.
FANOUT = 16
#: Relative and absolute (km) slack added to node radii so that rounding never makes a bound overstate.
_REL, _ABS = 1e-9, 1e-9


@dataclass(frozen=True)
class CapLevel:
    """The caps of one level: centres (degrees) and radii (km); cap j holds edges j * size ... (j+1) * size - 1."""

    lat: np.ndarray
    lon: np.ndarray
    radius_km: np.ndarray
    size: int

    def __len__(self) -> int:
        return len(self.lat)


@dataclass(frozen=True)
class CapTree:
    """Caps over `n` edges, finest level first (levels[0]: one cap per edge; levels[-1]: at most FANOUT caps)."""

    levels: tuple[CapLevel, ...]
    n: int

    def children(self, level: int, caps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The caps of level `level - 1` inside the given caps of `level`: (parent position, child cap), with
        the parent position indexing `caps`."""
        below = len(self.levels[level - 1])
        offsets = np.arange(FANOUT)
        child = (caps[:, None] * FANOUT + offsets[None, :]).ravel()
        parent = np.repeat(np.arange(len(caps)), FANOUT)
        ok = child < below
        return parent[ok], child[ok]


def build_caps(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> CapTree:
    """The cap tree over edges (x1, y1) -> (x2, y2) (lon/lat degrees, in their given order). Costs about one
    geodesic distance per edge."""
    n = len(x1)
    if n == 0:
        raise ValueError("build_caps: no edges")
    lat = (np.asarray(y1, float) + np.asarray(y2, float)) / 2.0
    lon = (np.asarray(x1, float) + np.asarray(x2, float)) / 2.0
    radius = geodesy.edge_length_bound_km(x1, y1, x2, y2) / 2.0 * (1 + _REL) + _ABS
    levels = [CapLevel(lat, lon, radius, 1)]
    size = 1
    while len(levels[-1]) > FANOUT:
        size *= FANOUT
        levels.append(_parents(levels[-1], size))
    return CapTree(tuple(levels), n)


def _parents(level: CapLevel, size: int) -> CapLevel:
    """Caps over FANOUT consecutive caps of `level` each."""
    m = len(level)
    k = -(-m // FANOUT)
    group = np.arange(m) // FANOUT
    v = unit_vectors(level.lat, level.lon)
    s = np.zeros((k, 3))
    np.add.at(s, group, v)
    norm = np.linalg.norm(s, axis=1)
    first = np.arange(k) * FANOUT
    # a group spread so evenly that its mean direction vanishes: centre it on its first cap
    s = np.where(norm[:, None] > 1e-9, s / np.maximum(norm, 1e-300)[:, None], v[first])
    clat = np.degrees(np.arcsin(np.clip(s[:, 2], -1.0, 1.0)))
    clon = np.degrees(np.arctan2(s[:, 1], s[:, 0]))
    reach = geodesy.distance_km(clat[group], clon[group], level.lat, level.lon) + level.radius_km
    radius = np.zeros(k)
    np.maximum.at(radius, group, reach)
    return CapLevel(clat, clon, radius * (1 + _REL) + _ABS, size)


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Geocentric unit vectors (n, 3) of spherical directions (lat, lon) in degrees (only used to choose centres;
    bounds always use geodesic distances)."""
    la, lo = np.radians(lat), np.radians(lon)
    c = np.cos(la)
    return np.column_stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)])


__all__ = ["FANOUT", "CapLevel", "CapTree", "build_caps", "unit_vectors"]
