"""Geodesy on the WGS84 ellipsoid: the one place that knows about ellipsoids and projections.

Distances and azimuths come from `pyproj.Geod` (Karney's algorithm, accurate to nanometres). Geometries stay in
longitude/latitude degrees (EPSG:4326); their edges are straight in lon/lat, as in GeoJSON. Geodesic buffers are
computed in local azimuthal equidistant projections over tiles of at most `BUFFER_TILE_DEG` degrees, where the
projection's distance error stays below about 0.2 %, and split at the antimeridian.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely import Polygon, affinity
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="WGS84")

#: The shortest ground distance one degree can stand for (the meridian degree at the equator, km).
#: For any path, geodesic length >= KM_PER_DEG_MIN * sqrt(dlat^2 + cos(lat)^2 dlon^2) (degrees).
KM_PER_DEG_MIN = 110.574
#: The longest ground distance one degree can stand for, rounded up (km): the meridian degree at the poles is
#: 111.694 km and a degree of longitude is at most 111.694 * cos(lat) km. So a lon/lat-straight edge is at most
#: KM_PER_DEG_MAX * sqrt(dlat^2 + cos(lat*)^2 dlon^2) km long on the ground, lat* its latitude nearest the equator.
KM_PER_DEG_MAX = 111.70
#: A nominal degree (km): the equatorial degree of longitude, a x pi / 180 = 111.3195 km, rounded. For
#: approximate conversions in degree space (snapping tolerances, rough distances in messages) where no bound is
#: needed; bounds use KM_PER_DEG_MIN and KM_PER_DEG_MAX.
KM_PER_DEG_NOMINAL = 111.32
#: The ellipsoid's largest radius of curvature a^2 / b (km, at the poles; rounded up). Any two points are at most
#: R_MAX_KM * (angle between their surface normals, radians) apart: the path whose normals follow the great
#: circle between them is no longer.
R_MAX_KM = GEOD.a**2 / GEOD.b / 1000.0 * (1 + 1e-9)
#: The ellipsoid's smallest radius of curvature b^2 / a (km, meridional at the equator; rounded down). Any two
#: points are at least R_MIN_KM * (angle between their surface normals) apart: along any path the normal turns
#: by at most 1 / R_MIN_KM radians per km.
R_MIN_KM = GEOD.b**2 / GEOD.a / 1000.0 * (1 - 1e-9)
#: Tiles larger than this (degrees) are split before a geodesic buffer.
BUFFER_TILE_DEG = 10.0


def distance_km(lat1: np.ndarray | float, lon1: np.ndarray | float,
                lat2: np.ndarray | float, lon2: np.ndarray | float) -> np.ndarray:
    """Geodesic distance(s) in km between (lat1, lon1) and (lat2, lon2), element-wise (degrees in)."""
    a = np.broadcast_arrays(np.asarray(lon1, float), np.asarray(lat1, float),
                            np.asarray(lon2, float), np.asarray(lat2, float))
    shape = a[0].shape
    if a[0].size == 0:
        return np.zeros(shape)
    _, _, d = GEOD.inv(*(np.ascontiguousarray(x).ravel() for x in a))
    return np.asarray(d, dtype=float).reshape(shape) / 1000.0


def normal_angle(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Angle (radians) between the ellipsoid's surface normals at two points (degrees in), element-wise.

    `bounds_km` turns it into bounds of the geodesic distance. Haversine of the geodetic latitudes on the
    differences in degrees, with atan2: a few units in the last place from a millimetre to near-antipodes.
    """
    la1, la2 = np.radians(np.asarray(lat1, dtype=float)), np.radians(np.asarray(lat2, dtype=float))
    dlat = np.radians(np.asarray(lat2, dtype=float) - np.asarray(lat1, dtype=float))
    dlon = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    h = np.clip(np.sin(dlat / 2.0) ** 2 + np.cos(la1) * np.cos(la2) * np.sin(dlon / 2.0) ** 2, 0.0, 1.0)
    return 2.0 * np.arctan2(np.sqrt(h), np.sqrt(1.0 - h))


#: Slack (km) added to both distance bounds: covers the geodesic's own error (Karney: 15 nm) and rounding.
BOUND_SLACK_KM = 1e-8


