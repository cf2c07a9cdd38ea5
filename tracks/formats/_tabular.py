"""Delimited-text reading and per-record rejection, shared by the FR24 CSV formats and the generic table format.

`read_delimited` reads a CSV with pyarrow (fast path) and falls back to the stdlib csv module only when the
file has malformed rows, so that each malformed row becomes a rejected record naming its line instead of
failing the whole file. Record numbers are 0-based data rows (blank lines are not records).
`Rejections` collects one reason per record (first reason wins) and splits a frame into kept rows and
`Parsed.rejected` tuples.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from tracks import schema
from tracks.errors import TrackFormatError
from tracks.formats._timeparse import clean_text
from tracks.formats.base import RawFile, describe_text

_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Table:
    """A delimited file read as text: `frame` has one column per header cell (names made unique)."""

    header: list[str]
    frame: pd.DataFrame
    records: np.ndarray
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    delimiter: str = ","


def first_line(raw: RawFile) -> str:
    """The first non-blank line of the file (decoded leniently; '' for binary content)."""
    head = raw.head
    if b"\n" not in head.lstrip() and len(raw.data) > len(head):  # a header longer than the sniffing window
        head = raw.data[: 1 << 20]
    if b"\x00" in head:
        return ""
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def sniff_delimiter(line: str) -> str:
    """The most frequent of , ; TAB | in a header line (',' on ties or when none occurs)."""
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def header_cells(line: str, delimiter: str) -> list[str]:
    """The header line split into stripped cells (quotes understood)."""
    try:
        return [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]
    except (csv.Error, StopIteration):
        return []


def unique_names(names: list[str]) -> list[str]:
    """Header names made unique and non-empty ('' -> '_2', repeated 'a' -> 'a_2'), order kept."""
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        base = n if n else f"_{i}"
        k = seen.get(base, 0)
        seen[base] = k + 1
        out.append(base if k == 0 else f"{base}_{k + 1}")
    return out


def read_delimited(
    raw: RawFile,
    *,
    delimiter: str | None = None,
    typed: bool = False,
    min_columns: int | None = None,
    text_columns: Callable[[str], bool] | None = None,
) -> Table:
    """Read a delimited text file with a header line.

    `typed`: let pyarrow infer numbers and timestamps (else every column is text), except for the header
    names for which `text_columns` is true (identifiers: pyarrow would read '0x8467d8' as a number).
    `min_columns`: rows may have any number of cells >= this (FR24 granular KEY:VALUE tails); otherwise a row
    with a different cell count than the header is a rejected record.
    """
    line = first_line(raw)
    if not line:
        raise TrackFormatError(raw.path, "no header line", where="line 1", expected="a delimited text file with a header")
    delim = delimiter or sniff_delimiter(line)
    header = header_cells(line, delim)
    if len(header) < 2:
        raise TrackFormatError(raw.path, f"the header ({describe_text(line)}) has fewer than 2 columns", where="line 1",
                               expected="a delimited text file with a header")
    names = unique_names(header)
    keep_text = {f"c{i}" for i, h in enumerate(header) if text_columns is not None and text_columns(h)}
    fast = _read_arrow(raw, names, delim, typed, keep_text)
    if fast is not None:
        return Table(header=header, frame=fast, records=np.arange(len(fast), dtype="int64"), delimiter=delim)
    return _read_stdlib(raw, header, names, delim, min_columns)


def _read_arrow(raw: RawFile, names: list[str], delim: str, typed: bool, keep_text: set[str]) -> pd.DataFrame | None:
    """pyarrow fast path; None when any row is malformed or the bytes are not UTF-8 (then use the slow path)."""
    data = raw.data[3:] if raw.data[:3] == b"\xef\xbb\xbf" else raw.data
    data = data.lstrip(b" \t\r\n")  # so that the header is the first row
    read = pacsv.ReadOptions(column_names=[f"c{i}" for i in range(len(names))], skip_rows=1, block_size=1 << 24)
    parse = pacsv.ParseOptions(delimiter=delim, newlines_in_values=False)
    attempts = [True, False] if typed else [False]
    for infer in attempts:
        types = {c: pa.string() for c in keep_text} if infer else {f"c{i}": pa.string() for i in range(len(names))}
        convert = pacsv.ConvertOptions(column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False)
        try:
            table = pacsv.read_csv(pa.BufferReader(data), read_options=read, parse_options=parse, convert_options=convert)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            continue
        except pa.ArrowException:
            return None
        if any(pa.types.is_binary(t) or pa.types.is_large_binary(t) for t in table.schema.types):
            return None  # cells that are not UTF-8: the slow path decodes the text leniently
        frame = table.to_pandas()
        frame.columns = names
        return frame
    return None


def _read_stdlib(raw: RawFile, header: list[str], names: list[str], delim: str, min_columns: int | None) -> Table:
    """Exact slow path: every malformed row becomes a rejected record naming its line."""
    text = raw.text()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows: list[list[str]] = []
    records: list[int] = []
    rejected: list[tuple[int, str, str]] = []
    width = len(header)
    record = -1
    in_header = True
    try:
        for row in reader:
            if in_header:  # the header is the first non-blank row
                in_header = not any(c.strip() for c in row)
                continue
            if not row:
                continue
            record += 1
            if len(row) == width or (min_columns is not None and len(row) >= min_columns):
                rows.append(row)
                records.append(record)
            else:
                rejected.append((record, f"line {reader.line_num}: expected {width} fields, got {len(row)}",
                                 delim.join(row)[:200]))
    except csv.Error as e:
        raise TrackFormatError(raw.path, f"unreadable CSV ({e})", where=f"line {reader.line_num}",
                               expected="delimited text with balanced quotes") from None
    ncols = max([width, *map(len, rows)]) if rows else width
    all_names = names + [f"_{i}" for i in range(len(names), ncols)]
    padded = [r + [""] * (ncols - len(r)) if len(r) < ncols else r for r in rows]
    frame = pd.DataFrame(padded, columns=all_names, dtype=object) if padded else pd.DataFrame(columns=all_names, dtype=object)
    return Table(header=header, frame=frame, records=np.asarray(records, dtype="int64"), rejected=rejected, delimiter=delim)


def to_number(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Column -> (float64 values, mask of present-but-unreadable cells). Null tokens ('', 'NA', ...) are NaN."""
    v = values.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(v.dtype):
        return v.astype("float64").to_numpy(), np.zeros(len(v), dtype=bool)
    if pd.api.types.is_numeric_dtype(v.dtype):
        return v.to_numpy(dtype="float64", na_value=np.nan), np.zeros(len(v), dtype=bool)
    text = clean_text(v)
    nums = pd.to_numeric(text, errors="coerce")
    out = nums.to_numpy(dtype="float64", na_value=np.nan)
    return out, (text.notna().to_numpy() & np.isnan(out))


