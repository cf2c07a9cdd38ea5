"""The work of an ingest, in pieces that run on pool workers or Dask workers (top-level, picklable).

A batch of trace members (or of files) becomes one Arrow table, built once for the whole batch: every
trace is decoded by the readsb reader's `decode` (the one decoding of traces), impossible values are
rejected by the loader's rules (`tracks.loader.impossible`), rows outside the source's day are rejected,
and the rows are written as unsorted "run" files, one per (day, bucket). A bucket holds the aircraft whose
address ends with the same `digits` hex digits (as adsb.lol shards its traces: the last digits are spread
evenly, the first ones are not, since blocks go to countries), so that an aircraft lands in one bucket and the
buckets are of even size. `merge_bucket`
then sorts a bucket's runs by (icao24, time) into one part and summarises its aircraft.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tracks import loader
from tracks.errors import TrackFormatError
from tracks.formats import readsb_trace
from tracks.formats._trace_batch import trace_batch
from tracks.history.layout import AIRCRAFT_SCHEMA, POINT_SCHEMA
from tracks.history.sources import TRACE_NAME
from tracks.unpack import GZIP_MAGIC, gunzip

NS_PER_DAY = 86_400 * 10**9
OUTSIDE_DAY = "time outside the day {day} of its source"


@dataclass
class BatchResult:
    """What a batch did: rows kept per day, rejected points by reason, bad members, run files written,
    and (for batches of files) each file's path, sha256 and size."""

    members: int = 0
    points_read: int = 0
    kept_per_day: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    bad: list[tuple[str, str]] = field(default_factory=list)
    runs: dict[tuple[str, str], str] = field(default_factory=dict)
    inputs: list[dict[str, Any]] = field(default_factory=list)


def _inflate(data: bytes, where: str) -> bytes:
    """gzip bytes -> content, within tracks.unpack's limits (plain bytes pass through)."""
    return gunzip(data, where) if data[:2] == GZIP_MAGIC else data


def _without(message: str, where: str) -> str:
    """A message without the member's name in front (the bad-member list names it already)."""
    return message[len(where) + 2:] if message.startswith(f"{where}: ") else message


def _member_header(name: str, data: bytes, origin: str) -> tuple[readsb_trace.TraceHeader, bool]:
    """A member's trace header and whether its JSON holds booleans; ValueError/TrackFormatError if unusable."""
    text = _inflate(data, origin)
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as e:
        raise ValueError(f"invalid JSON ({e})") from None
    head = readsb_trace.header(doc, origin)
    m = TRACE_NAME.match(name.rsplit("/", 1)[-1])
    if m and m.group("hex").lower() != head.icao:
        raise ValueError(f"its icao {head.icao!r} disagrees with the file name (expected {m.group('hex').lower()!r})")
    return head, b"true" in text or b"false" in text


def parse_members(members: list[tuple[str, bytes]], origin: str, day: str | None, run_dir: str, batch: int,
                  digits: int, storage: dict[str, Any] | None = None) -> BatchResult:
    """Decode trace members (name, stored bytes) of `origin` (a release name, or "" when names are paths)
    into run files under `run_dir`, all the batch's points at once. A member that cannot be read is counted
    and named in `bad`."""
    with loader.gc_paused():
        try:
            return _parse_members(members, origin, day, run_dir, batch, digits, storage)
        finally:
            pa.default_memory_pool().release_unused()  # a long-lived worker hands freed buffers back


def _parse_members(members: list[tuple[str, bytes]], origin: str, day: str | None, run_dir: str, batch: int,
                   digits: int, storage: dict[str, Any] | None) -> BatchResult:
    res = BatchResult()
    heads: list[readsb_trace.TraceHeader] = []
    files: list[str] = []
    bools = False
    for name, data in members:
        res.members += 1
        where = f"{origin}::{name}" if origin else name
        try:
            head, has_bools = _member_header(name, data, where)
        except (ValueError, TrackFormatError) as e:  # UnpackError is a ValueError
            res.bad.append((where, e.problem if isinstance(e, TrackFormatError) else _without(str(e), where)))
            continue
        heads.append(head)
        files.append(where)
        bools |= has_bools
    batch_ = trace_batch(readsb_trace.decode_many(heads, bools), files, loader.impossible)
    res.points_read += sum(batch_.read)
    for r in batch_.reasons:
        res.rejected.update(r)
    _write_runs(batch_.table, day, run_dir, batch, digits, res, storage)
    return res


