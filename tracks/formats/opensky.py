"""OpenSky Network: REST `/tracks/all` and `/states/all` JSON, historical state vectors as CSV and Parquet.

Units: OpenSky gives altitudes in **metres** and speeds / vertical rates in **m/s**; they are converted
to ft, kt and ft/min by `tracks.units` (m_to_ft, ms_to_kt, ms_to_fpm).

- `/tracks/all`: ``{"icao24", "startTime", "endTime", "callsign", "path": [[time s, lat, lon, baro_altitude m,
  true_track deg, on_ground], ...]}`` (lat before lon). The waypoints are *simplified* by OpenSky (>= 1 per
  15 min, plus turns > 2.5 deg, altitude changes > 100 m, ground changes): a border can be crossed between them.
- `/states/all`: ``{"time": s, "states": [[icao24, callsign, origin_country, time_position, last_contact,
  **lon, lat**, baro_altitude m, on_ground, velocity m/s, true_track, vertical_rate m/s, sensors,
  geo_altitude m, squawk, spi, position_source(, category)], ...] | null}``. The row time is
  ``time_position`` (when the position was received), not ``last_contact`` nor the response ``time``.
  Vectors without a position are rejected with a reason. 18-element vectors from before ~2018 have
  ``alert`` at 15 (so ``position_source`` at 17); they are told apart from ``extended=1`` vectors
  (``category`` at 17) by ``spi`` being a boolean at 16. ``position_source`` 0 ADS-B -> adsb, 2 MLAT -> mlat,
  1 ASTERIX and 3 FLARM -> other.
- Historical state vectors (Trino/Impala ``state_vectors_data4``; weekly CSV dumps; pyopensky/traffic Parquet
  caches): one row per aircraft per second, carrying the *last known* position, which OpenSky repeats for up
  to 300 s after the last contact. The row time is ``lastposupdate`` (the time the position was received,
  rounded to the microsecond), not ``time``. With ``repeats="drop"`` (default) every later row with the same
  (icao24, lastposupdate) is removed and counted in `rejected` with reason "repeated position (lastposupdate
  unchanged)"; with ``repeats="keep"`` those rows are kept (same time and position) with ``stale`` True. Files
  without a ``lastposupdate`` column fall back to ``time`` and treat rows more than 15 s after
  ``lastcontact`` as repeats (reason "no contact for > 15 s (position repeated)"). Historical vectors do not
  say how a position was obtained: ``source`` is ``unknown``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from itertools import zip_longest
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tracks.errors import TrackFormatError
from tracks.formats._mapped import content, done_reading
from tracks.formats._tabular import RejectedRecords
from tracks.formats._values import (
    NAT_US,
    TextRows,
    floats,
    nullable_bool,
    numeric,
    seconds_to_time,
    seconds_to_us,
    take_text,
    text,
    us_to_time,
)
from tracks.formats.base import Format, Parsed, RawFile, is_icao_hex
from tracks.schema import STRING_DTYPE
from tracks.units import m_to_ft, ms_to_fpm, ms_to_kt

_PARALLEL_MIN_ROWS = 50_000  # tables at least this long convert their columns on the pool
_WORKERS = max(2, min(8, os.cpu_count() or 2))  # threads of the column pool (`_column_pool`)
REPEAT_REASON = "repeated position (lastposupdate unchanged)"
NO_CONTACT_REASON = "no contact for > 15 s (position repeated)"
CONTACT_TIMEOUT_S = 15.0  # OpenSky: a vector more than 15 s after last contact is a repeat of the last position
_POSITION_SOURCE = {0: "adsb", 1: "other", 2: "mlat", 3: "other"}

_DICT = pa.dictionary(pa.int32(), pa.string())  # few distinct values: parsed straight into a dictionary
# Historical state-vector columns we read, with their Arrow types (None = infer: `time` may be epoch or text).
_HIST_TYPES: dict[str, pa.DataType | None] = {
    "time": None, "icao24": _DICT, "lat": pa.float64(), "lon": pa.float64(), "velocity": pa.float64(),
    "heading": pa.float64(), "vertrate": pa.float64(), "callsign": _DICT, "onground": pa.bool_(),
    "squawk": _DICT, "baroaltitude": pa.float64(), "geoaltitude": pa.float64(),
    "lastposupdate": None, "lastcontact": None,
}
_HIST_REQUIRED = ("time", "icao24", "lat", "lon")
_HIST_MARKERS = ("lastposupdate", "lastcontact", "baroaltitude", "geoaltitude", "vertrate")
_READ = pacsv.ReadOptions(block_size=4 << 20)  # 4 MiB blocks (default 1): less per-block work, still parallel
_BOOLS = {"true": True, "t": True, "1": True, "false": False, "f": False, "0": False}
_NULLS = ["", "NaN", "nan", "NULL", "null", "None", "\\N"]


# --------------------------------------------------------------------------------------------- REST JSON
def _json_doc(raw: RawFile, key: bytes) -> Any:
    if raw.head.lstrip()[:1] != b"{" or key not in raw.data:
        return None
    return raw.try_json()


def sniff_tracks(raw: RawFile) -> bool:
    doc = _json_doc(raw, b'"path"')
    return isinstance(doc, dict) and isinstance(doc.get("path"), list) and "icao24" in doc


def sniff_states(raw: RawFile) -> bool:
    doc = _json_doc(raw, b'"states"')
    return isinstance(doc, dict) and "states" in doc and (doc["states"] is None or isinstance(doc["states"], list)) and "time" in doc


def _columns(rows: list[list[Any]], width: int) -> list[tuple[Any, ...]]:
    cols = list(zip_longest(*rows, fillvalue=None)) if rows else []
    return cols + [(None,) * len(rows)] * (width - len(cols))


def _on_ground(values: tuple[Any, ...]) -> pd.arrays.BooleanArray:
    return pd.array([v if isinstance(v, bool) else pd.NA for v in values], dtype="boolean")


def read_tracks(raw: RawFile) -> Parsed:
    """`/tracks/all` waypoints; see the module docstring."""
    doc = raw.json()
    if not isinstance(doc, dict) or not isinstance(doc.get("path"), list):
        raise TrackFormatError(raw.path, "no 'path' array", expected="an OpenSky /tracks/all response")
    icao = doc.get("icao24")
    if not isinstance(icao, str) or not is_icao_hex(icao.strip().lower()):
        raise TrackFormatError(raw.path, f"bad 'icao24' {icao!r}", expected="6 hex digits")
    path: list[Any] = doc["path"]
    ok = [isinstance(p, list) and len(p) >= 3 for p in path]
    rejected = [(i, "waypoint is not an array [time, lat, lon, baro_altitude, true_track, on_ground]", repr(p)[:200])
                for i, p in enumerate(path) if not ok[i]]
    records = np.flatnonzero(ok) if rejected else np.arange(len(path))
    rows = [path[i] for i in records] if rejected else path
    cols = _columns(rows, 6)
    callsign = doc.get("callsign", doc.get("calllsign"))
    frame = pd.DataFrame(
        {
            "time": seconds_to_time(numeric(cols[0])),
            "icao24": icao.strip().lower(),
            "callsign": callsign.strip() or None if isinstance(callsign, str) else None,
            "lat": numeric(cols[1]),
            "lon": numeric(cols[2]),
            "alt_baro_ft": m_to_ft(numeric(cols[3])),
            "track_deg": numeric(cols[4]),
            "on_ground": _on_ground(cols[5]),
            "record": records.astype("int64"),
        }
    )
    note = "OpenSky /tracks waypoints are simplified (>= 1 per 15 min, turns, altitude and ground changes)"
    return Parsed(frame=frame, records_read=len(path), rejected=rejected, note=note)


def read_states(raw: RawFile) -> Parsed:
    """`/states/all` (or `/states/own`) state vectors; see the module docstring."""
    doc = raw.json()
    if not isinstance(doc, dict) or "states" not in doc:
        raise TrackFormatError(raw.path, "no 'states' array", expected="an OpenSky /states/all response")
    states = doc["states"] if doc["states"] is not None else []
    if not isinstance(states, list):
        raise TrackFormatError(raw.path, f"'states' is a {type(states).__name__}", expected="an array of state vectors")
    rejected: list[tuple[int, str, str]] = []
    keep: list[int] = []
    for i, s in enumerate(states):
        if not isinstance(s, list) or len(s) < 17:
            n = len(s) if isinstance(s, list) else type(s).__name__
            rejected.append((i, "state vector is not an array of 17 or 18 values", f"{n}: {repr(s)[:200]}"))
        elif not (isinstance(s[0], str) and is_icao_hex(s[0].strip().lower())):
            rejected.append((i, "bad icao24 (expected 6 hex digits)", f"icao24={s[0]!r}"))
        elif s[5] is None or s[6] is None:
            rejected.append((i, "no position (longitude/latitude null)", f"icao24={s[0]}, last_contact={s[4]}"))
        elif s[3] is None:
            rejected.append((i, "no position time (time_position null)", f"icao24={s[0]}, lat={s[6]}, lon={s[5]}"))
        else:
            keep.append(i)
    rows = [states[i] for i in keep]
    cols = _columns(rows, 18)
    legacy = [len(r) >= 18 and isinstance(r[16], bool) for r in rows]  # 2017 layout: alert, spi, position_source
    source = [_POSITION_SOURCE.get(r[17] if old else r[16], "unknown") if type(r[17] if old else r[16]) is int else "unknown"
              for r, old in zip(rows, legacy, strict=True)]
    frame = pd.DataFrame(
        {
            "time": seconds_to_time(numeric(cols[3])),
            "icao24": [r[0].strip().lower() for r in rows],
            "callsign": text(cols[1]),
            "lat": numeric(cols[6]),
            "lon": numeric(cols[5]),
            "alt_baro_ft": m_to_ft(numeric(cols[7])),
            "alt_geom_ft": m_to_ft(numeric(cols[13])),
            "on_ground": _on_ground(cols[8]),
            "gs_kt": ms_to_kt(numeric(cols[9])),
            "track_deg": numeric(cols[10]),
            "vrate_fpm": ms_to_fpm(numeric(cols[11])),
            "squawk": text(cols[14]),
            "source": source,
            "record": np.asarray(keep, dtype="int64"),
        }
    )
    return Parsed(frame=frame, records_read=len(states), rejected=rejected)


# ----------------------------------------------------------------------------------- historical vectors
def _header_names(raw: RawFile) -> list[str]:
    line = raw.head.split(b"\n", 1)[0].strip()
    try:
        text_line = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    return [c.strip().strip('"').strip().lower() for c in text_line.split(",")]


def _looks_historical(names: list[str]) -> bool:
    s = set(names)
    return all(c in s for c in _HIST_REQUIRED) and any(c in s for c in _HIST_MARKERS)


def sniff_csv(raw: RawFile) -> bool:
    return raw.head[:1] not in (b"{", b"[", b"<") and _looks_historical(_header_names(raw))


def sniff_parquet(raw: RawFile) -> bool:
    if raw.head[:4] != b"PAR1":
        return False
    try:
        names = pq.read_schema(pa.BufferReader(content(raw))).names
    except (pa.ArrowException, OSError, ValueError):
        return False
    return _looks_historical([n.lower() for n in names])


def read_csv(raw: RawFile, repeats: str = "drop") -> Parsed:
    """Historical state vectors as CSV (OpenSky dumps, Trino/Impala exports); see the module docstring."""
    _check_repeats(raw, repeats)
    names = _header_names(raw)
    if not _looks_historical(names):
        raise TrackFormatError(raw.path, f"the header ({len(names)} columns) lacks OpenSky columns", where="line 1",
                               expected="time, icao24, lat, lon and lastposupdate/baroaltitude/...")
    original = {n: c for n, c in zip(names, _raw_header(raw), strict=False)}
    wanted = [original[n] for n in _used_columns(original)]
    types = {original[n]: t for n, t in _HIST_TYPES.items() if n in original and t is not None}
    convert = pacsv.ConvertOptions(
        include_columns=wanted, column_types=types, null_values=_NULLS, strings_can_be_null=True,
        quoted_strings_can_be_null=True, true_values=["true", "True", "TRUE", "t", "1"],
        false_values=["false", "False", "FALSE", "f", "0"],
    )
    rejected: list[tuple[int, str, str]] = []
    try:
        table = pacsv.read_csv(pa.BufferReader(content(raw)), read_options=_READ, convert_options=convert)
    except pa.ArrowInvalid as e:
        if "CSV parse error" in str(e):
            raise _parse_error(raw, e) from None
        table, rejected = _read_csv_leniently(raw, wanted, types)
    done_reading(raw)
    table = table.rename_columns([c.lower() for c in table.column_names])
    parsed = _historical(table, raw, repeats)
    if rejected:
        parsed.rejected = rejected + parsed.rejected
        parsed.records_read += len(rejected)
    return parsed


def read_parquet(raw: RawFile, repeats: str = "drop") -> Parsed:
    """Historical state vectors as Parquet (pyopensky / traffic cache, Trino export); see the module docstring."""
    _check_repeats(raw, repeats)
    try:
        schema = pq.read_schema(pa.BufferReader(content(raw)))
        lower = {n.lower(): n for n in schema.names}
        if not _looks_historical(list(lower)):
            raise TrackFormatError(raw.path, f"columns {schema.names[:20]} lack OpenSky columns",
                                   expected="time, icao24, lat, lon and lastposupdate/baroaltitude/...")
        table = pq.read_table(pa.BufferReader(content(raw)), columns=[lower[n] for n in _used_columns(lower)])
    except (pa.ArrowException, OSError) as e:
        raise TrackFormatError(raw.path, f"unreadable Parquet file ({e})", expected="a complete Parquet file") from None
    done_reading(raw)
    table = _parquet_columns(table.rename_columns([c.lower() for c in table.column_names]), raw)
    return _historical(table, raw, repeats)


def _parquet_columns(table: pa.Table, raw: RawFile) -> pa.Table:
    """The state-vector columns of a Parquet table with the types the reader expects: an integer `icao24` (the
    24-bit address stored as a number) as 6 lower-case hex digits; TrackFormatError naming the column when one
    holds lists, structs or values that do not convert (e.g. text in `lat`)."""
    for name in table.column_names:
        col = table[name]
        kind = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
        if pa.types.is_nested(kind):
            raise TrackFormatError(raw.path, f"holds {kind} values", where=f"column {name}",
                                   expected="one number, time or text per row")
        if name == "icao24" and pa.types.is_integer(kind):
            table = table.set_column(table.column_names.index(name), name, icao_hex(col))
            continue
        want = _HIST_TYPES.get(name)
        if want is not None and not pa.types.is_dictionary(want) and kind != want:
            try:
                table = table.set_column(table.column_names.index(name), name, pc.cast(col, want))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                raise TrackFormatError(raw.path, f"holds {kind} values that are not {want}",
                                       where=f"column {name}", expected=f"{want} values") from None
    return table


def icao_hex(column: pa.ChunkedArray) -> pa.Array:
    """24-bit addresses stored as integers -> 6 lower-case hex digits ('0d8373'); values outside 0..0xFFFFFF
    become null (no address)."""
    values = np.asarray(pc.fill_null(column, -1).to_numpy(zero_copy_only=False), dtype="int64")
    valid = (values >= 0) & (values <= 0xFFFFFF)
    nibbles = (np.where(valid, values, 0)[:, None] >> np.arange(20, -1, -4)) & 0xF
    text = np.frombuffer(b"0123456789abcdef", dtype="S1")[nibbles].view("S6").ravel()
    return pc.cast(pa.array(text, pa.binary(6), mask=~valid), pa.string())


def _used_columns(present: Iterable[str]) -> list[str]:
    """The state-vector columns to read, of those `present` (lowercase names): `lastcontact` only serves
    files without `lastposupdate`, so it is not parsed otherwise."""
    have = set(present)
    return [n for n in _HIST_TYPES if n in have and not (n == "lastcontact" and "lastposupdate" in have)]


def _check_repeats(raw: RawFile, repeats: str) -> None:
    if repeats not in ("drop", "keep"):
        raise TrackFormatError(raw.path, f"option repeats={repeats!r} not understood", expected='"drop" or "keep"')


def _raw_header(raw: RawFile) -> list[str]:
    line = raw.head.split(b"\n", 1)[0].rstrip(b"\r")
    return [c.strip().strip('"') for c in line.decode("utf-8-sig", "replace").split(",")]


def _parse_error(raw: RawFile, error: Exception) -> TrackFormatError:
    """A TrackFormatError naming the line of the first malformed CSV row."""
    bad: list[tuple[int | None, int, int]] = []

    def handler(row: Any) -> str:
        bad.append((row.number, row.expected_columns, row.actual_columns))
        return "error"

    with contextlib.suppress(pa.ArrowInvalid):
        pacsv.read_csv(pa.BufferReader(content(raw)), read_options=pacsv.ReadOptions(use_threads=False),
                       parse_options=pacsv.ParseOptions(invalid_row_handler=handler),
                       convert_options=pacsv.ConvertOptions(column_types={}, include_columns=[]))
    if bad:
        number, expected, actual = bad[0]
        where = f"line {number}" if number is not None else None
        return TrackFormatError(raw.path, f"{actual} fields instead of {expected}", where=where,
                                expected="every row with the header's columns")
    return TrackFormatError(raw.path, f"malformed CSV ({error})", expected="OpenSky state vectors CSV")


def _read_csv_leniently(raw: RawFile, wanted: list[str], types: dict[str, pa.DataType]) -> tuple[pa.Table, list[tuple[int, str, str]]]:
    """Slow path when some value cannot be converted: rows with unreadable numbers or booleans are rejected."""
    convert = pacsv.ConvertOptions(include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string()),
                                   null_values=_NULLS, strings_can_be_null=True, quoted_strings_can_be_null=True)
    table = pacsv.read_csv(pa.BufferReader(content(raw)), convert_options=convert)
    frame = table.to_pandas()
    bad = np.zeros(len(frame), dtype=bool)
    rejected: list[tuple[int, str, str]] = []
    for name, t in types.items():
        col = frame[name]
        if pa.types.is_floating(t):
            conv = pd.to_numeric(col, errors="coerce")
        elif pa.types.is_boolean(t):
            conv = col.str.lower().map(_BOOLS)
        else:
            continue
        new = (col.notna() & conv.isna()).to_numpy() & ~bad
        rejected += [(int(i), f"unreadable value in column {name}", f"{name}={v!r} (line {i + 2})")
                     for i, v in zip(np.flatnonzero(new), col[new], strict=True)]
        bad |= new
    rejected.sort()
    good = frame.loc[~bad]
    arrays = {}
    for name in frame.columns:
        t = types.get(name)
        if t is not None and pa.types.is_floating(t):
            arrays[name] = pa.array(pd.to_numeric(good[name], errors="coerce"), pa.float64())
        elif t is not None and pa.types.is_boolean(t):
            arrays[name] = pa.array(good[name].str.lower().map(_BOOLS), pa.bool_(), from_pandas=True)
        elif name.lower() in ("time", "lastposupdate", "lastcontact"):
            num = pd.to_numeric(good[name], errors="coerce")
            arrays[name] = pa.array(num, pa.float64()) if num.notna().sum() == good[name].notna().sum() else pa.array(good[name], pa.string(), from_pandas=True)
        else:
            arrays[name] = pa.array(good[name], pa.string(), from_pandas=True)
    out = pa.table(arrays)
    records = np.flatnonzero(~bad)
    return out.append_column("__record", pa.array(records, pa.int64())), rejected


def _seconds(col: pa.ChunkedArray) -> np.ndarray:
    """A time column (epoch seconds, Arrow timestamp, or ISO text; naive = UTC) as float Unix seconds."""
    t = col.type
    if pa.types.is_timestamp(t):
        per_s = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[t.unit]
        ints = pc.cast(col, pa.int64())
        out = np.asarray(pc.fill_null(ints, 0).to_numpy(zero_copy_only=False), dtype="int64") / per_s
        out[np.asarray(ints.is_null().to_numpy(zero_copy_only=False), dtype=bool)] = np.nan
        return out
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return floats(col)
    texts = pd.Series(col.to_pandas(), dtype=object)
    number = pd.to_numeric(texts, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    stamps = pd.to_datetime(texts.where(np.isnan(number)), utc=True, errors="coerce", format="ISO8601")
    parsed = stamps.dt.as_unit("us").astype("int64").to_numpy().astype("float64") / 1e6  # any resolution
    parsed[stamps.isna().to_numpy()] = np.nan
    return np.where(np.isnan(number), parsed, number)


@contextlib.contextmanager
def _column_pool(rows: int) -> Iterator[Executor | None]:
    """Threads for the column work of one table of `rows` rows (None below _PARALLEL_MIN_ROWS): made for this
    read and shut down at its end, its jobs finished; no pool outlives the call or exists at import."""
    if rows < _PARALLEL_MIN_ROWS:
        yield None
        return
    with ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="tracks-opensky") as pool:
        yield pool


def _historical(table: pa.Table, raw: RawFile, repeats: str) -> Parsed:
    """State-vector rows -> positions sorted by (icao24, time), repeats removed (or kept stale) in one pass;
    the column work of a large table runs on a pool of threads made for this call."""
    with _column_pool(table.num_rows) as pool:
        return _historical_rows(table, raw, repeats, pool)


def _historical_rows(table: pa.Table, raw: RawFile, repeats: str, pool: Executor | None) -> Parsed:
    n = table.num_rows
    names = set(table.column_names)
    file_records = np.asarray(table["__record"].to_numpy(), dtype="int64") if "__record" in names else None

    def records(rows: np.ndarray) -> np.ndarray:  # the record numbers of `rows`
        return file_records[rows] if file_records is not None else rows

    codes_job = pool.submit(_codes, table["icao24"]) if pool is not None else None
    text_jobs = {name: pool.submit(_text_values, table[name]) if pool is not None else _Done(_text_values(table[name]))
                 for name in ("callsign", "squawk") if name in names}
    note = ""
    has_lpu = "lastposupdate" in names

    def row_time(rows: np.ndarray) -> np.ndarray:  # the vectors' `time` (s) of `rows`, only where needed
        return _seconds(table["time"].take(pa.array(rows)))

    if has_lpu:
        lpu = _seconds(table["lastposupdate"])
        nan_lpu = np.flatnonzero(np.isnan(lpu))
        pos_time = lpu
        if len(nan_lpu):
            pos_time = lpu.copy()
            pos_time[nan_lpu] = row_time(nan_lpu)
    else:
        contact = _seconds(table["lastcontact"]) if "lastcontact" in names else np.full(n, np.nan)
        pos_time = _seconds(table["time"])
        note = "no lastposupdate column: times are the vectors' `time`, not the position times"
    pos_us = seconds_to_us(pos_time)
    icao_codes, icao_dict = codes_job.result() if codes_job is not None else _codes(table["icao24"])
    missing = len(icao_dict) - 1  # the code of rows without an address
    # one stable sort by (aircraft, position time, file order) gives both the output order and the repeats
    order, codes_sorted, us_sorted = _sort_order(icao_codes, pos_us, pool)
    if has_lpu:  # a repeat has its aircraft's previous lastposupdate (NaN never repeats), hence its time in us
        t = us_sorted if us_sorted is not None else pos_us[order]
        repeated_sorted = np.zeros(n, dtype=bool)
        np.logical_and(codes_sorted[1:] == codes_sorted[:-1], t[1:] == t[:-1], out=repeated_sorted[1:])
        same_us = np.flatnonzero(repeated_sorted)
        repeated_sorted[same_us] = lpu[order[same_us]] == lpu[order[same_us - 1]]
        reason = REPEAT_REASON
    else:
        repeated_sorted = (pos_time - contact)[order] > CONTACT_TIMEOUT_S
        reason = NO_CONTACT_REASON
    rejected: list[tuple[int, str, str]] = []
    no_id = codes_sorted == missing
    any_no_id = bool(no_id.any())
    if any_no_id:
        rows = order[no_id]
        rejected += [(int(r), "icao24 missing", f"time={t}") for r, t in zip(records(rows), row_time(rows), strict=True)]
        repeated_sorted &= ~no_id
    repeats_job: _Deferred | None = None
    if repeats == "drop" and repeated_sorted.any():
        gone = order[repeated_sorted]

        def repeat_records() -> RejectedRecords:
            label = ", lastposupdate=" if has_lpu else ", lastcontact="
            ref = lpu[gone] if has_lpu else contact[gone]
            values = pc.binary_join_element_wise(
                "icao24=", pc.take(icao_dict, pa.array(icao_codes[gone])), ", time=",
                pa.array(row_time(gone)).cast(pa.string()), label, pa.array(ref).cast(pa.string()), "",
            )
            return RejectedRecords(records(gone), reason, values)

        repeats_job = _Deferred(repeat_records)
        kept: np.ndarray | None = ~(repeated_sorted | no_id) if any_no_id else ~repeated_sorted
        stale = np.zeros(int(np.count_nonzero(kept)), dtype=bool)
    elif any_no_id:
        kept = ~no_id
        stale = repeated_sorted[kept]
    else:
        kept, stale = None, repeated_sorted

    def codes_kept() -> np.ndarray:  # already in sorted order: compressed, not gathered
        return codes_sorted[kept] if kept is not None else codes_sorted

    def us_kept() -> np.ndarray:
        if us_sorted is None:
            return pos_us[order[kept] if kept is not None else order]
        return us_sorted[kept] if kept is not None else us_sorted

    texts = {name: job.result() for name, job in text_jobs.items()}
    frame = _gather(table, order, kept, us_kept, file_records, codes_kept, icao_dict, texts, stale, repeats_job, pool)
    if repeats_job is not None:
        rejected = rejected + repeats_job.result() if rejected else repeats_job.result()
    return Parsed(frame=frame, records_read=n, rejected=rejected, note=note)


_FLOAT_COLUMNS: tuple[tuple[str, str, Callable[..., Any] | None], ...] = (  # canonical <- state vector, unit
    ("lat", "lat", None), ("lon", "lon", None), ("alt_baro_ft", "baroaltitude", m_to_ft),
    ("alt_geom_ft", "geoaltitude", m_to_ft), ("gs_kt", "velocity", ms_to_kt), ("track_deg", "heading", None),
    ("vrate_fpm", "vertrate", ms_to_fpm),
)


class _Deferred:
    """A job to run alongside the column gathers (on the pool; here when the table is small): `result()`
    waits for it, or runs it."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.future: Future[Any] | None = None

    def result(self) -> Any:
        return self.future.result() if self.future is not None else self.fn()


