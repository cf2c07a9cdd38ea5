"""`tracks.load`: files, directories and globs in any supported format -> one canonical table.

The loader hashes the bytes as stored, gunzips by magic bytes, detects the format from content, lets the
format parse, then rejects impossible values (with reasons) and conforms the result to the schema.
Input files are only ever read.
"""

from __future__ import annotations

import gc
import glob
import hashlib
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracks import schema
from tracks.errors import FormatOptionError, TrackFormatError
from tracks.formats import all_formats, detect, get_format
from tracks.formats._mapped import MappedFile
from tracks.formats._tabular import RejectedRecords
from tracks.formats.base import Parsed, RawFile
from tracks.track import REJECTED_COLUMNS, Source, Track, Traffic, empty_rejected
from tracks.unpack import UnpackError, gunzip

PROGRESS_THRESHOLD = 20  # show a progress bar when loading more files than this
EARLIEST_TIME, LATEST_TIME = schema.EARLIEST_TIME, schema.LATEST_TIME  # plausible sample times (tracks.schema)
BATCH_FILES = 256  # files per batch when loading many: each batch is built into one table
PARALLEL_MIN_FILES = 64  # loads of this many files or more run their batches on a process pool
_NAT_NS = np.iinfo(np.int64).min  # NaT as integer nanoseconds
_CONSTANT_CHUNK = 1 << 16  # rows per shared chunk of a constant text column (see constant_text)
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
MAP_MIN_BYTES = 8 << 20  # files this large are memory-mapped rather than copied into memory (see _read_raw)
HASH_THREAD_MIN_BYTES = 1 << 20  # files this large are hashed on the hashing thread (smaller: faster than a thread)


def load(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | pd.DataFrame,
    format: str | None = None,
    *,
    progress: bool | None = None,
    jobs: int | None = None,
    **options: Any,
) -> Track | Traffic:
    """Load one or many track files into a Track (one aircraft) or a Traffic table (several).

    `paths` may be a file, a directory (every file below it), a glob pattern, or a list of those.
    `format` forces a format by name (see `tracks.formats.all_formats()`); by default it is detected from
    the content. Other `options` go to the format's reader (e.g. ``tz="Europe/Paris"`` for SBS files that
    carry local time, ``columns={"Latitude": "lat"}`` for generic CSV).
    Many files are read in batches, each built into one table; from PARALLEL_MIN_FILES files on, the batches
    run on a process pool of `jobs` processes (default: every core). Every file keeps its own Source (sha256).
    A pandas DataFrame or GeoDataFrame with the canonical columns (docs/schema.md) is loaded too (see
    `tracks.interop.from_frame`).
    Raises TrackFormatError naming the file when a file cannot be read.
    """
    if isinstance(paths, pd.DataFrame):
        from tracks.interop import from_frame

        return from_frame(paths)
    files = list(expand(paths))
    if len(files) == 1:
        data, source, rej_all = read_file(files[0], format=format, **options)
        sources: tuple[Source, ...] = (source,)
    else:
        data, sources, rej_all = _load_many(files, format, options, progress, jobs)
    if _several_aircraft(data["icao24"]):
        return Traffic(data, sources, rej_all)
    return Track(data, sources, rej_all)


def _load_many(files: list[str], format: str | None, options: dict[str, Any], progress: bool | None,
               jobs: int | None) -> tuple[pd.DataFrame, tuple[Source, ...], pd.DataFrame]:
    """Many files, in batches of BATCH_FILES: each batch becomes one Arrow table sorted by (icao24, time)
    (`_sorted_batch`), the batches run on a process pool when there are at least PARALLEL_MIN_FILES files, and
    are merged (`merge_sorted`) into the one table, built once, in the order Traffic keeps."""
    batches = [files[i : i + BATCH_FILES] for i in range(0, len(files), BATCH_FILES)]
    workers = min(len(batches), jobs or os.cpu_count() or 1)
    bar = _progress_bar(len(files), progress)
    done: list[tuple[pa.Table, list[Source], pd.DataFrame | None]] = []
    try:
        if workers > 1 and len(files) >= PARALLEL_MIN_FILES:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                futures = [pool.submit(_sorted_batch, b, format, options) for b in batches]
                for f, b in zip(futures, batches, strict=True):
                    done.append(f.result())
                    if bar is not None:
                        bar.update(len(b))
        else:
            for b in batches:
                done.append(_sorted_batch(b, format, options))
                if bar is not None:
                    bar.update(len(b))
    finally:
        if bar is not None:
            bar.close()
    sources = tuple(s for _, srcs, _ in done for s in srcs)
    rejected = [r for _, _, r in done if r is not None and len(r)]
    rej_all = _typed_rejected(pd.concat(rejected, ignore_index=True)) if rejected else empty_rejected()
    tables = [t for t, _, _ in done]
    del done  # the batches' tables are held by `tables` and `table` only, freed once converted
    table = merge_sorted(tables)
    del tables
    return arrow_to_frame(table), sources, rej_all


