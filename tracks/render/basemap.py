"""Geometry for the map: the regions the claims used, and a vector basemap (land and country borders).

The basemap replaces tiles in self-contained maps: the bundled Natural Earth countries (through
`tracks.geo.regions`) around the track, clipped and simplified for display. Coordinates are rounded to 5
decimals (regions used by claims, ~1 m) or 3 decimals (basemap, ~100 m).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from tracks.render.content import attr, esc

#: Display simplification of claim regions (degrees, ~11 m) and of the basemap (fraction of the view span).
REGION_TOLERANCE_DEG = 1e-4
BASEMAP_TOLERANCE_FRACTION = 1 / 2500


def _geometry(region: Any) -> BaseGeometry | None:
    for name in ("geometry", "geom", "shape"):
        g = attr(region, name, None)
        if isinstance(g, BaseGeometry):
            return g
    return None


def _rounded_geojson(geom: BaseGeometry, tolerance: float, decimals: int) -> dict[str, Any]:
    if tolerance > 0:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    geom = shapely.transform(geom, lambda c: np.round(c, decimals))
    return json.loads(shapely.to_geojson(geom))


def is_border(region: Any) -> bool:
    """A border (line) rather than an area: kind 'border', or line geometry."""
    if str(attr(region, "kind", "")).lower() == "border":
        return True
    g = _geometry(region)
    return g is not None and g.geom_type in ("LineString", "MultiLineString", "LinearRing")


def regions_payload(regions: Iterable[Any]) -> list[dict[str, Any]]:
    """The regions claims used: code, escaped tooltip, border flag and GeoJSON geometry."""
    out = []
    for r in regions:
        g = _geometry(r)
        if g is None or g.is_empty:
            continue
        code = str(attr(r, "code", "") or attr(r, "name", ""))
        name = str(attr(r, "name", "") or code)
        kind = str(attr(r, "kind", "") or ("border" if is_border(r) else "region"))
        tol = attr(r, "tolerance_km", None)
        tip = f"<b>{esc(name)}</b> ({esc(code)})<br>{esc(kind)}"
        if isinstance(tol, int | float) and math.isfinite(tol):
            tip += f" · position tolerance {esc(f'{tol:g}')} km"
        src = attr(r, "source", "")
        if src:
            tip += f"<br>{esc(src)}"
        out.append({"code": esc(code), "border": is_border(r), "tip": tip,
                    "geojson": _rounded_geojson(g, REGION_TOLERANCE_DEG, 5)})
    return out


def view_bbox(latlons: Sequence[tuple[float, float]], pad_fraction: float = 1.5,
              min_span_deg: float = 10.0, centre: float = 0.0) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) around the points, padded; the whole world when there are none.

    Longitudes stay within 180° of `centre` (0: -180..180; 180: the Pacific frame 0..360, `tracks.render.wrap`).
    """
    if not latlons:
        return (centre - 180.0, -85.0, centre + 180.0, 85.0)
    a = np.asarray(latlons, dtype=float)
    lat0, lat1 = float(np.nanmin(a[:, 0])), float(np.nanmax(a[:, 0]))
    lon0, lon1 = float(np.nanmin(a[:, 1])), float(np.nanmax(a[:, 1]))
    pad_lat = max((lat1 - lat0) * pad_fraction, (min_span_deg - (lat1 - lat0)) / 2, 0)
    pad_lon = max((lon1 - lon0) * pad_fraction, (min_span_deg - (lon1 - lon0)) / 2, 0)
    return (max(lon0 - pad_lon, centre - 180.0), max(lat0 - pad_lat, -85.0),
            min(lon1 + pad_lon, centre + 180.0), min(lat1 + pad_lat, 85.0))


def country_shapes(boxes: Sequence[tuple[float, float, float, float]] | None = None,
                   ) -> list[tuple[str, BaseGeometry]]:
    """(name, polygon) of the bundled countries: all, or those whose bounding box meets one of `boxes` (west,
    south, east, north; -180..180 degrees), only whose shapes are read."""
    from tracks.geo.regions import countries

    out = []
    for r in countries(boxes):
        g = _geometry(r)
        if g is not None and not g.is_empty:
            out.append((str(attr(r, "name", "") or attr(r, "code", "")), g))
    return out


def basemap_payload(bbox: tuple[float, float, float, float],
                    shapes: Sequence[tuple[str, BaseGeometry]] | None = None) -> dict[str, Any]:
    """Land polygons clipped to `bbox` (a FeatureCollection) and country name labels inside the view."""
    if shapes is None:  # only the countries near the view (each turn of it folded into -180..180)
        boxes = [(max(bbox[0], -180.0 + t) - t, bbox[1], min(bbox[2], 180.0 + t) - t, bbox[3])
                 for t in (-360.0, 0.0, 360.0) if min(bbox[2], 180.0 + t) > max(bbox[0], -180.0 + t)]
        shapes = country_shapes(boxes)
    if not shapes:
        return {"land": None, "labels": []}
    all_names = np.array([n for n, _ in shapes], dtype=object)
    all_geoms = np.array([g for _, g in shapes], dtype=object)
    span = max(bbox[2] - bbox[0], bbox[3] - bbox[1])
    features, labels = [], []
    # the view may run past ±180 (the Pacific frame): the land there is the land of the next turn, shifted
    for turn in (-360.0, 0.0, 360.0):
        lo, hi = max(bbox[0], -180.0 + turn), min(bbox[2], 180.0 + turn)
        if hi <= lo:
            continue
        part_box = (lo - turn, bbox[1], hi - turn, bbox[3])
        hits = shapely.intersects(all_geoms, shapely.box(*part_box))
        names, geoms = all_names[hits], all_geoms[hits]
        clipped = shapely.simplify(shapely.clip_by_rect(geoms, *part_box), span * BASEMAP_TOLERANCE_FRACTION,
                                   preserve_topology=True)
        clipped = shapely.transform(clipped, lambda c, t=turn: np.round(c + np.array([t, 0.0]), 3))
        keep = ~shapely.is_empty(clipped)
        features += [{"type": "Feature", "properties": {}, "geometry": json.loads(text)}
                     for text in shapely.to_geojson(clipped[keep])]
        # a label for each country with a fair share of land inside the central part of the view
        inner = _shrink(bbox, 0.12)
        inner_box = shapely.box(max(inner[0], lo) - turn, inner[1], min(inner[2], hi) - turn, inner[3])
        visible = shapely.intersection(geoms, inner_box)
        for name, part in zip(names, visible, strict=True):
            if part.is_empty or part.area <= (span * 0.04) ** 2:
                continue
            if part.geom_type in ("MultiPolygon", "GeometryCollection"):
                part = max(part.geoms, key=lambda x: x.area)
            p = part.point_on_surface()
            labels.append({"lat": round(p.y, 3), "lon": round(p.x + turn, 3), "label": f"<span>{esc(name)}</span>"})
    return {"land": {"type": "FeatureCollection", "features": features}, "labels": labels}


def _shrink(bbox: tuple[float, float, float, float], fraction: float) -> tuple[float, float, float, float]:
    dx, dy = (bbox[2] - bbox[0]) * fraction, (bbox[3] - bbox[1]) * fraction
    return (bbox[0] + dx, bbox[1] + dy, bbox[2] - dx, bbox[3] - dy)
