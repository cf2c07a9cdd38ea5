"""`tracks.load`: files, directories and globs in any supported format -> one canonical table.

The loader hashes the bytes as stored, gunzips by magic bytes, detects the format from content, lets the
format parse, then rejects impossible values (with reasons) and conforms the result to the schema.
Input files are only ever read.
"""

from __future__ import annotations

import gc
import glob
import gzip
import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from tracks import schema
from tracks.errors import TrackFormatError
from tracks.formats import all_formats, detect, get_format
from tracks.formats.base import Parsed, RawFile
from tracks.track import REJECTED_COLUMNS, Source, Track, Traffic, empty_rejected

PROGRESS_THRESHOLD = 20  # show a progress bar when loading more files than this
# Plausible times: no ADS-B export predates 1980, and nanosecond timestamps end in 2262.
EARLIEST_TIME = pd.Timestamp("1980-01-01", tz="UTC")
LATEST_TIME = pd.Timestamp("2262-04-11", tz="UTC")
_GZIP_MAGIC = b"\x1f\x8b"
_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracks-sha256")


def load(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    format: str | None = None,
    *,
    progress: bool | None = None,
    **options: Any,
) -> Track | Traffic:
    """Load one or many track files into a Track (one aircraft) or a Traffic table (several).

    `paths` may be a file, a directory (every file below it), a glob pattern, or a list of those.
    `format` forces a format by name (see `tracks.formats.all_formats()`); by default it is detected from
    the content. Other `options` go to the format's reader (e.g. ``tz="Europe/Paris"`` for SBS files that
    carry local time, ``columns={"Latitude": "lat"}`` for generic CSV).
    Raises TrackFormatError naming the file when a file cannot be read.
    """
    files = list(expand(paths))
    frames: list[pd.DataFrame] = []
    sources: list[Source] = []
    rejected: list[pd.DataFrame] = []
    for path in _progress(files, progress):
        frame, source, rej = read_file(path, format=format, **options)
        frames.append(frame)
        sources.append(source)
        if len(rej):
            rejected.append(rej)
    data = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    rej_all = pd.concat(rejected, ignore_index=True) if rejected else empty_rejected()
    if data["icao24"].nunique() > 1:
        return Traffic(data, tuple(sources), rej_all)
    return Track(data, tuple(sources), rej_all)


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


def _read_raw(path: str) -> tuple[RawFile, Future[str]]:
    """Like `read_raw`, but the sha256 is computed in a background thread (hashlib releases the GIL), so
    that hashing a large file overlaps with parsing it. `RawFile.sha256` is "" until the future resolves."""
    try:
        with open(path, "rb") as fh:
            stored = fh.read()
    except OSError as e:
        raise TrackFormatError(path, f"cannot read the file: {e.strerror or e}") from None
    digest = _HASHER.submit(_sha256, stored)
    data, gz = stored, False
    if stored[:2] == _GZIP_MAGIC:
        gz = True
        try:
            data = gzip.decompress(stored)
        except (OSError, EOFError, zlib.error) as e:
            raise TrackFormatError(path, f"broken gzip data ({e})", expected="a complete gzip file") from None
    return RawFile(path=path, data=data, sha256="", size=len(stored), gzipped=gz), digest


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: str, format: str | None = None, **options: Any) -> tuple[pd.DataFrame, Source, pd.DataFrame]:
    """Parse one file: (canonical frame, its Source, its rejected records)."""
    with _gc_paused():
        return _read_file(path, format, **options)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is parsed.

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


