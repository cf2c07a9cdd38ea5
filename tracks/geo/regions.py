"""Regions: named areas and lines in lon/lat (WGS84) that tracks are fenced against.

Sources, in lookup order:
- bundled (offline): every country of Natural Earth 10m admin-0 v5.1.1 and the states the bundled case needs
  (BR-RR Roraima, BR-AM Amazonas, VE-F Bolivar, VE-Z Amazonas), built by scripts/build_regions.py; see
  data/regions/PROVENANCE.md for sources, licence and the measured positional tolerance;
- downloaded: the full Natural Earth 10m admin-0/admin-1 layers after `tracks regions download`
  (`download_natural_earth`), so any state in the world works;
- user files: GeoJSON, KML/KMZ, Shapefile (.shp or .zip) and GeoPackage via `load_regions(path)`;
- derived: `border(a, b)` (the shared boundary line), `coastline`, `territorial_sea` (geodesic buffer of the
  land: an approximation of the baseline rules), `circle` and `buffer` (geodesic).

Codes are ISO 3166 (`VE`, `VEN`, `BR-RR`), case-insensitive; English names work too ("Venezuela", "Roraima").
"""

from __future__ import annotations

import difflib
import json
import os
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge

from tracks.errors import RegionError
from tracks.geo import geodesy
from tracks.geo.naturalearth import NE_BASE_URL, download_natural_earth, downloaded_layers
from tracks.paths import data_dir
from tracks.units import nm_to_km

#: Kinds of region.
KINDS: tuple[str, ...] = ("country", "state", "user", "border", "coast", "sea", "circle", "buffer")
#: Default tolerance (km) within which two regions' boundaries count as shared in `border()`.
BORDER_MATCH_KM = 0.001


@dataclass(frozen=True, repr=False)
class Region:
    """A named area or line. `geometry` is shapely in lon/lat degrees (WGS84).

    `tolerance_km` is the positional accuracy of the boundary data (95th percentile of its distance to a
    better reference, see data/regions/PROVENANCE.md); distances closer than that are within the data's error.
    0.0 means unknown (user files) or exact by construction (circles).
    """

    code: str
    name: str
    geometry: BaseGeometry
    kind: str
    source: str
    tolerance_km: float = 0.0
    note: str = ""

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name!r} ({self.kind}, {self.geometry.geom_type}, ±{self.tolerance_km:g} km)>"

    @property
    def is_area(self) -> bool:
        """True when the region is polygonal (it has an inside); False for lines and points."""
        return geodesy.is_polygonal(self.geometry)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        return tuple(self.geometry.bounds)  # type: ignore[return-value]


@dataclass(frozen=True)
class RegionInfo:
    """A region's identity without its geometry (what `list_regions` returns)."""

    code: str
    name: str
    kind: str
    source: str
    tolerance_km: float
    aliases: tuple[str, ...] = ()


