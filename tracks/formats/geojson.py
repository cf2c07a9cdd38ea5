"""GeoJSON tracks: LineStrings with per-vertex times, and Point features with a time property.

RFC 7946 gives no per-vertex times, so converters put them in properties: `coordTimes` (togeojson, from KML
gx:Track; an array of arrays for MultiLineString), `times` / `timestamps`, or `coordinateProperties.times`.
A LineString without such an array cannot become a track with times and is refused with that explanation
when it is all the file holds. Point features need a time property (time, timestamp, datetime, utc, when,
or ``time_property="..."``); Points without one (airport markers) are not positions.
Feature properties are mapped like table columns (callsign, icao24, alt_ft, speed_kt, ...; see
tracks/formats/_columns.py). The third coordinate is metres above the WGS84 ellipsoid (RFC 7946) ->
`alt_geom_ft` (ft = m / 0.3048) unless ``alt_ref="baro"`` or ``"none"``. Coordinates are [lon, lat];
a file whose every latitude is impossible while the longitudes would be valid latitudes is refused as
[lat, lon] order rather than rejected point by point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from tracks.errors import TrackFormatError
from tracks.formats._columns import _NAMES, apply_plan, normalise, plan_columns
from tracks.formats._tabular import NULL_ISLAND_REASON, null_island
from tracks.formats.base import Format, Parsed, RawFile

_GEOMETRIES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection")
_TYPES = ("FeatureCollection", "Feature", *_GEOMETRIES)
_TIME_ARRAYS = ("coordTimes", "times", "timestamps", "coordinate_times")
_ALT_TARGET = {"geom": "alt_geom_m", "baro": "alt_baro_m", "none": None}
_SCALARS = (str, int, float, bool, type(None))


def sniff(raw: RawFile) -> bool:
    if raw.head.lstrip()[:1] != b"{" or b'"type"' not in raw.data[:1 << 20]:
        return False
    doc = raw.try_json()
    return isinstance(doc, dict) and doc.get("type") in _TYPES and ("features" in doc or "geometry" in doc or "coordinates" in doc or "geometries" in doc)


@dataclass
class _Rows:
    lon: list[Any] = field(default_factory=list)
    lat: list[Any] = field(default_factory=list)
    alt: list[Any] = field(default_factory=list)
    time: list[Any] = field(default_factory=list)
    feature: list[int] = field(default_factory=list)
    leg_start: list[bool] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # per row: '' or why the record is unusable
    untimed_points: int = 0
    untimed_lines: int = 0
    other: int = 0
    lines: int = 0

    def add(self, coord: Any, time: Any, feature: int, leg_start: bool = False, broken: str = "") -> None:
        ok = isinstance(coord, list) and len(coord) >= 2 and all(type(c) in (int, float) for c in coord[:3])
        self.lon.append(coord[0] if ok else None)
        self.lat.append(coord[1] if ok else None)
        self.alt.append(coord[2] if ok and len(coord) > 2 else None)
        self.time.append(time if isinstance(time, (str, int, float)) and not isinstance(time, bool) else None)
        self.feature.append(feature)
        self.leg_start.append(leg_start)
        self.broken.append(broken or ("" if ok else "unreadable coordinates (expected [lon, lat(, alt)])"))


def _features(doc: dict[str, Any], path: str) -> list[Any]:
    kind = doc.get("type")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise TrackFormatError(path, "FeatureCollection without a 'features' array", expected="RFC 7946 GeoJSON")
        return feats
    if kind == "Feature":
        return [doc]
    return [{"type": "Feature", "geometry": doc, "properties": {}}]


def _time_array(props: dict[str, Any]) -> Any:
    for key in _TIME_ARRAYS:
        if isinstance(props.get(key), list):
            return props[key]
    cp = props.get("coordinateProperties")
    if isinstance(cp, dict):
        for key in _TIME_ARRAYS:
            if isinstance(cp.get(key), list):
                return cp[key]
    return None


def _point_time(props: dict[str, Any], time_property: str | None) -> Any:
    if time_property is not None:
        return props.get(time_property)
    keys = {normalise(k): k for k in props}
    for name in _NAMES["time"]:
        if name in keys:
            return props[keys[name]]
    return None


def _collect(features: list[Any], path: str, time_property: str | None) -> _Rows:
    rows = _Rows()
    for k, feat in enumerate(features):
        if not isinstance(feat, dict):
            rows.add(None, None, k, broken="feature is not an object")
            continue
        props = feat.get("properties") if isinstance(feat.get("properties"), dict) else {}
        geom = feat.get("geometry")
        geoms = geom.get("geometries") if isinstance(geom, dict) and geom.get("type") == "GeometryCollection" else [geom]
        for g in geoms if isinstance(geoms, list) else []:
            if not isinstance(g, dict):
                rows.other += 1
                continue
            _geometry(g, props, k, rows, path, time_property)
    return rows


def _geometry(g: dict[str, Any], props: dict[str, Any], k: int, rows: _Rows, path: str, time_property: str | None) -> None:
    kind, coords = g.get("type"), g.get("coordinates")
    if kind == "Point":
        t = _point_time(props, time_property)
        if t is None:
            rows.untimed_points += 1
        else:
            rows.add(coords, t, k)
        return
    if kind not in ("LineString", "MultiPoint", "MultiLineString") or not isinstance(coords, list):
        rows.other += 1
        return
    parts = coords if kind == "MultiLineString" else [coords]
    times = _time_array(props)
    if times is None:
        rows.untimed_lines += len(parts)
        return
    if kind == "MultiLineString" and times and all(isinstance(t, list) for t in times):
        part_times = times
    elif kind == "MultiLineString":
        sizes = np.cumsum([0] + [len(p) if isinstance(p, list) else 0 for p in parts])
        part_times = [times[a:b] for a, b in pairwise(sizes)] if len(times) == sizes[-1] else None
    else:
        part_times = [times]
    if part_times is None or len(part_times) != len(parts) or any(
            not isinstance(p, list) or len(p) != len(t) for p, t in zip(parts, part_times, strict=True)):
        counts = [len(p) if isinstance(p, list) else 0 for p in parts]
        raise TrackFormatError(path, f"feature {k}: the time array does not match the coordinates ({counts} vertices)",
                               where=f"feature {k}", expected="one time per vertex")
    for p, t in zip(parts, part_times, strict=True):
        rows.lines += 1
        for i, (c, ti) in enumerate(zip(p, t, strict=True)):
            rows.add(c, ti, k, leg_start=(i == 0 and rows.lines > 1))


def read(
    raw: RawFile,
    *,
    alt_ref: str = "geom",
    tz: str | None = None,
    time_property: str | None = None,
    columns: dict[str, str | None] | None = None,
    alt_unit: str | None = None,
    time_unit: str | None = None,
    icao24: str | None = None,
    callsign: str | None = None,
) -> Parsed:
    """GeoJSON FeatureCollection / Feature / geometry -> timed positions in document order."""
    if alt_ref not in _ALT_TARGET:
        raise TrackFormatError(raw.path, f"alt_ref {alt_ref!r} not understood", where="options",
                               expected="'geom', 'baro' or 'none'")
    doc = raw.json()
    if not isinstance(doc, dict) or doc.get("type") not in _TYPES:
        raise TrackFormatError(raw.path, "not a GeoJSON object", where="top level",
                               expected=f"an object whose type is one of {list(_TYPES)}")
    features = _features(doc, raw.path)
    rows = _collect(features, raw.path, time_property)
    n = len(rows.time)
    if n == 0:
        if rows.untimed_lines:
            raise TrackFormatError(
                raw.path, f"{rows.untimed_lines} LineString(s) without per-vertex times: a line without times cannot "
                "become a track with times", expected=f"a time array in properties ({', '.join(_TIME_ARRAYS)})")
        raise TrackFormatError(
            raw.path, f"no timed positions ({rows.untimed_points} Point feature(s) without a time property)",
            expected=f"Point features with a property named one of {list(_NAMES['time'][:5])} (or time_property=...)")
    props = [f.get("properties") if isinstance(f, dict) and isinstance(f.get("properties"), dict) else {} for f in features]
    table = pd.DataFrame([{k: v for k, v in p.items() if isinstance(v, _SCALARS)} for p in props], index=range(len(features)))
    table = table.iloc[rows.feature].reset_index(drop=True)
    time_keys = {time_property} if time_property else set()
    table = table.drop(columns=[c for c in table.columns if str(c).startswith("geometry ") or c in time_keys
                                or normalise(str(c)) in _NAMES["time"]])  # consumed as the Points' times
    lat = np.array([v if v is not None else np.nan for v in rows.lat], dtype="float64")
    lon = np.array([v if v is not None else np.nan for v in rows.lon], dtype="float64")
    _check_order(lat, lon, raw.path)
    table["geometry time"] = pd.Series(rows.time, dtype=object)
    table["geometry lat"], table["geometry lon"] = lat, lon
    fixed = {"time": "geometry time", "lat": "geometry lat", "lon": "geometry lon"}
    alt_target = _ALT_TARGET[alt_ref]
    if alt_target:
        table["geometry alt (m)"] = np.array([v if v is not None else np.nan for v in rows.alt], dtype="float64")
        fixed[alt_target] = "geometry alt (m)"
    plan = plan_columns(list(table.columns), path=raw.path, columns=columns, alt_unit=alt_unit, fixed=fixed)
    records = np.arange(n)
    out, rej = apply_plan(table, plan, path=raw.path, records=records, tz=tz, time_unit=time_unit,
                          icao24=icao24, callsign=callsign)
    broken = np.asarray(rows.broken, dtype=object)
    rej.override(broken)
    rej.add(pd.Series(rows.time).isna().to_numpy(), "no time for this position")
    rej.add(null_island(lat, lon), NULL_ISLAND_REASON)
    out["new_leg"] = np.asarray(rows.leg_start, dtype=bool)
    shown = pd.DataFrame({"feature": rows.feature, "time": rows.time, "lon": rows.lon, "lat": rows.lat})
    kept, rejected = rej.split(out, records, shown=shown)
    notes = [n_ for n_ in (
        f"{rows.untimed_points} Point feature(s) without a time property not read" if rows.untimed_points else "",
        f"{rows.untimed_lines} line(s) without times not read" if rows.untimed_lines else "",
        f"{rows.other} other geometries not read" if rows.other else "",
        plan.note(),
    ) if n_]
    return Parsed(kept, records_read=n, rejected=rejected, note="; ".join(notes))


def _check_order(lat: np.ndarray, lon: np.ndarray, path: str) -> None:
    ok = np.isfinite(lat) & np.isfinite(lon)
    if ok.sum() >= 2 and (np.abs(lat[ok]) > 90).all() and (np.abs(lon[ok]) <= 90).all():
        raise TrackFormatError(path, "every coordinate has an impossible latitude while its longitude would be a valid "
                               "latitude: the file seems to use [lat, lon] order",
                               expected="GeoJSON [lon, lat] order (RFC 7946)")


FORMATS = [Format("geojson", "GeoJSON LineStrings with per-vertex times (coordTimes) or Point features with a time",
                  sniff, read, priority=85)]
