"""readsb / tar1090 trace files (`trace_full_<hex>.json`, `trace_recent_<hex>.json`).

Used by ADS-B Exchange, adsb.lol, airplanes.live, adsb.fi and every tar1090 globe site. Each point is an
array: [dt_s, lat, lon, alt_ft|"ground"|null, gs_kt, track_deg, flags, vrate_fpm, details|null,
source_type, alt_geom_ft, geom_rate_fpm, ias_kt, roll_deg]; 9-element points come from files written
before 2022. Flags: 1 stale, 2 new leg, 4 vertical rate is geometric, 8 altitude is geometric.
Absolute time = top-level `timestamp` + point[0] (archived files: midnight UTC; live files cross midnight).
The top level's `r`, `t`, `desc`, `ownOp`, `year` and `dbFlags` (readsb's aircraft database, copied into the
file) are the aircraft's identity as the file gives it (`Parsed.aircraft`).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, zip_longest
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracks.errors import TrackFormatError
from tracks.formats._values import seconds_to_time
from tracks.formats.base import FileAircraft, Format, Parsed, RawFile, is_icao_hex, readsb_source
from tracks.schema import SOURCE_DTYPE, STRING_DTYPE

FLAG_STALE, FLAG_NEW_LEG, FLAG_GEOM_RATE, FLAG_GEOM_ALT = 1, 2, 4, 8


def sniff(raw: RawFile) -> bool:
    if raw.head.lstrip()[:1] != b"{" or (b'"trace"' not in raw.data[:1 << 20] and b'"trace"' not in raw.data[-(1 << 20):]):
        return False
    doc = raw.try_json()
    return isinstance(doc, dict) and isinstance(doc.get("trace"), list) and "timestamp" in doc


def _numeric(values: tuple[Any, ...] | np.ndarray, bools_possible: bool = True) -> np.ndarray:
    """Numbers as float64; anything else (None, strings, bools) as NaN.

    When the file holds no JSON boolean at all (`bools_possible` False), Arrow converts a column of
    numbers and nulls in C; a column holding anything else (e.g. "ground") takes the per-value path, so the
    result is the same either way.
    """
    if not bools_possible and len(values):
        try:
            arr = pa.array(values, type=pa.float64())
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
        else:
            return np.asarray(pc.fill_null(arr, np.nan).to_numpy(zero_copy_only=False), dtype="float64")
    return np.fromiter(
        (v if type(v) is float else float(v) if type(v) is int else np.nan for v in values),
        dtype="float64",
        count=len(values),
    )


def _carried(details: np.ndarray, key: str, strip: bool, starts: np.ndarray, owner: np.ndarray) -> pa.Array:
    """details[key] carried forward within each trace from the last detail object that had it (strings; ''
    = absent when strip). `starts`: index of each trace's first point; `owner`: each point's trace."""
    n = len(details)
    rows = np.flatnonzero(details != None)  # noqa: E711  (elementwise: which points carry a details object)
    found: list[int] = []
    values: list[str] = []
    for i in rows:
        d = details[i]
        v = d.get(key) if isinstance(d, dict) else None
        if v is None or (strip and not isinstance(v, str)):
            continue
        text = v.strip() if strip else str(v)
        if not text:
            continue
        found.append(int(i))
        values.append(text)
    if not found:
        return pa.nulls(n, pa.string())
    last = np.full(n, -1, dtype="int64")
    idx = np.asarray(found, dtype="int64")
    last[idx] = idx
    last = np.maximum.accumulate(last) if n else last
    pos = np.full(n, len(values), dtype="int64")  # null unless a value of the same trace came before
    same_trace = last >= starts[owner]
    rank = np.searchsorted(idx, last[same_trace])
    pos[same_trace] = rank
    table = pa.array([*values, None], pa.string())
    return pc.take(table, pa.array(pos))


_SOURCE_CODES = {name: i for i, name in enumerate(SOURCE_DTYPE.categories)}


def _sources(types: tuple[Any, ...]) -> np.ndarray:
    """readsb `type` strings -> codes of the schema's source categories, mapping each distinct value once."""
    try:
        enc = pc.dictionary_encode(pa.array(types, type=pa.string()))
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # something other than strings and nulls: value by value
        return np.array([_SOURCE_CODES[readsb_source(t)] for t in types], dtype="int8")
    mapped = np.array([_SOURCE_CODES[readsb_source(u)] for u in enc.dictionary.to_pylist()]
                      + [_SOURCE_CODES["unknown"]], dtype="int8")
    codes = np.asarray(pc.fill_null(enc.indices, len(mapped) - 1).to_numpy(zero_copy_only=False), dtype="int64")
    return mapped[codes]