# -- bundled layers ----------------------------------------------------------------------------------------------
class _Layer:
    """A bundled zip: index.json plus one GeoJSON geometry per region."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as zf:
            self.index: dict[str, Any] = json.loads(zf.read("index.json"))
        self.entries: dict[str, dict[str, Any]] = {e["code"]: e for e in self.index["regions"]}
        self._loaded: dict[str, Region] = {}

    def region(self, code: str) -> Region:
        if code not in self._loaded:
            e = self.entries[code]
            with zipfile.ZipFile(self.path) as zf:
                geom = shapely.from_geojson(zf.read(e["file"]).decode())
            self._loaded[code] = Region(code, e["name"], geom, e["kind"], self.index["source"],
                                        float(e["tolerance_km"]), e.get("note", ""))
        return self._loaded[code]

    def all_regions(self, boxes: Sequence[tuple[float, float, float, float]] | None = None) -> tuple[Region, ...]:
        """Every region, or those whose index bbox meets one of `boxes` (west, south, east, north; degrees):
        only their geometries are read."""
        codes = [c for c in self.entries if boxes is None or _meets(self.entries[c].get("bbox"), boxes)]
        missing = [c for c in codes if c not in self._loaded]
        if missing:
            with zipfile.ZipFile(self.path) as zf:
                texts = [zf.read(self.entries[c]["file"]).decode() for c in missing]
            for code, geom in zip(missing, shapely.from_geojson(texts), strict=True):
                e = self.entries[code]
                self._loaded[code] = Region(code, e["name"], geom, e["kind"], self.index["source"],
                                            float(e["tolerance_km"]), e.get("note", ""))
        return tuple(self._loaded[c] for c in codes)


#: Margin (degrees) around an index bbox (its corners are rounded to the index's decimals).
_BBOX_MARGIN_DEG = 0.01


def _meets(bbox: Sequence[float] | None, boxes: Sequence[tuple[float, float, float, float]]) -> bool:
    """Whether an index bbox (None: unknown, so yes) meets one of `boxes`."""
    if bbox is None:
        return True
    w, s, e, n = (float(v) for v in bbox)
    m = _BBOX_MARGIN_DEG
    return any(w - m <= b[2] and b[0] <= e + m and s - m <= b[3] and b[1] <= n + m for b in boxes)


@cache
def _bundled() -> tuple[_Layer, ...]:
    folder = data_dir() / "regions"
    layers = []
    for name in ("states.zip", "countries.zip"):
        p = folder / name
        if p.is_file():
            layers.append(_Layer(p))
    return tuple(layers)


def _fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Bolívar' -> 'bolivar'."""
    decomposed = unicodedata.normalize("NFKD", str(text).strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def _bundled_keys() -> dict[str, tuple[int, str]]:
    """folded code/alias -> (layer number, code). Codes win over aliases; earlier layers over later ones."""
    keys: dict[str, tuple[int, str]] = {}
    layers = _bundled()
    for i, layer in enumerate(layers):
        for code in layer.entries:
            keys.setdefault(_fold(code), (i, code))
    for i, layer in enumerate(layers):
        for code, e in layer.entries.items():
            for alias in [e["name"], *e.get("aliases", [])]:
                keys.setdefault(_fold(alias), (i, code))
    return keys


def countries(boxes: Sequence[tuple[float, float, float, float]] | None = None) -> tuple[Region, ...]:
    """The bundled countries (Natural Earth 10m admin-0), e.g. for a base map: all, or those whose bounding box
    meets one of `boxes` (west, south, east, north in degrees, -180..180), reading only their shapes."""
    for layer in _bundled():
        if layer.index.get("layer") == "countries":
            return layer.all_regions(boxes)
    return ()


# -- lookup -----------------------------------------------------------------------------------------------------
def get_region(code_or_name: str | Region, *, cache_dir: str | os.PathLike[str] | None = None) -> Region:
    """The region with this code or name (case-insensitive): 'VE', 'VEN', 'Venezuela', 'BR-RR', 'Roraima'.

    'A|B' is the border line of A and B. Downloaded Natural Earth layers (`tracks regions download`, in
    `cache_dir`) are searched after the bundled ones. RegionError lists near matches when nothing fits.
    """
    if isinstance(code_or_name, Region):
        return code_or_name
    text = str(code_or_name).strip()
    if not text:
        raise RegionError("empty region code; give an ISO code like VE or BR-RR, or a name")
    if "|" in text:
        a, b = (p.strip() for p in text.split("|", 1))
        return border(get_region(a, cache_dir=cache_dir), get_region(b, cache_dir=cache_dir))
    key = _fold(text)
    hit = _bundled_keys().get(key)
    if hit is not None:
        return _bundled()[hit[0]].region(hit[1])
    for layer in downloaded_layers(cache_dir):
        for entry in layer.entries:
            if _fold(entry.code) == key:
                return _from_download(layer, entry)
        matches = [e for e in layer.entries if key in {_fold(a) for a in (e.name, *e.aliases)}]
        if len(matches) == 1:
            return _from_download(layer, matches[0])
        if len(matches) > 1:
            options = ", ".join(f"{e.code} ({e.name}, {e.country})" for e in matches[:8])
            raise RegionError(f"region name {text!r} is ambiguous: {options}; give the ISO 3166-2 code")
    raise RegionError(_unknown_message(text, cache_dir))


def _from_download(layer: Any, entry: Any) -> Region:
    note = f"in {entry.country}" if entry.country else ""
    return Region(entry.code, entry.name, layer.geometry(entry), entry.kind, layer.source, 0.0, note)


def _unknown_message(text: str, cache_dir: str | os.PathLike[str] | None) -> str:
    names: dict[str, str] = {}
    for layer in _bundled():
        for code, e in layer.entries.items():
            names[_fold(code)] = code
            names[_fold(e["name"])] = f"{code} ({e['name']})"
            for a in e.get("aliases", []):
                names.setdefault(_fold(a), f"{code} ({a})")
    for layer in downloaded_layers(cache_dir):
        for e in layer.entries:
            names.setdefault(_fold(e.code), f"{e.code} ({e.name})")
            names.setdefault(_fold(e.name), f"{e.code} ({e.name})")
    close = difflib.get_close_matches(_fold(text), list(names), n=6, cutoff=0.6)
    hint = f"; did you mean {', '.join(dict.fromkeys(names[c] for c in close))}?" if close else "."
    states = "" if downloaded_layers(cache_dir) else (
        " Only a few states are bundled; run `tracks regions download` for every state in the world.")
    return f"unknown region {text!r}{hint}{states} `tracks regions list` shows the codes."


def list_regions(*, cache_dir: str | os.PathLike[str] | None = None) -> tuple[RegionInfo, ...]:
    """Every region `get_region` knows by code: bundled first, then downloaded ones not bundled."""
    out: list[RegionInfo] = []
    seen: set[str] = set()
    for layer in _bundled():
        for code, e in layer.entries.items():
            seen.add(code)
            out.append(RegionInfo(code, e["name"], e["kind"], layer.index["source"], float(e["tolerance_km"]),
                                  tuple(e.get("aliases", []))))
    for layer in downloaded_layers(cache_dir):
        for e in layer.entries:
            if e.code not in seen:
                seen.add(e.code)
                out.append(RegionInfo(e.code, e.name, e.kind, layer.source, 0.0, e.aliases))
    return tuple(out)


# -- derived regions ---------------------------------------------------------------------------------------------
def border(a: str | Region, b: str | Region, *, tolerance_km: float = BORDER_MATCH_KM) -> Region:
    """The boundary line shared by two regions (the part of a's boundary within `tolerance_km` of b's).

    Regions from the same dataset share vertices, so the default 1 m only absorbs rounding. Kind "border",
    code "A|B". RegionError when the two do not meet (with the distance between them).
    """
    ra, rb = get_region(a), get_region(b)
    la, lb = _outline(ra.geometry), _outline(rb.geometry)
    tol_deg = tolerance_km / geodesy.KM_PER_DEG_NOMINAL
    pad = tol_deg * 2
    wa, sa, ea, na = la.bounds
    wb, sb, eb, nb = lb.bounds
    la_near = shapely.clip_by_rect(la, wb - pad, sb - pad, eb + pad, nb + pad)
    lb_near = shapely.clip_by_rect(lb, wa - pad, sa - pad, ea + pad, na + pad)
    shared = la_near.intersection(lb_near.buffer(tol_deg, quad_segs=2)) if not la_near.is_empty else la_near
    parts = [p for p in shapely.get_parts(shared) if p.geom_type in ("LineString", "MultiLineString")]
    line = linemerge(parts) if parts else shapely.LineString()
    if line.is_empty:
        gap = shapely.distance(ra.geometry, rb.geometry) * geodesy.KM_PER_DEG_NOMINAL
        raise RegionError(f"{ra.code} and {rb.code} do not share a border (they are about {gap:.1f} km apart at "
                          f"the closest); use closest_approach to either region instead")
    return Region(f"{ra.code}|{rb.code}", f"{ra.name}–{rb.name} border", line, "border",
                  f"derived: boundary of {ra.code} within {tolerance_km * 1000:g} m of {rb.code} ({ra.source})",
                  _shared_line_tolerance(ra, rb))


def _shared_line_tolerance(ra: Region, rb: Region) -> float:
    """The tolerance of the line two regions share: an international border (the two sides lie in different
    countries) has the country layer's tolerance; a line inside one country the larger of the two sides'."""
    def country(r: Region) -> tuple[str, float]:
        if r.kind == "country":
            return r.code, r.tolerance_km
        if r.kind == "state" and "-" in r.code:
            code = r.code.split("-")[0]
            try:
                return code, get_region(code).tolerance_km
            except RegionError:
                return code, r.tolerance_km
        return "", r.tolerance_km

    (ca, ta), (cb, tb) = country(ra), country(rb)
    if ca and cb and ca != cb:
        return max(ta, tb)
    return max(ra.tolerance_km, rb.tolerance_km)


#: A boundary point within this many degrees (about 10 m) of a country's outline lies on that outline.
_ON_OUTLINE_DEG = 1e-4


@cache
def _outline_of(code: str) -> BaseGeometry:
    return _outline(get_region(code).geometry)


def tolerance_at(region: Region, lat: float, lon: float) -> float:
    """The positional tolerance (km) of `region`'s boundary at the boundary point (lat, lon): one tolerance per
    boundary, the same in every claim that uses it.

    A bundled state's boundary where it is its country's outline (an international border or a coast) has the
    country layer's tolerance, elsewhere (a line between two states) the state layer's; a border line between
    two regions the larger of its two sides' there; any other region its own `tolerance_km`."""
    if region.kind == "state" and "-" in region.code:
        code = region.code.split("-")[0]
        try:
            outline = _outline_of(code)
        except RegionError:
            return region.tolerance_km
        if shapely.distance(outline, shapely.Point(lon, lat)) <= _ON_OUTLINE_DEG:
            return get_region(code).tolerance_km
        return region.tolerance_km
    if region.kind == "border" and "|" in region.code:
        try:
            sides = [get_region(c) for c in region.code.split("|")]
        except RegionError:
            return region.tolerance_km
        return max(tolerance_at(s, lat, lon) for s in sides)
    return region.tolerance_km


def _outline(g: BaseGeometry) -> BaseGeometry:
    return g.boundary if geodesy.is_polygonal(g) else g


def coastline(code: str | Region) -> Region:
    """The coast of a bundled country or state: its boundary minus its land borders with other countries."""
    r = get_region(code)
    if r.kind not in ("country", "state"):
        raise RegionError(f"coastline needs a bundled country or state, not {r.kind} {r.code}")
    if r.kind == "state":
        country = get_region(r.code.split("-")[0])
        coast = _outline(r.geometry).intersection(
            coastline(country).geometry.buffer(BORDER_MATCH_KM / geodesy.KM_PER_DEG_NOMINAL, quad_segs=2))
    else:
        coast = _coast_of(r)
    parts = [p for p in shapely.get_parts(coast) if p.geom_type in ("LineString", "MultiLineString")]
    line = linemerge(parts) if parts else shapely.LineString()
    return Region(f"{r.code}-coast", f"{r.name} coastline", line, "coast", f"derived: {r.source}", r.tolerance_km,
                  "Natural Earth 10m coast; measured against GSHHG-full north of Maiquetia: median 0.28 km, "
                  "max 1.26 km (research note, data-sources.md section 3).")


def _coast_of(country: Region) -> BaseGeometry:
    outline = _outline(country.geometry)
    w, s, e, n = country.geometry.bounds
    window = (w - 0.1, s - 0.1, e + 0.1, n + 0.1)
    near = [shapely.clip_by_rect(_outline(c.geometry), *window) for c in _countries_near(window)
            if c.code != country.code]
    near = [g for g in near if not g.is_empty]
    if not near:
        return outline
    return outline.difference(shapely.union_all(near).buffer(BORDER_MATCH_KM / geodesy.KM_PER_DEG_NOMINAL, quad_segs=2))


def _countries_near(window: tuple[float, float, float, float]) -> list[Region]:
    w, s, e, n = window
    out = []
    for layer in _bundled():
        if layer.index.get("layer") != "countries":
            continue
        for code, entry in layer.entries.items():
            bw, bs, be, bn = entry["bbox"]
            if bw <= e and be >= w and bs <= n and bn >= s:
                out.append(layer.region(code))
    return out


def territorial_sea(code: str | Region, nm: float = 12.0, *, include_land: bool = False) -> Region:
    """The sea within `nm` nautical miles of a country's land: a geodesic buffer of the land polygon, minus all
    bundled land. An approximation: real territorial seas are measured from baselines (straight baselines across
    bays and island fringes, low-water lines) and cut by median lines with neighbours, none of which is modelled.
    `include_land=True` adds the land itself (an approximation of national airspace). Kind "sea"."""
    r = get_region(code)
    if not r.is_area:
        raise RegionError(f"territorial_sea needs an area, not {r.kind} {r.code}")
    if not nm > 0:
        raise RegionError(f"territorial sea width must be positive, got {nm} nm")
    band = geodesy.buffer(r.geometry, nm_to_km(nm))
    window = band.bounds
    land = [shapely.clip_by_rect(c.geometry, *window) for c in _countries_near(window)]
    land = [g for g in land if not g.is_empty]
    sea = band.difference(shapely.union_all(land)) if land else band
    if include_land:
        sea = shapely.union_all([sea, r.geometry])
    label = f"{r.code}-sea-{nm:g}nm" + ("+land" if include_land else "")
    return Region(label, f"{r.name} territorial sea ({nm:g} nm{', with land' if include_land else ''})", sea, "sea",
                  f"derived: geodesic {nm:g} nm buffer of {r.code} ({r.source})", r.tolerance_km,
                  "Approximation: buffer of the Natural Earth coast, not of the legal baselines; no median lines.")


def circle(lat: float, lon: float, radius_km: float, *, name: str = "") -> Region:
    """A geodesic circle of `radius_km` around (lat, lon) degrees, e.g. around an airport. Kind "circle"."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise RegionError(f"circle centre ({lat}, {lon}) is not a latitude/longitude in degrees")
    code = f"circle({lat:.4f},{lon:.4f},{radius_km:g}km)"
    try:
        geom = geodesy.circle(lat, lon, radius_km)
    except ValueError as exc:
        raise RegionError(str(exc)) from exc
    return Region(code, name or f"{radius_km:g} km circle around {lat:.4f}, {lon:.4f}", geom, "circle",
                  "derived: geodesic circle (WGS84)", 0.0)


def buffer(region: str | Region, km: float) -> Region:
    """The region grown by `km` (geodesic, >= 0): a corridor around a line, a ring around a point. Kind "buffer"."""
    r = get_region(region)
    if km < 0:
        raise RegionError(f"buffer distance must be >= 0 km, got {km}")
    geom = geodesy.buffer(r.geometry, km)
    return Region(f"{r.code}+{km:g}km", f"{r.name} + {km:g} km", geom, "buffer",
                  f"derived: geodesic {km:g} km buffer of {r.code} ({r.source})", r.tolerance_km)


def load_regions(path: str | os.PathLike[str], **options: Any) -> tuple[Region, ...]:
    """Regions from a user file: GeoJSON, KML/KMZ, Shapefile (.shp or .zip) or GeoPackage (.gpkg).

    See `tracks.geo.region_files.load_regions` for the options (code_field, name_field, tolerance_km).
    """
    from tracks.geo.region_files import load_regions as _load

    return _load(path, **options)


def bundled_codes() -> tuple[str, ...]:
    """Codes of the bundled regions (countries and states)."""
    return tuple(code for layer in _bundled() for code in layer.entries)


__all__ = [
    "KINDS", "NE_BASE_URL", "Region", "RegionInfo", "border", "buffer", "circle", "coastline", "countries",
    "download_natural_earth", "get_region", "list_regions", "load_regions", "territorial_sea",
]
