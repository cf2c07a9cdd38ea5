"""Reachability: where an aircraft could have been while nobody saw it, decided by the definition.

During a coverage gap from sample A (time t1) to sample B (time t2), an aircraft flying no faster than v was
somewhere P with d(A, P) + d(P, B) <= v * (t2 - t1) =: D (the reach); before the first or after the last sample
of a period of length t, within d(A, P) <= v * t of that sample (a disc: the same rule with B = A and D = 2 v t).
Distances are geodesic on the WGS84 ellipsoid (pyproj.Geod, through tracks.geo.geodesy).

Decisions (`reachable`, `reaches_geometry`, `disc_reaches_geometry`) use that definition, never a polygon:
whether some point of a region (polygon, line or point; its edges straight in lon/lat, as in GeoJSON) is
reachable is a minimisation of g(P) = d(A, P) + d(P, B) over the region, solved by branch and bound:

- the region is reachable when A or B lies in it; otherwise when g <= D somewhere on its boundary (the set
  {g <= D} is connected and holds A, so if it meets the region it meets its boundary);
- whole groups of edges are discarded with bounding caps (tracks.geo.caps): over a cap of radius r around c,
  g >= g(c) - 2 r; a real boundary point with g <= D decides "reachable";
- the remaining edges are halved until decided: g changes by at most 2 km per km moved, so over an edge piece of
  ground length at most L with end values g1, g2, g >= (g1 + g2) / 2 - L.

A decision is exact up to REACH_TOLERANCE_KM (1 m of focal sum): a region is never called out of reach when one
of its points is reachable, and is called reachable only when one of its points is within that of reach. The
boundary data's own tolerance is kilometres (Region.tolerance_km), a thousand times more.

"Comes within m km of the region" (margin_km > 0: `approached`) asks whether the disc of radius m around some
point Q of the region holds a reachable point: h(Q) = min of g over that disc <= D. h is 2-Lipschitz in Q too;
h(Q) is the focal distance d(A, B) when A or B lies in the disc, else the minimum of g on the disc's rim, found
by the same bisection over bearings (g varies along the rim by at most 2 m per radian, and its curvature is
bounded on the sphere by 2 m + m^2 (1/d_A + 1/d_B); twice that bound is used for the ellipsoid).

The polygons (`reachability_ellipse(s)`) are for drawing only: the n exact boundary points (by bisection along
bearings from the geodesic midpoint of A and B) joined by straight lon/lat edges, split at the antimeridian; an
ellipse around a pole is drawn as the cap bounded by its boundary sorted by longitude.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from tracks.geo.caps import CapTree
from tracks.geo.fence_index import get_index
from tracks.geo.geodesy import GEOD, edge_length_bound_km, polar_cap, split_antimeridian, wrap_lon
from tracks.geo.geodesy import distance_km as geodesic_km  # the one geodesic distance; name kept for callers

#: Semi-major axes above this (km) reach so far that the lon/lat polygon is replaced by the whole world.
WORLD_SEMI_MAJOR_KM = 10_000.0
_ITERATIONS = 48
#: The drawn ellipse's boundary points are found to this many metres (maps round positions to ~10 m).
_DRAW_PRECISION_M = 0.01


def reachability_ellipse(
    lat1: float, lon1: float, lat2: float, lon2: float, max_distance_km: float, n: int = 72
) -> Polygon | MultiPolygon:
    """Geodesic ellipse with foci (lat1, lon1), (lat2, lon2) and major axis `max_distance_km`, in lon/lat.

    `max_distance_km` is the longest path the aircraft could have flown (max speed x gap duration). It must be
    at least the distance between the foci (else ValueError: the samples themselves contradict the speed);
    when it equals it, the ellipse is a thin sliver around the geodesic. `n` boundary points (>= 8).
    """
    return reachability_ellipses([lat1], [lon1], [lat2], [lon2], [max_distance_km], n=n)[0]


def reachability_ellipses(
    lat1: Sequence[float] | np.ndarray,
    lon1: Sequence[float] | np.ndarray,
    lat2: Sequence[float] | np.ndarray,
    lon2: Sequence[float] | np.ndarray,
    max_distance_km: Sequence[float] | np.ndarray,
    n: int = 72,
) -> list[Polygon | MultiPolygon]:
    """Vectorised `reachability_ellipse` for many gaps at once (arrays of equal length; km)."""
    la1, lo1, la2, lo2, dmax = (np.atleast_1d(np.asarray(x, dtype=float)) for x in
                                (lat1, lon1, lat2, lon2, max_distance_km))
    if not (len(la1) == len(lo1) == len(la2) == len(lo2) == len(dmax)):
        raise ValueError("reachability_ellipses: all arrays must have the same length")
    if n < 8:
        raise ValueError(f"n={n}: an ellipse needs at least 8 boundary points")
    if len(la1) == 0:
        return []
    if not (np.isfinite(la1).all() and np.isfinite(lo1).all() and np.isfinite(la2).all()
            and np.isfinite(lo2).all() and np.isfinite(dmax).all()):
        raise ValueError("reachability_ellipses: coordinates and distances must be finite numbers")
    focal = geodesic_km(la1, lo1, la2, lo2)
    too_short = dmax < focal * (1 - 1e-9) - 1e-6
    if too_short.any():
        i = int(np.flatnonzero(too_short)[0])
        raise ValueError(
            f"max_distance_km={dmax[i]:.3f} is shorter than the {focal[i]:.3f} km between the two samples: "
            "the maximum speed is too low for the observed positions"
        )
    # A sliver, never a segment: at least 10 m longer than the focal distance.
    dmax = np.maximum(dmax, focal + 0.01)

    m = len(la1)
    # geodesic midpoints
    az12, _, dist_m = GEOD.inv(lo1, la1, lo2, la2)
    mid_lon, mid_lat, back_az = GEOD.fwd(lo1, la1, np.asarray(az12), np.asarray(dist_m) / 2.0)
    mid_lon, mid_lat = np.asarray(mid_lon), np.asarray(mid_lat)
    axis_az = np.asarray(back_az) + 180.0  # azimuth of the major axis at the midpoint

    # Bearings from the midpoint, spread like the eccentric anomaly of the planar ellipse with the same
    # axes, so that thin ellipses get points near their vertices (bearing 0 and 180 = the two vertices).
    a = dmax / 2.0
    b = np.sqrt(np.maximum(a**2 - (focal / 2.0) ** 2, 0.0))
    ecc = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    rel = np.degrees(np.arctan2(b[:, None] * np.sin(ecc)[None, :], a[:, None] * np.cos(ecc)[None, :]))
    B = (axis_az[:, None] + rel).ravel()
    ML = np.repeat(mid_lon, n)
    MA = np.repeat(mid_lat, n)
    F1 = (np.repeat(lo1, n), np.repeat(la1, n))
    F2 = (np.repeat(lo2, n), np.repeat(la2, n))
    D = np.repeat(dmax, n) * 1000.0
    semi = D / 2.0
    huge = semi > WORLD_SEMI_MAJOR_KM * 1000.0
    hi = np.minimum(semi * 1.05 + 1.0, WORLD_SEMI_MAJOR_KM * 1000.0 * 1.1)
    lo = np.zeros_like(hi)

    def total(r: np.ndarray, k: np.ndarray) -> np.ndarray:
        px, py, _ = GEOD.fwd(ML[k], MA[k], B[k], r)
        _, _, d1 = GEOD.inv(F1[0][k], F1[1][k], px, py)
        _, _, d2 = GEOD.inv(F2[0][k], F2[1][k], px, py)
        return np.asarray(d1) + np.asarray(d2)

    act = np.arange(len(B))
    for _ in range(_ITERATIONS):  # each point bisected on its own until found to _DRAW_PRECISION_M
        act = act[hi[act] - lo[act] > _DRAW_PRECISION_M]
        if not len(act):
            break
        mid = (lo[act] + hi[act]) / 2.0
        inside = total(mid, act) <= D[act]
        lo[act] = np.where(inside, mid, lo[act])
        hi[act] = np.where(inside, hi[act], mid)
    r = (lo + hi) / 2.0
    px, py, _ = GEOD.fwd(ML, MA, B, r)
    px = np.asarray(px).reshape(m, n)
    py = np.asarray(py).reshape(m, n)
    huge = huge.reshape(m, n).any(axis=1)

    out: list[Polygon | MultiPolygon] = []
    for k in range(m):
        if huge[k]:
            out.append(box(-180.0, -90.0, 180.0, 90.0))
            continue
        out.append(_to_lonlat_polygon(px[k], py[k], la1[k], lo1[k], la2[k], lo2[k], dmax[k]))
    return out


def _to_lonlat_polygon(lons: np.ndarray, lats: np.ndarray, la1: float, lo1: float, la2: float, lo2: float,
                       dmax_km: float) -> Polygon | MultiPolygon:
    """Boundary points -> lon/lat polygon for drawing, around a pole and across the antimeridian."""
    for pole in (90.0, -90.0):
        if float(focal_sum_km(pole, 0.0, la1, lo1, la2, lo2)) <= dmax_km:
            return polar_cap(lons, lats, pole)  # a convex set around the pole meets each meridian once
    # unwrap longitudes so the ring is continuous, then split at +-180 if needed
    unwrapped = np.degrees(np.unwrap(np.radians(lons)))
    ring = Polygon(np.column_stack([unwrapped, lats]))
    if not ring.is_valid:
        ring = ring.buffer(0)
    return split_antimeridian(ring)


# -- decisions: the definition, by branch and bound ---------------------------------------------------------------

#: Decisions are exact up to this much focal sum (km); see the module docstring.
REACH_TOLERANCE_KM = 0.001
#: Bearings first tried around each point on the rim of a margin disc.
_RIM_BEARINGS = 32
#: Safety factor on the sphere's curvature bound of g along a rim (the ellipsoid's curvature differs by < 1 %).
_RIM_CURVATURE_SAFETY = 2.0
#: Distances (km) closer than this to a point's antipode are treated as non-smooth (the cut locus of the
#: ellipsoid lies within ~70 km of the antipode, which is at least 20,003 km away).
_SMOOTH_BELOW_KM = 19_900.0
#: Rim intervals narrower than this (radians) are not split further (their bound is kept: conservative).
_MIN_BEARING_STEP = 1e-10


@dataclass(frozen=True)
class _Foci:
    """The gaps being decided: foci (degrees), reach D and focal distance (km), margin m (km)."""

    lat1: np.ndarray
    lon1: np.ndarray
    lat2: np.ndarray
    lon2: np.ndarray
    reach: np.ndarray
    focal: np.ndarray
    margin: float

    def g(self, k: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Focal sums d(A_k, P) + d(P, B_k) (km)."""
        return focal_sum_km(lat, lon, self.lat1[k], self.lon1[k], self.lat2[k], self.lon2[k])