def bounds_km(angle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) bounds (km) of the geodesic distance `distance_km` gives for two points whose surface
    normals are `angle` radians apart (`normal_angle`): R_MIN_KM and R_MAX_KM times it, widened by
    BOUND_SLACK_KM."""
    return R_MIN_KM * angle - BOUND_SLACK_KM, R_MAX_KM * angle + BOUND_SLACK_KM


def exceeds_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray,
               limit_km: np.ndarray | float) -> np.ndarray:
    """`distance_km(...) > limit_km` element-wise, exactly as computed by it, in three steps: pairs whose
    `edge_length_bound_km` is within the limit are not (no trigonometry but one cosine); of the others, those that
    `bounds_km` of `normal_angle` decides; the geodesic for the rest (within about 1 % of the limit). A track's
    speed check (`clean`) thus needs a few geodesics instead of one per pair of samples."""
    lat1, lon1, lat2, lon2, limit = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                                          for x in (lat1, lon1, lat2, lon2, limit_km)))
    out = np.zeros(lat1.shape, dtype=bool)
    rest = np.flatnonzero(~(edge_length_bound_km(lon1, lat1, lon2, lat2) <= limit))
    if len(rest):
        lat1, lon1, lat2, lon2, limit = (a.ravel()[rest] for a in (lat1, lon1, lat2, lon2, limit))
        low, high = bounds_km(normal_angle(lat1, lon1, lat2, lon2))
        far = low > limit
        unsure = np.flatnonzero(~far & (high > limit))
        far[unsure] = distance_km(lat1[unsure], lon1[unsure], lat2[unsure], lon2[unsure]) > limit[unsure]
        out.ravel()[rest] = far
    return out


def fastest(lat: np.ndarray, lon: np.ndarray, t_s: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[int, float]:
    """(k, km/s): the pair of samples (i[k], j[k]) of a track with the largest `distance_km` / time apart, exactly
    as computed by `distance_km` (first k on ties, as np.argmax). `lat`/`lon` (degrees) and `t_s` (seconds) are
    the track's columns; i < j, each pair at least a moment apart. Needs at least one pair.

    The geodesic is computed only for the pairs that could be the fastest. Upper bounds, cheapest first: the
    track's path from i to j (a running sum of each step's `edge_length_bound_km` without the cosine, in whole
    micrometres rounded up: exact integer sums), then the pair's own `edge_length_bound_km`, then `bounds_km`;
    a pair is dropped once its bound is below a speed some pair reached."""
    lat, lon, t_s = (np.asarray(a, dtype=float) for a in (lat, lon, t_s))
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    dt = t_s[j] - t_s[i]

    def exact(k: np.ndarray) -> np.ndarray:
        return distance_km(lat[i[k]], lon[i[k]], lat[j[k]], lon[j[k]]) / dt[k]

    step = KM_PER_DEG_MAX * np.hypot(np.diff(lat), np.diff(lon))  # >= edge_length_bound_km of each step
    step_um = np.ceil(step * 1e6) + 1.0  # whole micrometres, rounded up past the product's rounding
    if len(step_um) and float(step_um.max()) * len(step_um) < 2.0**62:  # the int64 sum cannot overflow
        path = np.zeros(len(lat), dtype=np.int64)
        np.cumsum(step_um.astype(np.int64), out=path[1:])
        upper = (path[j] - path[i]).astype(float) * (1e-6 * (1 + 1e-12)) / dt
        candidates = np.flatnonzero(upper >= exact(np.array([np.argmax(upper)]))[0])
    else:
        candidates = np.arange(len(i))
    c = candidates
    upper = edge_length_bound_km(lon[i[c]], lat[i[c]], lon[j[c]], lat[j[c]]) / dt[c]
    reached = float(exact(c[[int(np.argmax(upper))]])[0])
    c = c[upper >= reached]
    if len(c) > 1:
        low, high = bounds_km(normal_angle(lat[i[c]], lon[i[c]], lat[j[c]], lon[j[c]]))
        c = c[high / dt[c] >= max(reached, float(np.max(low / dt[c])))]
    v = exact(c)
    k = int(np.argmax(v))
    return int(c[k]), float(v[k])


def wrap_lon(lon: np.ndarray | float) -> np.ndarray:
    """Longitude(s) folded into [-180, 180) degrees."""
    return (np.asarray(lon, dtype=float) + 180.0) % 360.0 - 180.0


def lon_delta(lon1: np.ndarray | float, lon2: np.ndarray | float) -> np.ndarray:
    """The shorter signed longitude step from lon1 to lon2, in (-180, 180] degrees (crosses the antimeridian
    when that is shorter)."""
    d = (np.asarray(lon2, float) - np.asarray(lon1, float) + 180.0) % 360.0 - 180.0
    return np.where(d == -180.0, 180.0, d)


def edge_length_bound_km(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> np.ndarray:
    """An upper bound (km) on the ground length of lon/lat-straight edges (x = lon, y = lat, degrees), as the
    path lon/lat-linear from (x1, y1) to (x2, y2) (longitudes as given: no wrapping).

    Any point of such an edge lies within half this bound of the edge's lon/lat midpoint, and within the bound
    of either end (see KM_PER_DEG_MAX)."""
    y1, y2 = np.asarray(y1, float), np.asarray(y2, float)
    nearest_equator = np.where(y1 * y2 <= 0.0, 0.0, np.minimum(np.abs(y1), np.abs(y2)))
    c = np.cos(np.radians(nearest_equator))
    return KM_PER_DEG_MAX * np.hypot(y2 - y1, c * (np.asarray(x2, float) - np.asarray(x1, float)))


def length_km(geometry: BaseGeometry) -> float:
    """Geodesic length (km) of a line geometry, or of a polygon's boundary."""
    if geometry.is_empty:
        return 0.0
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        geometry = geometry.boundary
    return float(GEOD.geometry_length(geometry)) / 1000.0