def _gather(table: pa.Table, order: np.ndarray, kept: np.ndarray | None, us: Callable[[], np.ndarray],
            records: np.ndarray | None, codes: Callable[[], np.ndarray], icao_dict: pa.Array,
            texts: dict[str, TextRows], stale: np.ndarray, also: _Deferred | None = None,
            pool: Executor | None = None) -> pd.DataFrame:
    """The canonical frame of the rows ``order[kept]`` (all of `order` when `kept` is None), in that order,
    every column built once with its schema dtype. `records` are the rows' record numbers (None: the row
    numbers themselves); `us` (position times, which are overwritten) and `codes` (aircraft) give those of
    the rows kept; `texts` has callsign and squawk (see `_text_values`). `also` runs alongside.

    The gathers are memory-bound numpy / Arrow kernels that release the GIL: on large tables they run on the
    pool, longest first (those that need no row numbers while this thread compresses them); the pandas
    wrappers around them are zero-copy.
    """
    names = set(table.column_names)
    m = len(order) if kept is None else len(stale)
    keep = order  # replaced by the kept row numbers below, before any job that reads it starts

    def floats_at(name: str, convert: Callable[..., Any] | None) -> np.ndarray:
        if name not in names:
            return np.full(m, np.nan)
        out = np.take(floats(table[name]), keep, mode="clip")  # "clip": no per-index error check (all valid)
        if convert is not None:
            convert(out, out=out)  # to the canonical unit, in place
        return out

    def text_at(name: str) -> pd.Series:
        if name not in texts:
            return pd.Series(pd.array(pa.nulls(m, pa.large_string()), dtype=STRING_DTYPE), copy=False)
        return pd.Series(pd.array(texts[name].at(keep), dtype=STRING_DTYPE), copy=False)

    early: dict[str, Callable[[], Any]] = {  # need no row numbers
        "icao24": lambda: pd.Series(pd.array(take_text(icao_dict, codes()), dtype=STRING_DTYPE), copy=False),
        "time": lambda: us_to_time(us(), overwrite=True),
    }
    late: dict[str, Callable[[], Any]] = {
        "callsign": lambda: text_at("callsign"),
        "squawk": lambda: text_at("squawk"),
        **{col: (lambda name=name, convert=convert: floats_at(name, convert)) for col, name, convert in _FLOAT_COLUMNS},
        "on_ground": lambda: _bools_at(table["onground"], keep) if "onground" in names else nullable_bool(pa.nulls(m, pa.bool_())),
        "record": lambda: np.take(records, keep, mode="clip") if records is not None else keep if keep.flags.writeable else keep.copy(),
    }
    parallel = pool is not None and m >= _PARALLEL_MIN_ROWS
    if parallel:
        assert pool is not None
        if also is not None:
            also.future = pool.submit(also.fn)
        futures = {k: pool.submit(job) for k, job in early.items()}
    if kept is not None:
        keep = order[kept]
    if parallel:
        futures.update({k: pool.submit(job) for k, job in late.items()})
    constant = {  # made while the pool works
        "registration": pd.Series(pd.array(pa.nulls(m, pa.large_string()), dtype=STRING_DTYPE), copy=False),
        "source": pd.Categorical.from_codes(np.full(m, _UNKNOWN_CODE, dtype="int8"), dtype=_SOURCE_DTYPE),
        "stale": stale,
        "new_leg": np.zeros(m, dtype=bool),
    }
    done = {k: f.result() for k, f in futures.items()} if parallel else {k: job() for k, job in {**early, **late}.items()}
    columns = {**done, **constant}
    return pd.DataFrame({c: columns[c] for c in _COLUMN_ORDER}, copy=False)  # fresh arrays: no copies into blocks


