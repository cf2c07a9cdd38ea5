"""Bounded decompression: every gzip stream and zip member `tracks` inflates goes through here.

A 6 MB gzip file can expand to 6 GB (a "decompression bomb"). Data is inflated in chunks and stopped as soon
as it passes the allowed size, before the memory is spent:

    allowed = min(max_bytes, max(floor_bytes, max_ratio * compressed size))

Defaults: at most 2 GiB out, and at most 100 times the compressed size once past 64 MiB (real exports compress
5-20 times; a bomb compresses about 1000 times). A real huge file is allowed with the environment variables
``TRACKS_MAX_UNPACKED`` (a size: ``8G``, ``500M``, bytes) and ``TRACKS_MAX_UNPACK_RATIO`` (a number), which the
command line sets from ``tracks --max-unpacked 8G --max-unpack-ratio 1000 ...``.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from tracks.errors import TracksError

MAX_UNPACKED_ENV = "TRACKS_MAX_UNPACKED"
MAX_RATIO_ENV = "TRACKS_MAX_UNPACK_RATIO"
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20  # bytes inflated per step
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


class UnpackError(TracksError, ValueError):
    """Compressed data that is broken, cut off, or expands past the allowed size. `too_large` tells which."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


@dataclass(frozen=True)
class UnpackLimits:
    """How far compressed data may expand: `max_bytes` absolute, `max_ratio` times the compressed size once the
    output passes `floor_bytes` (small files may compress very well)."""

    max_bytes: int = 2 << 30
    max_ratio: float = 100.0
    floor_bytes: int = 64 << 20

    def allowed(self, compressed: int) -> int:
        """Bytes of output allowed for `compressed` bytes of input."""
        return int(min(self.max_bytes, max(self.floor_bytes, self.max_ratio * max(compressed, 1))))

    def advice(self) -> str:
        return (f"if the file is genuine, allow more with --max-unpacked / {MAX_UNPACKED_ENV} (now "
                f"{human_size(self.max_bytes)}) and --max-unpack-ratio / {MAX_RATIO_ENV} (now {self.max_ratio:g})")


def parse_size(text: str) -> int:
    """'8G', '500M', '1.5GiB', '1048576' -> bytes; ValueError otherwise."""
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"{text!r} is not a size (e.g. 8G, 500M or a number of bytes)")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def human_size(n: float) -> str:
    """Bytes in binary units: '2.0 GiB', '64.0 MiB', '512 bytes'."""
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} bytes"


def limits() -> UnpackLimits:
    """The limits in force: the defaults, or TRACKS_MAX_UNPACKED / TRACKS_MAX_UNPACK_RATIO when set."""
    base = UnpackLimits()
    max_bytes, ratio = base.max_bytes, base.max_ratio
    text = os.environ.get(MAX_UNPACKED_ENV, "").strip()
    if text:
        try:
            max_bytes = parse_size(text)
        except ValueError as e:
            raise TracksError(f"{MAX_UNPACKED_ENV}: {e}") from None
    text = os.environ.get(MAX_RATIO_ENV, "").strip()
    if text:
        try:
            ratio = float(text)
        except ValueError:
            ratio = float("nan")
        if not ratio > 0 or ratio == float("inf"):
            raise TracksError(f"{MAX_RATIO_ENV}: {text!r} is not a positive number")
    return UnpackLimits(max_bytes, ratio, min(base.floor_bytes, max_bytes))


def _too_large(what: str, allowed: int, compressed: int, lim: UnpackLimits) -> UnpackError:
    return UnpackError(f"{what}: expands to more than {human_size(allowed)} from {human_size(compressed)} "
                       f"(a decompression bomb, or a very large export); stopped there. {lim.advice()}",
                       too_large=True)


def gunzip_chunks(chunks: Iterable[bytes], what: str, compressed: int,
                  lim: UnpackLimits | None = None) -> Iterable[bytes]:
    """Inflate gzip data (one or more members) given in `chunks`, `compressed` bytes in all, yielding the output
    in pieces of at most 1 MiB. UnpackError when the data is not gzip, is cut off (the stream does not end),
    has trailing garbage, or expands past the limit."""
    lim = lim or limits()
    allowed = lim.allowed(compressed)
    out = 0
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    padding = False  # zero bytes after the last member (some tools pad to a block size)
    for chunk in chunks:
        buf = chunk
        while buf:
            if padding or d.eof:
                if not padding and buf[:2] == GZIP_MAGIC:  # another member
                    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    continue
                if buf.strip(b"\0"):
                    raise UnpackError(f"{what}: data after the end of the gzip stream (expected a complete gzip "
                                      "file and nothing after it)")
                padding = True
                break
            try:
                piece = d.decompress(buf, _CHUNK)
            except zlib.error as e:
                raise UnpackError(f"{what}: broken gzip data ({e}) (expected a complete gzip file)") from None
            buf = d.unused_data if d.eof else d.unconsumed_tail
            out += len(piece)
            if out > allowed:
                raise _too_large(what, allowed, compressed, lim)
            if piece:
                yield piece
            elif not d.eof:
                break  # all input consumed, the member goes on in the next chunk
    if not (padding or d.eof):
        raise UnpackError(f"{what}: the gzip stream is cut off (the file is truncated or the download incomplete)")


def gunzip(data: bytes | memoryview, what: str, lim: UnpackLimits | None = None) -> bytes:
    """All of a gzip file's content, within the limits (see `gunzip_chunks`)."""
    view = memoryview(data)
    pieces = (bytes(view[i:i + _CHUNK]) for i in range(0, len(view), _CHUNK))
    return b"".join(gunzip_chunks(pieces, what, len(view), lim))


def read_member(zf: zipfile.ZipFile, name: str, what: str, lim: UnpackLimits | None = None) -> bytes:
    """A zip member's content, read in chunks and stopped at the limit (the sizes in the zip's directory are
    not trusted). UnpackError when it expands too far or is damaged."""
    lim = lim or limits()
    info = zf.getinfo(name)
    allowed = lim.allowed(info.compress_size)
    pieces: list[bytes] = []
    total = 0
    try:
        with zf.open(info) as fh:
            while piece := fh.read(_CHUNK):
                total += len(piece)
                if total > allowed:
                    raise _too_large(f"{what} ({name})", allowed, info.compress_size, lim)
                pieces.append(piece)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise UnpackError(f"{what}: member {name} is damaged ({type(e).__name__})") from None
    return b"".join(pieces)
