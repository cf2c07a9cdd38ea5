"""Regions from user files: GeoJSON, KML/KMZ, Shapefile (.shp, or a .zip holding one) and GeoPackage.

Each feature becomes a `Region` of kind "user" (an FIR, a military zone, a no-fly area). Its code and name
come from the first property present among `CODE_FIELDS` / `NAME_FIELDS` (or the fields you name), else
`<file stem>#<n>`. Geometries must be lon/lat degrees; Shapefile (.prj) and GeoPackage (srs) coordinates in
another CRS are transformed to WGS84 with pyproj. GeoPackage is read with the standard library's sqlite3
(no GDAL): the GeoPackage binary header is stripped and the WKB parsed by shapely. Invalid polygons are
repaired with `shapely.make_valid` (the region's note says so). Bad files raise RegionError naming the file,
the feature and the problem.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import defusedxml
import defusedxml.ElementTree as SafeET
import numpy as np
import shapefile
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from tracks.errors import RegionError
from tracks.geo.regions import Region
from tracks.unpack import UnpackError, read_member

CODE_FIELDS = ("code", "id", "ident", "icao", "designator", "iso_3166_2", "iso_a2", "iso", "key")
NAME_FIELDS = ("name", "title", "label", "description", "nam")
_KML = "{http://www.opengis.net/kml/2.2}"


def load_regions(path: str | os.PathLike[str], *, code_field: str | None = None, name_field: str | None = None,
                 tolerance_km: float = 0.0) -> tuple[Region, ...]:
    """All features of a GeoJSON, KML/KMZ, Shapefile (.shp/.zip) or GeoPackage file as user regions.

    `tolerance_km` is the positional accuracy you know for the file (0.0 = unknown).
    """
    p = Path(path)
    if not p.is_file():
        raise RegionError(f"{p}: no such region file")
    suffix = p.suffix.lower()
    readers = {".geojson": _geojson, ".json": _geojson, ".kml": _kml, ".kmz": _kmz, ".shp": _shp, ".zip": _zip,
               ".gpkg": _gpkg}
    reader = readers.get(suffix)
    if reader is None:
        raise RegionError(f"{p}: unknown region file type {suffix!r} (expected .geojson, .json, .kml, .kmz, .shp, "
                          ".zip with a shapefile, or .gpkg)")
    features = list(reader(p))
    if not features:
        raise RegionError(f"{p}: no features with a geometry")
    out = []
    seen: dict[str, int] = {}
    for i, (props, geom, where) in enumerate(features, start=1):
        geom, note = _checked(p, where, geom)
        code = _pick(props, code_field, CODE_FIELDS, f"{p}: {where}") or f"{p.stem}#{i}"
        name = _pick(props, name_field, NAME_FIELDS, f"{p}: {where}") or code
        if code in seen:
            seen[code] += 1
            code = f"{code}#{seen[code]}"
        else:
            seen[code] = 1
        builtin = _builtin(code)
        if builtin is not None:  # the user's shape answers to a built-in code: every sentence must say whose it is
            name = f"{name} (the user's shape from {p.name}, not the built-in {builtin})"
            note = "; ".join(x for x in (f"replaces the built-in region {code} ({builtin})", note) if x)
        out.append(Region(code, name, geom, "user", f"user file {p.name} ({where})", float(tolerance_km), note))
    return tuple(out)


def _builtin(code: str) -> str | None:
    """The name of the built-in (bundled or downloaded) region answering to `code`, or None."""
    from tracks.geo.regions import get_region

    try:
        region = get_region(code)
    except (RegionError, KeyError, ValueError):
        return None
    return region.name if region.kind != "user" else None


def _pick(props: Mapping[str, Any], field: str | None, candidates: Iterable[str], where: str) -> str:
    """The first of `candidates` (or `field`) present in `props`, as text; RegionError when it is not a plain
    value (a list, an object)."""
    lower = {str(k).lower(): v for k, v in props.items()}
    names = [field.lower()] if field is not None else list(candidates)
    if field is not None and field.lower() not in lower:
        raise RegionError(f"{where}: no property {field!r} (properties: {', '.join(map(str, props)) or 'none'})")
    for c in names:
        v = lower.get(c)
        if v is None or v == "":
            continue
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise RegionError(f"{where}: property {c!r} is {_describe(v)} (expected text or a number)")
        if str(v).strip():
            return str(v).strip()
    return ""


def _checked(path: Path, where: str, geom: BaseGeometry) -> tuple[BaseGeometry, str]:
    if geom is None or geom.is_empty:
        raise RegionError(f"{path}: {where}: empty geometry")
    c = shapely.get_coordinates(geom)
    if not np.isfinite(c).all():
        raise RegionError(f"{path}: {where}: coordinates are not finite numbers")
    if np.abs(c[:, 0]).max() > 360 or np.abs(c[:, 1]).max() > 90:
        raise RegionError(f"{path}: {where}: coordinates like ({c[0, 0]:.6g}, {c[0, 1]:.6g}) are not lon/lat degrees; "
                          "export the file in WGS84 (EPSG:4326) or ship its .prj")
    if np.abs(c[:, 0]).max() > 180:
        geom = shapely.transform(geom, lambda xy: np.column_stack([(xy[:, 0] + 180) % 360 - 180, xy[:, 1]]))
    note = ""
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        geom = shapely.make_valid(geom)
        note = f"repaired with make_valid ({reason})"
    return geom, note


# -- GeoJSON --------------------------------------------------------------------------------------------------------
GEOJSON_GEOMETRIES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                      "GeometryCollection")


def _geojson(path: Path) -> Iterable[tuple[dict, BaseGeometry, str]]:
    try:
        doc = json.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RegionError(f"{path}: not valid JSON ({type(exc).__name__})") from None
    except RecursionError:
        raise RegionError(f"{path}: JSON nested too deeply to be GeoJSON") from None
    kind = doc.get("type") if isinstance(doc, dict) else None
    if not isinstance(kind, str) or kind not in ("FeatureCollection", "Feature", *GEOJSON_GEOMETRIES):
        got = f"a 'type' that is {_describe(kind)}" if isinstance(doc, dict) else _describe(doc)
        raise RegionError(f"{path}: not GeoJSON: got {got} (expected an object whose 'type' is FeatureCollection, "
                          f"Feature or a geometry type)")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if feats is None:
            feats = []
        if not isinstance(feats, list):
            raise RegionError(f"{path}: 'features' is {_describe(feats)} (expected a list of features)")
    elif kind == "Feature":
        feats = [doc]
    else:
        feats = [{"type": "Feature", "properties": {}, "geometry": doc}]
    for i, f in enumerate(feats):
        where = f"feature {i}"
        if not isinstance(f, dict):
            raise RegionError(f"{path}: {where}: {_describe(f)} (expected a Feature object)")
        if f.get("geometry") is None:
            continue
        try:
            geom = shape(f["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError,
                shapely.errors.GEOSException) as exc:
            raise RegionError(f"{path}: {where}: unreadable geometry ({type(exc).__name__}; expected a GeoJSON "
                              "geometry with lon/lat coordinates)") from None
        props = f.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            raise RegionError(f"{path}: {where}: 'properties' is {_describe(props)} (expected an object)")
        props = dict(props)
        if "id" in f and "id" not in props:
            props["id"] = f["id"]
        yield props, geom, where


def _describe(value: Any) -> str:
    """A JSON value by its type (and size), never by its content: 'a list of 3 items', 'the number 5'."""
    if isinstance(value, bool) or value is None:
        return f"the value {json.dumps(value)}"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"a text of {len(value)} characters"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"an object with {len(value)} keys"
    return type(value).__name__


# -- KML / KMZ ------------------------------------------------------------------------------------------------------
def _kmz(path: Path) -> Iterable[tuple[dict, BaseGeometry, str]]:
    try:
        with zipfile.ZipFile(path) as zf:
            kml = next((n for n in zf.namelist() if n.lower().endswith(".kml")), None)
            if kml is None:
                raise RegionError(f"{path}: the KMZ holds no .kml file")
            data = _member(zf, kml, path)
    except zipfile.BadZipFile as exc:
        raise RegionError(f"{path}: not a KMZ (zip) file") from exc
    yield from _kml_bytes(path, data)


def _member(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """A zip member's bytes within the decompression limits (tracks.unpack); RegionError past them."""
    try:
        return read_member(zf, name, str(path))
    except UnpackError as e:
        raise RegionError(str(e)) from None