@dataclass
class TraceHeader:
    """One trace's top-level values and its usable points (see `header`). `db_flags`: readsb database bits
    (1 military, 2 interesting, 4 PIA, 8 LADD; None = absent); `aircraft`: the header's identity values
    (`r`, `t`, `desc`, `ownOp`, `year`, `dbFlags`) for the track's identity, None when it has none."""

    icao: str
    t0: float
    registration: str | None
    aircraft_type: str | None
    db_flags: int | None
    records_read: int
    rejected: list[tuple[int, str, str]]
    records: np.ndarray
    points: list[Any]
    illustrative: bool = False
    note: str = ""
    aircraft: FileAircraft | None = None


@dataclass
class TraceColumns:
    """The points of one or many traces decoded into canonical units, concatenated (see `decode_many`):
    `lengths[k]` points of trace `headers[k]`, in order. `time_ns` holds integer nanoseconds since the epoch
    (NaT as int64 min); `source` codes index `SOURCE_DTYPE.categories`; `on_ground_known` is False where the
    export does not say."""

    headers: list[TraceHeader]
    lengths: np.ndarray
    record: np.ndarray
    time_ns: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    alt_baro_ft: np.ndarray
    alt_geom_ft: np.ndarray
    on_ground: np.ndarray
    on_ground_known: np.ndarray
    gs_kt: np.ndarray
    track_deg: np.ndarray
    vrate_fpm: np.ndarray
    source: np.ndarray
    stale: np.ndarray
    new_leg: np.ndarray
    callsign: pa.Array
    squawk: pa.Array


