"""readsb / tar1090 trace files (`trace_full_<hex>.json`, `trace_recent_<hex>.json`).

Used by ADS-B Exchange, adsb.lol, airplanes.live, adsb.fi and every tar1090 globe site. Each point is an
array: [dt_s, lat, lon, alt_ft|"ground"|null, gs_kt, track_deg, flags, vrate_fpm, details|null,
source_type, alt_geom_ft, geom_rate_fpm, ias_kt, roll_deg]; 9-element points come from files written
before 2022. Flags: 1 stale, 2 new leg, 4 vertical rate is geometric, 8 altitude is geometric.
Absolute time = top-level `timestamp` + point[0] (archived files: midnight UTC; live files cross midnight).
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

import numpy as np
import pandas as pd

from tracks.errors import TrackFormatError
from tracks.formats.base import Format, Parsed, RawFile, readsb_source

FLAG_STALE, FLAG_NEW_LEG, FLAG_GEOM_RATE, FLAG_GEOM_ALT = 1, 2, 4, 8


def sniff(raw: RawFile) -> bool:
    if raw.head.lstrip()[:1] != b"{" or (b'"trace"' not in raw.data[:1 << 20] and b'"trace"' not in raw.data[-(1 << 20):]):
        return False
    doc = raw.try_json()
    return isinstance(doc, dict) and isinstance(doc.get("trace"), list) and "timestamp" in doc


def _numeric(values: tuple[Any, ...]) -> np.ndarray:
    """Numbers as float64; anything else (None, strings, bools) as NaN."""
    return np.fromiter(
        (v if type(v) is float else float(v) if type(v) is int else np.nan for v in values),
        dtype="float64",
        count=len(values),
    )


def read(raw: RawFile) -> Parsed:
    doc = raw.json()
    if not isinstance(doc, dict) or not isinstance(doc.get("trace"), list):
        raise TrackFormatError(raw.path, "no 'trace' array", expected="a readsb trace object")
    try:
        t0 = float(doc["timestamp"])
    except (KeyError, TypeError, ValueError):
        raise TrackFormatError(raw.path, f"bad 'timestamp' {doc.get('timestamp')!r}",
                               expected="Unix seconds (number)") from None
    icao = str(doc.get("icao", "")).strip().lower()
    if not _is_hex(icao):
        raise TrackFormatError(raw.path, f"bad 'icao' {doc.get('icao')!r}", expected="6 hex digits, optionally '~'-prefixed")
    trace: list[Any] = doc["trace"]
    ok = [isinstance(p, list) and len(p) >= 9 for p in trace]
    rejected = [(i, "point is not an array of at least 9 values", repr(p)[:200]) for i, p in enumerate(trace) if not ok[i]]
    records = np.flatnonzero(ok) if rejected else np.arange(len(trace))
    points = [trace[i] for i in records] if rejected else trace
    n = len(points)
    cols = list(zip_longest(*points, fillvalue=None)) if n else []
    cols += [(None,) * n] * (14 - len(cols))

    dt = _numeric(cols[0])
    ms = np.round(t0 * 1000.0) + np.round(dt * 1000.0)
    time = pd.to_datetime(pd.Series(ms), unit="ms", utc=True, errors="coerce")
    alt_raw = cols[3]
    ground = np.fromiter((a == "ground" for a in alt_raw), dtype=bool, count=n)
    alt = _numeric(alt_raw)
    flags = np.nan_to_num(_numeric(cols[6]), nan=0).astype("int64")
    geom_alt = (flags & FLAG_GEOM_ALT) != 0
    alt_geom = _numeric(cols[10])
    alt_geom = np.where(geom_alt & np.isnan(alt_geom), alt, alt_geom)
    alt_baro = np.where(geom_alt, np.nan, alt)
    on_ground = pd.array(np.where(ground, True, np.where(np.isnan(alt), pd.NA, False)), dtype="boolean")

    details = cols[8]
    callsign = pd.Series([d.get("flight") if isinstance(d, dict) else None for d in details], dtype="object")
    squawk = pd.Series([d.get("squawk") if isinstance(d, dict) else None for d in details], dtype="object")
    callsign = callsign.str.strip().replace("", None).ffill()
    squawk = squawk.ffill()
    src = [readsb_source(s) for s in cols[9]]
    frame = pd.DataFrame(
        {
            "time": time,
            "icao24": icao,
            "callsign": callsign,
            "registration": doc.get("r") or None,
            "lat": _numeric(cols[1]),
            "lon": _numeric(cols[2]),
            "alt_baro_ft": alt_baro,
            "alt_geom_ft": alt_geom,
            "on_ground": on_ground,
            "gs_kt": _numeric(cols[4]),
            "track_deg": _numeric(cols[5]),
            "vrate_fpm": _numeric(cols[7]),
            "squawk": squawk,
            "source": src,
            "stale": (flags & FLAG_STALE) != 0,
            "new_leg": (flags & FLAG_NEW_LEG) != 0,
            "record": records.astype("int64"),
        }
    )
    return Parsed(
        frame=frame,
        records_read=len(trace),
        rejected=rejected,
        illustrative=bool(doc.get("illustrative", False)),
        note=str(doc.get("note", "")),
    )


def _is_hex(s: str) -> bool:
    h = s[1:] if s.startswith("~") else s
    return len(h) == 6 and all(c in "0123456789abcdef" for c in h)


FORMATS = [
    Format(
        name="readsb-trace",
        description="readsb/tar1090 trace_full or trace_recent JSON (ADS-B Exchange, adsb.lol, airplanes.live, adsb.fi)",
        sniff=sniff,
        read=read,
        priority=10,
    )
]
