"""Closest approach search: the nearest point between a track's pieces and a geometry's edges.

Whether the track meets the geometry is searched over groups of consecutive pieces and the edges' R-tree. The
distance otherwise comes from two trees of bounding caps (tracks.geo.caps: geodesic lower bounds that never
overstate a distance) and upper bounds that are exact geodesic distances between real points; the surviving
(piece, edge) pairs get closest points in a local frame and the best few an exact geodesic distance
(pyproj.Geod). Time and memory follow the pairs that can hold the minimum, not pieces x edges.
"""

from __future__ import annotations

import numpy as np
import shapely

from tracks.geo import geodesy
from tracks.geo.caps import FANOUT, CapTree, build_caps
from tracks.geo.fence_index import GeometryIndex
from tracks.geo.track_arrays import TrackArrays, intersections

#: Pieces per block in the search for the first meeting.
BLOCK = 256
#: Greedy descents for the first upper bound of the closest-approach search.
PROBES = 8
#: (piece, edge) pairs measured at once (bounds the memory of the last step).
PAIR_CHUNK = 100_000
#: Leaf pairs measured per round of the last step (in order of their lower bounds).
LEAF_CHUNK = 512


def closest_params(ax1: np.ndarray, ay1: np.ndarray, ax2: np.ndarray, ay2: np.ndarray, bx1: np.ndarray,
                   by1: np.ndarray, bx2: np.ndarray, by2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closest points of segment pairs in a local equirectangular frame: (s on a, u on b, planar distance^2).

    Each pair uses cos(latitude) at its own mean latitude, so short pairs are measured almost isometrically.
    """
    c = np.cos(np.radians((ay1 + ay2 + by1 + by2) / 4.0))
    d1 = np.stack([(ax2 - ax1) * c, ay2 - ay1])
    d2 = np.stack([(bx2 - bx1) * c, by2 - by1])
    r = np.stack([(ax1 - bx1) * c, ay1 - by1])
    return segment_params(d1, d2, r)


def segment_params(d1: np.ndarray, d2: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closest points of straight segments a1 + s d1 and b1 + u d2 (s, u in [0, 1]) with r = a1 - b1, vectors
    along the first axis (any dimension): (s, u, squared distance)."""
    a = (d1 * d1).sum(axis=0)
    e = (d2 * d2).sum(axis=0)
    f = (d2 * r).sum(axis=0)
    cc = (d1 * r).sum(axis=0)
    b = (d1 * d2).sum(axis=0)
    eps = 1e-30
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = a * e - b * b
        s = np.where(denom > eps * np.maximum(a * e, eps), np.clip((b * f - cc * e) / denom, 0, 1), 0.0)
        u = np.where(e > eps, (b * s + f) / e, 0.0)
        s_lo = np.where(a > eps, np.clip(-cc / a, 0, 1), 0.0)
        s_hi = np.where(a > eps, np.clip((b - cc) / a, 0, 1), 0.0)
        s = np.where(u < 0, s_lo, np.where(u > 1, s_hi, s))
        u = np.clip(u, 0, 1)
        # point-segment degenerate cases
        s = np.where(a <= eps, 0.0, s)
        u = np.where((a <= eps) & (e > eps), np.clip(f / np.where(e > eps, e, 1), 0, 1), u)
        u = np.where(e <= eps, 0.0, u)
        s = np.where((e <= eps) & (a > eps), np.clip(-cc / np.where(a > eps, a, 1), 0, 1), s)
    dist = r + s * d1 - u * d2
    return s, u, (dist * dist).sum(axis=0)


def exact_km(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray, ta: np.ndarray, tb: np.ndarray,
              edges: np.ndarray, s: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic km between the point at s on each piece and the point at u on each edge, and the segment
    parameter of the piece's point."""
    px = x1 + s * (x2 - x1)
    py = y1 + s * (y2 - y1)
    bx = edges[:, 0] + u * (edges[:, 2] - edges[:, 0])
    by = edges[:, 1] + u * (edges[:, 3] - edges[:, 1])
    d = geodesy.distance_km(py, geodesy.wrap_lon(px), by, geodesy.wrap_lon(bx))
    return d, ta + s * (tb - ta)


def narrow_groups(cand: np.ndarray, size: int, tree: shapely.STRtree, box: tuple[np.ndarray, ...],
            reach: float = 0.0) -> np.ndarray:
    """The pieces of `cand` (sorted) whose group of `size` consecutive pieces has a bounding box, grown by `reach`
    degrees, that meets an edge's envelope in `tree` (a necessary condition for a distance <= reach)."""
    if len(cand) == 0:
        return cand
    lo_x, lo_y, hi_x, hi_y = box
    gid = cand // size
    first = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    # diagonals: the R-tree only compares envelopes when no predicate is given, and lines are cheap to make
    diagonals = shapely.linestrings(np.stack([
        np.column_stack([np.minimum.reduceat(lo_x[cand], first) - reach, np.minimum.reduceat(lo_y[cand], first) - reach]),
        np.column_stack([np.maximum.reduceat(hi_x[cand], first) + reach, np.maximum.reduceat(hi_y[cand], first) + reach]),
    ], axis=1))
    hit_groups = np.unique(tree.query(diagonals)[0])
    ok = np.zeros(len(first), dtype=bool)
    ok[hit_groups] = True
    return cand[np.repeat(ok, np.diff(np.append(first, len(cand))))]


def touches(index: GeometryIndex, pieces: tuple[np.ndarray, ...], box: tuple[np.ndarray, ...],
            first_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pieces that meet the geometry, in order, with the parameter of their first meeting. With `first_only`,
    stops at the first chunk (of 1024 candidate pieces, in track order) that has one."""
    _, x1, y1, x2, y2, _, _ = pieces
    cand = narrow_groups(np.arange(len(x1)), BLOCK, index.tree, box)
    if len(cand) > 4096:
        cand = narrow_groups(cand, 16, index.tree, box)
    found_p, found_s = [], []
    for chunk in range(0, len(cand), 1024 if first_only else 65536):
        part = cand[chunk:chunk + (1024 if first_only else 65536)]
        hit_piece, hit_s = intersections(index, x1[part], y1[part], x2[part], y2[part])
        if len(hit_piece):
            order = np.lexsort((hit_s, hit_piece))
            hp, hs = hit_piece[order], hit_s[order]
            keep = np.r_[True, hp[1:] != hp[:-1]]
            found_p.append(part[hp[keep]])
            found_s.append(hs[keep])
            if first_only:
                break
    if not found_p:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(found_p), np.concatenate(found_s)


def touch_result(index: GeometryIndex, pieces: tuple[np.ndarray, ...], j: int,
                 sp: float) -> tuple[int, float, int, float, float]:
    """(segment, parameter, edge, parameter on the edge, 0 km) for a meeting at parameter sp of piece j."""
    pseg, x1, y1, x2, y2, ta, tb = pieces
    px, py = x1[j] + sp * (x2[j] - x1[j]), y1[j] + sp * (y2[j] - y1[j])
    e_near = int(index.tree.query_nearest(shapely.Point(px, py), all_matches=False)[0])
    e = index.edges[e_near : e_near + 1]
    _, ue, _ = closest_params(np.array([px]), np.array([py]), np.array([px]), np.array([py]),
                              e[:, 0], e[:, 1], e[:, 2], e[:, 3])
    return int(pseg[j]), float(ta[j] + sp * (tb[j] - ta[j])), e_near, float(ue[0]), 0.0


def nearest(inp: TrackArrays, index: GeometryIndex, check_touch: bool = True) -> tuple[int, float, int, float, float]:
    """(segment, parameter on it, edge in index.edges (= its first copy in index.dedges), parameter on the edge,
    km) of the closest approach.

    First whether the track meets the geometry (distance 0 at the first meeting; skipped when the caller has
    checked). Else `PairSearch` over two trees of bounding caps, one over the track's pieces and one over the
    geometry's edges: time and memory follow the pairs that can hold the minimum, not pieces x edges, so a region
    far away costs a few thousand distance evaluations. The result is exactly what `best_pair` gives over every
    (piece, edge) pair (tests check this on whole tracks).
    """
    pieces = inp.whole_pieces
    if check_touch:
        _, x1, y1, x2, y2, _, _ = pieces
        lo_x, lo_y, hi_x, hi_y = np.minimum(x1, x2), np.minimum(y1, y2), np.maximum(x1, x2), np.maximum(y1, y2)
        hp, hs = touches(index, pieces, (lo_x, lo_y, hi_x, hi_y), first_only=True)
        if len(hp):
            return touch_result(index, pieces, int(hp[0]), float(hs[0]))
    return PairSearch(pieces, index.edges, index.caps, inp.piece_caps).run()


class PairSearch:
    """The closest (piece, edge) pair by branch and bound over two cap trees (tracks.geo.caps).

    A pair of caps whose lower bound (centre distance minus both radii, geodesic) exceeds the best distance found
    so far between real points cannot hold the closest approach, and is dropped with all the pieces and edges
    under it. The frontier of cap pairs descends one tree per step (the one whose caps in play are larger), so it
    grows by at most FANOUT between prunings; at every step, greedy descents from its most promising pairs to
    real (piece, edge) pairs tighten the best distance. The pairs left at the leaves are measured by `best_pair`.
    """

    def __init__(self, pieces: tuple[np.ndarray, ...], edges: np.ndarray, edge_caps: CapTree,
                 track_caps: CapTree | None = None) -> None:
        self.pieces = pieces
        self.edges = edges
        _, x1, y1, x2, y2, _, _ = pieces
        # time order is already compact; given when the track's tree is shared by several geometries
        self.track_caps = build_caps(x1, y1, x2, y2, sort=False) if track_caps is None else track_caps
        self.edge_caps = edge_caps
        self.best: tuple[int, float, int, float, float] = (0, 0.0, 0, 0.0, np.inf)

    def run(self) -> tuple[int, float, int, float, float]:
        tc, ec = self.track_caps, self.edge_caps
        lt, lr = len(tc.levels) - 1, len(ec.levels) - 1
        a, b = (v.ravel() for v in np.meshgrid(np.arange(len(tc.levels[lt])), np.arange(len(ec.levels[lr])),
                                                 indexing="ij"))
        while True:
            lower = self.lower_km(lt, lr, a, b)
            if lt == 0 and lr == 0:
                break
            self.probe(lt, lr, a, b, lower)
            keep = lower <= self.best[4]
            a, b = a[keep], b[keep]
            if not len(a):
                return self.best
            if lr == 0 or (lt > 0 and tc.levels[lt].radius_km[a].mean() >= ec.levels[lr].radius_km[b].mean()):
                parent, a = tc.children(lt, a)
                b = b[parent]
                lt -= 1
            else:
                parent, b = ec.children(lr, b)
                a = a[parent]
                lr -= 1
        # (piece, edge) pairs in order of their lower bounds, a chunk at a time, until the next bound exceeds the
        # best distance measured
        a, b = tc.order[a], ec.order[b]
        lower = np.maximum(lower, self.pair_lower_km(a, b))
        keep = lower <= self.best[4]
        a, b, lower = a[keep], b[keep], lower[keep]
        order = np.argsort(lower)
        a, b, lower = a[order], b[order], lower[order]
        for c in range(0, len(a), LEAF_CHUNK):
            if lower[c] > self.best[4]:
                break
            self.measure(a[c : c + LEAF_CHUNK], b[c : c + LEAF_CHUNK])
        return self.best

    def pair_lower_km(self, wp: np.ndarray, we: np.ndarray) -> np.ndarray:
        """Lower bounds (km) for (piece, edge) pairs: their planar distance in degrees with longitudes scaled by
        cos(band), times KM_PER_DEG_MIN, where the band is the highest latitude of the four ends plus half the best
        distance found (in degrees of latitude). Along any path within the band a km is at least that many scaled
        degrees, and a path leaving the band is longer than the best distance anyway."""
        _, x1, y1, x2, y2, _, _ = self.pieces
        e = self.edges[we]
        px1, py1, px2, py2 = x1[wp], y1[wp], x2[wp], y2[wp]
        shift = np.round(((px1 + px2) - (e[:, 0] + e[:, 2])) / 720.0) * 360.0
        top = np.maximum(np.maximum(np.abs(py1), np.abs(py2)), np.maximum(np.abs(e[:, 1]), np.abs(e[:, 3])))
        band = np.minimum(top + self.best[4] / (2.0 * geodesy.KM_PER_DEG_MIN), 90.0)
        c = np.cos(np.radians(band))
        d1 = np.stack([(px2 - px1) * c, py2 - py1])
        d2 = np.stack([(e[:, 2] - e[:, 0]) * c, e[:, 3] - e[:, 1]])
        r = np.stack([(px1 - e[:, 0] - shift) * c, py1 - e[:, 1]])
        _, _, sq = segment_params(d1, d2, r)
        return geodesy.KM_PER_DEG_MIN * np.sqrt(sq) * (1 - 1e-9)

    def lower_km(self, lt: int, lr: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Lower bounds (km) between track caps a (level lt) and edge caps b (level lr): centre distance minus
        both radii. The centre distance lies between R_MIN_KM and R_MAX_KM times the angle between the centres'
        normals (numpy); only the pairs that the exact geodesic distance could rule out where that bound cannot
        get it."""
        tl, rl = self.track_caps.levels[lt], self.edge_caps.levels[lr]
        radii = tl.radius_km[a] + rl.radius_km[b]
        chord = np.linalg.norm(tl.normal[a] - rl.normal[b], axis=1)
        angle = 2.0 * np.arcsin(np.minimum(chord / 2.0, 1.0))
        lower = geodesy.R_MIN_KM * angle - radii
        best = self.best[4]
        maybe = np.flatnonzero((lower <= best) & (geodesy.R_MAX_KM * angle - radii > best))
        if len(maybe):
            lower[maybe] = geodesy.distance_km(tl.lat[a[maybe]], tl.lon[a[maybe]], rl.lat[b[maybe]],
                                               rl.lon[b[maybe]]) - radii[maybe]
        return lower

    def probe(self, lt: int, lr: int, a: np.ndarray, b: np.ndarray, lower: np.ndarray) -> None:
        """Descend greedily (into the child pair with the smallest lower bound) from the PROBES pairs with the
        smallest lower bounds down to (piece, edge) pairs, and measure those."""
        if len(a) > PROBES:
            pick = np.argpartition(lower, PROBES)[:PROBES]
            a, b = a[pick], b[pick]
        tc, ec = self.track_caps, self.edge_caps
        while lt > 0 or lr > 0:
            ca, cb = _child_grid(tc, lt, a), _child_grid(ec, lr, b)
            lt, lr = max(lt - 1, 0), max(lr - 1, 0)
            ga = np.repeat(ca, cb.shape[1], axis=1)
            gb = np.tile(cb, (1, ca.shape[1]))
            ok = (ga >= 0) & (gb >= 0)
            low = np.full(ga.shape, np.inf)
            low[ok] = self.lower_km(lt, lr, ga[ok], gb[ok])
            j = np.argmin(low, axis=1)
            rows = np.arange(len(a))
            a, b = ga[rows, j], gb[rows, j]
        self.measure(tc.order[a], ec.order[b])

    def measure(self, wp: np.ndarray, we: np.ndarray) -> None:
        """Measure (piece, edge) pairs (`best_pair`), keeping the best."""
        pseg, x1, y1, x2, y2, ta, tb = self.pieces
        self.best = best_pair(wp, we, self.best, pseg, x1, y1, x2, y2, ta, tb, self.edges)


def _child_grid(caps: CapTree, level: int, nodes: np.ndarray) -> np.ndarray:
    """Per node, its children on the level below (-1 padding), or itself at level 0: shape (nodes, FANOUT or 1)."""
    if level == 0:
        return nodes[:, None]
    grid = nodes[:, None] * FANOUT + np.arange(FANOUT)[None, :]
    return np.where(grid < len(caps.levels[level - 1]), grid, -1)


def best_pair(wp: np.ndarray, we: np.ndarray, best: tuple[int, float, int, float, float], pseg: np.ndarray,
              x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray, ta: np.ndarray, tb: np.ndarray,
              edges: np.ndarray) -> tuple[int, float, int, float, float]:
    """The closest of the (piece, edge) pairs by `pair_km`, or `best` when none is closer. Each pair's distance
    is a function of that pair alone, so pruning pairs that cannot win never changes the answer."""
    for c in range(0, len(wp), PAIR_CHUNK):
        p, e = wp[c : c + PAIR_CHUNK], we[c : c + PAIR_CHUNK]
        dk, segpar, u = pair_km(p, e, x1, y1, x2, y2, ta, tb, edges)
        j = int(np.argmin(dk))
        if dk[j] < best[4]:
            best = int(pseg[p[j]]), float(segpar[j]), int(e[j]), float(u[j]), float(dk[j])
    return best


def pair_km(wp: np.ndarray, we: np.ndarray, x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray,
            ta: np.ndarray, tb: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (piece, edge) pair: (exact geodesic km between its closest points, segment parameter of the piece's
    point, parameter of the edge's point). Two candidates, the nearer kept: the closest points in a local
    equirectangular frame (exact where the two meet or nearly do: both are straight lines there) and those of the
    chords joining the ends in 3-D (unit sphere: right at any distance, across the antimeridian and the poles).
    The distances between the candidate points are geodesic (WGS84)."""
    e = edges[we]
    px1, py1, px2, py2 = x1[wp], y1[wp], x2[wp], y2[wp]
    # the local frame sees the edge's copy nearest the piece in longitude
    shift = np.round(((px1 + px2) - (e[:, 0] + e[:, 2])) / 720.0) * 360.0
    s1, u1, _ = closest_params(px1, py1, px2, py2, e[:, 0] + shift, e[:, 1], e[:, 2] + shift, e[:, 3])
    a1, a2 = _unit(py1, px1), _unit(py2, px2)
    b1, b2 = _unit(e[:, 1], e[:, 0]), _unit(e[:, 3], e[:, 2])
    s2, u2, _ = segment_params(a2 - a1, b2 - b1, a1 - b1)
    d1, t1 = exact_km(px1, py1, px2, py2, ta[wp], tb[wp], e, s1, u1)
    d2, t2 = exact_km(px1, py1, px2, py2, ta[wp], tb[wp], e, s2, u2)
    first = d1 <= d2
    return np.where(first, d1, d2), np.where(first, t1, t2), np.where(first, u1, u2)


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Unit vectors (3, n) of (lat, lon) degrees on the sphere."""
    la, lo = np.radians(lat), np.radians(lon)
    c = np.cos(la)
    return np.stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)])