def focal_sum_km(lat: np.ndarray | float, lon: np.ndarray | float, lat1: np.ndarray | float,
                 lon1: np.ndarray | float, lat2: np.ndarray | float, lon2: np.ndarray | float) -> np.ndarray:
    """d(A, P) + d(P, B) in km (geodesic, element-wise) for points P = (lat, lon), A = (lat1, lon1),
    B = (lat2, lon2), degrees."""
    return geodesic_km(lat1, lon1, lat, lon) + geodesic_km(lat, lon, lat2, lon2)


def reachable(lat: np.ndarray | float, lon: np.ndarray | float, lat1: np.ndarray | float,
              lon1: np.ndarray | float, lat2: np.ndarray | float, lon2: np.ndarray | float,
              reach_km: np.ndarray | float) -> np.ndarray:
    """The definition for points: d(A, P) + d(P, B) <= reach_km (element-wise, degrees and km)."""
    return np.asarray(focal_sum_km(lat, lon, lat1, lon1, lat2, lon2) <= np.asarray(reach_km, float))


def reaches_geometry(lat1: Sequence[float] | np.ndarray, lon1: Sequence[float] | np.ndarray,
                     lat2: Sequence[float] | np.ndarray, lon2: Sequence[float] | np.ndarray,
                     reach_km: Sequence[float] | np.ndarray, geometry: BaseGeometry,
                     margin_km: float = 0.0) -> np.ndarray:
    """Per gap (A = (lat1, lon1), B = (lat2, lon2), reach D in km; arrays of equal length): can the aircraft have
    been at a point of `geometry`, or within `margin_km` of one? I.e. is min over the geometry of
    d(A, P) + d(P, B) <= D (with a margin: of the same over the points within margin_km of it).

    Exact up to REACH_TOLERANCE_KM (see the module docstring); polygons count with their inside. ValueError when a
    reach is shorter than its gap's focal distance (the speed bound contradicts the samples)."""
    la1, lo1, la2, lo2, dmax = (np.atleast_1d(np.asarray(x, dtype=float)) for x in
                                (lat1, lon1, lat2, lon2, reach_km))
    if not (len(la1) == len(lo1) == len(la2) == len(lo2) == len(dmax)):
        raise ValueError("reaches_geometry: all arrays must have the same length")
    if not all(np.isfinite(a).all() for a in (la1, lo1, la2, lo2, dmax)):
        raise ValueError("reaches_geometry: coordinates and reaches must be finite numbers")
    if (np.abs(la1) > 90.0).any() or (np.abs(la2) > 90.0).any():
        raise ValueError("reaches_geometry: latitudes must lie within [-90, 90] degrees")
    if not (np.isfinite(margin_km) and margin_km >= 0):
        raise ValueError(f"reaches_geometry: margin_km must be a finite distance >= 0, got {margin_km!r}")
    out = np.zeros(len(la1), dtype=bool)
    if len(la1) == 0 or geometry.is_empty:
        return out
    focal = geodesic_km(la1, lo1, la2, lo2)
    short = dmax < focal * (1 - 1e-9) - 1e-6
    if short.any():
        i = int(np.flatnonzero(short)[0])
        raise ValueError(f"reach {dmax[i]:.3f} km is shorter than the {focal[i]:.3f} km between the gap's two "
                         "samples: the speed bound is too low for the observed positions")
    foci = _Foci(la1, lo1, la2, lo2, np.maximum(dmax, focal), focal, float(margin_km))
    index = get_index(geometry)
    if index.area:
        out |= shapely.intersects_xy(geometry, wrap_lon(lo1), la1) | shapely.intersects_xy(geometry, wrap_lon(lo2), la2)
    todo = np.flatnonzero(~out)
    if len(todo):
        _search(foci, index.caps, index.edges, todo, out)
    return out


