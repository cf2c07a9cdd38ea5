"""Flightradar24 exports: website CSV, "granular" ADS-B CSV, web flight-playback JSON and KML.

Units: FR24 gives altitude in ft (pressure altitude), speed in kt, vertical speed in ft/min, direction in
degrees; the KML coordinates carry metres. FR24 writes altitude 0 on the ground AND clamps negative pressure
altitudes to 0 in the website CSV / playback JSON (JL516 shows 0 ft at 122 kt on short final), so altitude 0
does not mean "on ground": `on_ground` stays unknown except where the granular CSV says it.
Position 0,0 is FR24's placeholder for "no position" and is rejected with that reason.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from tracks.errors import TrackFormatError
from tracks.formats import _xmltools as X
from tracks.formats._tabular import (
    NULL_ISLAND_REASON,
    Rejections,
    check_icao_option,
    first_line,
    icao_text,
    mask,
    null_island,
    read_delimited,
    squawk_text,
    to_number,
)
from tracks.formats._timeparse import clean_text, epoch_times, iso_times, to_utc
from tracks.formats.base import Format, Parsed, RawFile
from tracks.schema import UNKNOWN_ICAO24
from tracks.units import m_to_ft

# -- website CSV ----------------------------------------------------------------------------------------------------
_CSV_HEADERS = (
    ("timestamp", "utc", "callsign", "position", "altitude", "speed", "direction"),  # current, 7 columns
    ("timestamp", "callsign", "position", "altitude", "speed", "direction"),  # original, 6 columns
)


def _header(raw: RawFile) -> tuple[str, ...]:
    return tuple(c.strip().strip('"').lower() for c in first_line(raw).split(","))


def sniff_csv(raw: RawFile) -> bool:
    return _header(raw) in _CSV_HEADERS


def read_csv(raw: RawFile, *, icao24: str | None = None) -> Parsed:
    """FR24 website CSV: `Timestamp,[UTC,]Callsign,Position,Altitude,Speed,Direction`, Position = "lat,lon"."""
    hexid = check_icao_option(raw.path, icao24)
    t = read_delimited(raw, delimiter=",", typed=True, text_columns=lambda h: h.strip().lower() in ("callsign", "utc"))
    cols = {h.lower(): name for h, name in zip(t.header, t.frame.columns, strict=False)}
    missing = [c for c in ("timestamp", "callsign", "position", "altitude", "speed", "direction") if c not in cols]
    if missing:
        raise TrackFormatError(raw.path, f"missing column(s) {missing}", where="line 1",
                               expected="Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction")
    f = t.frame
    rej = Rejections(len(f))
    ts, ts_bad = to_number(f[cols["timestamp"]])
    rej.add(ts_bad, "unreadable Timestamp (expected Unix seconds)")
    time, reasons = epoch_times(ts, path=raw.path, column="Timestamp", unit="s")
    rej.add_reasons(reasons)
    if "utc" in cols:
        utc, utc_reasons = to_utc(f[cols["utc"]], path=raw.path, column="UTC", records=t.records)
        rej.add_reasons(utc_reasons)
        both = time.notna().to_numpy() & utc.notna().to_numpy()
        differ = both & (np.abs((time - utc).dt.total_seconds().to_numpy()) > 0.5)
        rej.add(differ, "Timestamp and UTC columns disagree")
        time = time.fillna(utc)
    pos = clean_text(f[cols["position"]]).str.extract(r"^\"?([^,\"]+),([^,\"]+)\"?$")
    lat, lat_bad = to_number(pos[0])
    lon, lon_bad = to_number(pos[1])
    present = clean_text(f[cols["position"]]).notna().to_numpy()
    rej.add(present & (lat_bad | lon_bad | np.isnan(lat) | np.isnan(lon)), "unreadable Position (expected \"lat,lon\")")
    rej.add(null_island(lat, lon), NULL_ISLAND_REASON)
    numbers = {}
    for name, col in (("Altitude", "altitude"), ("Speed", "speed"), ("Direction", "direction")):
        numbers[col], bad = to_number(f[cols[col]])
        rej.add(bad, f"unreadable {name} (expected a number)")
    frame = pd.DataFrame({
        "time": time,
        "callsign": clean_text(f[cols["callsign"]]),
        "lat": lat,
        "lon": lon,
        "alt_baro_ft": numbers["altitude"],
        "gs_kt": numbers["speed"],
        "track_deg": numbers["direction"],
    })
    if hexid:
        frame["icao24"] = hexid
    kept, rejected = rej.split(frame, t.records, shown=f.set_axis(t.header, axis=1))
    return Parsed(kept, records_read=len(f) + len(t.rejected), rejected=t.rejected + rejected)


# -- granular ADS-B CSV ---------------------------------------------------------------------------------------------
_GRANULAR_START = ("network_time", "receiver_time", "hex", "callsign", "latitude", "longitude", "no_position")
_GRANULAR_TEXT = {"network_time", "receiver_time", "hex", "callsign", "no_position", "squawk", "on_ground",
                  "position_class", ""}  # "" = the KEY:VALUE cells
_GRANULAR_FIXED = 15  # named columns before the KEY:VALUE cells
_POSITION_CLASS = {"ADS-B": "adsb", "ADSB": "adsb", "MLAT": "mlat", "ADS-C": "adsc", "ADSC": "adsc",
                   "ESTIMATED": "estimated", "TIS-B": "tisb", "TISB": "tisb", "ADS-R": "adsr", "ADSR": "adsr"}


def sniff_granular(raw: RawFile) -> bool:
    return _header(raw)[: len(_GRANULAR_START)] == _GRANULAR_START


def read_granular(raw: RawFile) -> Parsed:
    """FR24 granular CSV: one row per received message, `network_time` like '2024-01-02 07:41:03Z.515'.

    Time = `network_time` (FR24's clock). `receiver_time` is not used: receivers' clocks are unreliable (the
    JL516 file has 27 rows at 1970-01-01 and some days off). Rows with `no_position` = N are rejected.
    `on_ground` A -> False, G -> True. `GPSA:<ft>` items in the trailing KEY:VALUE cells -> alt_geom_ft.
    """
    t = read_delimited(raw, delimiter=",", min_columns=len(_GRANULAR_START), typed=True,
                       text_columns=lambda h: h.strip().lower() in _GRANULAR_TEXT)
    f = t.frame
    names = {h.strip().lower(): name for h, name in zip(t.header, f.columns, strict=False) if h.strip()}
    rej = Rejections(len(f))

    def col(name: str) -> pd.Series:
        return f[names[name]] if name in names else pd.Series([""] * len(f), dtype=object)

    text = clean_text(col("network_time")).str.replace(r"^(.*\d)Z(\.\d+)?$", r"\1\2Z", regex=True)
    time, reasons = iso_times(text, path=raw.path, column="network_time", records=t.records)
    rej.add_reasons(reasons)
    rej.add(text.isna().to_numpy(), "network_time missing")
    hexes = icao_text(col("hex"))
    rej.add(hexes.isna().to_numpy(), "unreadable hex (expected 0x + 6 hex digits)")
    rej.add(mask(clean_text(col("no_position")).str.upper() == "N"), "no position (no_position=N)")
    lat, lat_bad = to_number(col("latitude"))
    lon, lon_bad = to_number(col("longitude"))
    rej.add(lat_bad | lon_bad, "unreadable latitude/longitude")
    rej.add(null_island(lat, lon), NULL_ISLAND_REASON)
    nums = {}
    for c in ("altitude", "speed", "track", "vspeed"):
        nums[c], bad = to_number(col(c))
        rej.add(bad, f"unreadable {c} (expected a number)")
    ground = clean_text(col("on_ground")).str.upper()
    on_ground = pd.array(np.where(mask(ground == "G"), True, np.where(mask(ground == "A"), False, None)), dtype="boolean")
    pclass = clean_text(col("position_class")).str.upper()
    source = pclass.map(_POSITION_CLASS).fillna(pclass.notna().map({True: "other", False: "unknown"}))
    gpsa = np.full(len(f), np.nan)
    for extra in f.columns[_GRANULAR_FIXED:]:  # KEY:VALUE cells
        cell = f[extra].astype("string")
        has = mask(cell.str.startswith("GPSA:"))
        if has.any():
            v = pd.to_numeric(cell[has].str.slice(5), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            gpsa[has] = np.where(np.isnan(gpsa[has]), v, gpsa[has])
    frame = pd.DataFrame({
        "time": time,
        "icao24": hexes,
        "callsign": clean_text(col("callsign")).ffill(),
        "lat": lat,
        "lon": lon,
        "alt_baro_ft": nums["altitude"],
        "alt_geom_ft": gpsa,
        "on_ground": on_ground,
        "gs_kt": nums["speed"],
        "track_deg": nums["track"],
        "vrate_fpm": nums["vspeed"],
        "squawk": squawk_text(col("squawk")),
        "source": source,
    })
    kept, rejected = rej.split(frame, t.records, shown=f.iloc[:, :_GRANULAR_FIXED])
    return Parsed(kept, records_read=len(f) + len(t.rejected), rejected=t.rejected + rejected)


# -- web flight-playback JSON ---------------------------------------------------------------------------------------
def _flight(doc: Any) -> dict[str, Any] | None:
    try:
        flight = doc["result"]["response"]["data"]["flight"]
    except (KeyError, TypeError, IndexError):
        return None
    return flight if isinstance(flight, dict) and isinstance(flight.get("track"), list) else None


def sniff_playback(raw: RawFile) -> bool:
    if raw.head.lstrip()[:1] != b"{" or b'"result"' not in raw.head:
        return False
    return _flight(raw.try_json()) is not None


def _get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _numbers(values: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """JSON values -> (float64, mask of present values that are not numbers). None -> NaN."""
    out = np.fromiter((float(v) if type(v) in (int, float) else np.nan for v in values), dtype="float64", count=len(values))
    bad = np.fromiter((v is not None and type(v) not in (int, float) for v in values), dtype=bool, count=len(values))
    return out, bad


def read_playback(raw: RawFile) -> Parsed:
    """FR24 `flight-playback.json`: result.response.data.flight.track[] (altitude.feet, speed.kts, ...).

    EMS sub-objects give `altGPS` (ft) -> alt_geom_ft, used only when `ems.ts` equals the point's timestamp
    (in the SPAR19 sample a third of the EMS objects belong to another second). `altGPS` 0 is FR24's "no value"
    (SPAR19 reports it at FL350 for minutes on end) and becomes NaN, like squawk "0".
    """
    flight = _flight(raw.json())
    if flight is None:
        raise TrackFormatError(raw.path, "no result.response.data.flight.track array",
                               expected="a Flightradar24 flight-playback.json response")
    track: list[Any] = flight["track"]
    n = len(track)
    is_obj = np.fromiter((isinstance(p, dict) for p in track), dtype=bool, count=n)
    pts = [p if isinstance(p, dict) else {} for p in track]
    rej = Rejections(n)
    rej.add(~is_obj, "point is not an object")
    fields = {
        "timestamp": [p.get("timestamp") for p in pts],
        "latitude": [p.get("latitude") for p in pts],
        "longitude": [p.get("longitude") for p in pts],
        "altitude.feet": [_get(p, "altitude", "feet") for p in pts],
        "speed.kts": [_get(p, "speed", "kts") for p in pts],
        "verticalSpeed.fpm": [_get(p, "verticalSpeed", "fpm") for p in pts],
        "heading": [p.get("heading") for p in pts],
    }
    num = {}
    for k, values in fields.items():
        num[k], bad = _numbers(values)
        rej.add(bad, f"{k} is not a number")
    time, reasons = epoch_times(num["timestamp"], path=raw.path, column="timestamp", unit="s")
    rej.add_reasons(reasons)
    ems_ts, _ = _numbers([_get(p, "ems", "ts") for p in pts])
    alt_gps, _ = _numbers([_get(p, "ems", "altGPS") for p in pts])
    alt_geom = np.where((ems_ts == num["timestamp"]) & (alt_gps != 0), alt_gps, np.nan)
    lat, lon = num["latitude"], num["longitude"]
    rej.add(null_island(lat, lon), NULL_ISLAND_REASON)
    squawk = pd.Series([p.get("squawk") if isinstance(p.get("squawk"), (str, int)) else None for p in pts], dtype=object)
    ident = _get(flight, "aircraft", "identification") or {}
    hexes = icao_text(pd.Series([ident.get("modes") if isinstance(ident, dict) else None], dtype=object))
    frame = pd.DataFrame({
        "time": time,
        "icao24": hexes.iloc[0] if hexes.notna().iloc[0] else UNKNOWN_ICAO24,
        "callsign": _text(_get(flight, "identification", "callsign")),
        "registration": _text(ident.get("registration") if isinstance(ident, dict) else None),
        "lat": lat,
        "lon": lon,
        "alt_baro_ft": num["altitude.feet"],
        "alt_geom_ft": alt_geom,
        "gs_kt": num["speed.kts"],
        "track_deg": num["heading"],
        "vrate_fpm": num["verticalSpeed.fpm"],
        "squawk": squawk_text(squawk.astype("string")),
    })
    shown = pd.DataFrame({"point": [repr(p)[:200] for p in track]})
    kept, rejected = rej.split(frame, np.arange(n), shown=shown)
    return Parsed(kept, records_read=n, rejected=rejected)


def _text(v: Any) -> str | None:
    return (v.strip() or None) if isinstance(v, str) else None


# -- KML ------------------------------------------------------------------------------------------------------------
_ROUTE = re.compile(rb"<Folder>\s*<name>\s*Route\s*</name>", re.IGNORECASE)


def sniff_kml(raw: RawFile) -> bool:
    return X.root_name(raw) == "kml" and b"flightradar24" in raw.data[:65536].lower() and bool(_ROUTE.search(raw.data))


def read_kml(raw: RawFile, *, icao24: str | None = None) -> Parsed:
    """FR24 KML: the `Route` folder's Point Placemarks (one per position); the `Trail` folder is not read.

    Altitude: the description's "Altitude: N ft" (FR24's own value) when present, else the coordinates'
    metres in feet. Speed (kt) from the description, track from IconStyle/heading.
    """
    hexid = check_icao_option(raw.path, icao24)
    root = X.parse(raw, "FR24 KML")
    doc = X.child(root, "Document")
    route = None
    for folder in X.descendants(root, "Folder"):
        if X.path_text(folder, "name") == "Route":
            route = folder
            break
    if route is None:
        raise TrackFormatError(raw.path, "no 'Route' folder", expected="a Flightradar24 KML export")
    marks = list(X.descendants(route, "Placemark"))
    n = len(marks)
    when = pd.Series([X.path_text(m, "TimeStamp", "when") or X.path_text(m, "name") for m in marks], dtype=object)
    coords = pd.Series([X.path_text(m, "Point", "coordinates") for m in marks], dtype=object)
    desc = pd.Series([X.path_text(m, "description") for m in marks], dtype=object)
    heading = pd.Series([X.path_text(m, "Style", "IconStyle", "heading") for m in marks], dtype=object)
    rej = Rejections(n)
    time, reasons = iso_times(when.astype("string"), path=raw.path, column="TimeStamp/when", records=np.arange(n))
    rej.add_reasons(reasons)
    rej.add(when.isna().to_numpy(), "no TimeStamp/when")
    xyz = clean_text(coords).str.extract(r"^([^,\s]+)\s*,\s*([^,\s]+)(?:\s*,\s*([^,\s]+))?$")
    lon, b1 = to_number(xyz[0])
    lat, b2 = to_number(xyz[1])
    alt_m, b3 = to_number(xyz[2])
    rej.add(coords.notna().to_numpy() & (b1 | b2 | b3 | np.isnan(lat) | np.isnan(lon)), "unreadable Point/coordinates (expected lon,lat,alt)")
    rej.add(null_island(lat, lon), NULL_ISLAND_REASON)
    plain = clean_text(desc).str.replace(r"<[^>]+>", " ", regex=True)
    alt_ft = pd.to_numeric(plain.str.extract(r"Altitude:\s*(-?[\d.]+)\s*ft")[0], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    speed = pd.to_numeric(plain.str.extract(r"Speed:\s*(-?[\d.]+)\s*kt")[0], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    track, bad = to_number(heading)
    rej.add(bad, "unreadable IconStyle/heading")
    name = X.path_text(doc, "name") if doc is not None else None
    callsign = (name.split("/", 1)[1].strip() or None) if name and "/" in name else None
    frame = pd.DataFrame({
        "time": time,
        "callsign": callsign,
        "lat": lat,
        "lon": lon,
        "alt_baro_ft": np.where(np.isnan(alt_ft), m_to_ft(alt_m), alt_ft),
        "gs_kt": speed,
        "track_deg": track,
    })
    if hexid:
        frame["icao24"] = hexid
    shown = pd.DataFrame({"when": when, "coordinates": coords})
    kept, rejected = rej.split(frame, np.arange(n), shown=shown)
    trail = [f for f in X.descendants(root, "Folder") if X.path_text(f, "name") == "Trail"]
    note = ""
    if trail:
        segments = sum(1 for _ in X.descendants(trail[0], "Placemark"))
        note = f"Trail folder ({segments} line segments without machine-readable times) not read: it repeats the Route"
    return Parsed(kept, records_read=n, rejected=rejected, note=note)


FORMATS = [
    Format("fr24-csv", "Flightradar24 website CSV (Timestamp,[UTC,]Callsign,Position,Altitude,Speed,Direction)",
           sniff_csv, read_csv, priority=20),
    Format("fr24-granular-csv", "Flightradar24 granular ADS-B CSV (network_time,receiver_time,hex,...)",
           sniff_granular, read_granular, priority=20),
    Format("fr24-playback-json", "Flightradar24 web flight-playback.json (result.response.data.flight.track)",
           sniff_playback, read_playback, priority=20),
    Format("fr24-kml", "Flightradar24 KML export (Route folder of timed Placemarks)", sniff_kml, read_kml, priority=30),
]
