"""GPX 1.0 / 1.1 tracks (`gpx/trk/trkseg/trkpt` with `time` and `ele`).

No flight tracker exports GPX; investigators get it from converters (GPSBabel, ADS-B -> GPX scripts) or from
a phone's GPS logger. `<ele>` is metres (-> ft by tracks.units.m_to_ft); GPX does not say which altitude it is, and GPS
loggers record geometric height, so it becomes `alt_geom_ft` unless ``alt_ref="baro"`` (a converter wrote
pressure altitude) or ``"none"``. `<time>` is UTC by the GPX spec, so times without a zone are UTC.
GPX 1.0 `<speed>` (m/s) and `<course>` (degrees), also inside Garmin extensions, become gs_kt / track_deg.
Routes (`rtept`) and waypoints (`wpt`) are planned or marked places, not recorded positions: not read.
Each `<trk>` after the first starts a new leg.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracks.errors import TrackFormatError
from tracks.formats import _xmltools as X
from tracks.formats._tabular import NULL_ISLAND_REASON, Rejections, check_icao_option, null_island, to_number
from tracks.formats._timeparse import iso_times
from tracks.formats.base import Format, Parsed, RawFile
from tracks.units import m_to_ft, ms_to_kt

_ALT_REFS = {"baro": "alt_baro_ft", "geom": "alt_geom_ft", "none": None}


def sniff(raw: RawFile) -> bool:
    return X.root_name(raw) == "gpx"


def _first(elem: object, name: str) -> str | None:
    for d in X.descendants(elem, name):  # type: ignore[arg-type]
        return X.text_of(d)
    return None


def read(
    raw: RawFile,
    *,
    alt_ref: str = "geom",
    icao24: str | None = None,
    callsign: str | None = None,
) -> Parsed:
    """Track points of every `trk` in document order; `record` is the trkpt's index in the file."""
    if alt_ref not in _ALT_REFS:
        raise TrackFormatError(raw.path, f"alt_ref {alt_ref!r} not understood", where="options",
                               expected="'geom', 'baro' or 'none'")
    hexid = check_icao_option(raw.path, icao24)
    root = X.parse(raw, "GPX")
    if X.local(root.tag) != "gpx":
        raise TrackFormatError(raw.path, f"the root element is <{X.local(root.tag)}>", where="line 1", expected="<gpx>")
    cols: dict[str, list[str | None]] = {k: [] for k in ("lat", "lon", "ele", "time", "speed", "course")}
    leg: list[bool] = []
    for k, trk in enumerate(X.children(root, "trk")):
        first = True
        for seg in X.children(trk, "trkseg"):
            for pt in X.children(seg, "trkpt"):
                cols["lat"].append(pt.get("lat"))
                cols["lon"].append(pt.get("lon"))
                cols["ele"].append(X.path_text(pt, "ele"))
                cols["time"].append(X.path_text(pt, "time"))
                cols["speed"].append(X.path_text(pt, "speed") or _first(pt, "speed"))
                cols["course"].append(X.path_text(pt, "course") or _first(pt, "course"))
                leg.append(k > 0 and first)
                first = False
    n = len(leg)
    if n == 0:
        routes = sum(1 for _ in X.descendants(root, "rtept"))
        wpts = len(X.children(root, "wpt"))
        raise TrackFormatError(
            raw.path, f"no track points (<trkpt>); the file has {routes} route point(s) and {wpts} waypoint(s)",
            expected="<trk><trkseg><trkpt> with <time>: routes and waypoints are planned or marked places, not recorded positions",
        )
    if all(t is None for t in cols["time"]):
        raise TrackFormatError(raw.path, f"none of the {n} track points has a <time>: they cannot become a track with times",
                               where="trkpt 0", expected="<trkpt> elements with <time>")
    text = {k: pd.Series(v, dtype=object) for k, v in cols.items()}
    records = np.arange(n)
    rej = Rejections(n)
    time, reasons = iso_times(text["time"].astype("string"), path=raw.path, column="time", naive_is_utc=True, records=records)
    rej.add(text["time"].isna().to_numpy(), "trkpt without <time>")
    rej.add_reasons(reasons)
    num = {}
    for k in ("lat", "lon", "ele", "speed", "course"):
        num[k], bad = to_number(text[k])
        rej.add(bad, f"unreadable {k} (expected a number)")
    rej.add(null_island(num["lat"], num["lon"]), NULL_ISLAND_REASON)
    frame = pd.DataFrame({
        "time": time,
        "lat": num["lat"],
        "lon": num["lon"],
        "gs_kt": ms_to_kt(num["speed"]),
        "track_deg": num["course"],
        "new_leg": np.asarray(leg, dtype=bool),
    })
    column = _ALT_REFS[alt_ref]
    if column:
        frame[column] = m_to_ft(num["ele"])
    if hexid:
        frame["icao24"] = hexid
    if callsign:
        frame["callsign"] = str(callsign).strip()
    shown = pd.DataFrame({k: text[k] for k in ("time", "lat", "lon", "ele")})
    kept, rejected = rej.split(frame, records, shown=shown)
    return Parsed(kept, records_read=n, rejected=rejected)


FORMATS = [Format("gpx", "GPX 1.0/1.1 track points (trkpt with time; ele in metres)", sniff, read, priority=60)]
