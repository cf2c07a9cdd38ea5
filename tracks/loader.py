"""`tracks.load`: files, directories and globs in any supported format -> one canonical table.

The loader hashes the bytes as stored, gunzips by magic bytes, detects the format from content, lets the
format parse, then rejects impossible values (with reasons) and conforms the result to the schema.
Input files are only ever read.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tracks import schema
from tracks.errors import TrackFormatError
from tracks.formats import all_formats, detect, get_format
from tracks.formats.base import Parsed, RawFile
from tracks.track import REJECTED_COLUMNS, Source, Track, Traffic, empty_rejected

PROGRESS_THRESHOLD = 20  # show a progress bar when loading more files than this
_GZIP_MAGIC = b"\x1f\x8b"


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
    try:
        with open(path, "rb") as fh:
            stored = fh.read()
    except OSError as e:
        raise TrackFormatError(path, f"cannot read the file: {e.strerror or e}") from None
    digest = hashlib.sha256(stored).hexdigest()
    data, gz = stored, False
    if stored[:2] == _GZIP_MAGIC:
        gz = True
        try:
            data = gzip.decompress(stored)
        except (OSError, EOFError, zlib.error) as e:
            raise TrackFormatError(path, f"broken gzip data ({e})", expected="a complete gzip file") from None
    return RawFile(path=path, data=data, sha256=digest, size=len(stored), gzipped=gz)


def read_file(path: str, format: str | None = None, **options: Any) -> tuple[pd.DataFrame, Source, pd.DataFrame]:
    """Parse one file: (canonical frame, its Source, its rejected records)."""
    raw = read_raw(path)
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
    rej_rows = [(int(r), reason, values) for r, reason, values in parsed.rejected]
    parser_rej = pd.DataFrame(rej_rows, columns=["record", "reason", "values"])
    parser_rej.insert(0, "file", path)
    all_rej = pd.concat([x for x in (parser_rej, rej) if len(x)], ignore_index=True) if (len(rej) or len(parser_rej)) else empty_rejected()
    all_rej = _typed_rejected(all_rej)
    frame["file"] = path
    frame = schema.conform(frame)
    reasons = all_rej["reason"].value_counts().to_dict() if len(all_rej) else {}
    source = Source(
        path=path,
        sha256=raw.sha256,
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
    time = pd.to_datetime(frame["time"], utc=True, errors="coerce") if len(frame) else pd.Series([], dtype=schema.TIME_DTYPE)
    lat = pd.to_numeric(frame["lat"], errors="coerce") if "lat" in frame else pd.Series(np.nan, index=frame.index)
    lon = pd.to_numeric(frame["lon"], errors="coerce") if "lon" in frame else pd.Series(np.nan, index=frame.index)
    checks = [
        (time.isna(), "time missing or unreadable"),
        (lat.isna() | lon.isna(), "position missing"),
        (~lat.between(-90, 90) & lat.notna(), "latitude outside -90..90"),
        (~lon.between(-180, 180) & lon.notna(), "longitude outside -180..180"),
    ]
    bad = pd.Series(False, index=frame.index)
    reasons = pd.Series("", index=frame.index, dtype=object)
    for mask, reason in checks:
        new = mask & ~bad
        reasons[new] = reason
        bad |= mask
    if not bad.any():
        return frame.assign(time=time).reset_index(drop=True), empty_rejected()
    cols = [c for c in ("time", "lat", "lon") if c in frame.columns]
    values = frame.loc[bad, cols].astype(str).agg(lambda r: ", ".join(f"{k}={v}" for k, v in r.items()), axis=1)
    rej = pd.DataFrame({"file": path, "record": frame.loc[bad, "record"].astype("int64"),
                        "reason": reasons[bad], "values": values})
    kept = frame.loc[~bad].assign(time=time[~bad])
    return kept.reset_index(drop=True), rej.reset_index(drop=True)


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
