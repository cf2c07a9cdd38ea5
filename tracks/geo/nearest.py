"""Closest approach search: the nearest point between a track's pieces and a geometry's edges.

Coarse to fine over groups of consecutive pieces, with lower bounds that never overstate a distance
(planar degrees times KM_PER_DEG_MIN * cos(highest latitude involved)) and upper bounds that are exact geodesic
distances between real points; the surviving (piece, edge) pairs get closest points in a local frame and the
best few an exact geodesic distance (pyproj.Geod).
"""

from __future__ import annotations

import numpy as np
import shapely

from tracks.geo import geodesy
from tracks.geo.fence_index import GeometryIndex
from tracks.geo.track_arrays import TrackArrays, all_pieces, geometries, intersections

#: Pieces per block in the closest-approach search.
BLOCK = 256


def closest_params(ax1: np.ndarray, ay1: np.ndarray, ax2: np.ndarray, ay2: np.ndarray, bx1: np.ndarray,
                   by1: np.ndarray, bx2: np.ndarray, by2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closest points of segment pairs in a local equirectangular frame: (s on a, u on b, planar distance^2).

    Each pair uses cos(latitude) at its own mean latitude, so short pairs are measured almost isometrically.
    """
    c = np.cos(np.radians((ay1 + ay2 + by1 + by2) / 4.0))
    d1x, d1y = (ax2 - ax1) * c, ay2 - ay1
    d2x, d2y = (bx2 - bx1) * c, by2 - by1
    rx, ry = (ax1 - bx1) * c, ay1 - by1
    a = d1x * d1x + d1y * d1y
    e = d2x * d2x + d2y * d2y
    f = d2x * rx + d2y * ry
    cc = d1x * rx + d1y * ry
    b = d1x * d2x + d1y * d2y
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
    dx = rx + s * d1x - u * d2x
    dy = ry + s * d1y - u * d2y
    return s, u, dx * dx + dy * dy


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
    """(segment, parameter on it, edge in index.dedges, parameter on the edge, km) of the closest approach.

    Coarse to fine over groups of consecutive pieces (256, then 16, then single pieces): first whether the track
    meets the geometry (distance 0 at the first meeting; skipped when the caller has checked), else which groups
    can hold an edge within the current upper bound - an exact geodesic distance from a group's first sample to
    its nearest edge. Planar bounds convert to km with KM_PER_DEG_MIN * cos(highest latitude involved), which
    never overstates a distance; the surviving (piece, edge) pairs get closest points in a local frame and the
    best few an exact geodesic distance.
    """
    pieces = all_pieces(inp)
    pseg, x1, y1, x2, y2, ta, tb = pieces
    de = index.dedges
    lo_x, lo_y, hi_x, hi_y = np.minimum(x1, x2), np.minimum(y1, y2), np.maximum(x1, x2), np.maximum(y1, y2)
    box = (lo_x, lo_y, hi_x, hi_y)

    def narrow(cand: np.ndarray, size: int, tree: shapely.STRtree, reach: float = 0.0) -> np.ndarray:
        return narrow_groups(cand, size, tree, box, reach)

    # 1. does the track meet the geometry? then the distance is 0 at the first meeting (searched in track order)
    if check_touch:
        hp, hs = touches(index, pieces, box, first_only=True)
        if len(hp):
            return touch_result(index, pieces, int(hp[0]), float(hs[0]))
    # 2. an upper bound from the first sample of every block (R-tree), and the blocks that can beat it
    max_lat = max(float(np.abs(inp.y).max()), index.max_abs_lat)

    def radius_for(ub_km: float) -> float:
        """Planar degrees that no pair within ub_km geodesic km can exceed."""
        band = min(89.999, max_lat + ub_km / (2 * geodesy.KM_PER_DEG_MIN))
        return ub_km / (geodesy.KM_PER_DEG_MIN * float(np.cos(np.radians(band)))) * (1 + 1e-6) + 1e-9

    cand = np.arange(len(pseg))
    reps = cand[::BLOCK]
    found = nearest_of_starts(index, x1[reps], y1[reps])
    i = int(np.argmin(found[2]))
    best = (int(pseg[reps[i]]), float(ta[reps[i]]), int(found[0][i]), float(found[1][i]), float(found[2][i]))
    cand = narrow(cand, BLOCK, index.dtree, radius_for(best[4]))
    if len(cand) == 0:
        return best
    radius = radius_for(best[4])
    env = index.denv
    near = envelopes_near(env, lo_x[cand].min(), lo_y[cand].min(), hi_x[cand].max(), hi_y[cand].max(), radius)
    if len(near) <= 2000:
        # 3. few edges nearby: finer groups (16, then single pieces) pruned with numpy bounds
        for size in (16, 1):
            first = np.flatnonzero(np.r_[True, (cand[1:] // size) != (cand[:-1] // size)]) if size > 1 else (
                np.arange(len(cand)))
            ends = np.append(first[1:], len(cand))
            gx0, gy0 = np.minimum.reduceat(lo_x[cand], first), np.minimum.reduceat(lo_y[cand], first)
            gx1, gy1 = np.maximum.reduceat(hi_x[cand], first), np.maximum.reduceat(hi_y[cand], first)
            lb = box_envelope_distance(gx0, gy0, gx1, gy1, env[near])
            # a tighter bound: exact km from the first sample of the groups most likely to hold the minimum
            reps = cand[first[np.argsort(lb)[:8]]]
            e_i, u, _ = point_nearest(x1[reps], y1[reps], de[near])
            dk, _ = exact_km(x1[reps], y1[reps], x1[reps], y1[reps], ta[reps], ta[reps], de[near[e_i]],
                             np.zeros(len(reps)), u)
            k = int(np.argmin(dk))
            if dk[k] < best[4]:
                best = (int(pseg[reps[k]]), float(ta[reps[k]]), int(near[e_i[k]]), float(u[k]), float(dk[k]))
            radius = radius_for(best[4])
            keep = lb <= radius
            cand = cand[np.repeat(keep, ends - first)]
            if len(cand) == 0:
                return best
            near = near[envelopes_near(env[near], lo_x[cand].min(), lo_y[cand].min(), hi_x[cand].max(),
                                       hi_y[cand].max(), radius)]
        if len(cand) * len(near) <= 1_000_000:
            return best_pair(np.repeat(cand, len(near)), np.tile(near, len(cand)), best, pseg, x1, y1, x2, y2,
                             ta, tb, de)
    cand = narrow(cand, 16, index.dtree, radius)
    if len(cand) == 0:
        return best
    # 3. every (piece, edge) pair within the bound; exact km for the best few
    wi, we = index.dtree.query(geometries(x1[cand], y1[cand], x2[cand], y2[cand]), predicate="dwithin",
                               distance=radius_for(best[4]))
    if len(wi) == 0:
        return best
    return best_pair(cand[wi], we, best, pseg, x1, y1, x2, y2, ta, tb, de)


def best_pair(wp: np.ndarray, we: np.ndarray, best: tuple[int, float, int, float, float], pseg: np.ndarray,
               x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray, ta: np.ndarray, tb: np.ndarray,
               de: np.ndarray) -> tuple[int, float, int, float, float]:
    """The closest of the (piece, edge) pairs: local-frame closest points, exact km for the best few."""
    s, u, d2 = closest_params(x1[wp], y1[wp], x2[wp], y2[wp], de[we, 0], de[we, 1], de[we, 2], de[we, 3])
    approx_km = np.sqrt(d2) * 111.32
    top = np.flatnonzero(approx_km <= approx_km.min() * 1.02 + 0.5)
    if len(top) > 256:
        top = top[np.argsort(approx_km[top])[:256]]
    t = wp[top]
    dk, segpar = exact_km(x1[t], y1[t], x2[t], y2[t], ta[t], tb[t], de[we[top]], s[top], u[top])
    j = int(np.argmin(dk))
    if dk[j] >= best[4]:
        return best
    return int(pseg[t[j]]), float(segpar[j]), int(we[top[j]]), float(u[top[j]]), float(dk[j])


def envelopes_near(env: np.ndarray, x0: float, y0: float, x1: float, y1: float, reach: float) -> np.ndarray:
    """Indices of the envelopes that meet the box (x0, y0, x1, y1) grown by `reach` degrees."""
    return np.flatnonzero((env[:, 0] <= x1 + reach) & (env[:, 2] >= x0 - reach)
                          & (env[:, 1] <= y1 + reach) & (env[:, 3] >= y0 - reach))


def box_envelope_distance(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray,
                           env: np.ndarray) -> np.ndarray:
    """Planar degrees from each box to the nearest envelope: a lower bound to the edges inside them."""
    out = np.full(len(x0), np.inf)
    if len(env) == 0:
        return out
    step = max(1, 400_000 // len(env))
    for a in range(0, len(x0), step):
        sl = slice(a, a + step)
        dx = np.maximum(0.0, np.maximum(env[None, :, 0] - x1[sl, None], x0[sl, None] - env[None, :, 2]))
        dy = np.maximum(0.0, np.maximum(env[None, :, 1] - y1[sl, None], y0[sl, None] - env[None, :, 3]))
        out[sl] = np.sqrt((dx * dx + dy * dy).min(axis=1))
    return out


def point_nearest(px: np.ndarray, py: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each point, the nearest edge in its local frame: (edge index, parameter on it, distance^2)."""
    _, u, d2 = closest_params(px[:, None], py[:, None], px[:, None], py[:, None], edges[None, :, 0],
                               edges[None, :, 1], edges[None, :, 2], edges[None, :, 3])
    j = np.argmin(d2, axis=1)
    rows = np.arange(len(px))
    return j, u[rows, j], d2[rows, j]


def nearest_of_starts(index: GeometryIndex, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """For points: (nearest edge in dedges, parameter on it, exact km)."""
    (pi, ei), _ = index.dtree.query_nearest(shapely.points(x, y), return_distance=True, all_matches=False)
    order = np.argsort(pi, kind="stable")
    pi, ei = pi[order], ei[order]
    keep = np.r_[True, pi[1:] != pi[:-1]]
    ei = ei[keep]
    de = index.dedges[ei]
    _, u, _ = closest_params(x, y, x, y, de[:, 0], de[:, 1], de[:, 2], de[:, 3])
    d, _ = exact_km(x, y, x, y, np.zeros(len(x)), np.zeros(len(x)), de, np.zeros(len(x)), u)
    return ei, u, d