_AIRCRAFT_TIME = [("icao24", "ascending"), ("time", "ascending")]


def sort_by_aircraft_time(table: pa.Table) -> pa.Table:
    """`table` sorted by (icao24, time), stably (rows of equal keys keep their order; missing values last), as
    Traffic sorts its table (so that it finds it sorted) and as Track sorts by time (one aircraft). A table
    already in order is returned as is."""
    if _ordered(table):
        return table
    return table.take(pc.sort_indices(table, _AIRCRAFT_TIME))


def _ordered(table: pa.Table) -> bool:
    """True when the rows are sorted by (icao24, time) and none misses either (compared pairwise in Arrow)."""
    ids, t = table["icao24"], table["time"]
    if ids.null_count or t.null_count:
        return False
    if table.num_rows < 2:
        return True
    a, b = ids[:-1], ids[1:]
    in_order = pc.or_(pc.less(a, b), pc.and_(pc.equal(a, b), pc.greater_equal(t[1:], t[:-1])))
    return bool(pc.all(in_order).as_py())


def merge_sorted(tables: list[pa.Table]) -> pa.Table:
    """Tables each sorted by (icao24, time) (see `sort_by_aircraft_time`) as one table so sorted, as a stable
    sort of their concatenation would give. When no aircraft has rows in two tables (one file per aircraft),
    each aircraft's rows are moved as one slice (its run), ordered by address: no sort of the rows, and no copy
    (the result's columns are chunked by slice; `arrow_to_frame` makes each one array, as it copies anyway)."""
    table = pa.concat_tables(tables)
    runs: list[tuple[str, int, int]] = []  # (icao24, first row, rows) of each aircraft of each table
    offset = 0
    for t in (t for t in tables if t.num_rows):
        ids = t["icao24"].combine_chunks()
        if ids.null_count:
            return sort_by_aircraft_time(table)
        starts = np.flatnonzero(np.r_[True, pc.not_equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)])
        lengths = np.diff(np.r_[starts, len(t)])
        firsts = ids.take(pa.array(starts, pa.int64())).to_pylist()
        runs += zip(firsts, (offset + starts).tolist(), lengths.tolist(), strict=True)
        offset += t.num_rows
    if len({icao for icao, _, _ in runs}) < len(runs):  # an aircraft in several tables: its rows merge by time
        return sort_by_aircraft_time(table)
    ordered = sorted(runs, key=itemgetter(0))
    if ordered == runs:
        return table
    return pa.concat_tables([table.slice(start, n) for _, start, n in ordered])  # slices: no copy yet


def _sorted_batch(paths: list[str], format: str | None,
                  options: dict[str, Any]) -> tuple[pa.Table, list[Source], pd.DataFrame | None]:
    """`read_batch`, its table sorted by (icao24, time) (on the pool worker, so that the main process only
    merges batches, when they interleave), its `file` column dictionary-encoded: each path is sent to the main
    process once, not once per row (`arrow_to_frame` writes them out)."""
    table, sources, rejected = read_batch(paths, format, options)
    table = sort_by_aircraft_time(table)
    i = table.schema.get_field_index("file")
    return table.set_column(i, "file", pc.dictionary_encode(table["file"])), sources, rejected