def _kml(path: Path) -> Iterable[tuple[dict, BaseGeometry, str]]:
    yield from _kml_bytes(path, path.read_bytes())


def _kml_bytes(path: Path, data: bytes) -> Iterable[tuple[dict, BaseGeometry, str]]:
    try:
        root = SafeET.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise RegionError(f"{path}: KML with DTD/entities is refused (it could expand without bound; "
                          f"{type(exc).__name__})") from None
    except ElementTree.ParseError as exc:
        raise RegionError(f"{path}: not valid XML ({exc})") from None
    except (ValueError, LookupError, RecursionError) as exc:
        raise RegionError(f"{path}: unreadable XML ({type(exc).__name__})") from None
    ns = _KML if root.tag.startswith(_KML) else ""
    for i, pm in enumerate(root.iter(f"{ns}Placemark")):
        where = f"Placemark {i}"
        props: dict[str, Any] = {}
        for key in ("name", "description"):
            el = pm.find(f"{ns}{key}")
            if el is not None and el.text:
                props[key] = el.text.strip()
        for data_el in pm.iter(f"{ns}Data"):
            v = data_el.find(f"{ns}value")
            if data_el.get("name") and v is not None and v.text:
                props[data_el.get("name")] = v.text.strip()
        for sd in pm.iter(f"{ns}SimpleData"):
            if sd.get("name") and sd.text:
                props[sd.get("name")] = sd.text.strip()
        if pm.get("id"):
            props.setdefault("id", pm.get("id"))
        parts = list(_kml_geometries(path, where, pm, ns))
        if not parts:
            continue
        yield props, (parts[0] if len(parts) == 1 else shapely.GeometryCollection(parts)), where