def disc_reaches_geometry(lat: Sequence[float] | np.ndarray, lon: Sequence[float] | np.ndarray,
                          radius_km: Sequence[float] | np.ndarray, geometry: BaseGeometry,
                          margin_km: float = 0.0) -> np.ndarray:
    """Per disc (centre (lat, lon), radius in km): does it come within `margin_km` of `geometry`, i.e. is the
    geodesic distance from the centre to the geometry <= radius + margin? (The reach rule with B = A:
    exact up to half of REACH_TOLERANCE_KM.)"""
    la, lo = np.atleast_1d(np.asarray(lat, float)), np.atleast_1d(np.asarray(lon, float))
    r = np.atleast_1d(np.asarray(radius_km, float))
    if not (np.isfinite(margin_km) and margin_km >= 0):
        raise ValueError(f"disc_reaches_geometry: margin_km must be a finite distance >= 0, got {margin_km!r}")
    if (r < 0).any():
        raise ValueError("disc_reaches_geometry: radii must be >= 0")
    return reaches_geometry(la, lo, la, lo, 2.0 * (r + margin_km), geometry)


def _search(foci: _Foci, caps: CapTree, edges: np.ndarray, todo: np.ndarray, out: np.ndarray) -> None:
    """Branch and bound from the top caps down to edges, then edge halving; sets out[k] for reachable gaps."""
    m = foci.margin
    top = len(caps.levels) - 1
    k = np.repeat(todo, len(caps.levels[top]))
    j = np.tile(np.arange(len(caps.levels[top])), len(todo))
    for level in range(top, -1, -1):
        lev = caps.levels[level]
        # a real boundary point (the first vertex of the cap's first edge) within reach decides; with a margin,
        # h <= g there, so it decides too
        first = edges[caps.order[j * lev.size]]
        hit = foci.g(k, first[:, 1], first[:, 0]) <= foci.reach[k]
        out[k[hit]] = True
        keep = ~out[k]
        k, j = k[keep], j[keep]
        lower = foci.g(k, lev.lat[j], lev.lon[j]) - 2.0 * lev.radius_km[j] - 2.0 * m
        keep = lower <= foci.reach[k]
        k, j = k[keep], j[keep]
        if level > 0 and len(k):
            parent, j = caps.children(level, j)
            k = k[parent]
        if not len(k):
            return
    _halve_edges(foci, edges[caps.order[j]], k, out)