_COLUMN_ORDER = ("time", "icao24", "callsign", "registration", "lat", "lon", "alt_baro_ft", "alt_geom_ft", "on_ground",
                 "gs_kt", "track_deg", "vrate_fpm", "squawk", "source", "stale", "new_leg", "record")


def _bools_at(column: pa.ChunkedArray, rows: np.ndarray) -> pd.Series:
    """A boolean column at `rows` as the nullable "boolean" dtype: unpacked to bytes once, then byte gathers."""
    column = column if column.type == pa.bool_() else pc.cast(column, pa.bool_())
    values = np.asarray(pc.fill_null(column, False).to_numpy(zero_copy_only=False), dtype=bool)
    nulls = (np.take(np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=bool), rows, mode="clip") if column.null_count
             else np.zeros(len(rows), dtype=bool))
    return pd.Series(pd.arrays.BooleanArray(np.take(values, rows, mode="clip"), nulls))


def _sort_order(codes: np.ndarray, us: np.ndarray, pool: Executor | None = None,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(row order by (aircraft code, time in us, file order), the codes in that order, and when at hand
    (every time known, no re-sort) the times in that order, else None).

    Dumps are written in time order, so a stable sort by aircraft alone (linear time: Arrow's counting sort
    for up to 4096 aircraft, numpy's radix sort up to 65536) usually leaves every aircraft's times ascending
    already: then it is the answer, once the few aircraft whose times go back are re-sorted. Otherwise one
    stable argsort of a packed int64 key when the codes and the time span fit (they do for any real file),
    else a three-key Arrow sort. Unknown times (NAT_US) sort last within their aircraft (first in the
    three-key sort, which the fast path therefore leaves alone). `pool` (large tables): gathers the times while
    this thread gathers the codes.
    """
    n = len(codes)
    if not n:
        return np.zeros(0, dtype="int64"), codes, None
    known = us != NAT_US
    all_known = bool(known.all())
    top = int(codes.max())
    if all_known:
        packable = int(us.max()) - int(us.min()) < 2**42 and top < 2**20  # 51 days at 1 us; a million aircraft
    else:
        packable = bool(known.any()) and int(us[known].max()) - int(us[known].min()) < 2**42 and top < 2**20
    if top < 2**16 and (all_known or packable):
        if top < 4096:
            order = np.asarray(pc.sort_indices(pa.array(codes)).to_numpy()).view(np.int64)  # stable
        else:
            order = np.argsort(codes.astype(np.uint16), kind="stable")
        times = us if all_known else np.where(known, us, np.iinfo(np.int64).max)
        t_job = (pool.submit(np.take, times, order, None, None, "clip") if pool is not None and n >= _PARALLEL_MIN_ROWS
                 else _Done(times[order]))
        codes_sorted = np.take(codes, order, mode="clip")  # meanwhile
        t = t_job.result()
        back = np.flatnonzero((t[1:] < t[:-1]) & (codes_sorted[1:] == codes_sorted[:-1]))  # time goes back
        if not len(back):
            return order, codes_sorted, t if all_known else None
        # the aircraft whose times go back somewhere: each one's rows are a run of `codes_sorted`
        redo = np.unique(codes_sorted[back])
        starts = np.searchsorted(codes_sorted, redo, side="left")
        ends = np.searchsorted(codes_sorted, redo, side="right")
        if int((ends - starts).sum()) <= n // 8:  # few rows: sort just those runs by time (file order breaks ties)
            order = order.copy() if not order.flags.writeable else order
            if len(redo) <= 64:
                for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                    perm = np.argsort(t[a:b], kind="stable")
                    order[a:b] = order[a:b][perm]
                    t[a:b] = t[a:b][perm]
            else:  # many short runs: one lexsort of all their rows
                rows = np.concatenate([np.arange(a, b) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)])
                perm = np.lexsort((t[rows], codes_sorted[rows]))  # the codes stay where they are
                order[rows] = order[rows][perm]
                t[rows] = t[rows][perm]
            return order, codes_sorted, t if all_known else None
    if packable:
        rel = us - (us.min() if all_known else us[known].min())
        rel[~known] = 2**43 - 1  # unknown times last (the loader rejects them)
        order = np.argsort((codes.astype(np.int64) << 43) + rel, kind="stable")
        return order, codes[order], None
    order = pc.sort_indices(pa.table({"c": codes, "t": us, "r": np.arange(n)}),
                            sort_keys=[("c", "ascending"), ("t", "ascending"), ("r", "ascending")])
    order = np.asarray(order.to_numpy(), dtype="int64")
    return order, codes[order], None


def _encoded(column: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """(index of each row's value, an Arrow int32 array with len(values) for null; the distinct values) of a
    text column."""
    if pa.types.is_dictionary(column.type):
        enc = column.unify_dictionaries()
        enc = pc.cast(enc, pa.dictionary(pa.int32(), pa.string())) if enc.type.value_type != pa.string() else enc
    else:
        enc = pc.dictionary_encode(pc.cast(column, pa.string()))
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks() if enc.num_chunks else pa.array([], pa.dictionary(pa.int32(), pa.string()))
    indices = pc.fill_null(enc.indices, len(enc.dictionary)) if enc.null_count else enc.indices
    return indices, enc.dictionary


def _text_values(column: pa.ChunkedArray) -> TextRows:
    """A low-cardinality text column (callsign, squawk) stripped, '' -> null, ready to be taken at any rows:
    the string work is done once per distinct value."""
    idx, values = _encoded(column)
    values = pc.utf8_trim_whitespace(values)
    values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    return TextRows(pa.concat_arrays([values, pa.nulls(1, pa.string())]), idx)  # index len(values) stands for null


class _Done:
    """An already computed result with the `result()` of a Future."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Codes (int32) of the (trimmed, lowercased) addresses numbered in alphabetical order, missing = the
    last code; and the address of each code (null for the last)."""
    idx, raw_values = _encoded(column)
    clean = pc.utf8_lower(pc.utf8_trim_whitespace(raw_values))
    clean = pc.if_else(pc.equal(clean, ""), pa.scalar(None, pa.string()), clean)
    merged = pc.dictionary_encode(clean)  # "ABC123" and "abc123 " are one aircraft
    uniq = merged.dictionary
    rank = np.asarray(pc.rank(uniq, sort_keys="ascending", tiebreaker="first").to_numpy(), dtype="int64") - 1
    missing = len(uniq)
    per_value = np.asarray(pc.fill_null(merged.indices, -1).to_numpy(zero_copy_only=False), dtype="int64")
    per_value = np.append(np.where(per_value >= 0, rank[np.maximum(per_value, 0)], missing), missing)
    codes = pc.take(pa.array(per_value.astype(np.int32)), idx)  # a null address (idx = len(raw_values)) -> `missing`
    alphabetical = pc.take(uniq, pa.array(np.argsort(rank)))
    return codes.to_numpy(), pa.concat_arrays([alphabetical, pa.nulls(1, pa.string())])  # read-only int32 codes


def _source_dtype() -> tuple[pd.CategoricalDtype, int]:
    from tracks.schema import SOURCE_DTYPE

    return SOURCE_DTYPE, list(SOURCE_DTYPE.categories).index("unknown")


_SOURCE_DTYPE, _UNKNOWN_CODE = _source_dtype()

FORMATS = [
    Format(
        name="opensky-tracks-json",
        description="OpenSky REST /tracks/all response (simplified waypoints; metres)",
        sniff=sniff_tracks,
        read=read_tracks,
        priority=22,
    ),
    Format(
        name="opensky-states-json",
        description="OpenSky REST /states/all or /states/own response (state vectors; lon before lat; metres, m/s)",
        sniff=sniff_states,
        read=read_states,
        priority=23,
        multi_aircraft=True,
    ),
    Format(
        name="opensky-states-csv",
        description="OpenSky historical state vectors as CSV (weekly dumps, Trino/Impala state_vectors_data4 exports)",
        sniff=sniff_csv,
        read=read_csv,
        priority=24,
        multi_aircraft=True,
    ),
    Format(
        name="opensky-states-parquet",
        description="OpenSky historical state vectors as Parquet (pyopensky / traffic cache, Trino exports)",
        sniff=sniff_parquet,
        read=read_parquet,
        priority=25,
        multi_aircraft=True,
    ),
]