def _several_aircraft(icao: pd.Series) -> bool:
    """True when `icao` holds more than one distinct address (missing ones aside), without hashing them:
    first != last settles a sorted table, else every address is compared with the first."""
    if len(icao) < 2:
        return False
    first, last = icao.iloc[0], icao.iloc[-1]
    if pd.isna(first):
        return bool(icao.nunique() > 1)
    if not pd.isna(last) and first != last:
        return True
    return bool((icao != first).fillna(False).any())  # <NA> (a missing address) is not another aircraft


def load_traffic(paths: Any, format: str | None = None, **options: Any) -> Traffic:
    """Like `load`, but always returns a Traffic table (even for a single aircraft)."""
    result = load(paths, format, **options)
    if isinstance(result, Traffic):
        return result
    return Traffic(result.data, result.sources, result.rejected)


def expand(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Files named by paths, directories (recursively, sorted) and glob patterns."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    any_given = False
    for item in paths:
        any_given = True
        p = os.fspath(item)
        if os.path.isdir(p):
            found = sorted(str(f) for f in Path(p).rglob("*") if f.is_file() and not f.name.startswith("."))
            if not found:
                raise TrackFormatError(p, "the directory holds no files")
            yield from found
        elif os.path.isfile(p):
            yield p
        elif glob.has_magic(p):
            found = sorted(f for f in glob.glob(p, recursive=True) if os.path.isfile(f))
            if not found:
                raise TrackFormatError(p, "the pattern matches no file")
            yield from found
        else:
            raise TrackFormatError(p, "no such file or directory")
    if not any_given:
        raise TrackFormatError("<paths>", "no file given")


def read_raw(path: str) -> RawFile:
    """Read a file's bytes, hash them, and gunzip when they start with the gzip magic bytes."""
    raw, digest = _read_raw(path)
    raw.sha256 = digest.result()
    return raw


class _Hasher:
    """The thread that hashes files while they are parsed (hashlib releases the GIL), made on the first file
    large enough to gain from it (HASH_THREAD_MIN_BYTES)."""

    def __init__(self) -> None:
        self._pool: Executor | None = None

    def submit(self, data: bytes | pa.Buffer) -> Future[str]:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracks-sha256")
        return self._pool.submit(_sha256, data)

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


@contextmanager
def hashing() -> Iterator[_Hasher]:
    """A hashing thread for one call (read_file, read_batch): made when a large file is read, shut down when the
    call ends, after the hashes it was given are done. Nothing is left running between calls and no thread
    exists at import."""
    hasher = _Hasher()
    try:
        yield hasher
    finally:
        hasher.shutdown()


def _read_raw(path: str, hasher: _Hasher | None = None) -> tuple[RawFile, _Digest]:
    """Like `read_raw`, but with a `hasher` (see `hashing`) the sha256 of a file of HASH_THREAD_MIN_BYTES or
    more is computed on its thread, so that hashing overlaps with parsing (otherwise in this thread when asked for).
    `RawFile.sha256` is "" until the digest resolves.

    Files of `MAP_MIN_BYTES` or more are memory-mapped instead of copied: the hash and Arrow readers read
    the mapping in place (a `MappedFile`; its `data` bytes are made only if a format asks for them), and the
    hash starts once the reader has read the content (see `tracks.formats._mapped`).
    """
    stored: bytes | pa.Buffer
    try:
        if os.path.getsize(path) >= MAP_MIN_BYTES:
            stored = pa.memory_map(path, "r").read_buffer()
        else:
            with open(path, "rb") as fh:
                stored = fh.read()
    except OSError as e:
        raise TrackFormatError(path, f"cannot read the file: {e.strerror or e}") from None
    digest = _Digest(stored, hasher if len(stored) >= HASH_THREAD_MIN_BYTES else None)
    size = len(stored)
    if bytes(stored[:2]) != _GZIP_MAGIC:
        if isinstance(stored, pa.Buffer):
            mapped = MappedFile(path, _without_bom(stored), when_read=digest.start)
            mapped.size = size
            return mapped, digest
        digest.start()
        return RawFile(path=path, data=_without_bom(stored), sha256="", size=size), digest
    digest.start()
    try:
        data = gunzip(stored, path)
    except UnpackError as e:
        raise TrackFormatError(path, str(e).removeprefix(f"{path}: ")) from None
    return RawFile(path=path, data=_without_bom(data), sha256="", size=size, gzipped=True), digest


def _without_bom(data: Any) -> Any:
    """The content without a leading UTF-8 byte order mark (Windows tools write one; JSON and SBS readers would
    refuse it). The hash and size still describe the bytes as stored."""
    if bytes(data[:3]) != _BOM:
        return data
    return data.slice(3) if isinstance(data, pa.Buffer) else data[3:]


class _Digest:
    """The sha256 of some bytes, computed on the `hasher` thread from `start()` (without a hasher, by
    `result()`); `result()` starts it if nobody has, then waits for it."""

    def __init__(self, data: bytes | pa.Buffer, hasher: _Hasher | None = None) -> None:
        self._data: bytes | pa.Buffer | None = data
        self._hasher = hasher
        self._future: Future[str] | None = None
        self._value = ""

    def start(self) -> None:
        if self._future is None and self._data is not None and self._hasher is not None:
            self._future, self._data = self._hasher.submit(self._data), None

    def result(self) -> str:
        self.start()
        if self._future is not None:
            return self._future.result()
        if self._data is not None:
            self._value, self._data = _sha256(self._data), None
        return self._value


def _sha256(data: bytes | pa.Buffer) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: str, format: str | None = None, **options: Any) -> tuple[pd.DataFrame, Source, pd.DataFrame]:
    """Parse one file: (canonical frame, its Source, its rejected records). The garbage collector is paused
    and a hashing thread runs for this call only."""
    with gc_paused(), hashing() as hasher:
        return _read_file(path, format, pre_read=_read_raw(path, hasher), **options)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is parsed: for the `with` block only (try/finally).

    Parsing builds millions of small acyclic objects (JSON lists, dicts, strings); with the collector on,
    CPython repeatedly traverses all of them (a 1M-point trace parses ~2x slower). Nothing here creates
    reference cycles, so pausing frees nothing late; the previous state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_file(path: str, format: str | None = None, *, pre_read: tuple[RawFile, _Digest] | None = None,
               **options: Any) -> tuple[pd.DataFrame, Source, pd.DataFrame]:
    raw, digest = pre_read if pre_read is not None else _read_raw(path)
    fmt = get_format(format) if format else detect(raw)
    try:
        parsed: Parsed = fmt.read(raw, **options)
    except TrackFormatError:
        raise
    except TypeError as e:
        if "unexpected keyword" in str(e):
            raise FormatOptionError(path, fmt.name, str(e)) from None
        raise TrackFormatError(path, f"could not read as {fmt.name}: {type(e).__name__}: {e}") from None
    except (ValueError, KeyError, IndexError, AttributeError, OverflowError) as e:
        raise TrackFormatError(path, f"could not read as {fmt.name}: {type(e).__name__}: {e}") from None
    digest.start()  # if the reader did not say when it was done with the content
    frame, rej = validate(parsed.frame, path)
    parser_rej = _parser_rejected(path, parsed.rejected)
    all_rej = pd.concat([x for x in (parser_rej, rej) if len(x)], ignore_index=True) if (len(rej) or len(parser_rej)) else empty_rejected()
    all_rej = _typed_rejected(all_rej)
    frame["file"] = pd.Series(constant_text(path, len(frame)), index=frame.index, copy=False)
    frame = _writable(schema.conform(frame))
    reasons = all_rej["reason"].value_counts().to_dict() if len(all_rej) else {}
    source = Source(
        path=path,
        sha256=digest.result(),
        format=fmt.name,
        size=raw.size,
        records_read=parsed.records_read,
        records_kept=len(frame),
        records_rejected=len(all_rej),
        rejected_reasons={str(k): int(v) for k, v in reasons.items()},
        illustrative=parsed.illustrative,
        note=parsed.note,
        aircraft=parsed.aircraft,
    )
    if source.records_kept + source.records_rejected != source.records_read:
        raise AssertionError(
            f"{path}: {fmt.name} reader accounted for {source.records_kept}+{source.records_rejected} of "
            f"{source.records_read} records"
        )
    return frame, source, all_rej