def _text_or_none(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def header(doc: Any, path: str) -> TraceHeader:
    """A parsed trace object's top-level values and usable points; TrackFormatError naming `path` when the
    object is not a trace. Points that are not arrays of at least 9 values are rejected with a reason."""
    if not isinstance(doc, dict) or not isinstance(doc.get("trace"), list):
        raise TrackFormatError(path, "no 'trace' array", expected="a readsb trace object")
    try:
        t0 = float(doc["timestamp"])
    except (KeyError, TypeError, ValueError):
        raise TrackFormatError(path, f"bad 'timestamp' {doc.get('timestamp')!r}",
                               expected="Unix seconds (number)") from None
    icao = str(doc.get("icao", "")).strip().lower()
    if not is_icao_hex(icao):
        raise TrackFormatError(path, f"bad 'icao' {doc.get('icao')!r}", expected="6 hex digits, optionally '~'-prefixed")
    trace: list[Any] = doc["trace"]
    if set(map(type, trace)) <= {list}:  # the usual case: lengths in C, no per-point Python code
        lengths = np.fromiter(map(len, trace), dtype=np.int64, count=len(trace))
    else:
        lengths = np.array([len(p) if type(p) is list else -1 for p in trace], dtype=np.int64)
    ok = lengths >= 9
    rejected = [(int(i), "point is not an array of at least 9 values", repr(trace[i])[:200])
                for i in np.flatnonzero(~ok)]
    records = np.flatnonzero(ok) if rejected else np.arange(len(trace))
    db_flags = doc.get("dbFlags")
    return TraceHeader(
        icao=icao, t0=t0, registration=doc.get("r") or None, aircraft_type=_text_or_none(doc.get("t")),
        db_flags=int(db_flags) if type(db_flags) is int else None, records_read=len(trace), rejected=rejected,
        records=records.astype("int64"), points=[trace[i] for i in records] if rejected else trace,
        illustrative=bool(doc.get("illustrative", False)), note=str(doc.get("note", "")),
        aircraft=FileAircraft.from_objects([icao], [doc]))


def _transposed(points: list[Any]) -> list[tuple[Any, ...]]:
    """Points as 14 columns (missing trailing values None: 9-element points of older files)."""
    n = len(points)
    if not n:
        return [()] * 14
    if set(map(len, points)) == {14}:  # the usual case: lengths checked and columns built in C
        return list(zip(*points, strict=True))
    cols = list(zip_longest(*points, fillvalue=None))[:14]
    return cols + [(None,) * n] * (14 - len(cols))


def decode(doc: Any, path: str, bools_possible: bool = True) -> TraceColumns:
    """One parsed trace object -> its points as arrays (see `decode_many`)."""
    return decode_many([header(doc, path)], bools_possible)


def decode_many(headers: list[TraceHeader], bools_possible: bool = True) -> TraceColumns:
    """The points of many traces decoded at once (the one decoding of readsb traces: `read` and batch loads
    and the history ingest call it): per-value conversions run once over all the points, not per file.
    `bools_possible` False (no JSON true/false in the data) lets numbers convert in C."""
    lengths = np.array([len(h.points) for h in headers], dtype=np.int64)
    n = int(lengths.sum())
    cols = _transposed(list(chain.from_iterable(h.points for h in headers)))  # all the traces' points at once
    owner = np.repeat(np.arange(len(headers)), lengths)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(headers) else np.zeros(0, dtype=np.int64)

    def num(k: int) -> np.ndarray:
        return _numeric(cols[k], bools_possible)

    dt = num(0)
    t0 = np.array([h.t0 for h in headers], dtype="float64")[owner] if n else np.zeros(0)
    time = seconds_to_time((np.round(t0 * 1000.0) + np.round(dt * 1000.0)) / 1000.0, decimals=3)
    alt_raw = np.array(cols[3], dtype=object)
    ground = np.asarray(alt_raw == "ground", dtype=bool) if n else np.zeros(0, dtype=bool)
    if ground.any():
        alt_raw[ground] = None  # "ground" is not a number: the altitude is unknown (on_ground says the rest)
    alt = _numeric(alt_raw, bools_possible)
    flags = np.nan_to_num(num(6), nan=0).astype("int64")
    geom_alt = (flags & FLAG_GEOM_ALT) != 0
    alt_geom = num(10)
    alt_geom = np.where(geom_alt & np.isnan(alt_geom), alt, alt_geom)
    alt_baro = np.where(geom_alt, np.nan, alt)
    details = np.array(cols[8], dtype=object)
    return TraceColumns(
        headers=headers,
        lengths=lengths,
        record=np.concatenate([h.records for h in headers]) if headers else np.zeros(0, dtype=np.int64),
        time_ns=time.array.asi8,
        lat=num(1),
        lon=num(2),
        alt_baro_ft=alt_baro,
        alt_geom_ft=alt_geom,
        on_ground=ground,
        on_ground_known=ground | ~np.isnan(alt),
        gs_kt=num(4),
        track_deg=num(5),
        vrate_fpm=num(7),
        source=_sources(cols[9]),
        stale=(flags & FLAG_STALE) != 0,
        new_leg=(flags & FLAG_NEW_LEG) != 0,
        callsign=_carried(details, "flight", True, starts, owner),
        squawk=_carried(details, "squawk", False, starts, owner),
    )


def read(raw: RawFile) -> Parsed:
    c = decode(raw.json(), raw.path, b"true" in raw.data or b"false" in raw.data)
    h = c.headers[0]
    n = len(c.record)
    frame = pd.DataFrame(
        {
            "time": pd.Series(c.time_ns.view("datetime64[ns]"), copy=False).dt.tz_localize("UTC"),
            "icao24": pd.Series(pd.array(pa.repeat(h.icao, n), dtype=STRING_DTYPE)),
            "callsign": pd.Series(pd.array(c.callsign, dtype=STRING_DTYPE)),
            "registration": pd.Series(pd.array(pa.repeat(pa.scalar(h.registration, pa.string()), n), dtype=STRING_DTYPE)),
            "lat": c.lat,
            "lon": c.lon,
            "alt_baro_ft": c.alt_baro_ft,
            "alt_geom_ft": c.alt_geom_ft,
            "on_ground": pd.arrays.BooleanArray(c.on_ground, ~c.on_ground_known),
            "gs_kt": c.gs_kt,
            "track_deg": c.track_deg,
            "vrate_fpm": c.vrate_fpm,
            "squawk": pd.Series(pd.array(c.squawk, dtype=STRING_DTYPE)),
            "source": pd.Categorical.from_codes(c.source, dtype=SOURCE_DTYPE),
            "stale": c.stale,
            "new_leg": c.new_leg,
            "record": c.record,
        },
        copy=False,
    )
    return Parsed(frame=frame, records_read=h.records_read, rejected=h.rejected, illustrative=h.illustrative,
                  note=h.note, aircraft=h.aircraft)


FORMATS = [
    Format(
        name="readsb-trace",
        description="readsb/tar1090 trace_full or trace_recent JSON (ADS-B Exchange, adsb.lol, airplanes.live, adsb.fi)",
        sniff=sniff,
        read=read,
        priority=10,
    )
]
