"""readsb / dump1090 `aircraft.json` snapshots and the "v2" REST JSON of ADSBx, adsb.lol, airplanes.live, adsb.fi.

Both are *snapshots*: one object per aircraft at one instant `now`. Many snapshot files of one aircraft load
into one Track; one snapshot of many aircraft loads as a Traffic table.

Envelopes:

- `aircraft.json` (readsb, dump1090-fa, dump1090-mutability, ADSBx `readsb-hist`):
  ``{"now": <s>, "messages": n, "aircraft": [...]}``.
- v2 REST (readsb ``&jv2``): ``{"ac": [...] | null, "msg": "No error", "now": <ms>, "total": n, ...}``.
- ADSBx gateway single-hex answer: one aircraft object carrying its own ``now``.

``now`` is seconds in aircraft.json and milliseconds in v2; it is told apart by magnitude (> 1e11 = ms),
never by the envelope. An aircraft's own ``now`` overrides the envelope's.

Per aircraft:

- The position time is ``now - seen_pos`` (s), not ``now``: positions can be up to 60 s old (ADS-C: 40 min).
  A position without ``seen_pos`` has no known time and is rejected ("no seen_pos (position time unknown)").
- ``alt_baro`` (legacy ``altitude``) is feet or ``"ground"`` -> ``on_ground`` True, ``alt_baro_ft`` NaN;
  ``alt_geom`` ft; ``gs`` (legacy ``speed``) kt; ``track`` deg; ``baro_rate`` (else ``geom_rate``, legacy
  ``vert_rate``) ft/min. No unit conversion is needed.
- ``type`` -> `source` (see docs/schema.md). Without ``type`` (dump1090-fa, legacy dump1090), the ``mlat`` /
  ``tisb`` field lists say whether ``lat`` came from MLAT / TIS-B; otherwise the position is ADS-B
  (the only other position source those decoders have); without those lists the source is ``unknown``.
- ``rr_lat`` / ``rr_lon`` are a rough guess from receiver locations, **never a position**: an aircraft with
  only those (or with nothing) is rejected with reason "no position".
- ``r``, ``t``, ``desc``, ``ownOp``, ``year`` and ``dbFlags`` (readsb with its aircraft database) are the
  aircraft's identity as the file gives it (`Parsed.aircraft`, read by `tracks.aircraft` into the identity).
- ``lastPosition`` (readsb, when the regular position is older than 60 s): kept by default as a row at
  ``now - lastPosition.seen_pos`` with only its latitude/longitude (the aircraft's altitude, speed and
  track in the object describe ``now``, not that moment, so they are left unknown), ``stale`` True and
  source ``unknown``. Pass ``last_position=False`` to reject them instead ("lastPosition only ...").
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from tracks.errors import TrackFormatError
from tracks.formats._values import numeric, seconds_to_time, text
from tracks.formats.base import FileAircraft, Format, Parsed, RawFile, is_icao_hex, readsb_source

_MS_THRESHOLD = 1e11  # `now` above this is milliseconds (1e11 s is the year 5138)


def _doc(raw: RawFile) -> Any:
    if raw.head.lstrip()[:1] != b"{":
        return None
    return raw.try_json()


def sniff_aircraft_json(raw: RawFile) -> bool:
    if raw.head.lstrip()[:1] != b"{" or b'"aircraft"' not in raw.data:
        return False
    doc = _doc(raw)
    return isinstance(doc, dict) and isinstance(doc.get("aircraft"), list) and "now" in doc


def sniff_v2(raw: RawFile) -> bool:
    if raw.head.lstrip()[:1] != b"{" or (b'"ac"' not in raw.data and b'"hex"' not in raw.data):
        return False
    doc = _doc(raw)
    if not isinstance(doc, dict) or "now" not in doc:
        return False
    if "ac" in doc:
        return doc["ac"] is None or isinstance(doc["ac"], list)
    return isinstance(doc.get("hex"), str) and "aircraft" not in doc


def _envelope(raw: RawFile) -> tuple[list[Any], Any]:
    """(aircraft objects, envelope `now`) for any of the three envelopes."""
    doc = raw.json()
    if not isinstance(doc, dict):
        raise TrackFormatError(raw.path, f"top level is a JSON {type(doc).__name__}",
                               expected='an object with "aircraft" or "ac" and "now"')
    if "aircraft" in doc:
        aircraft = doc["aircraft"]
    elif "ac" in doc:
        aircraft = doc["ac"] if doc["ac"] is not None else []
    elif isinstance(doc.get("hex"), str):
        aircraft = [doc]
    else:
        raise TrackFormatError(raw.path, "no 'aircraft' or 'ac' array", expected="a readsb aircraft.json or v2 API response")
    if not isinstance(aircraft, list):
        raise TrackFormatError(raw.path, f"'aircraft'/'ac' is a {type(aircraft).__name__}", expected="an array of aircraft objects")
    return aircraft, doc.get("now")


def _now_ms(value: Any) -> float:
    """`now` in milliseconds (NaN when absent or not a number); seconds vs ms by magnitude."""
    if type(value) not in (int, float):
        return np.nan
    try:
        value = float(value)
    except OverflowError:  # an int too large for a float
        return np.nan
    if not math.isfinite(value) or value <= 0:
        return np.nan
    return float(value) if value > _MS_THRESHOLD else float(value) * 1000.0


def _source_without_type(a: dict[str, Any]) -> str:
    mlat, tisb = a.get("mlat"), a.get("tisb")
    if isinstance(mlat, list) and "lat" in mlat:
        return "mlat"
    if isinstance(tisb, list) and "lat" in tisb:
        return "tisb"
    if isinstance(mlat, list) or isinstance(tisb, list):
        return "adsb"
    return "unknown"


def _is_number(v: Any) -> bool:
    return type(v) in (int, float)


def read(raw: RawFile, last_position: bool = True) -> Parsed:
    """Positions from one snapshot; see the module docstring for every rule."""
    aircraft, env_now = _envelope(raw)
    env_ms = _now_ms(env_now)
    rejected: list[tuple[int, str, str]] = []
    regular: list[int] = []  # indices of aircraft with lat/lon
    last: list[int] = []  # indices of aircraft kept through lastPosition
    for i, a in enumerate(aircraft):
        if not isinstance(a, dict):
            rejected.append((i, "aircraft entry is not an object", repr(a)[:200]))
            continue
        hexid = a.get("hex")
        if not isinstance(hexid, str) or not is_icao_hex(hexid.strip().lower()):
            rejected.append((i, "bad or missing hex (expected 6 hex digits)", f"hex={hexid!r}"))
            continue
        now = _now_ms(a["now"]) if "now" in a else env_ms
        if np.isnan(now):
            raise TrackFormatError(raw.path, f"no usable 'now' ({a.get('now', env_now)!r})", where=f"aircraft {i}",
                                   expected="the snapshot time in Unix seconds or milliseconds")
        if _is_number(a.get("lat")) and _is_number(a.get("lon")):
            if _is_number(a.get("seen_pos")):
                regular.append(i)
            else:
                rejected.append((i, "no seen_pos (position time unknown)", f"hex={hexid}, lat={a['lat']}, lon={a['lon']}"))
            continue
        lp = a.get("lastPosition")
        has_lp = isinstance(lp, dict) and all(_is_number(lp.get(k)) for k in ("lat", "lon", "seen_pos"))
        if has_lp and last_position:
            last.append(i)
        elif has_lp:
            rejected.append((i, "lastPosition only (older than 60 s; last_position=False)",
                             f"hex={hexid}, lat={lp['lat']}, lon={lp['lon']}, seen_pos={lp['seen_pos']}"))
        else:
            extra = f", rr_lat={a.get('rr_lat')}, rr_lon={a.get('rr_lon')} (receiver estimate)" if "rr_lat" in a else ""
            rejected.append((i, "no position", f"hex={hexid}{extra}"))

    frame = _regular(aircraft, regular, env_ms)
    if last:
        frame = pd.concat([frame, _last(aircraft, last, env_ms)], ignore_index=True) if len(frame) else _last(aircraft, last, env_ms)
    kept = [aircraft[i] for i in (*regular, *last)]
    identity = FileAircraft.from_objects([a["hex"].strip().lower() for a in kept], kept)
    return Parsed(frame=frame, records_read=len(aircraft), rejected=rejected, aircraft=identity)


def _now_column(objs: list[dict[str, Any]], env_ms: float) -> np.ndarray:
    return np.array([_now_ms(a["now"]) if "now" in a else env_ms for a in objs], dtype="float64")


def _time(now_ms: np.ndarray, seen_pos_s: np.ndarray) -> pd.Series:
    """now (ms) - seen_pos (s), both rounded to whole milliseconds, as UTC times."""
    ms = np.round(now_ms) - np.round(seen_pos_s * 1000.0)
    return seconds_to_time(ms / 1000.0, decimals=3)


def _regular(aircraft: list[Any], idx: list[int], env_ms: float) -> pd.DataFrame:
    objs: list[dict[str, Any]] = [aircraft[i] for i in idx]
    get = _getter(objs)
    alt_raw = [a.get("alt_baro", a.get("altitude")) for a in objs]
    ground = np.array([v == "ground" for v in alt_raw], dtype=bool)
    alt = numeric(alt_raw)
    on_ground = pd.array(np.where(ground, True, np.where(np.isnan(alt), pd.NA, False)), dtype="boolean")
    vrate = numeric(get("baro_rate"))
    for alt_key in ("geom_rate", "vert_rate"):
        vrate = np.where(np.isnan(vrate), numeric(get(alt_key)), vrate)
    gs = numeric(get("gs"))
    gs = np.where(np.isnan(gs), numeric(get("speed")), gs)
    source = [readsb_source(a["type"]) if "type" in a else _source_without_type(a) for a in objs]
    return pd.DataFrame(
        {
            "time": _time(_now_column(objs, env_ms), numeric(get("seen_pos"))),
            "icao24": [a["hex"].strip().lower() for a in objs],
            "callsign": text(get("flight")),
            "registration": text(get("r")),
            "lat": numeric(get("lat")),
            "lon": numeric(get("lon")),
            "alt_baro_ft": alt,
            "alt_geom_ft": numeric(get("alt_geom")),
            "on_ground": on_ground,
            "gs_kt": gs,
            "track_deg": numeric(get("track")),
            "vrate_fpm": vrate,
            "squawk": [_squawk(v) for v in get("squawk")],
            "source": source,
            "stale": np.zeros(len(objs), dtype=bool),
            "record": np.asarray(idx, dtype="int64"),
        }
    )


def _last(aircraft: list[Any], idx: list[int], env_ms: float) -> pd.DataFrame:
    objs: list[dict[str, Any]] = [aircraft[i] for i in idx]
    get = _getter(objs)
    lps = [a["lastPosition"] for a in objs]
    return pd.DataFrame(
        {
            "time": _time(_now_column(objs, env_ms), numeric([p["seen_pos"] for p in lps])),
            "icao24": [a["hex"].strip().lower() for a in objs],
            "callsign": text(get("flight")),
            "registration": text(get("r")),
            "lat": numeric([p["lat"] for p in lps]),
            "lon": numeric([p["lon"] for p in lps]),
            "on_ground": pd.array([pd.NA] * len(objs), dtype="boolean"),
            "squawk": [_squawk(v) for v in get("squawk")],
            "source": ["unknown"] * len(objs),
            "stale": np.ones(len(objs), dtype=bool),
            "record": np.asarray(idx, dtype="int64"),
        }
    )


def _getter(objs: list[dict[str, Any]]) -> Any:
    def get(key: str) -> list[Any]:
        return [a.get(key) for a in objs]

    return get


def _squawk(v: Any) -> str | None:
    if isinstance(v, str):
        return v.strip() or None
    if type(v) is int and 0 <= v <= 7777:
        return f"{v:04d}"
    return None


FORMATS = [
    Format(
        name="readsb-aircraft-json",
        description="readsb / dump1090 aircraft.json snapshot ({now (s), aircraft: [...]}), incl. ADSBx readsb-hist",
        sniff=sniff_aircraft_json,
        read=read,
        priority=20,
        multi_aircraft=True,
    ),
    Format(
        name="readsb-v2-json",
        description="v2 REST API response ({ac: [...], now (ms), msg, total}) of ADSBx, adsb.lol, airplanes.live, adsb.fi",
        sniff=sniff_v2,
        read=read,
        priority=21,
        multi_aircraft=True,
    ),
]
