"""User region files: GeoJSON, KML/KMZ, Shapefile (.shp/.zip, with a projected .prj) and GeoPackage."""

from __future__ import annotations

import json
import sqlite3
import struct
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapefile
import shapely
from pyproj import CRS, Transformer

from tests.helpers import make_track
from tracks.errors import RegionError
from tracks.geo import fence
from tracks.geo.regions import load_regions

# an "FIR" box and a "danger area" box in lon/lat
FIR = shapely.box(-64.0, 3.0, -60.0, 6.0)
ZONE = shapely.box(-62.0, 4.0, -61.0, 5.0)
INSIDE_BOTH = (4.5, -61.5)  # lat, lon
INSIDE_FIR_ONLY = (3.5, -63.5)


def check_two(regions: tuple, codes: tuple[str, str] = ("SVZM", "SV-D1")) -> None:
    assert [r.code for r in regions] == list(codes)
    fir, zone = regions
    assert fir.kind == "user" and fir.name == "Maiquetia FIR (part)"
    for r, (lat, lon), want in [(fir, INSIDE_BOTH, True), (zone, INSIDE_BOTH, True), (zone, INSIDE_FIR_ONLY, False)]:
        assert bool(shapely.contains_xy(r.geometry, lon, lat)) is want, r.code


def features() -> list[tuple[str, str, shapely.Polygon]]:
    return [("SVZM", "Maiquetia FIR (part)", FIR), ("SV-D1", "Danger area D1", ZONE)]


def test_geojson_feature_collection_and_crossings(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"icao": code, "name": name}, "geometry": shapely.geometry.mapping(g)}
        for code, name, g in features()]}
    p = tmp_path / "airspace.geojson"
    p.write_text(json.dumps(doc))
    regions = load_regions(p)
    check_two(regions)
    assert "airspace.geojson" in regions[0].source
    track = make_track(["2025-11-29T01:00:00Z", "2025-11-29T01:00:50Z"], [4.5, 4.5], [-62.05, -61.95])
    c = fence.crossings(track, regions[1])
    assert list(c["direction"]) == ["entry"] and c["region"][0] == "SV-D1"
    assert abs((c["time"][0] - pd.Timestamp("2025-11-29T01:00:25Z")).total_seconds()) < 1.0


def test_geojson_bare_geometry_fields_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "zone.json"
    p.write_text(json.dumps(shapely.geometry.mapping(ZONE)))
    (r,) = load_regions(p, tolerance_km=0.5)
    assert r.code == "zone#1" and r.tolerance_km == 0.5
    q = tmp_path / "named.geojson"
    q.write_text(json.dumps({"type": "Feature", "properties": {"desig": "R-12", "label": "Range 12"},
                             "geometry": shapely.geometry.mapping(ZONE)}))
    (r,) = load_regions(q, code_field="DESIG")
    assert r.code == "R-12" and r.name == "Range 12"
    with pytest.raises(RegionError, match="no property 'nope'"):
        load_regions(q, code_field="nope")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(RegionError, match=r"bad\.geojson: not valid JSON"):
        load_regions(bad)
    projected = tmp_path / "utm.geojson"
    projected.write_text(json.dumps(shapely.geometry.mapping(shapely.box(500000, 400000, 510000, 410000))))
    with pytest.raises(RegionError, match="not lon/lat degrees"):
        load_regions(projected)
    with pytest.raises(RegionError, match="no such region file"):
        load_regions(tmp_path / "missing.geojson")
    other = tmp_path / "zone.txt"
    other.write_text("x")
    with pytest.raises(RegionError, match="unknown region file type"):
        load_regions(other)


def test_invalid_polygon_is_repaired_and_says_so(tmp_path: Path) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    p = tmp_path / "bowtie.geojson"
    p.write_text(json.dumps(bowtie))
    (r,) = load_regions(p)
    assert r.geometry.is_valid and "make_valid" in r.note


def kml_text(with_ns: bool = True) -> str:
    ns = ' xmlns="http://www.opengis.net/kml/2.2"' if with_ns else ""
    marks = []
    for code, name, g in features():
        coords = " ".join(f"{x},{y},0" for x, y in g.exterior.coords)
        marks.append(f"<Placemark><name>{name}</name><ExtendedData><Data name=\"code\"><value>{code}</value></Data>"
                     f"</ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates>"
                     f"</LinearRing></outerBoundaryIs></Polygon></Placemark>")
    return f'<?xml version="1.0" encoding="UTF-8"?><kml{ns}><Document>{"".join(marks)}</Document></kml>'