def _halve_edges(foci: _Foci, e: np.ndarray, k: np.ndarray, out: np.ndarray) -> None:
    """Decide the gaps k against candidate edges e (x1, y1, x2, y2) by halving them (see the module docstring)."""
    x1, y1, x2, y2 = e[:, 0], e[:, 1], e[:, 2], e[:, 3]
    length = edge_length_bound_km(x1, y1, x2, y2)
    lo1, _ = _h_bounds(foci, k, y1, x1, 2.0 * length + REACH_TOLERANCE_KM, out)
    lo2, _ = _h_bounds(foci, k, y2, x2, 2.0 * length + REACH_TOLERANCE_KM, out)
    while len(k):
        keep = ~out[k] & ((lo1 + lo2) / 2.0 - length <= foci.reach[k])
        k, x1, y1, x2, y2, lo1, lo2, length = (a[keep] for a in (k, x1, y1, x2, y2, lo1, lo2, length))
        fine = length <= REACH_TOLERANCE_KM / 4.0
        if fine.any():  # h <= (h1 + h2) / 2 + L <= D + 2 L (+ the rim's tolerance): reachable within tolerance
            out[k[fine]] = True
            keep = ~out[k]
            k, x1, y1, x2, y2, lo1, lo2, length = (a[keep] for a in (k, x1, y1, x2, y2, lo1, lo2, length))
        if not len(k):
            return
        xm, ym = (x1 + x2) / 2.0, (y1 + y2) / 2.0
        la = edge_length_bound_km(x1, y1, xm, ym)
        lb = edge_length_bound_km(xm, ym, x2, y2)
        lom, _ = _h_bounds(foci, k, ym, xm, 2.0 * np.maximum(la, lb) + REACH_TOLERANCE_KM, out)
        k = np.concatenate([k, k])
        x1, y1, x2, y2 = np.concatenate([x1, xm]), np.concatenate([y1, ym]), np.concatenate([xm, x2]), np.concatenate([ym, y2])
        lo1, lo2 = np.concatenate([lo1, lom]), np.concatenate([lom, lo2])
        length = np.concatenate([la, lb])