def validate(frame: pd.DataFrame, path: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split off rows with impossible values (no time, |lat| > 90, |lon| > 180, no position, an infinite
    altitude, speed, track or vertical rate)."""
    if "record" not in frame.columns:
        frame = frame.assign(record=np.arange(len(frame), dtype="int64"))
    canonical = "time" in frame and frame["time"].dtype == schema.TIME_DTYPE
    if canonical:
        time = frame["time"]  # already canonical: nothing to parse
    else:
        time = pd.to_datetime(frame["time"], utc=True, errors="coerce") if len(frame) else pd.Series([], dtype=schema.TIME_DTYPE)
    la, lo = _numbers(frame, "lat"), _numbers(frame, "lon")
    infinite = [(name, np.isinf(_numbers(frame, name))) for name in schema.FINITE_COLUMNS if name in frame]
    if (canonical and len(frame) and all_possible(time.array.asi8, la, lo)
            and not any(m.any() for _, m in infinite)):  # the usual all-good case costs little
        return frame.reset_index(drop=True), empty_rejected()
    if canonical:
        checks = impossible(time.array.asi8, la, lo)
    else:
        t_na = time.isna().to_numpy()
        t_range = ~t_na & ((time < EARLIEST_TIME) | (time > LATEST_TIME)).to_numpy(dtype=bool)
        checks = [(t_na, REASON_NO_TIME), (t_range, REASON_TIME_RANGE), *impossible_positions(la, lo)]
    checks += [(m, reason_infinite(name)) for name, m in infinite]
    bad = np.logical_or.reduce([m for m, _ in checks]) if len(frame) else np.zeros(0, dtype=bool)
    if not bad.any():
        out = frame if canonical else frame.assign(time=time)
        return out.reset_index(drop=True), empty_rejected()
    reasons = np.select([m for m, _ in checks], [r for _, r in checks], default="")
    cols = [c for c in ("time", "lat", "lon", *(name for name, m in infinite if m.any())) if c in frame.columns]
    sub = frame.loc[bad, cols].astype(str)
    values = sub[cols[0]].radd(f"{cols[0]}=")
    for c in cols[1:]:
        values = values + f", {c}=" + sub[c]
    rej = pd.DataFrame({"file": path, "record": frame.loc[bad, "record"].astype("int64"),
                        "reason": reasons[bad], "values": values})
    kept = frame.loc[~bad].assign(time=time[~bad].astype(schema.TIME_DTYPE))
    return kept.reset_index(drop=True), rej.reset_index(drop=True)


REASON_NO_TIME = "time missing or unreadable"
REASON_TIME_RANGE = f"time outside {EARLIEST_TIME:%Y-%m-%d}..{LATEST_TIME:%Y-%m-%d} (a clock or decoding error)"


def all_possible(ns: np.ndarray, la: np.ndarray, lo: np.ndarray) -> bool:
    """True when every row passes `impossible`'s checks (compared in place, no masks kept)."""
    ok = ns >= EARLIEST_TIME.value  # NaT is the smallest int64
    for good in (ns <= LATEST_TIME.value, la >= -90, la <= 90, lo >= -180, lo <= 180):  # NaN compares False
        ok &= good
    return bool(ok.all())


def impossible(ns: np.ndarray, la: np.ndarray, lo: np.ndarray,
               finite: dict[str, np.ndarray] | None = None) -> list[tuple[np.ndarray, str]]:
    """The rules every loaded row must pass, as (mask of the rows failing it, reason), first rule first:
    a time (integer ns since the epoch, NaT = int64 min) within EARLIEST_TIME..LATEST_TIME, a position, and
    no infinite value in the `finite` columns given (schema.FINITE_COLUMNS)."""
    t_na = ns == _NAT_NS
    t_range = (ns < EARLIEST_TIME.value) | (ns > LATEST_TIME.value)
    t_range &= ~t_na
    checks = [(t_na, REASON_NO_TIME), (t_range, REASON_TIME_RANGE), *impossible_positions(la, lo)]
    return checks + [(np.isinf(v), reason_infinite(k)) for k, v in (finite or {}).items() if k in schema.FINITE_COLUMNS]


def reason_infinite(name: str) -> str:
    return f"{name} is not a finite number (infinite)"


def impossible_positions(la: np.ndarray, lo: np.ndarray) -> list[tuple[np.ndarray, str]]:
    return [
        (np.isnan(la) | np.isnan(lo), "position missing"),
        ((la > 90) | (la < -90), "latitude outside -90..90"),
        ((lo > 180) | (lo < -180), "longitude outside -180..180"),
    ]


def _numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Column `name` as float64 (NaN for missing or unreadable values; all NaN when there is no such column)."""
    if name not in frame:
        return np.full(len(frame), np.nan)
    col = frame[name]
    if col.dtype == "float64":
        return col.to_numpy()
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _writable(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every numpy-backed column writable. A reader's zero-copy view of Arrow memory is
    read-only, and pandas then refuses in-place assignment (``df.loc[i, "lat"] = ...``); such columns are
    copied, once."""
    fixed = {}
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            values = col.array.asi8
        elif isinstance(col.dtype, np.dtype):
            values = np.asarray(col.array)
        else:
            continue
        if not values.flags.writeable:
            fixed[name] = col.copy()
    return frame.assign(**fixed) if fixed else frame


def _parser_rejected(path: str, rejected: list[tuple[int, str, str]]) -> pd.DataFrame:
    """A reader's rejected records (record, reason, values-as-text) as a table with a `file` column."""
    if isinstance(rejected, RejectedRecords) and not rejected.values.null_count:  # the same records as columns
        n = len(rejected.records)
        return pd.DataFrame({"file": constant_text(path, n), "record": np.asarray(rejected.records, dtype="int64"),
                             "reason": constant_text(rejected.reason, n),
                             "values": pd.array(rejected.values, dtype=schema.STRING_DTYPE)})
    records = np.fromiter(map(itemgetter(0), rejected), dtype="int64", count=len(rejected))
    reasons, values = list(map(itemgetter(1), rejected)), list(map(itemgetter(2), rejected))
    try:  # the usual case, all text: straight to the schema's string dtype (no per-value str() needed)
        text = [pa.array(reasons, pa.string()), pa.array(values, pa.string())]
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        text = []
    if len(rejected) and text and not any(a.null_count for a in text):
        return pd.DataFrame({"file": constant_text(path, len(rejected)), "record": records,
                             "reason": pd.array(text[0], dtype=schema.STRING_DTYPE),
                             "values": pd.array(text[1], dtype=schema.STRING_DTYPE)})
    frame = pd.DataFrame({"record": records, "reason": reasons, "values": values})
    frame.insert(0, "file", path)
    return frame


def constant_text(value: str, n: int) -> pd.api.extensions.ExtensionArray:
    """`n` copies of `value` as a schema string array (e.g. the `file` column). Long arrays repeat one
    Arrow chunk of `_CONSTANT_CHUNK` copies instead of storing the text n times."""
    if n <= _CONSTANT_CHUNK:
        return pd.array(pa.repeat(pa.scalar(value, pa.large_string()), n), dtype=schema.STRING_DTYPE)
    chunk = pa.repeat(pa.scalar(value, pa.large_string()), _CONSTANT_CHUNK)
    chunks = [chunk] * (n // _CONSTANT_CHUNK) + ([chunk.slice(0, n % _CONSTANT_CHUNK)] if n % _CONSTANT_CHUNK else [])
    return pd.array(pa.chunked_array(chunks), dtype=schema.STRING_DTYPE)


def _typed_rejected(rej: pd.DataFrame) -> pd.DataFrame:
    if not len(rej):
        return empty_rejected()
    out = rej[list(REJECTED_COLUMNS)].copy()
    for c in ("file", "reason", "values"):
        if out[c].dtype != schema.STRING_DTYPE:
            out[c] = out[c].astype(str).astype(schema.STRING_DTYPE)
    out["record"] = out["record"].astype("int64")
    return out.reset_index(drop=True)


def _progress_bar(n_files: int, progress: bool | None) -> Any:
    show = n_files > PROGRESS_THRESHOLD if progress is None else progress
    if not show:
        return None
    from tracks.progress import bar

    return bar(total=n_files, desc="loading", unit="file")


def read_batch(paths: list[str], format: str | None = None,
               options: dict[str, Any] | None = None) -> tuple[pa.Table, list[Source], pd.DataFrame | None]:
    """Read files into one Arrow table with the canonical columns (schema.ARROW_SCHEMA's first columns), their
    Sources, and their rejected records (None when there are none). readsb traces are decoded to arrays and
    joined once (tracks.formats._trace_batch); other formats are read as by `read_file`."""
    from tracks.formats import readsb_trace
    from tracks.formats._trace_batch import trace_batch

    options = options or {}
    traces: list[tuple[int, readsb_trace.TraceHeader, RawFile, _Digest, str]] = []
    sources: list[Source | None] = []
    tables: list[pa.Table] = []
    rejected: list[pd.DataFrame] = []
    bools = False
    with gc_paused(), hashing() as hasher:  # one hashing thread for the batch, shut down at its end
        for path in paths:
            raw, digest = _read_raw(path, hasher)
            fmt = get_format(format) if format else detect(raw)
            if fmt.name == "readsb-trace" and not options:
                head = readsb_trace.header(raw.json(), path)
                bools |= b"true" in raw.data or b"false" in raw.data
                digest.start()
                traces.append((len(sources), head, raw, digest, fmt.name))
                sources.append(None)
                continue
            frame, source, rej = _read_file(path, format, pre_read=(raw, digest), **options)
            tables.append(_canonical_arrow(frame))
            sources.append(source)
            if len(rej):
                rejected.append(rej)
        if traces:
            decoded = readsb_trace.decode_many([t[1] for t in traces], bools)
    if traces:
        batch = trace_batch(decoded, [t[2].path for t in traces], impossible)
        tables.insert(0, batch.table.select(list(schema.COLUMN_NAMES)))
        for k, (slot, head, raw, digest, name) in enumerate(traces):
            reasons = batch.reasons[k]
            sources[slot] = Source(path=raw.path, sha256=digest.result(), format=name, size=raw.size,
                                   records_read=batch.read[k], records_kept=batch.kept[k],
                                   records_rejected=sum(reasons.values()), rejected_reasons=dict(reasons),
                                   illustrative=head.illustrative, note=head.note, aircraft=head.aircraft)
        if batch.rejected:
            files = [t[2].path for t in traces]
            rejected.append(pd.DataFrame({"file": [files[k] for k, *_ in batch.rejected],
                                          "record": [r for _, r, _, _ in batch.rejected],
                                          "reason": [w for _, _, w, _ in batch.rejected],
                                          "values": [v for *_, v in batch.rejected]}))
    table = pa.concat_tables(tables) if tables else schema.ARROW_SCHEMA.empty_table().select(list(schema.COLUMN_NAMES))
    rej = _typed_rejected(pd.concat(rejected, ignore_index=True)) if rejected else None
    return table, [s for s in sources if s is not None], rej


def _canonical_arrow(frame: pd.DataFrame) -> pa.Table:
    target = pa.schema([schema.ARROW_SCHEMA.field(c) for c in schema.COLUMN_NAMES])
    return pa.Table.from_pandas(frame, preserve_index=False).cast(target)


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """A table with the canonical columns (Arrow types of schema.ARROW_SCHEMA) as the canonical pandas table.
    Each column is converted whole, however the table is chunked (one copy): text becomes one array of the
    large strings that pandas keeps, `on_ground` a nullable boolean, the others numpy arrays (`to_pandas`)."""
    table = table.select(list(schema.COLUMN_NAMES))
    for i, f in enumerate(table.schema):
        if f.type in (pa.string(), pa.large_string()) or f.name == "file":  # `file` may be dictionary-encoded
            table = table.set_column(i, f.name, pc.cast(table[i], pa.large_string()).combine_chunks())
    on_ground = table["on_ground"]
    known = on_ground.is_valid().to_numpy(zero_copy_only=False)
    frame = table.drop_columns(["on_ground"]).to_pandas(
        types_mapper=lambda t: schema.STRING_DTYPE if t == pa.large_string() else None)
    frame["on_ground"] = pd.arrays.BooleanArray(pc.fill_null(on_ground, False).to_numpy(zero_copy_only=False), ~known)
    if frame["source"].dtype != schema.SOURCE_DTYPE:
        frame["source"] = frame["source"].astype(str).astype(schema.SOURCE_DTYPE)
    return _writable(schema.conform(frame))


def format_names() -> list[str]:
    """Names of every supported format, in sniffing order."""
    return [f.name for f in all_formats()]
