"""What every format module provides, and the small helpers they share.

A format module defines one or more `Format` objects: a `sniff` that looks at the *content* (never the file
name) and a `read` that turns bytes into canonical columns. The loader (`tracks.loader`) does the rest:
hashing, gunzip, validation of impossible values, schema conformance and provenance.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import pandas as pd

from tracks.errors import TrackFormatError
from tracks.schema import (
    is_icao_hex as is_icao_hex,  # the rule lives in tracks.schema; readers import it here
)

_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19  # 19 digits in a row: perhaps an integer beyond 64 bits, which orjson reads as a float


def parse_json(data: bytes) -> Any:
    """`json.loads(data)`, faster: orjson (several times quicker) reads strict JSON whose integers fit 64 bits,
    and returns what `json` does; anything else (NaN/Infinity, a run of 19+ digits, lone surrogates, other
    encodings than UTF-8, invalid JSON) goes to `json`, so values and error messages are those of `json`."""
    if _LONG_NUMBER not in data.translate(_DIGITS_AS_ZERO):  # one pass in C (a regex takes 10x as long)
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


@dataclass
class RawFile:
    """One input file. `data` is decompressed; `sha256` and `size` describe the bytes as stored on disk."""

    path: str
    data: bytes
    sha256: str
    size: int
    gzipped: bool = False
    _text: str | None = field(default=None, repr=False)
    _json: Any = field(default=None, repr=False)
    _json_tried: bool = field(default=False, repr=False)
    _json_error: TrackFormatError | None = field(default=None, repr=False)

    @property
    def head(self) -> bytes:
        """The first 4 KiB, for sniffing."""
        return self.data[:4096]

    def text(self) -> str:
        """The content decoded as UTF-8 (with BOM removed); TrackFormatError if it is not text."""
        if self._text is None:
            try:
                self._text = self.data.decode("utf-8-sig")
            except UnicodeDecodeError as e:
                try:
                    self._text = self.data.decode("latin-1") if b"\x00" not in self.data else None
                except UnicodeDecodeError:
                    self._text = None
                if self._text is None:
                    raise TrackFormatError(self.path, "not a text file", where=f"byte {e.start}") from None
        return self._text

    def json(self) -> Any:
        """The content parsed as JSON; TrackFormatError naming line and column when it is not valid JSON."""
        if not self._json_tried:
            self._json_tried = True
            try:
                self._json = parse_json(self.data)
            except json.JSONDecodeError as e:
                self._json_error = TrackFormatError(
                    self.path, f"invalid JSON: {e.msg}", where=f"line {e.lineno} column {e.colno}",
                    expected="complete JSON (the file may be truncated)",
                )
            except (UnicodeDecodeError, RecursionError) as e:
                self._json_error = TrackFormatError(self.path, f"not JSON text ({type(e).__name__})")
        if self._json_error is not None:
            raise self._json_error
        return self._json

    def try_json(self) -> Any:
        """The parsed JSON, or None when the content is not JSON (for sniffing)."""
        stripped = self.head.lstrip()
        if stripped[:1] not in (b"{", b"["):
            return None
        try:
            return self.json()
        except TrackFormatError:
            return None


@dataclass(frozen=True, eq=False)
class FileAircraft:
    """Who the aircraft are in the file's own words (readsb `r`, `t`, `desc`, `ownOp`, `year`, `dbFlags`): one
    entry per aircraft object, as equal-length columns; "" = not given; `db_flags` -1 = not given (else the readsb
    bits 1 military, 2 interesting, 4 PIA, 8 LADD). `tracks.aircraft` reads it into a track's identity."""

    icao24: tuple[str, ...]
    registration: tuple[str, ...]
    type_code: tuple[str, ...]
    type_description: tuple[str, ...]
    operator: tuple[str, ...]
    year: tuple[str, ...]
    db_flags: tuple[int, ...]

    @classmethod
    def from_objects(cls, icao24: list[str], objects: list[dict[str, Any]]) -> FileAircraft | None:
        """From readsb objects (a trace's top level, aircraft.json entries) and their addresses; None when no
        object gives any of these values."""
        def text(key: str) -> tuple[str, ...]:
            return tuple(v.strip() if isinstance(v, str) else str(v) if type(v) is int else ""
                         for v in (o.get(key) for o in objects))

        flags = tuple(v if type(v) is int and v >= 0 else -1 for v in (o.get("dbFlags") for o in objects))
        cols = (text("r"), text("t"), text("desc"), text("ownOp"), text("year"))
        if not any(map(any, cols)) and all(v < 0 for v in flags):
            return None
        return cls(tuple(icao24), *cols, flags)


@dataclass
class Parsed:
    """What a format's `read` returns.

    `frame` has canonical column names (any subset; see tracks.schema) and must include `record`.
    `rejected` lists records the parser could not use: (record, reason, values-as-text).
    `records_read` counts every record the file holds (kept + rejected).
    `aircraft`: the aircraft identity the file itself carries (readsb formats), None when it carries none.
    """

    frame: pd.DataFrame
    records_read: int
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    illustrative: bool = False
    note: str = ""
    aircraft: FileAircraft | None = None


@dataclass(frozen=True)
class Format:
    """A readable export format."""

    name: str
    description: str
    sniff: Callable[[RawFile], bool]
    read: Callable[..., Parsed]  # read(raw: RawFile, **options) -> Parsed
    priority: int = 50  # sniffing order: lower first; generic formats use 90+
    multi_aircraft: bool = False  # the format usually holds many aircraft (aircraft.json, OpenSky states)


def describe_text(text: str) -> str:
    """A line or file content by its kind and size, never by its characters (an error message must not quote a
    file that may not be a track at all: a password file, an environment dump): 'a line of 52 characters'."""
    return f"a line of {len(text)} characters"


def describe_bytes(data: bytes, size: int) -> str:
    """What a file looks like, by type and size only: 'a text file of 1,234 bytes (12 lines)', 'a binary file of
    2,048 bytes'."""
    head = data[:4096]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as e:
        text = head[:e.start].decode("utf-8") if e.start > len(head) - 4 else None
    if text is None or any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        return f"a binary file of {size:,} bytes"
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    return f"a text file of {size:,} bytes ({lines:,} line{'s' if lines != 1 else ''})"


def readsb_source(kind: object) -> str:
    """Fold readsb / dump1090 `type` strings into the schema's source vocabulary."""
    if not isinstance(kind, str):
        return "unknown"
    k = kind.lower()
    if k.startswith("adsb"):
        return "adsb"
    if k == "mlat":
        return "mlat"
    if k.startswith("tisb"):
        return "tisb"
    if k.startswith("adsr"):
        return "adsr"
    if k == "adsc":
        return "adsc"
    if k == "mode_s":
        return "modes"
    if k == "unknown":
        return "unknown"
    return "other"