def _kml_coords(path: Path, where: str, el: ElementTree.Element | None, ns: str) -> list[tuple[float, float]]:
    if el is None:
        return []
    text = (el.findtext(f"{ns}coordinates") or "").split()
    try:
        return [(float(c.split(",")[0]), float(c.split(",")[1])) for c in text]
    except (IndexError, ValueError) as exc:
        raise RegionError(f"{path}: {where}: bad KML coordinates (expected 'lon,lat[,alt]' tuples)") from exc


def _kml_geometries(path: Path, where: str, pm: ElementTree.Element, ns: str) -> Iterable[BaseGeometry]:
    for poly in pm.iter(f"{ns}Polygon"):
        shell = _kml_coords(path, where, poly.find(f"{ns}outerBoundaryIs/{ns}LinearRing"), ns)
        holes = [_kml_coords(path, where, r, ns) for r in poly.findall(f"{ns}innerBoundaryIs/{ns}LinearRing")]
        if len(shell) < 3:
            raise RegionError(f"{path}: {where}: a Polygon needs at least 3 points")
        yield shapely.Polygon(shell, [h for h in holes if len(h) >= 3])
    for line in pm.iter(f"{ns}LineString"):
        yield shapely.LineString(_kml_coords(path, where, line, ns))
    for pt in pm.iter(f"{ns}Point"):
        c = _kml_coords(path, where, pt, ns)
        if c:
            yield shapely.Point(c[0])


# -- Shapefile ------------------------------------------------------------------------------------------------------
def _shp(path: Path) -> Iterable[tuple[dict, BaseGeometry, str]]:
    prj = path.with_suffix(".prj")
    try:
        rdr = shapefile.Reader(str(path), encodingErrors="replace")
    except (shapefile.ShapefileException, OSError) as exc:
        raise RegionError(f"{path}: not a readable shapefile ({exc}); it needs its .shx and .dbf beside it") from exc
    yield from _shapes(path, rdr, prj.read_text(errors="replace") if prj.is_file() else "")


