"""Vectorised value converters shared by the aircraft.json, OpenSky and SBS readers (units: tracks.units).

Not a format module (the leading underscore keeps it out of format discovery).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracks.schema import TIME_DTYPE

_NAT = np.iinfo(np.int64).min
NAT_US = _NAT  # "unknown" in microsecond arrays
_MAX_ABS_S = 1.0e10  # |Unix seconds| beyond this (year 2286) cannot be a real time; it becomes NaT


def numeric(values: Sequence[Any]) -> np.ndarray:
    """JSON numbers as float64; None, strings, booleans and anything else as NaN."""
    return np.fromiter(
        (v if type(v) is float else float(v) if type(v) is int else np.nan for v in values),
        dtype="float64",
        count=len(values),
    )


def text(values: Sequence[Any]) -> list[str | None]:
    """JSON strings stripped of padding; empty strings and non-strings become None."""
    return [v.strip() or None if isinstance(v, str) else None for v in values]


def seconds_to_time(seconds: np.ndarray, decimals: int = 6) -> pd.Series:
    """Unix seconds (float64, NaN = unknown) -> datetime64[ns, UTC], rounded to 10**-decimals s.

    Rounding in integer units avoids float artefacts (1643816699.932 s -> .932000000, not .931999922).
    Non-finite or absurd values become NaT (the loader then rejects the row with a reason).
    """
    if decimals == 6:
        return us_to_time(seconds_to_us(seconds))
    s = np.asarray(seconds, dtype="float64")
    ok = np.isfinite(s) & (np.abs(s) < _MAX_ABS_S)
    scale = 10**decimals
    units = np.round(np.where(ok, s, 0.0) * scale).astype(np.int64)
    return _ns_to_time(np.where(ok, units * (10**9 // scale), _NAT))


def seconds_to_us(seconds: np.ndarray) -> np.ndarray:
    """Unix seconds (float64) -> whole microseconds (int64); NaN, infinite or absurd values -> NAT_US."""
    s = np.asarray(seconds, dtype="float64")
    with np.errstate(invalid="ignore"):
        ok = (s < _MAX_ABS_S) & (s > -_MAX_ABS_S)  # False for NaN and infinities too
    scaled = s * 1e6
    np.round(scaled, out=scaled)
    if ok.all():
        return scaled.astype(np.int64)
    bad = ~ok
    scaled[bad] = 0.0
    us = scaled.astype(np.int64)
    us[bad] = NAT_US
    return us


def us_to_time(us: np.ndarray, overwrite: bool = False) -> pd.Series:
    """Whole microseconds since 1970 (NAT_US = unknown) -> datetime64[ns, UTC].

    `overwrite`: the nanoseconds are computed in `us` itself (which the caller no longer needs).
    """
    unknown = us == NAT_US
    ns = np.multiply(us, 1000, out=us if overwrite else None)
    if unknown.any():
        ns[unknown] = _NAT
    return _ns_to_time(ns)


def _ns_to_time(ns: np.ndarray) -> pd.Series:
    return pd.Series(ns.view("M8[ns]"), dtype=TIME_DTYPE)


def floats(array: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """An Arrow numeric column as float64 with NaN for nulls."""
    arr = array if array.type == pa.float64() else pc.cast(array, pa.float64(), safe=False)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype="float64")


def nullable_bool(array: pa.ChunkedArray | pa.Array) -> pd.Series:
    """An Arrow boolean column as the pandas nullable "boolean" dtype."""
    arr = pc.cast(array, pa.bool_())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], pa.bool_())
    values = np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)
    mask = np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    return pd.Series(pd.arrays.BooleanArray(values, mask))


def _common_width(values: pa.Array) -> int:
    """The byte length shared by every non-null value of a small string array (0 when they differ or are empty)."""
    if len(values) > 1 << 16:
        return 0
    widths = pc.unique(pc.drop_null(pc.binary_length(values)))
    return int(widths[0].as_py()) if len(widths) == 1 else 0


def _fixed_text(data: np.ndarray, valid: np.ndarray | None, width: int) -> pa.Array:
    """A large_string array from fixed-width numpy bytes (`valid` None: no nulls). Null slots span `width`
    zero bytes, which the Arrow format allows."""
    m = len(data)
    offsets = np.arange(0, (m + 1) * width, width, dtype=np.int64)
    nulls = m - int(np.count_nonzero(valid)) if valid is not None else 0
    validity = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    return pa.LargeStringArray.from_buffers(m, pa.py_buffer(offsets), pa.py_buffer(data), validity, nulls)


def take_text(values: pa.Array, indices: np.ndarray) -> pa.Array:
    """``values[indices]`` for a small string array (nulls allowed) as a large_string array, like `pc.take`;
    every index must be a position in `values`.

    When every non-null value has the same byte length (ICAO addresses, squawk codes, evenly padded
    callsigns) the bytes are gathered as fixed-width numpy items, without per-value copies.
    """
    width = _common_width(values)
    if not width:
        return pc.take(values, pa.array(indices)).cast(pa.large_string())
    indices = np.asarray(indices, dtype=np.intp)  # numpy would convert other index types at each use
    items = np.array([b"" if v is None else v for v in values.cast(pa.binary()).to_pylist()], dtype=f"S{width}")
    present = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    data = np.take(items, indices, mode="clip")  # indices are in range: "clip" only skips the error check
    valid = None
    if not present.all() and (not len(indices) or not present[: int(indices.max()) + 1].all()):
        valid = np.take(present, indices, mode="clip")
    return _fixed_text(data, valid, width)


class TextRows:
    """A text column as each row's index into its few distinct `values` (an Arrow integer array), ready to be
    taken at any rows: ``at(rows)`` is ``values[index[rows]]`` as a large_string array.

    When every non-null value has the same byte length, each row's bytes are laid out once (in Arrow memory)
    as fixed-width items, so that every later ``at`` is a single numpy gather.
    """

    def __init__(self, values: pa.Array, index: pa.Array) -> None:
        self.values, self.index = values, index
        self.width = _common_width(values)
        self.rows: np.ndarray | None = None
        self.valid: np.ndarray | None = None
        if self.width and len(index):
            taken = pc.take(values.cast(pa.binary(self.width)), index)
            self.rows = np.frombuffer(taken.buffers()[1], dtype=f"S{self.width}", count=len(taken), offset=taken.offset * self.width)
            if taken.null_count:
                self.valid = np.asarray(taken.is_valid().to_numpy(zero_copy_only=False), dtype=bool)

    def at(self, rows: np.ndarray) -> pa.Array:
        if self.rows is None:
            return take_text(self.values, np.take(np.asarray(self.index.to_numpy(zero_copy_only=False), dtype=np.intp), rows))
        valid = np.take(self.valid, rows, mode="clip") if self.valid is not None else None
        return _fixed_text(np.take(self.rows, rows, mode="clip"), valid, self.width)
