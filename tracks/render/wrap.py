"""Longitudes for drawing: tracks, regions and gap ellipses across the antimeridian (±180°) the short way.

Leaflet draws a line from 179.9° to -179.9° across the whole world. The map therefore picks one of two
longitude frames for everything it draws:

- the usual frame, -180..180, unless
- the Pacific frame, 0..360, holds what is drawn and the usual one does not (a flight from Fiji to Samoa,
  or across the Bering Strait) or holds it more narrowly: the flight is then one short line (Leaflet draws
  longitudes beyond 180 east of the antimeridian).

In either frame every track is made continuous (`np.unwrap`: no step longer than 180°) and shifted by whole
turns into the frame; markers, evidence lines, regions (each polygon or line part as a whole) and the basemap
are put in the same frame. Only drawing: nothing here changes a position used for a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

PACIFIC = 180.0  # centre of the Pacific frame (0..360)
ATLANTIC = 0.0  # centre of the usual frame (-180..180)


def frame_centre(tracks: Iterable[np.ndarray], points: Iterable[float] = ()) -> float:
    """0 (the usual -180..180 frame) or 180 (0..360) for what is drawn: the one whose range holds it all (a
    track across ±180 leaves the usual one), else the one where it spans less, else the usual one.

    `tracks`: the longitudes of each track (made continuous before they are measured); `points`: other
    longitudes (markers), each on its own.
    """
    lo = {ATLANTIC: np.inf, PACIFIC: np.inf}
    hi = {ATLANTIC: -np.inf, PACIFIC: -np.inf}
    sets = [continuous(np.asarray(t, dtype=float)) for t in tracks]
    sets += [np.array([p], dtype=float) for p in points]
    for u in sets:
        u = u[np.isfinite(u)]
        if not len(u):
            continue
        for centre in (ATLANTIC, PACIFIC):
            v = u + 360.0 * np.round((centre - float(np.mean(u))) / 360.0)
            lo[centre], hi[centre] = min(lo[centre], float(v.min())), max(hi[centre], float(v.max()))
    if not np.isfinite(lo[ATLANTIC]):
        return ATLANTIC

    def rank(c: float) -> tuple[bool, float, bool]:
        # a frame whose range holds everything first, then the narrower one, then the usual one
        overflow = lo[c] < c - 180.0 - 1e-9 or hi[c] > c + 180.0 + 1e-9
        return overflow, round(hi[c] - lo[c], 6), c != ATLANTIC

    return min((ATLANTIC, PACIFIC), key=rank)


def continuous(lon: np.ndarray) -> np.ndarray:
    """Longitudes without jumps of more than 180° between neighbours (degrees, may leave -180..180)."""
    lon = np.asarray(lon, dtype=float)
    return np.unwrap(lon, period=360.0) if len(lon) > 1 else lon.copy()


def track(lon: np.ndarray, centre: float) -> np.ndarray:
    """A track's longitudes, continuous and shifted by whole turns so that their mean is near `centre`."""
    u = continuous(lon)
    if not len(u):
        return u
    return u + 360.0 * np.round((centre - float(np.mean(u))) / 360.0)


def point(lon: float, centre: float) -> float:
    """One longitude moved by whole turns to within 180° of `centre`."""
    return float(lon + 360.0 * np.round((centre - lon) / 360.0))


def line(latlons: list[list[float]], centre: float) -> list[list[float]]:
    """A [[lat, lon], ...] line, continuous and near `centre`."""
    if not latlons:
        return latlons
    lons = track(np.array([p[1] for p in latlons], dtype=float), centre)
    return [[p[0], round(float(x), 5)] for p, x in zip(latlons, lons, strict=True)]


def geojson(geometry: dict[str, Any], centre: float) -> dict[str, Any]:
    """A GeoJSON geometry with each polygon (or line) moved as a whole by whole turns near `centre`."""
    if centre == ATLANTIC:
        return geometry
    kind, coords = geometry.get("type"), geometry.get("coordinates")

    def ring_shift(ring: list[list[float]]) -> float:
        lons = np.array([c[0] for c in ring], dtype=float)
        return 360.0 * float(np.round((centre - lons.mean()) / 360.0)) if len(lons) else 0.0

    def moved(ring: list[list[float]], by: float) -> list[list[float]]:
        return [[round(c[0] + by, 5), *c[1:]] for c in ring]

    if kind == "Polygon":
        by = ring_shift(coords[0]) if coords else 0.0
        return {"type": kind, "coordinates": [moved(r, by) for r in coords]}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [[moved(r, ring_shift(p[0])) for r in p] for p in coords if p]}
    if kind == "LineString":
        return {"type": kind, "coordinates": moved(coords, ring_shift(coords))}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [moved(c, ring_shift(c)) for c in coords]}
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [geojson(g, centre) for g in geometry.get("geometries", [])]}
    if kind == "Point":
        return {"type": kind, "coordinates": [point(coords[0], centre), *coords[1:]]}
    return geometry


def to_frame(tracks: list[dict[str, Any]], markers: list[dict[str, Any]], evidence: list[dict[str, Any]],
             claims: list[dict[str, Any]], regions: list[dict[str, Any]]) -> float:
    """Put every longitude of a map payload's parts in one frame (in place); returns the frame's centre.

    Tracks are made continuous first, in either frame: a track crossing ±180 is one short line.
    """
    centre = frame_centre([np.asarray(t["lon"], dtype=float) for t in tracks], [m["lon"] for m in markers])
    for t in tracks:
        if len(t["lon"]):
            t["lon"] = np.round(track(np.asarray(t["lon"], dtype=float), centre), 5).tolist()
    for m in markers:
        m["lon"] = round(point(m["lon"], centre), 5)
    for e in evidence:
        if "latlons" in e:
            e["latlons"] = line(e["latlons"], centre)
        if "lon" in e:
            e["lon"] = round(point(e["lon"], centre), 5)
        if "geojson" in e:
            e["geojson"] = geojson(_joined(e["geojson"]), centre)
    for c in claims:
        c["bounds"] = [[a, round(point(b, centre), 5)] for a, b in c["bounds"]]
    for r in regions:
        r["geojson"] = geojson(r["geojson"], centre)
    return centre


def _joined(geometry: dict[str, Any]) -> dict[str, Any]:
    """A MultiPolygon split at ±180 (as reachability ellipses are) as polygons that the frame keeps together:
    each part moved by whole turns next to the first one, so the shape is drawn whole, the short way."""
    if geometry.get("type") != "MultiPolygon" or len(geometry.get("coordinates", [])) < 2:
        return geometry
    parts = geometry["coordinates"]
    ref = float(np.mean([c[0] for c in parts[0][0]]))
    out = []
    for p in parts:
        mean = float(np.mean([c[0] for c in p[0]]))
        by = 360.0 * float(np.round((ref - mean) / 360.0))
        out.append([[[round(c[0] + by, 5), *c[1:]] for c in ring] for ring in p])
    return {"type": "MultiPolygon", "coordinates": out}
