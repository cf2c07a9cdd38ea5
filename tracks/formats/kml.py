"""KML tracks: FlightAware "Google Earth" KML and generic KML with timestamps.

Positions are read from `gx:Track` (i-th `<when>` <-> i-th `<gx:coord>` "lon lat alt") and from Placemarks
whose Point has a `TimeStamp/when`. Placemarks without a time (FlightAware's airport markers, at the
airport or at 0,0 when unknown) are not positions. A `LineString` carries no per-vertex times, so it cannot
become a track with times: a file holding only LineStrings is refused with an explanation.

Altitude: KML coordinates are metres (converted with ft = m / 0.3048). FlightAware writes pressure altitude,
so it becomes `alt_baro_ft`. In generic KML the altitude is above sea level by the KML spec, so it becomes
`alt_geom_ft` unless `alt_ref="baro"`; it is used only with altitudeMode `absolute` (KML's default,
clampToGround, means the number is ignored by KML viewers and need not be an altitude).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracks.errors import TrackFormatError
from tracks.formats import _xmltools as X
from tracks.formats._tabular import NULL_ISLAND_REASON, Rejections, check_icao_option, null_island, to_number
from tracks.formats._timeparse import clean_text, iso_times
from tracks.formats.base import Format, Parsed, RawFile
from tracks.units import m_to_ft

COORD_PATTERN = r"^\s*([^,\s]+)[,\s]+([^,\s]+)(?:[,\s]+([^,\s]+))?\s*$"
_ALT_REFS = {"baro": "alt_baro_ft", "geom": "alt_geom_ft"}


@dataclass
class _Found:
    """Timed positions found in a KML document, as text, in document order."""

    when: list[str | None] = field(default_factory=list)
    coord: list[str | None] = field(default_factory=list)
    absolute: list[bool] = field(default_factory=list)
    leg_start: list[bool] = field(default_factory=list)
    names: list[str | None] = field(default_factory=list)  # name of the Placemark holding the position
    untimed_points: int = 0
    untimed_lines: int = 0
    tracks: int = 0


def _absolute(elem: ET.Element) -> bool:
    return (X.path_text(elem, "altitudeMode") or "clampToGround") == "absolute"


def collect(root: ET.Element, path: str) -> _Found:
    """Walk the Placemarks once, in document order.

    TrackFormatError when a gx:Track's <when> and <gx:coord> counts differ (the pairing would be a guess).
    """
    found = _Found()
    for mark in X.descendants(root, "Placemark"):
        name = X.path_text(mark, "name")
        when = X.path_text(mark, "TimeStamp", "when")
        for g in mark.iter():
            kind = X.local(g.tag)
            if kind == "Track":
                _track(g, name, found, path)
            elif kind == "Point" and when is not None:
                found.when.append(when)
                found.coord.append(X.path_text(g, "coordinates"))
                found.absolute.append(_absolute(g))
                found.leg_start.append(False)
                found.names.append(name)
            elif kind == "Point":
                found.untimed_points += 1
            elif kind in ("LineString", "LinearRing"):
                found.untimed_lines += 1
    return found


def _track(elem: ET.Element, name: str | None, found: _Found, path: str) -> None:
    whens = [X.text_of(w) for w in X.children(elem, "when")]
    coords = [X.text_of(c) for c in X.children(elem, "coord")]
    found.tracks += 1
    if len(whens) != len(coords):
        raise TrackFormatError(
            path, f"gx:Track number {found.tracks} has {len(whens)} <when> but {len(coords)} <gx:coord>",
            where=f"gx:Track {found.tracks} (records from {len(found.when)})",
            expected="one <when> per <gx:coord>",
        )
    found.when += whens
    found.coord += coords
    found.absolute += [_absolute(elem)] * len(whens)
    found.leg_start += [found.tracks > 1 and i == 0 for i in range(len(whens))]
    found.names += [name] * len(whens)


@dataclass
class _Document:
    frame: pd.DataFrame
    rej: Rejections
    shown: pd.DataFrame
    note: str
    found: _Found

    def parsed(self) -> Parsed:
        n = len(self.frame)
        kept, rejected = self.rej.split(self.frame, np.arange(n), shown=self.shown)
        return Parsed(kept, records_read=n, rejected=rejected, note=self.note)


def read_document(raw: RawFile, *, alt_column: str | None, tz: str | None, what: str) -> _Document:
    """Timed positions of a KML file, with the reasons to reject some of them."""
    root = X.parse(raw, what)
    if X.local(root.tag) != "kml":
        raise TrackFormatError(raw.path, f"the root element is <{X.local(root.tag)}>", where="line 1", expected="<kml>")
    found = collect(root, raw.path)
    n = len(found.when)
    if n == 0:
        if found.untimed_lines:
            raise TrackFormatError(
                raw.path,
                f"the KML holds {found.untimed_lines} LineString(s) but no timestamps: a line without times cannot "
                "become a track with times (interpolating times along it would invent data)",
                expected="a gx:Track with <when> elements, or Placemarks with a TimeStamp",
            )
        extra = f" ({found.untimed_points} Point placemark(s) without TimeStamp, e.g. airport markers)" if found.untimed_points else ""
        raise TrackFormatError(raw.path, f"no timed positions in the KML{extra}",
                               expected="a gx:Track with <when> elements, or Placemarks with a TimeStamp")
    records = np.arange(n)
    when = pd.Series(found.when, dtype=object).astype("string")
    coord = pd.Series(found.coord, dtype=object).astype("string")
    rej = Rejections(n)
    time, reasons = iso_times(when, path=raw.path, column="when", tz=tz, records=records)
    rej.add(when.isna().to_numpy(), "empty <when>")
    rej.add_reasons(reasons)
    xyz = clean_text(coord).str.extract(COORD_PATTERN)
    lon, b1 = to_number(xyz[0])
    lat, b2 = to_number(xyz[1])
    alt_m, b3 = to_number(xyz[2])
    rej.add(coord.notna().to_numpy() & (b1 | b2 | b3 | np.isnan(lat) | np.isnan(lon)),
            "unreadable coordinates (expected lon,lat[,alt] or 'lon lat alt')")
    rej.add(null_island(lat, lon), NULL_ISLAND_REASON)
    frame = pd.DataFrame({"time": time, "lat": lat, "lon": lon, "new_leg": np.asarray(found.leg_start, dtype=bool)})
    absolute = np.asarray(found.absolute, dtype=bool)
    if alt_column:
        frame[alt_column] = np.where(absolute, m_to_ft(alt_m), np.nan)
    notes = []
    if alt_column and (~absolute & ~np.isnan(alt_m)).any():
        notes.append("altitudes of points without altitudeMode 'absolute' were not used")
    if found.untimed_points:
        notes.append(f"{found.untimed_points} Point placemark(s) without TimeStamp (e.g. airport markers) are not positions")
    if found.untimed_lines:
        notes.append(f"{found.untimed_lines} LineString(s) without times not read")
    shown = pd.DataFrame({"when": when, "coordinates": coord})
    return _Document(frame, rej, shown, "; ".join(notes), found)


# -- FlightAware ----------------------------------------------------------------------------------------------------
def sniff_flightaware(raw: RawFile) -> bool:
    return X.root_name(raw) == "kml" and b"flightaware" in raw.data[:65536].lower() and b"Track" in raw.data


def read_flightaware(raw: RawFile, *, icao24: str | None = None) -> Parsed:
    """FlightAware KML: gx:Track (metres -> ft, pressure altitude); the track Placemark's name is the callsign."""
    hexid = check_icao_option(raw.path, icao24)
    doc = read_document(raw, alt_column="alt_baro_ft", tz=None, what="FlightAware KML")
    doc.frame["callsign"] = pd.Series(doc.found.names, dtype="string").str.strip()
    if hexid:
        doc.frame["icao24"] = hexid
    return doc.parsed()