class Rejections:
    """One reason per record (none = keep); the first reason given to a record wins.

    Reasons are stored as small integer codes, so marking a million rows costs a few array operations.
    """

    def __init__(self, n: int) -> None:
        self.code = np.zeros(n, dtype=np.int32)
        self.texts: list[str] = [""]

    def _code(self, reason: str) -> int:
        if reason not in self.texts:
            self.texts.append(reason)
        return self.texts.index(reason)

    def _set(self, m: np.ndarray, reason: str | np.ndarray) -> None:
        if not m.any():
            return
        if isinstance(reason, np.ndarray):
            uniq, inverse = np.unique(reason[m].astype(str), return_inverse=True)
            self.code[m] = np.array([self._code(u) for u in uniq], dtype=np.int32)[inverse]
        else:
            self.code[m] = self._code(reason)

    def add(self, mask: np.ndarray, reason: str | np.ndarray) -> None:
        """Give `reason` (one string, or one per row) to the rows in `mask` that have no reason yet."""
        self._set(np.asarray(mask, dtype=bool) & (self.code == 0), reason)

    def add_reasons(self, reasons: np.ndarray) -> None:
        """Merge an array of per-row reasons ('' = none)."""
        self.add(reasons != "", reasons)

    def override(self, reasons: np.ndarray) -> None:
        """Per-row reasons that take precedence over any given before ('' = leave as is)."""
        self._set(reasons != "", reasons)

    @property
    def bad(self) -> np.ndarray:
        return self.code != 0

    @property
    def reason(self) -> np.ndarray:
        """The reason of every row ('' = kept)."""
        return np.asarray(self.texts, dtype=object)[self.code]

    def split(
        self, frame: pd.DataFrame, records: np.ndarray, shown: pd.DataFrame | None = None
    ) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
        """(kept rows of `frame` with their `record` column, rejected tuples showing the `shown` columns)."""
        bad = self.bad
        frame = frame.reset_index(drop=True).assign(record=np.asarray(records, dtype="int64"))
        if not bad.any():
            return frame, []
        src = (shown if shown is not None else frame).reset_index(drop=True)
        idx = np.flatnonzero(bad)
        rows = src.iloc[idx]
        text = pd.Series([""] * len(idx), dtype=object)
        for k, c in enumerate(rows.columns):
            cell = rows[c].astype(object).where(rows[c].notna(), "").astype(str).to_numpy(dtype=object)
            text = text + (", " if k else "") + f"{c}=" + cell
        values = [v[:300] for v in text]
        reasons = [self.texts[c] for c in self.code[idx]]
        rejected = list(zip(np.asarray(records, dtype="int64")[idx].tolist(), reasons, values, strict=True))
        return frame.loc[~bad].reset_index(drop=True), rejected