def _h_bounds(foci: _Foci, k: np.ndarray, lat: np.ndarray, lon: np.ndarray, slack: np.ndarray,
              out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds (lower, upper) on h at boundary points Q: g(Q) without a margin, else the minimum of g over the
    disc of radius m around Q. Marks out[k] where a reachable point is found. The lower bound is refined until it
    exceeds min(upper - tolerance, D + slack): enough for the caller's pruning."""
    if foci.margin == 0.0:
        g = foci.g(k, lat, lon)
        out[k[g <= foci.reach[k]]] = True
        return g, g
    lo, hi = _rim_bounds(foci, k, lat, lon, foci.reach[k] + slack)
    out[k[hi <= foci.reach[k]]] = True
    return lo, hi


def _rim_bounds(foci: _Foci, k: np.ndarray, lat: np.ndarray, lon: np.ndarray,
                target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) bounds on h(Q) = min of g over the disc of radius m around each Q = (lat, lon)."""
    m = foci.margin
    n = len(k)
    lo, hi = np.full(n, np.inf), np.full(n, np.inf)
    da = geodesic_km(lat, lon, foci.lat1[k], foci.lon1[k])
    db = geodesic_km(lat, lon, foci.lat2[k], foci.lon2[k])
    near = (da <= m) | (db <= m)  # A or B in the disc: h is the focal distance
    lo[near] = hi[near] = foci.focal[k[near]]
    q = np.flatnonzero(~near)
    if not len(q):
        return lo, hi
    target = np.minimum(target[q], np.inf)
    nb = _RIM_BEARINGS
    step = 2.0 * np.pi / nb
    # interval i of point p spans bearings [th, th + w]; values at both ends
    p = np.repeat(np.arange(len(q)), nb)
    th = np.tile(np.arange(nb) * step, len(q))
    ga, aa, ba = _rim_g(foci, k[q][p], lat[q][p], lon[q][p], th)
    nxt = np.arange(len(p)) + 1
    nxt[nb - 1 :: nb] -= nb
    gb, ab, bb = ga[nxt], aa[nxt], ba[nxt]
    w = np.full(len(p), step)
    best = np.full(len(q), np.inf)
    np.minimum.at(best, p, ga)
    closed = np.full(len(q), np.inf)
    while len(p):
        bound = _rim_interval_bound(m, ga, gb, aa, ab, ba, bb, w)
        goal = np.minimum(best[p] - REACH_TOLERANCE_KM / 2.0, target[p])
        split = (bound <= goal) & (w > _MIN_BEARING_STEP)
        np.minimum.at(closed, p[~split], bound[~split])
        p, th, w, ga, gb, aa, ab, ba, bb = (x[split] for x in (p, th, w, ga, gb, aa, ab, ba, bb))
        if not len(p):
            break
        w = w / 2.0
        gm, am, bm = _rim_g(foci, k[q][p], lat[q][p], lon[q][p], th + w)
        np.minimum.at(best, p, gm)
        p, th = np.concatenate([p, p]), np.concatenate([th, th + w])
        w = np.concatenate([w, w])
        ga, gb = np.concatenate([ga, gm]), np.concatenate([gm, gb])
        aa, ab = np.concatenate([aa, am]), np.concatenate([am, ab])
        ba, bb = np.concatenate([ba, bm]), np.concatenate([bm, bb])
    hi[q] = best
    lo[q] = np.minimum(closed, best)
    return lo, hi


def _rim_g(foci: _Foci, k: np.ndarray, lat: np.ndarray, lon: np.ndarray,
           bearing: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """g at the rim point at `bearing` (radians) and distance m from (lat, lon), with its distances to A and B."""
    plon, plat, _ = GEOD.fwd(lon, lat, np.degrees(bearing), np.full(len(lat), foci.margin * 1000.0))
    plon, plat = np.asarray(plon), np.asarray(plat)
    da = geodesic_km(plat, plon, foci.lat1[k], foci.lon1[k])
    db = geodesic_km(plat, plon, foci.lat2[k], foci.lon2[k])
    return da + db, da, db


def _rim_interval_bound(m: float, ga: np.ndarray, gb: np.ndarray, aa: np.ndarray, ab: np.ndarray,
                        ba: np.ndarray, bb: np.ndarray, w: np.ndarray) -> np.ndarray:
    """A lower bound of g over rim intervals of width w (radians) with end values ga, gb (distances to A: aa, ab;
    to B: ba, bb): the larger of the Lipschitz bound (|dg/dθ| <= 2 m) and the curvature bound."""
    lipschitz = (ga + gb) / 2.0 - m * w
    drift = m * w / 2.0  # how far a rim point can be from the nearer interval end (km)
    ea = np.minimum(np.minimum(aa, ab) - drift, _SMOOTH_BELOW_KM - np.maximum(aa, ab) - drift)
    eb = np.minimum(np.minimum(ba, bb) - drift, _SMOOTH_BELOW_KM - np.maximum(ba, bb) - drift)
    smooth = (ea > 0) & (eb > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = _RIM_CURVATURE_SAFETY * (2.0 * m + m * m * (1.0 / ea + 1.0 / eb))
        curvature = np.minimum(ga, gb) - c * w * w / 8.0
    return np.where(smooth, np.maximum(lipschitz, curvature), lipschitz)
