"""Per-geometry search structures for the fence: boundary edges, R-trees and a containment raster.

Built once per geometry and cached (keyed by object identity). The raster is a grid over the geometry's
bounding box whose cells are classified as outside (0), inside (1) or near the boundary (2). It is exact,
not an approximation: a cell is only 0 or 1 when no boundary point lies in it or in any of its 8 neighbours
(boundary edges are sampled at half a cell and the marks dilated by one cell), so every point in such a cell
has the cell's state; points in class-2 cells are decided by `shapely.contains_xy` on the prepared geometry.
The dilation also means that a segment between two points in adjacent cells can only meet the boundary if
one of its two end cells is class 2 - which is how the fence skips segments far from any border. Segments
spanning more cells are judged the same way on coarser grids (cells of 2, 4, 8, ... fine cells; `levels`).

The edge grid (EdgeGrid) buckets the boundary edges by grid cell, so that many short track pieces find the
edges whose bounding boxes meet theirs with numpy alone (no shapely geometry per piece); the R-tree stays the
path for few pieces and for pieces spanning many cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from tracks.geo import geodesy
from tracks.geo.caps import CapTree, build_caps

#: The raster has at most about this many cells.
RASTER_CELLS = 2_000_000
#: Smallest cell edge (degrees): about 10 m.
MIN_CELL_DEG = 1e-4
#: Inputs with fewer points than this skip the raster (building it would cost more than it saves).
RASTER_MIN_POINTS = 20_000
_PAD = 2
_CACHE_SIZE = 16
#: The edge grid has at most about this many cells.
GRID_CELLS = 4_000_000
#: Pieces whose bounding box covers more edge-grid cells than this are looked up in the R-tree.
GRID_MAX_CELLS = 16
#: Edge-grid cells are this many times the median edge extent.
GRID_CELL_FACTOR = 1.0


@dataclass(frozen=True)
class Raster:
    """Cell classes over [x0, x0 + nx*cell) x [y0, y0 + ny*cell): 0 outside, 1 inside, 2 near the boundary."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    classes: np.ndarray  # uint8, shape (ny * nx,)
    #: coarser "near" grids: (factor, columns, rows, near flags); coarse cell c holds fine cells c*factor..
    #: (c+1)*factor-1, and the grid starts one coarse cell before fine cell 0
    levels: tuple[tuple[int, int, int, np.ndarray], ...] = ()

    def coarse_near(self, fx: np.ndarray, fy: np.ndarray, a: np.ndarray,
                    b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For segments between the points a and b (cell coordinates fx, fy) further apart than adjacent cells:
        (decided, near). A segment m cells long (Chebyshev) is decided at the first level whose factor exceeds
        m, where its two ends are in the same or adjacent coarse cells; it can meet the boundary only if one of
        them is near there (the fine raster's argument, on coarser cells). Segments longer than the coarsest
        level's factor stay undecided."""
        ax, ay, bx, by = fx[a], fy[a], fx[b], fy[b]
        m = np.maximum(np.abs(ax - bx), np.abs(ay - by))
        level = np.frexp(m)[1]  # 2**(level - 1) <= m < 2**level: factor 2**level > m
        decided = np.zeros(len(a), dtype=bool)
        near = np.zeros(len(a), dtype=bool)
        for factor, nxk, nyk, flags in self.levels:
            k = np.flatnonzero(level == factor.bit_length() - 1)
            if len(k) == 0:
                continue
            inv = 1.0 / factor
            near[k] = (_lookup(flags, nxk, nyk, np.floor(ax[k] * inv), np.floor(ay[k] * inv))
                       | _lookup(flags, nxk, nyk, np.floor(bx[k] * inv), np.floor(by[k] * inv)))
            decided[k] = True
        return decided, near

    def cells(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per point: class (0 outside the grid), and the floor cell coordinates (float, may lie off the grid)."""
        fx = x - self.x0
        fx *= 1.0 / self.cell
        np.floor(fx, out=fx)
        fy = y - self.y0
        fy *= 1.0 / self.cell
        np.floor(fy, out=fy)
        return self.classes_ring[_ring_index(*_ring_cells(fx, fy, self.nx, self.ny), self.nx)], fx, fy

    @cached_property
    def classes_ring(self) -> np.ndarray:
        """`classes` with a ring of class-0 cells around the grid (row-major, (ny + 2) * (nx + 2))."""
        ring = np.zeros((self.ny + 2, self.nx + 2), dtype=np.uint8)
        ring[1:-1, 1:-1] = self.classes.reshape(self.ny, self.nx)
        return ring.ravel()


def _ring_cells(fx: np.ndarray, fy: np.ndarray, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer cell coordinates clipped to [-1, n]: -1 and n stand for every cell off an nx x ny grid."""
    ix = fx.astype(np.int64)
    iy = fy.astype(np.int64)
    np.clip(ix, -1, nx, out=ix)
    np.clip(iy, -1, ny, out=iy)
    return ix, iy


def _ring_index(ix: np.ndarray, iy: np.ndarray, nx: int) -> np.ndarray:
    """Flat indices of clipped cells into the (ny + 2) x (nx + 2) grid with its ring."""
    flat = iy + 1
    flat *= nx + 2
    flat += ix
    flat += 1
    return flat


def _lookup(flags: np.ndarray, nxk: int, nyk: int, cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    """Flags of coarse cells (cx, cy); False off the grid (its ring of empty cells: nothing near beyond)."""
    i, j = cx + 1, cy + 1
    on = (i >= 0) & (i < nxk) & (j >= 0) & (j < nyk)
    out = np.zeros(len(cx), dtype=bool)
    out[on] = flags[(j[on] * nxk + i[on]).astype(np.int64)]
    return out


def _dilate(marks: np.ndarray) -> np.ndarray:
    """Marks grown by one cell in all 8 directions."""
    near = marks.copy()
    near[1:, :] |= marks[:-1, :]
    near[:-1, :] |= marks[1:, :]
    rows = near.copy()
    near[:, 1:] |= rows[:, :-1]
    near[:, :-1] |= rows[:, 1:]
    return near


def _levels(marks: np.ndarray) -> tuple[tuple[int, int, int, np.ndarray], ...]:
    """Coarse near grids: marks pooled by 2, 4, 8, ... (a coarse cell is marked when any of its fine cells
    is), padded by one empty coarse cell on each side, dilated by one cell."""
    out = []
    factor = 1
    m = marks
    while max(m.shape) > 2 and factor < 4096:
        h, w = m.shape
        even = np.zeros((h + h % 2, w + w % 2), dtype=bool)
        even[:h, :w] = m
        m = even.reshape(even.shape[0] // 2, 2, even.shape[1] // 2, 2).any(axis=(1, 3))
        factor *= 2
        padded = np.zeros((m.shape[0] + 2, m.shape[1] + 2), dtype=bool)
        padded[1:-1, 1:-1] = m
        out.append((factor, padded.shape[1], padded.shape[0], _dilate(padded).ravel()))
    return tuple(out)


@dataclass(frozen=True)
class EdgeGrid:
    """Boundary edges by grid cell: the edges of cell k = iy * nx + ix are ids[offsets[k]:offsets[k + 1]], and an
    edge is listed in every cell its bounding box meets. Cell of a coordinate v: floor((v - x0) * inv)."""

    x0: float
    y0: float
    inv: float  # 1 / cell edge (degrees)
    nx: int
    ny: int
    offsets: np.ndarray  # int64, nx * ny + 1
    ids: np.ndarray  # int64 edge indices
    env: np.ndarray  # (m, 4) edge envelopes: xmin, ymin, xmax, ymax
    near: np.ndarray  # bool, nx * ny: the cell or one of its 8 neighbours holds an edge
    near_ring: np.ndarray  # bool, (nx + 2) * (ny + 2): `near` with a ring of False cells around it

    def may_meet(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per segment (points i, i+1): False when it cannot meet any edge. A segment whose ends lie in the same
        or adjacent cells stays inside those cells' block, whose cells all neighbour both ends: if neither end
        is `near`, no edge's box meets the block. Longer segments: True. Cells off the grid count as its ring
        of empty cells (clipping per axis keeps every on-grid cell a segment passes inside the clipped block)."""
        fx = x - self.x0
        fx *= self.inv
        np.floor(fx, out=fx)
        fy = y - self.y0
        fy *= self.inv
        np.floor(fy, out=fy)
        ix, iy = _ring_cells(fx, fy, self.nx, self.ny)
        near = self.near_ring[_ring_index(ix, iy, self.nx)]
        dx, dy = np.diff(ix), np.diff(iy)
        np.abs(dx, out=dx)
        np.abs(dy, out=dy)
        np.maximum(dx, dy, out=dx)
        out = dx > 1
        out |= near[:-1]
        out |= near[1:]
        return out

    def pairs(self, x1: np.ndarray, y1: np.ndarray, x2: np.ndarray,
              y2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(piece, edge) pairs whose bounding boxes meet, each pair once, and the pieces too long for the grid
        (more than GRID_MAX_CELLS cells), which the caller looks up otherwise."""
        lo_x, hi_x = np.minimum(x1, x2), np.maximum(x1, x2)
        lo_y, hi_y = np.minimum(y1, y2), np.maximum(y1, y2)
        fx0, fx1 = np.floor((lo_x - self.x0) * self.inv), np.floor((hi_x - self.x0) * self.inv)
        fy0, fy1 = np.floor((lo_y - self.y0) * self.inv), np.floor((hi_y - self.y0) * self.inv)
        on = (fx1 >= 0) & (fx0 < self.nx) & (fy1 >= 0) & (fy0 < self.ny)
        ix0, ix1 = np.clip(fx0, 0, self.nx - 1), np.clip(fx1, 0, self.nx - 1)
        iy0, iy1 = np.clip(fy0, 0, self.ny - 1), np.clip(fy1, 0, self.ny - 1)
        ncx, ncy = ix1 - ix0 + 1, iy1 - iy0 + 1
        ncell = ncx * ncy
        big = np.flatnonzero(on & (ncell > GRID_MAX_CELLS))
        m = np.flatnonzero(on & (ncell <= GRID_MAX_CELLS))
        nc = ncell[m].astype(np.int64)
        ncx_m, ix0_m, iy0_m = ncx[m].astype(np.int64), ix0[m].astype(np.int64), iy0[m].astype(np.int64)
        if len(m) and nc.max() == 1:  # the usual case: every piece within one cell
            rep, cx, cy = np.arange(len(m)), ix0_m, iy0_m
        else:
            rep = np.repeat(np.arange(len(m)), nc)
            k = np.arange(len(rep)) - np.repeat(np.cumsum(nc) - nc, nc)
            cx = ix0_m[rep] + k % ncx_m[rep]
            cy = iy0_m[rep] + k // ncx_m[rep]
        key = cy * self.nx + cx
        start = self.offsets[key]
        cnt = self.offsets[key + 1] - start
        total = int(cnt.sum())
        first = np.cumsum(cnt) - cnt
        j = np.arange(total) - np.repeat(first, cnt)
        edge = self.ids[np.repeat(start, cnt) + j]
        piece = m[np.repeat(rep, cnt)]
        e = self.env[edge]
        meet = (lo_x[piece] <= e[:, 2]) & (e[:, 0] <= hi_x[piece]) & (lo_y[piece] <= e[:, 3]) & (e[:, 1] <= hi_y[piece])
        # each pair once: in the cell of the lower-left corner of the two boxes' overlap
        ref_x = np.floor((np.maximum(lo_x[piece], e[:, 0]) - self.x0) * self.inv)
        ref_y = np.floor((np.maximum(lo_y[piece], e[:, 1]) - self.y0) * self.inv)
        keep = meet & (ref_x == np.repeat(cx, cnt)) & (ref_y == np.repeat(cy, cnt))
        return piece[keep], edge[keep], big


def build_grid(edges: np.ndarray, bounds: tuple[float, float, float, float]) -> EdgeGrid:
    """Bucket edges by cell; cells about the median edge extent (GRID_CELL_FACTOR; at most GRID_CELLS cells)."""
    minx, miny, maxx, maxy = bounds
    env = np.column_stack([np.minimum(edges[:, 0], edges[:, 2]), np.minimum(edges[:, 1], edges[:, 3]),
                           np.maximum(edges[:, 0], edges[:, 2]), np.maximum(edges[:, 1], edges[:, 3])])
    extent = np.maximum(env[:, 2] - env[:, 0], env[:, 3] - env[:, 1])
    w, h = max(maxx - minx, MIN_CELL_DEG), max(maxy - miny, MIN_CELL_DEG)
    cell = max(GRID_CELL_FACTOR * float(np.median(extent)), math.sqrt(w * h / GRID_CELLS), max(w, h) / 8192,
               MIN_CELL_DEG)
    inv = 1.0 / cell
    x0, y0 = minx - cell, miny - cell
    nx, ny = math.floor(w * inv) + 3, math.floor(h * inv) + 3
    ix0 = np.floor((env[:, 0] - x0) * inv).astype(np.int64)
    ix1 = np.floor((env[:, 2] - x0) * inv).astype(np.int64)
    iy0 = np.floor((env[:, 1] - y0) * inv).astype(np.int64)
    iy1 = np.floor((env[:, 3] - y0) * inv).astype(np.int64)
    if ix0.min() < 0 or iy0.min() < 0 or ix1.max() >= nx or iy1.max() >= ny:
        raise AssertionError("edge grid does not cover the geometry")  # pragma: no cover - bounds are the edges'
    ncx, ncy = ix1 - ix0 + 1, iy1 - iy0 + 1
    nc = ncx * ncy
    which = np.repeat(np.arange(len(env)), nc)
    k = np.arange(len(which)) - np.repeat(np.cumsum(nc) - nc, nc)
    key = (iy0[which] + k // ncx[which]) * nx + ix0[which] + k % ncx[which]
    order = np.argsort(key, kind="stable")
    offsets = np.zeros(nx * ny + 1, dtype=np.int64)
    counts = np.bincount(key, minlength=nx * ny)
    np.cumsum(counts, out=offsets[1:])
    near = _dilate((counts > 0).reshape(ny, nx))
    ring = np.zeros((ny + 2, nx + 2), dtype=bool)
    ring[1:-1, 1:-1] = near
    return EdgeGrid(x0, y0, inv, nx, ny, offsets, which[order].astype(np.int64), env, near.ravel(), ring.ravel())


@dataclass
class GeometryIndex:
    """Edges and trees of one geometry (lon/lat). `area` is True for polygonal geometries."""

    geometry: BaseGeometry
    area: bool
    edges: np.ndarray  # (m, 4): x1, y1, x2, y2 in degrees
    tree: shapely.STRtree  # over the edges, for intersections
    dedges: np.ndarray  # edges plus copies shifted by -360 and +360 degrees of longitude
    dtree: shapely.STRtree  # over dedges, for distances (a track near +180 sees edges near -180)
    denv: np.ndarray  # envelopes of dedges: xmin, ymin, xmax, ymax
    bounds: tuple[float, float, float, float]
    max_abs_lat: float
    _raster: Raster | None = field(default=None, repr=False)
    _grid: EdgeGrid | None = field(default=None, repr=False)
    _caps: CapTree | None = field(default=None, repr=False)

    @property
    def raster(self) -> Raster:
        if self._raster is None:
            self._raster = build_raster(self)
        return self._raster

    @property
    def grid(self) -> EdgeGrid:
        """The edge grid (built on first use)."""
        if self._grid is None:
            self._grid = build_grid(self.edges, self.bounds)
        return self._grid

    @property
    def caps(self) -> CapTree:
        """Bounding caps over `edges` (tracks.geo.caps; built on first use): geodesic lower bounds."""
        if self._caps is None:
            e = self.edges
            self._caps = build_caps(e[:, 0], e[:, 1], e[:, 2], e[:, 3])
        return self._caps

    def contains(self, x: np.ndarray, y: np.ndarray, *, use_raster: bool | None = None) -> np.ndarray:
        """True for points strictly inside (boundary points are outside), vectorised."""
        if not self.area or len(x) == 0:
            return np.zeros(len(x), dtype=bool)
        if use_raster is None:
            use_raster = len(x) >= RASTER_MIN_POINTS
        if not use_raster:
            return shapely.contains_xy(self.geometry, x, y)
        cls, _, _ = self.raster.cells(x, y)
        return self.resolve(cls, x, y)

    def resolve(self, cls: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Containment from raster classes, deciding class-2 points exactly."""
        out = cls == 1
        near = np.flatnonzero(cls == 2)
        if len(near):
            out[near] = shapely.contains_xy(self.geometry, x[near], y[near])
        return out


_cache: dict[int, GeometryIndex] = {}


def get_index(geometry: BaseGeometry) -> GeometryIndex:
    """The (cached) index of a geometry."""
    key = id(geometry)
    hit = _cache.get(key)
    if hit is not None and hit.geometry is geometry:
        return hit
    idx = _build(geometry)
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[key] = idx
    return idx


def _build(geometry: BaseGeometry) -> GeometryIndex:
    if geometry.is_empty:
        raise ValueError("cannot fence against an empty geometry")
    area = geodesy.is_polygonal(geometry)
    if area:
        shapely.prepare(geometry)
    edges = edges_of(geometry)
    lines = _edge_geometries(edges)
    copies = [edges + np.array([s, 0.0, s, 0.0]) for s in (0.0, -360.0, 360.0)]
    dedges = np.concatenate(copies)
    minx, miny, maxx, maxy = geometry.bounds
    return GeometryIndex(
        geometry=geometry, area=area, edges=edges, tree=shapely.STRtree(lines),
        dedges=dedges, dtree=shapely.STRtree(_edge_geometries(dedges)),
        denv=np.column_stack([np.minimum(dedges[:, 0], dedges[:, 2]), np.minimum(dedges[:, 1], dedges[:, 3]),
                              np.maximum(dedges[:, 0], dedges[:, 2]), np.maximum(dedges[:, 1], dedges[:, 3])]),
        bounds=(minx, miny, maxx, maxy), max_abs_lat=max(abs(miny), abs(maxy)),
    )


def _edge_geometries(edges: np.ndarray) -> np.ndarray:
    """Two-point linestrings, or points for zero-length edges (the R-tree's dwithin skips degenerate lines)."""
    out = shapely.linestrings(edges.reshape(-1, 2, 2))
    flat = (edges[:, 0] == edges[:, 2]) & (edges[:, 1] == edges[:, 3])
    if flat.any():
        out[flat] = shapely.points(edges[flat, 0], edges[flat, 1])
    return out


def edges_of(geometry: BaseGeometry) -> np.ndarray:
    """All straight edges (x1, y1, x2, y2) of a geometry's boundary (lines: the lines; points: zero-length)."""
    parts = shapely.get_parts(geometry)
    lines, points = [], []
    for p in parts:
        t = p.geom_type
        if t in ("Polygon", "MultiPolygon"):
            lines.extend(shapely.get_parts(p.boundary))
        elif t in ("LineString", "LinearRing", "MultiLineString"):
            lines.extend(shapely.get_parts(p))
        elif t in ("Point", "MultiPoint"):
            points.extend(shapely.get_parts(p))
        elif t == "GeometryCollection":
            lines.extend(shapely.get_parts(edges_geometry(p)))
    out = []
    if lines:
        coords, idx = shapely.get_coordinates(np.asarray(lines, dtype=object), return_index=True)
        same = idx[:-1] == idx[1:]
        out.append(np.column_stack([coords[:-1][same], coords[1:][same]]))
    if points:
        c = shapely.get_coordinates(np.asarray(points, dtype=object))
        out.append(np.column_stack([c, c]))
    if not out:
        raise ValueError(f"no edges in {geometry.geom_type}")
    return np.ascontiguousarray(np.concatenate(out), dtype=float)


def edges_geometry(collection: BaseGeometry) -> BaseGeometry:
    """The boundaries/lines/points of a GeometryCollection as one geometry."""
    parts = []
    for g in shapely.get_parts(collection):
        parts.append(g.boundary if g.geom_type in ("Polygon", "MultiPolygon") else g)
    return shapely.union_all(parts)


def build_raster(index: GeometryIndex) -> Raster:
    """Classify grid cells (see the module docstring). Vectorised; a few tens of ms for a country."""
    minx, miny, maxx, maxy = index.bounds
    w, h = max(maxx - minx, MIN_CELL_DEG), max(maxy - miny, MIN_CELL_DEG)
    cell = max(math.sqrt(w * h / RASTER_CELLS), MIN_CELL_DEG, max(w, h) / 8192)
    nx = math.ceil(w / cell) + 2 * _PAD
    ny = math.ceil(h / cell) + 2 * _PAD
    x0, y0 = minx - _PAD * cell, miny - _PAD * cell
    e = index.edges
    # 1. boundary marks: every edge sampled at <= half a cell, then dilated by one cell
    length = np.hypot(e[:, 2] - e[:, 0], e[:, 3] - e[:, 1])
    k = np.ceil(length / (0.5 * cell)).astype(np.int64) + 1
    which = np.repeat(np.arange(len(e)), k)
    start = np.cumsum(k) - k
    frac = (np.arange(len(which)) - start[which]) / np.maximum(k[which] - 1, 1)
    sx = e[which, 0] + frac * (e[which, 2] - e[which, 0])
    sy = e[which, 1] + frac * (e[which, 3] - e[which, 1])
    ix = np.clip(np.floor((sx - x0) / cell).astype(np.int64), 0, nx - 1)
    iy = np.clip(np.floor((sy - y0) / cell).astype(np.int64), 0, ny - 1)
    marks = np.zeros((ny, nx), dtype=bool)
    marks[iy, ix] = True
    near = _dilate(marks)
    # 2. inside/outside of cell centres by even-odd scanlines: toggle at the first centre right of a crossing
    inside = _scanline_parity(e, x0, y0, cell, nx, ny) if index.area else np.zeros((ny, nx), dtype=bool)
    classes = np.where(near, np.uint8(2), inside.astype(np.uint8)).astype(np.uint8)
    return Raster(x0, y0, cell, nx, ny, classes.ravel(), _levels(marks))


def _scanline_parity(e: np.ndarray, x0: float, y0: float, cell: float, nx: int, ny: int) -> np.ndarray:
    ya, yb = np.minimum(e[:, 1], e[:, 3]), np.maximum(e[:, 1], e[:, 3])
    keep = yb > ya
    e, ya, yb = e[keep], ya[keep], yb[keep]
    # rows r with centre yc = y0 + (r + 0.5) * cell in [ya, yb)
    r0 = np.ceil((ya - y0) / cell - 0.5).astype(np.int64)
    r1 = np.ceil((yb - y0) / cell - 0.5).astype(np.int64)
    r0, r1 = np.clip(r0, 0, ny), np.clip(r1, 0, ny)
    k = np.maximum(r1 - r0, 0)
    which = np.repeat(np.arange(len(e)), k)
    row = r0[which] + (np.arange(len(which)) - (np.cumsum(k) - k)[which])
    yc = y0 + (row + 0.5) * cell
    x1, y1, x2, y2 = e[which, 0], e[which, 1], e[which, 2], e[which, 3]
    xc = x1 + (yc - y1) * (x2 - x1) / (y2 - y1)
    col = np.clip(np.floor((xc - x0) / cell - 0.5).astype(np.int64) + 1, 0, nx)
    toggles = np.zeros((ny, nx + 1), dtype=np.int32)
    np.add.at(toggles, (row, col), 1)
    return (np.cumsum(toggles, axis=1)[:, :nx] & 1).astype(bool)