# -- generic KML ----------------------------------------------------------------------------------------------------
def sniff_kml(raw: RawFile) -> bool:
    return X.root_name(raw) == "kml"


def read_kml(
    raw: RawFile,
    *,
    alt_ref: str = "geom",
    tz: str | None = None,
    icao24: str | None = None,
    callsign: str | None = None,
) -> Parsed:
    """Generic KML: gx:Track and timed Point placemarks. `alt_ref` 'geom' (default, KML = above sea level),
    'baro' (the file holds pressure altitude) or 'none'. `tz` names the zone of times written without one."""
    if alt_ref not in (*_ALT_REFS, "none"):
        raise TrackFormatError(raw.path, f"alt_ref {alt_ref!r} not understood", where="options",
                               expected="'geom', 'baro' or 'none'")
    hexid = check_icao_option(raw.path, icao24)
    doc = read_document(raw, alt_column=_ALT_REFS.get(alt_ref), tz=tz, what="KML")
    if hexid:
        doc.frame["icao24"] = hexid
    if callsign:
        doc.frame["callsign"] = str(callsign).strip()
    return doc.parsed()


FORMATS = [
    Format("flightaware-kml", "FlightAware Google Earth KML (gx:Track, altitude in metres)",
           sniff_flightaware, read_flightaware, priority=30),
    Format("kml", "KML with timestamps: gx:Track or Placemarks with TimeStamp (LineStrings have no times)",
           sniff_kml, read_kml, priority=80),
]
