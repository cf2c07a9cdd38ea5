"""Reachability ellipses: where an aircraft could have been during a coverage gap.

Between two observed samples F1 (time t1) and F2 (time t2), an aircraft flying no faster than v can only have
been at points P with d(P, F1) + d(P, F2) <= v * (t2 - t1): a geodesic ellipse with foci F1 and F2 and major
axis v * (t2 - t1). Distances are geodesic on the WGS84 ellipsoid (pyproj.Geod).

Construction: from the geodesic midpoint M of F1-F2, along `n` bearings, the boundary distance r
with d(P(r), F1) + d(P(r), F2) = major axis is found by bisection (the sum grows monotonically with r along a
ray from M). All bearings (and all ellipses, in `reachability_ellipses`) are solved at once with numpy.

The polygon joins the n exact boundary points with straight lon/lat edges, so it lies inside the true ellipse
by at most about a * (1 - cos(pi / n)) (0.1 % of the semi-major axis a for n = 72). Edge cases are handled
conservatively (the polygon is larger than the true reachable set, never smaller):
- an ellipse that crosses the antimeridian is returned as a MultiPolygon split at +-180 deg;
- an ellipse that contains a pole is returned as the polar cap beyond its lowest latitude;
- an ellipse whose semi-major axis exceeds a quarter of the Earth's circumference is the whole world.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from shapely import MultiPolygon, Polygon, box

from tracks.geo.geodesy import GEOD
from tracks.geo.geodesy import distance_km as geodesic_km  # the one geodesic distance; name kept for callers

#: Semi-major axes above this (km) reach so far that the lon/lat polygon is replaced by the whole world.
WORLD_SEMI_MAJOR_KM = 10_000.0
_ITERATIONS = 48


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

    def total(r: np.ndarray) -> np.ndarray:
        px, py, _ = GEOD.fwd(ML, MA, B, r)
        _, _, d1 = GEOD.inv(F1[0], F1[1], px, py)
        _, _, d2 = GEOD.inv(F2[0], F2[1], px, py)
        return np.asarray(d1) + np.asarray(d2)

    for _ in range(_ITERATIONS):
        mid = (lo + hi) / 2.0
        inside = total(mid) <= D
        lo = np.where(inside, mid, lo)
        hi = np.where(inside, hi, mid)
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
    """Boundary points -> lon/lat polygon, handling poles and the antimeridian."""
    for pole in (90.0, -90.0):
        if geodesic_km(pole, 0.0, la1, lo1) + geodesic_km(pole, 0.0, la2, lo2) <= dmax_km:
            span = float(lats.max() - lats.min())
            edge = float(lats.min()) - 0.01 * span if pole > 0 else float(lats.max()) + 0.01 * span
            return box(-180.0, edge, 180.0, 90.0) if pole > 0 else box(-180.0, -90.0, 180.0, edge)
    # unwrap longitudes so the ring is continuous, then split at +-180 if needed
    unwrapped = np.degrees(np.unwrap(np.radians(lons)))
    ring = Polygon(np.column_stack([unwrapped, lats]))
    if not ring.is_valid:
        ring = ring.buffer(0)
    lo_x, _, hi_x, _ = ring.bounds
    if lo_x >= -180.0 and hi_x <= 180.0:
        return ring
    from shapely import affinity

    parts = []
    for shift in (-360.0, 0.0, 360.0):
        piece = affinity.translate(ring, xoff=shift).intersection(box(-180.0, -90.0, 180.0, 90.0))
        if not piece.is_empty:
            parts.extend(getattr(piece, "geoms", [piece]))
    polys = [p for p in parts if isinstance(p, Polygon) and p.area > 0]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)