def test_kml_and_kmz(tmp_path: Path) -> None:
    p = tmp_path / "airspace.kml"
    p.write_text(kml_text())
    check_two(load_regions(p))
    q = tmp_path / "plain.kml"
    q.write_text(kml_text(with_ns=False))
    check_two(load_regions(q))
    kmz = tmp_path / "airspace.kmz"
    with zipfile.ZipFile(kmz, "w") as zf:
        zf.writestr("doc.kml", kml_text())
    check_two(load_regions(kmz))
    evil = tmp_path / "evil.kml"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]><kml>&a;</kml>')
    with pytest.raises(RegionError, match="DTD"):
        load_regions(evil)


def write_shapefile(stem: Path, transform=None, prj: str = "") -> None:
    with shapefile.Writer(str(stem), shapeType=shapefile.POLYGON) as w:
        w.field("ident", "C", 10)
        w.field("name", "C", 40)
        for code, name, g in features():
            ring = np.asarray(g.exterior.coords)
            if transform is not None:
                ring = np.column_stack(transform(ring[:, 0], ring[:, 1]))
            w.poly([ring.tolist()[::-1]])  # shapefile outer rings run clockwise
            w.record(code, name)
    if prj:
        stem.with_suffix(".prj").write_text(prj)


def test_shapefile_and_zipped_shapefile(tmp_path: Path) -> None:
    write_shapefile(tmp_path / "airspace")
    check_two(load_regions(tmp_path / "airspace.shp"))
    z = tmp_path / "airspace.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for ext in ("shp", "shx", "dbf"):
            zf.write(tmp_path / f"airspace.{ext}", f"airspace.{ext}")
    check_two(load_regions(z))
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("readme.txt", "no shapefile here")
    with pytest.raises(RegionError, match=r"no \.shp"):
        load_regions(empty)


def test_projected_shapefile_is_transformed_with_its_prj(tmp_path: Path) -> None:
    utm = CRS.from_epsg(32620)  # UTM zone 20N, metres
    to_utm = Transformer.from_crs("EPSG:4326", utm, always_xy=True).transform
    write_shapefile(tmp_path / "utm", transform=to_utm, prj=utm.to_wkt())
    regions = load_regions(tmp_path / "utm.shp")
    check_two(regions)
    assert regions[1].geometry.bounds == pytest.approx(ZONE.bounds, abs=1e-6)


def gpkg_blob(geom: shapely.Geometry, srs_id: int) -> bytes:
    minx, miny, maxx, maxy = geom.bounds
    header = b"GP" + bytes([0, 0b0000_0011]) + struct.pack("<i", srs_id) + struct.pack("<4d", minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom)


def write_gpkg(path: Path, srs_id: int = 4326, transform=None, definition: str = "") -> None:
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,
            organization_coordsys_id INTEGER, definition TEXT, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT,
            description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL, srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,
            srs_id INTEGER, z TINYINT, m TINYINT);
        CREATE TABLE airspace (fid INTEGER PRIMARY KEY, geom BLOB, code TEXT, name TEXT);
    """)
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, ?, '')",
                ("crs", srs_id, srs_id, definition or "undefined"))
    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES "
                "('airspace', 'features', 'airspace', ?)", (srs_id,))
    con.execute("INSERT INTO gpkg_geometry_columns VALUES ('airspace', 'geom', 'POLYGON', ?, 0, 0)", (srs_id,))
    for code, name, g in features():
        if transform is not None:
            g = shapely.transform(g, lambda xy: np.column_stack(transform(xy[:, 0], xy[:, 1])))
        con.execute("INSERT INTO airspace (geom, code, name) VALUES (?, ?, ?)", (gpkg_blob(g, srs_id), code, name))
    con.commit()
    con.close()


def test_geopackage(tmp_path: Path) -> None:
    p = tmp_path / "airspace.gpkg"
    write_gpkg(p)
    check_two(load_regions(p))
    utm = CRS.from_epsg(32620)
    q = tmp_path / "utm.gpkg"
    write_gpkg(q, srs_id=32620, transform=Transformer.from_crs("EPSG:4326", utm, always_xy=True).transform,
               definition=utm.to_wkt())
    check_two(load_regions(q))
    not_gpkg = tmp_path / "plain.gpkg"
    sqlite3.connect(not_gpkg).close()
    with pytest.raises(RegionError, match="not a GeoPackage"):
        load_regions(not_gpkg)