class RejectedRecords(list[tuple[int, str, str]]):
    """`Parsed.rejected` (a list of (record, reason, values) tuples) that also keeps its columns, so that the
    loader can build its rejected table without going back through the tuples: record numbers, one reason
    for all, the values as an Arrow string array. Combining it with other lists gives a plain list (then the
    tuples are used)."""

    def __init__(self, records: np.ndarray, reason: str, values: pa.Array) -> None:
        super().__init__(zip(records.tolist(), [reason] * len(records), values.to_pylist(), strict=True))
        self.records, self.reason, self.values = records, reason, values


def null_island(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Rows at exactly 0,0: exporters' placeholder for 'no position', never a real fix."""
    return (lat == 0.0) & (lon == 0.0)


NULL_ISLAND_REASON = "position 0,0 is a placeholder for 'no position'"


def per_unique(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`fn` applied to the distinct values only (identifier columns repeat a few values a million times)."""
    v = values.reset_index(drop=True)
    codes, uniques = pd.factorize(v, use_na_sentinel=True)
    if len(uniques) * 4 > len(v):
        return fn(v).reset_index(drop=True)
    done = fn(pd.Series(uniques, dtype=object)).astype("string").to_numpy(dtype=object, na_value=None)
    done = np.append(done, None)  # code -1 (missing) -> None
    return pd.Series(done[codes], dtype="string")


def text_column(values: pd.Series) -> pd.Series:
    """Free text (callsign, registration) stripped, null tokens -> <NA>."""
    return per_unique(values, lambda v: clean_text(v.astype("string")))


def squawk_text(values: pd.Series) -> pd.Series:
    """Mode A codes as four octal digits ('416' -> '0416'); '0', empty and non-octal values -> <NA>."""
    return per_unique(values, _squawk)


def _squawk(values: pd.Series) -> pd.Series:
    text = clean_text(values.astype("string")).str.replace(r"\.0$", "", regex=True)
    ok = mask(text.str.fullmatch(r"[0-7]{1,4}")) & mask(text.str.lstrip("0") != "")
    return text.where(ok).str.zfill(4)


def icao_text(values: pd.Series) -> pd.Series:
    """ICAO 24-bit addresses in canonical form (tracks.schema: '0x8467D8' -> '8467d8', '~1A2B3C' -> '~1a2b3c');
    addresses read as numbers get their leading zeros back ('d8373' -> '0d8373'); anything else -> <NA>."""
    return per_unique(values, _icao)


def _icao(values: pd.Series) -> pd.Series:
    text = clean_text(values.astype("string")).str.lower().str.replace(r"^0x", "", regex=True)
    text = text.where(~mask(text.str.fullmatch(r"[0-9a-f]{1,5}")), text.str.zfill(6))  # leading zeros lost
    return text.where(schema.icao_hex_mask(text))


def mask(values: pd.Series) -> np.ndarray:
    """A nullable boolean Series as a numpy bool array (<NA> -> False)."""
    return values.fillna(False).to_numpy(dtype=bool)


def check_icao_option(path: str, icao24: str | None) -> str | None:
    """Validate an `icao24=` option (for formats that do not carry the address)."""
    if icao24 is None:
        return None
    h = schema.parse_icao24(str(icao24))
    if h is None:
        raise TrackFormatError(path, f"icao24 option {icao24!r} is not an ICAO address", where="options",
                               expected="6 hex digits such as '0d8373'")
    return h