def parse_trace_files(paths: list[str], day: str | None, run_dir: str, batch: int, digits: int,
                      storage: dict[str, Any] | None = None) -> BatchResult:
    """Like `parse_members` for trace files in a folder; also records each file's sha256 and size."""
    members = []
    for p in paths:
        with open(p, "rb") as fh:
            data = fh.read()
        members.append((p, data))
    res = parse_members(members, "", day, run_dir, batch, digits, storage)
    res.inputs = [{"path": p, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for p, d in members]
    return res


def parse_files(paths: list[str], day: str | None, run_dir: str, batch: int, digits: int,
                storage: dict[str, Any] | None = None) -> BatchResult:
    """Any files `tracks.load` reads (OpenSky hourly states, FR24, ...), one table per batch. A file that
    cannot be read at all is counted and named in `bad`."""
    res = BatchResult()
    tables = []
    for p in paths:
        res.members += 1
        try:
            frame, source, _rejected = loader.read_file(p)  # pauses the garbage collector itself
        except TrackFormatError as e:
            res.bad.append((p, str(e)))
            continue
        res.inputs.append({"path": p, "sha256": source.sha256, "size": source.size, "format": source.format})
        res.points_read += source.records_read
        res.rejected.update(source.rejected_reasons)
        t = pa.Table.from_pandas(frame, preserve_index=False)
        n = len(t)
        t = t.append_column("db_flags", pa.nulls(n, pa.int16())).append_column("aircraft_type", pa.nulls(n, pa.string()))
        tables.append(t.cast(POINT_SCHEMA))
    table = pa.concat_tables(tables) if tables else POINT_SCHEMA.empty_table()
    _write_runs(table, day, run_dir, batch, digits, res, storage)
    return res


def _write_runs(table: pa.Table, day: str | None, run_dir: str, batch: int, digits: int, res: BatchResult,
                storage: dict[str, Any] | None) -> None:
    """Split a batch's rows by day (rows outside a known `day` are rejected) and bucket; one run file each."""
    import fsspec

    if not len(table):
        return
    ns = table["time"].cast(pa.int64()).to_numpy()
    row_day = ns // NS_PER_DAY
    days = np.unique(row_day)
    names = {d: str(np.datetime64(int(d), "D")) for d in days}
    if day is not None:
        outside = row_day != np.datetime64(day, "D").astype(np.int64)
        if outside.any():
            res.rejected[OUTSIDE_DAY.format(day=day)] += int(outside.sum())
            table, row_day = table.filter(pa.array(~outside)), row_day[~outside]
            days = np.unique(row_day)
    keys = pc.utf8_slice_codeunits(table["icao24"], -digits) if digits else None
    fs, root = fsspec.core.url_to_fs(run_dir, **(storage or {}))
    for d in days:
        in_day = row_day == d
        sub = table.filter(pa.array(in_day)) if len(days) > 1 else table
        sub_keys = (keys.filter(pa.array(in_day)) if len(days) > 1 else keys) if keys is not None else None
        res.kept_per_day[names[d]] += len(sub)
        buckets = pc.unique(sub_keys).to_pylist() if sub_keys is not None else [""]
        for b in buckets:
            part = sub.filter(pc.equal(sub_keys, b)) if sub_keys is not None and len(buckets) > 1 else sub
            path = f"{root}/{names[d]}/run-{batch:06d}-{b}.parquet"
            fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
            with fs.open(path, "wb") as fh:
                pq.write_table(part, fh, compression="lz4")
            res.runs[(names[d], b)] = fs.unstrip_protocol(path)


def merge_bucket(runs: list[str], part_url: str, part_no: int, storage: dict[str, Any] | None = None) -> bytes:
    """Sort a bucket's runs by (icao24, time) into one part file; return its aircraft summary (Arrow IPC)."""
    import fsspec

    fs, _ = fsspec.core.url_to_fs(part_url, **(storage or {}))
    tables = []
    for r in runs:
        with fs.open(fsspec.core.url_to_fs(r)[1], "rb") as fh:
            tables.append(pq.read_table(fh))
    table = pa.concat_tables(tables)
    del tables
    table = table.take(pc.sort_indices(table, [("icao24", "ascending"), ("time", "ascending"),
                                               ("file", "ascending"), ("record", "ascending")]))
    with fs.open(fsspec.core.url_to_fs(part_url)[1], "wb") as fh:
        pq.write_table(table, fh, compression="zstd", compression_level=1, row_group_size=128 * 1024)
    summary = summarise(table, part_no)
    del table
    pa.default_memory_pool().release_unused()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, summary.schema) as w:
        w.write_table(summary)
    return sink.getvalue().to_pybytes()


def summarise(table: pa.Table, part_no: int) -> pa.Table:
    """One row per aircraft of a part sorted by icao24: counts, times, bounding box, callsigns, database
    fields, and its row range in the part (aircraft.parquet; see layout.AIRCRAFT_SCHEMA)."""
    if not len(table):
        return AIRCRAFT_SCHEMA.empty_table()
    icao = table["icao24"].combine_chunks()
    change = pc.not_equal(icao[1:], icao[:-1]).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.r_[True, change])
    counts = np.diff(np.r_[starts, len(table)])
    ns = table["time"].cast(pa.int64()).to_numpy()
    lat, lon = table["lat"].to_numpy(), table["lon"].to_numpy()
    owner = np.repeat(np.arange(len(starts)), counts)
    calls = pa.table({"k": owner, "c": table["callsign"]}).group_by("k", use_threads=False).aggregate(
        [("c", "distinct", pc.CountOptions(mode="only_valid"))]).sort_by("k")
    ts = pa.timestamp("ns", tz="UTC")

    def first(col: str) -> pa.Array:
        return table[col].combine_chunks().take(pa.array(starts))

    return pa.table({
        "icao24": icao.take(pa.array(starts)),
        "points": counts.astype(np.int64),
        "first_time": pa.array(np.minimum.reduceat(ns, starts)).cast(ts),
        "last_time": pa.array(np.maximum.reduceat(ns, starts)).cast(ts),
        "min_lat": np.minimum.reduceat(lat, starts), "max_lat": np.maximum.reduceat(lat, starts),
        "min_lon": np.minimum.reduceat(lon, starts), "max_lon": np.maximum.reduceat(lon, starts),
        "callsigns": calls["c_distinct"],  # in order of first appearance
        "registration": first("registration"), "aircraft_type": first("aircraft_type"),
        "db_flags": first("db_flags"),
        "part": np.full(len(starts), part_no, dtype=np.int32),
        "row_start": starts.astype(np.int64), "row_count": counts.astype(np.int64),
    }, schema=AIRCRAFT_SCHEMA)