def area_km2(geometry: BaseGeometry) -> float:
    """Geodesic area (km^2) of a polygonal geometry."""
    if geometry.is_empty:
        return 0.0
    return abs(float(GEOD.geometry_area_perimeter(geometry)[0])) / 1e6


def circle(lat: float, lon: float, radius_km: float, n: int = 360) -> BaseGeometry:
    """Geodesic circle: the `n` points at exactly `radius_km` from (lat, lon), joined by lon/lat edges.

    Split into a MultiPolygon at the antimeridian; a circle around a pole becomes the polar cap. The straight
    edges cut inside the true circle by at most radius * (1 - cos(pi/n)) (0.004 % for n = 360).
    """
    if not radius_km > 0:
        raise ValueError(f"radius_km must be positive, got {radius_km!r}")
    if radius_km >= 0.5 * math.pi * GEOD.b / 1000.0:
        raise ValueError(f"radius_km {radius_km} is too large (at most a quarter of the Earth's circumference)")
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, float(lon)), np.full(n, float(lat)), az, np.full(n, radius_km * 1000.0))
    lons, lats = np.asarray(lons), np.asarray(lats)
    pole_lat = 90.0 if lat >= 0 else -90.0
    pole_km = float(distance_km(lat, lon, pole_lat, lon))
    if pole_km < radius_km:  # the circle contains the pole
        return polar_cap(lons, lats, pole_lat)
    unwrapped = float(lon) + lon_delta(float(lon), lons)
    return split_antimeridian(Polygon(np.column_stack([unwrapped, lats])))


def polar_cap(lons: np.ndarray, lats: np.ndarray, pole_lat: float) -> BaseGeometry:
    """The region a ring around a pole (points in any order, each meridian met once: a convex set containing
    the pole) encloses, as a lon/lat polygon: the ring sorted by longitude, closed along the pole."""
    wl = wrap_lon(lons)
    order = np.argsort(wl)
    ring_lon, ring_lat = wl[order], np.asarray(lats, dtype=float)[order]
    edge_lat = float(np.interp(-180.0, ring_lon, ring_lat, period=360.0))
    coords = [(-180.0, pole_lat), (-180.0, edge_lat), *zip(ring_lon.tolist(), ring_lat.tolist(), strict=True),
              (180.0, edge_lat), (180.0, pole_lat)]
    return shapely.make_valid(Polygon(coords))


def split_antimeridian(geometry: BaseGeometry) -> BaseGeometry:
    """A geometry whose longitudes may run past +-180 (unwrapped) cut and shifted back into [-180, 180]."""
    if geometry.is_empty:
        return geometry
    minx, _, maxx, _ = geometry.bounds
    if minx >= -180.0 and maxx <= 180.0:
        return geometry
    parts = []
    for shift in range(-2, 3):
        window = shapely.box(-180.0 + 360.0 * shift, -90.0, 180.0 + 360.0 * shift, 90.0)
        if not geometry.intersects(window):
            continue
        piece = shapely.intersection(geometry, window)
        if not piece.is_empty:
            parts.append(affinity.translate(piece, xoff=-360.0 * shift))
    out = shapely.union_all(parts)
    return out


