"""Large files read in place: a `RawFile` over a read-only memory map, and a zero-copy view for Arrow readers.

Not a format module (the leading underscore keeps it out of format discovery).

Copying a 100 MB export into a `bytes` object costs about as much as hashing it (fresh pages for every byte).
The loader therefore maps large uncompressed files: sniffers read `head` from the mapping, Arrow readers
(OpenSky state-vector CSV) parse `content(raw)` in place, and `data` (a bytes copy) is made only when a
reader asks for it, so every other format behaves exactly as with a plain `RawFile`.

A reader that parses `content(raw)` in place calls `done_reading(raw)` afterwards. The loader hashes a mapped
file only from then (or from the moment `data` is copied): hashing during a multi-threaded Arrow parse would
only take cores from the parse, while the reader's later, partly single-threaded work leaves a core free.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa

from tracks.formats.base import RawFile

_UNREAD: Any = object()  # placeholder passed to RawFile.__init__: the bytes copy is made on first use


class MappedFile(RawFile):
    """A `RawFile` whose content is a read-only memory map (`buffer`); `data` copies it on first access.
    `when_read` runs once, when the content has been read (see `done_reading`) or copied."""

    def __init__(self, path: str, buffer: pa.Buffer, when_read: Callable[[], object] | None = None) -> None:
        self.buffer = buffer
        self._copy: bytes | None = None
        self._when_read = when_read
        super().__init__(path=path, data=_UNREAD, sha256="", size=buffer.size)

    @property  # type: ignore[override]
    def data(self) -> bytes:
        """The content as bytes (copied from the mapping once, on first access)."""
        if self._copy is None:
            self._copy = self.buffer.to_pybytes()
            self.read()
        return self._copy

    @data.setter
    def data(self, value: bytes) -> None:
        self._copy = None if value is _UNREAD else value

    @property
    def head(self) -> bytes:
        """The first 4 KiB, read from the mapping."""
        if self._copy is not None:
            return self._copy[:4096]
        return self.buffer.slice(0, min(4096, self.buffer.size)).to_pybytes()


    def __repr__(self) -> str:  # without the content (the dataclass repr would copy the whole file)
        return f"MappedFile(path={self.path!r}, size={self.size}, copied={self._copy is not None})"

    def read(self) -> None:
        """The content has been read: run `when_read` (once)."""
        when_read, self._when_read = self._when_read, None
        if when_read is not None:
            when_read()


def done_reading(raw: RawFile) -> None:
    """A reader has finished parsing `content(raw)` in place (see the module docstring)."""
    if isinstance(raw, MappedFile):
        raw.read()


def content(raw: RawFile) -> pa.Buffer | bytes:
    """The (decompressed) content for an Arrow reader: the mapping itself when `raw` is mapped, else `data`."""
    if isinstance(raw, MappedFile) and raw._copy is None:
        return raw.buffer
    return raw.data