def _zip(path: Path) -> Iterable[tuple[dict, BaseGeometry, str]]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            shps = [n for n in names if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
            if not shps:
                raise RegionError(f"{path}: the zip holds no .shp file")
            for shp in shps:
                stem = shp[:-4]
                parts = {}
                for ext in ("shp", "shx", "dbf"):
                    member = next((n for n in names if n.lower() == f"{stem}.{ext}".lower()), None)
                    if member is None:
                        raise RegionError(f"{path}: {shp} has no .{ext} beside it in the zip")
                    parts[ext] = io.BytesIO(_member(zf, member, path))
                prj_name = next((n for n in names if n.lower() == f"{stem}.prj".lower()), None)
                prj = _member(zf, prj_name, path).decode(errors="replace") if prj_name else ""
                rdr = shapefile.Reader(**parts, encodingErrors="replace")
                yield from _shapes(path, rdr, prj, prefix=f"{shp}: ")
    except zipfile.BadZipFile as exc:
        raise RegionError(f"{path}: not a zip file") from exc


def _shapes(path: Path, rdr: shapefile.Reader, prj: str, prefix: str = "") -> Iterable[tuple[dict, BaseGeometry, str]]:
    transform = _to_wgs84(path, prj)
    for i, sr in enumerate(rdr.iterShapeRecords()):
        where = f"{prefix}record {i}"
        if sr.shape.shapeType == shapefile.NULL:
            continue
        try:
            geom = shape(sr.shape.__geo_interface__)
        except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
            raise RegionError(f"{path}: {where}: unreadable shape ({exc})") from exc
        if transform is not None:
            geom = shapely.transform(geom, transform)
        yield sr.record.as_dict(), geom, where


def _to_wgs84(path: Path, wkt: str) -> Any:
    if not wkt.strip():
        return None
    try:
        crs = CRS.from_user_input(wkt)
    except Exception as exc:  # pyproj raises CRSError, a plain Exception subclass
        raise RegionError(f"{path}: unreadable .prj ({exc})") from exc
    if crs.is_geographic and crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return None
    tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))


# -- GeoPackage ---------------------------------------------------------------------------------------------------------
def _gpkg(path: Path) -> Iterable[tuple[dict, BaseGeometry, str]]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise RegionError(f"{path}: not a readable GeoPackage ({exc})") from exc
    try:
        try:
            layers = con.execute("SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c JOIN "
                                 "gpkg_geometry_columns g ON g.table_name = c.table_name "
                                 "WHERE c.data_type = 'features'").fetchall()
        except sqlite3.Error as exc:
            raise RegionError(f"{path}: not a GeoPackage (no gpkg_contents/gpkg_geometry_columns: {exc})") from exc
        for table, column, srs_id in layers:
            transform = _gpkg_transform(path, con, srs_id)
            cur = con.execute(f'SELECT * FROM "{table.replace(chr(34), "")}"')
            names = [d[0] for d in cur.description]
            gi = names.index(column)
            for i, row in enumerate(cur):
                where = f"layer {table} row {i}"
                blob = row[gi]
                if blob is None:
                    continue
                geom = _gpkg_geometry(path, where, bytes(blob))
                if geom is None:
                    continue
                if transform is not None:
                    geom = shapely.transform(geom, transform)
                props = {k: v for k, v in zip(names, row, strict=True) if k != column and not isinstance(v, bytes)}
                yield props, geom, where
    finally:
        con.close()


def _gpkg_transform(path: Path, con: sqlite3.Connection, srs_id: int) -> Any:
    if srs_id in (4326, 0, -1):
        return None
    row = con.execute("SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys "
                      "WHERE srs_id = ?", (srs_id,)).fetchone()
    if row is None:
        raise RegionError(f"{path}: srs_id {srs_id} is not in gpkg_spatial_ref_sys")
    org, org_id, definition = row
    wkt = definition if definition and definition.strip().lower() != "undefined" else f"{org}:{org_id}"
    return _to_wgs84(path, wkt)


def _gpkg_geometry(path: Path, where: str, blob: bytes) -> BaseGeometry | None:
    """GeoPackage binary: 'GP', version, flags, srs_id, optional envelope, then (ISO) WKB."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise RegionError(f"{path}: {where}: not a GeoPackage geometry blob")
    flags = blob[3]
    if flags & 0b10000:  # empty geometry
        return None
    envelope = (flags >> 1) & 0b111
    sizes = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
    if envelope not in sizes:
        raise RegionError(f"{path}: {where}: bad GeoPackage envelope code {envelope}")
    start = 8 + sizes[envelope]
    try:
        return shapely.from_wkb(blob[start:])
    except shapely.errors.GEOSException as exc:
        raise RegionError(f"{path}: {where}: unreadable WKB ({exc})") from exc