def buffer(geometry: BaseGeometry, distance_km: float, quad_segs: int = 16) -> BaseGeometry:
    """Geodesic buffer of a lon/lat geometry by `distance_km` (>= 0), as a lon/lat (Multi)Polygon.

    The geometry is cut into tiles of at most BUFFER_TILE_DEG degrees; each piece is buffered in an azimuthal
    equidistant projection centred on its tile (distance error below ~0.2 % within 800 km of the centre) and
    the pieces are united (a buffer of a union is the union of the buffers). The result is split at the
    antimeridian. Negative distances (erosion) are refused: erosion does not distribute over tiles.
    """
    if distance_km < 0:
        raise ValueError(f"a geodesic buffer needs distance_km >= 0, got {distance_km}")
    if geometry.is_empty:
        return Polygon()
    if distance_km == 0:
        return geometry if geometry.geom_type in ("Polygon", "MultiPolygon") else Polygon()
    pieces = []
    for tile_geom, (clon, clat) in _tiles(geometry):
        fwd = Transformer.from_crs(
            "EPSG:4326", f"+proj=aeqd +lat_0={clat} +lon_0={clon} +datum=WGS84 +units=m", always_xy=True)
        projected = shapely.transform(tile_geom, lambda xy, f=fwd: np.column_stack(f.transform(xy[:, 0], xy[:, 1])))
        buffered = projected.buffer(distance_km * 1000.0, quad_segs=quad_segs)
        back = shapely.transform(
            buffered, lambda xy, f=fwd, c=clon: _inverse_unwrapped(f, xy, c))
        pieces.append(back.buffer(0) if not back.is_valid else back)
    merged = shapely.union_all(pieces)
    return split_antimeridian(merged)


def _inverse_unwrapped(fwd: Transformer, xy: np.ndarray, clon: float) -> np.ndarray:
    lon, lat = fwd.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
    lon = clon + lon_delta(clon, np.asarray(lon))
    return np.column_stack([lon, np.clip(np.asarray(lat), -90.0, 90.0)])


def _tiles(geometry: BaseGeometry) -> list[tuple[BaseGeometry, tuple[float, float]]]:
    """The geometry cut into pieces no larger than BUFFER_TILE_DEG, each with its tile centre (lon, lat)."""
    minx, miny, maxx, maxy = geometry.bounds
    if maxx - minx <= BUFFER_TILE_DEG and maxy - miny <= BUFFER_TILE_DEG:
        return [(geometry, ((minx + maxx) / 2, (miny + maxy) / 2))]
    out = []
    nx = math.ceil((maxx - minx) / BUFFER_TILE_DEG)
    ny = math.ceil((maxy - miny) / BUFFER_TILE_DEG)
    sx, sy = (maxx - minx) / nx, (maxy - miny) / ny
    for i in range(nx):
        for j in range(ny):
            box = shapely.box(minx + i * sx, miny + j * sy, minx + (i + 1) * sx, miny + (j + 1) * sy)
            piece = shapely.intersection(geometry, box)
            if not piece.is_empty:
                out.append((piece, (minx + (i + 0.5) * sx, miny + (j + 0.5) * sy)))
    return out


def is_polygonal(geometry: BaseGeometry) -> bool:
    """True for Polygon and MultiPolygon (and collections of them)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return True
    if geometry.geom_type == "GeometryCollection":
        return all(is_polygonal(g) for g in geometry.geoms) and not geometry.is_empty
    return False


__all__ = [
    "BOUND_SLACK_KM", "GEOD", "KM_PER_DEG_MAX", "KM_PER_DEG_MIN", "KM_PER_DEG_NOMINAL", "R_MAX_KM", "R_MIN_KM",
    "area_km2", "bounds_km", "buffer", "circle", "distance_km", "edge_length_bound_km", "exceeds_km", "fastest",
    "is_polygonal", "length_km", "lon_delta", "normal_angle", "polar_cap", "split_antimeridian", "wrap_lon",
]