def _read_file(path: str, format: str | None = None, **options: Any) -> tuple[pd.DataFrame, Source, pd.DataFrame]:
    raw, digest = _read_raw(path)
    fmt = get_format(format) if format else detect(raw)
    try:
        parsed: Parsed = fmt.read(raw, **options)
    except TrackFormatError:
        raise
    except TypeError as e:
        if "unexpected keyword" in str(e):
            raise TrackFormatError(path, f"option not understood by format {fmt.name}: {e}") from None
        raise TrackFormatError(path, f"could not read as {fmt.name}: {type(e).__name__}: {e}") from None
    except (ValueError, KeyError, IndexError, AttributeError, OverflowError) as e:
        raise TrackFormatError(path, f"could not read as {fmt.name}: {type(e).__name__}: {e}") from None
    frame, rej = validate(parsed.frame, path)
    records, reasons_, values_ = zip(*parsed.rejected, strict=True) if parsed.rejected else ((), (), ())
    parser_rej = pd.DataFrame({"record": np.asarray(records, dtype="int64"), "reason": list(reasons_),
                               "values": list(values_)})
    parser_rej.insert(0, "file", path)
    all_rej = pd.concat([x for x in (parser_rej, rej) if len(x)], ignore_index=True) if (len(rej) or len(parser_rej)) else empty_rejected()
    all_rej = _typed_rejected(all_rej)
    frame["file"] = pd.Series(pd.array(pa.repeat(path, len(frame)), dtype=schema.STRING_DTYPE), index=frame.index)
    frame = schema.conform(frame)
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
    )
    if source.records_kept + source.records_rejected != source.records_read:
        raise AssertionError(
            f"{path}: {fmt.name} reader accounted for {source.records_kept}+{source.records_rejected} of "
            f"{source.records_read} records"
        )
    return frame, source, all_rej


def validate(frame: pd.DataFrame, path: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split off rows with impossible values (no time, |lat| > 90, |lon| > 180, no position)."""
    if "record" not in frame.columns:
        frame = frame.assign(record=np.arange(len(frame), dtype="int64"))
    if "time" in frame and frame["time"].dtype == schema.TIME_DTYPE:
        time = frame["time"]  # already canonical: nothing to parse
    else:
        time = pd.to_datetime(frame["time"], utc=True, errors="coerce") if len(frame) else pd.Series([], dtype=schema.TIME_DTYPE)
    lat = _numbers(frame, "lat")
    lon = _numbers(frame, "lon")
    t_na = time.isna().to_numpy()
    t_range = ~t_na & ((time < EARLIEST_TIME) | (time > LATEST_TIME)).to_numpy(dtype=bool)
    la, lo = lat.to_numpy(dtype="float64", na_value=np.nan), lon.to_numpy(dtype="float64", na_value=np.nan)
    checks = [
        (t_na, "time missing or unreadable"),
        (t_range, f"time outside {EARLIEST_TIME:%Y-%m-%d}..{LATEST_TIME:%Y-%m-%d} (a clock or decoding error)"),
        (np.isnan(la) | np.isnan(lo), "position missing"),
        (np.abs(la) > 90, "latitude outside -90..90"),
        (np.abs(lo) > 180, "longitude outside -180..180"),
    ]
    bad = np.logical_or.reduce([m for m, _ in checks]) if len(frame) else np.zeros(0, dtype=bool)
    if not bad.any():
        out = frame.assign(time=time) if time is not frame["time"] else frame
        return out.reset_index(drop=True), empty_rejected()
    reasons = np.select([m for m, _ in checks], [r for _, r in checks], default="")
    cols = [c for c in ("time", "lat", "lon") if c in frame.columns]
    sub = frame.loc[bad, cols].astype(str)
    values = sub[cols[0]].radd(f"{cols[0]}=")
    for c in cols[1:]:
        values = values + f", {c}=" + sub[c]
    rej = pd.DataFrame({"file": path, "record": frame.loc[bad, "record"].astype("int64"),
                        "reason": reasons[bad], "values": values})
    kept = frame.loc[~bad].assign(time=time[~bad].astype(schema.TIME_DTYPE))
    return kept.reset_index(drop=True), rej.reset_index(drop=True)


def _numbers(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(np.nan, index=frame.index)
    col = frame[name]
    return col if col.dtype == "float64" else pd.to_numeric(col, errors="coerce")


def _typed_rejected(rej: pd.DataFrame) -> pd.DataFrame:
    if not len(rej):
        return empty_rejected()
    out = rej[list(REJECTED_COLUMNS)].copy()
    for c in ("file", "reason", "values"):
        out[c] = out[c].astype(str).astype(schema.STRING_DTYPE)
    out["record"] = out["record"].astype("int64")
    return out.reset_index(drop=True)


def _progress(files: list[str], progress: bool | None) -> Iterable[str]:
    show = len(files) > PROGRESS_THRESHOLD if progress is None else progress
    if not show:
        return files
    from tqdm.auto import tqdm

    return tqdm(files, desc="loading", unit="file")


def format_names() -> list[str]:
    """Names of every supported format, in sniffing order."""
    return [f.name for f in all_formats()]
