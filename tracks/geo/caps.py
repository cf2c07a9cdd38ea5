"""Bounding caps over lon/lat edges: geodesic lower bounds on distances without touching every edge.

A cap is a geodesic disc (centre, radius in km) holding every point of some edges. Edges are straight in lon/lat
(as everywhere in tracks.geo). Caps are built with numpy only (no geodesic call):

- Edges may first be put in k-d order of their midpoints' surface normals (`order`: blocks split in halves
  along their widest axis), so that consecutive edges lie close together on the ellipsoid whatever rings,
  parts or antimeridian cuts they came from. A track's pieces keep their time order (already coherent).
- Level 0 holds one cap per edge: centred on the edge's lon/lat midpoint, radius half the edge's length bound
  (geodesy.edge_length_bound_km: each half of the edge is no longer, so every point of it is that close).
  Cap i holds edge order[i].
- Level l holds caps over FANOUT consecutive caps of level l - 1 (cap j: edges order[j * FANOUT**l ...
  (j + 1) * FANOUT**l - 1]): centred on the normalised mean of their centres' surface normals, radius the largest
  R_MAX * angle(centre, child centre) + child radius. The ellipsoid's largest radius of curvature
  (geodesy.R_MAX_KM) bounds the geodesic distance between two points by R_MAX times the angle between their surface normals (the
  path whose normals follow the great circle between them is no longer), so the radius never understates.
  The top level has at most FANOUT caps.

For any point P and any point X of a cap's edges, d(P, X) >= d(P, centre) - radius, and for two caps
d(X, Y) >= d(centre1, centre2) - radius1 - radius2 (triangle inequality, geodesic).
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
    """The caps of one level: centres (degrees, and their surface normals (n, 3)) and radii (km); cap j holds
    edges order[j * size ... (j+1) * size - 1]."""

    lat: np.ndarray
    lon: np.ndarray
    normal: np.ndarray
    radius_km: np.ndarray
    size: int

    def __len__(self) -> int:
        return len(self.lat)


@dataclass(frozen=True)
class CapTree:
    """Caps over `n` edges, finest level first (levels[0]: one cap per edge; levels[-1]: at most FANOUT caps)."""

    levels: tuple[CapLevel, ...]
    n: int
    order: np.ndarray  # cap i of level 0 holds edge order[i]

    def children(self, level: int, caps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The caps of level `level - 1` inside the given caps of `level`: (parent position, child cap), with
        the parent position indexing `caps`."""
        below = len(self.levels[level - 1])
        offsets = np.arange(FANOUT)
        child = (caps[:, None] * FANOUT + offsets[None, :]).ravel()
        parent = np.repeat(np.arange(len(caps)), FANOUT)
        ok = child < below
        return parent[ok], child[ok]


def build_caps(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray, *, sort: bool = True) -> CapTree:
    """The cap tree over edges (x1, y1) -> (x2, y2) (lon/lat degrees; longitudes as given, not wrapped), in k-d
    order (`sort`) or as given. Numpy only: O(n log^2 n) for the order, O(n) for the caps."""
    n = len(x1)
    if n == 0:
        raise ValueError("build_caps: no edges")
    x1, y1, x2, y2 = (np.asarray(v, float) for v in (x1, y1, x2, y2))
    lat, lon = (y1 + y2) / 2.0, (x1 + x2) / 2.0
    normals = unit_vectors(lat, lon)
    order = kd_order(normals) if sort else np.arange(n)
    radius = geodesy.edge_length_bound_km(x1, y1, x2, y2)[order] / 2.0 * (1 + _REL) + _ABS
    normals = normals[order]
    levels = [CapLevel(lat[order], lon[order], normals, radius, 1)]
    size = 1
    while len(levels[-1]) > FANOUT:
        size *= FANOUT
        below = levels[-1]
        m = len(below)
        group = np.arange(m) // FANOUT
        first = np.arange(0, m, FANOUT)
        mean = np.add.reduceat(normals, first, axis=0)
        norm = np.linalg.norm(mean, axis=1)
        # a group spread so evenly that its mean direction vanishes: centre it on its first cap
        centre = np.where(norm[:, None] > 1e-9, mean / np.maximum(norm, 1e-300)[:, None], normals[first])
        chord = np.linalg.norm(normals - centre[group], axis=1)
        reach = geodesy.R_MAX_KM * 2.0 * np.arcsin(np.minimum(chord / 2.0, 1.0)) + below.radius_km
        radius = np.maximum.reduceat(reach, first) * (1 + _REL) + _ABS
        clat = np.degrees(np.arcsin(np.clip(centre[:, 2], -1.0, 1.0)))
        clon = np.degrees(np.arctan2(centre[:, 1], centre[:, 0]))
        levels.append(CapLevel(clat, clon, centre, radius, size))
        normals = centre
    return CapTree(tuple(levels), n, order)


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Surface normals (n, 3) of geodetic (lat, lon) in degrees (unit vectors)."""
    la, lo = np.radians(lat), np.radians(lon)
    c = np.cos(la)
    return np.column_stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)])


def kd_order(points: np.ndarray, leaf: int = 16) -> np.ndarray:
    """A permutation of points (n, 3) such that every aligned block of leaf * 2**k consecutive points is one cell
    of a k-d split (each block of twice the size halved at the median of its widest axis): blocks of the cap tree
    are compact. One argsort per level of halving."""
    n = len(points)
    order = np.arange(n)
    half = leaf
    while half * 2 < n:
        half *= 2
    while half >= leaf:
        pos = np.arange(n)
        block = pos // (2 * half)
        first = np.arange(0, n, 2 * half)
        p = points[order]
        spread = np.maximum.reduceat(p, first, axis=0) - np.minimum.reduceat(p, first, axis=0)
        axis = np.argmax(spread, axis=1)[block]
        key = p[pos, axis]
        lo = np.minimum.reduceat(p, first, axis=0)[block, axis]
        width = np.maximum(spread[block, axis], 1e-300)
        # within each block, sort by the coordinate on its widest axis (scaled to [0, 1))
        order = order[np.argsort(block + np.minimum((key - lo) / width, 1.0 - 1e-12), kind="stable")]
        half //= 2
    return order


__all__ = ["FANOUT", "CapLevel", "CapTree", "build_caps", "kd_order", "unit_vectors"]
