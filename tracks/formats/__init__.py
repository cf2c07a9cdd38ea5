"""Export formats, one module each. Every module exposes ``FORMATS: list[Format]``.

Modules are discovered automatically; formats are sniffed in order of `Format.priority` (lower first), so
specific formats (readsb trace, FR24 granular CSV) are tried before generic ones (CSV, GeoJSON).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from tracks.errors import TrackFormatError
from tracks.formats.base import Format, Parsed, RawFile, describe_bytes

__all__ = ["Format", "Parsed", "RawFile", "all_formats", "detect", "get_format"]


@cache
def all_formats() -> tuple[Format, ...]:
    """Every known format, in sniffing order."""
    found: list[Format] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in ("base",) or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "FORMATS", []))
    names = [f.name for f in found]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise RuntimeError(f"format names defined twice: {sorted(dupes)}")
    return tuple(sorted(found, key=lambda f: (f.priority, f.name)))


def get_format(name: str) -> Format:
    """The format called `name`; TrackFormatError listing the known names otherwise."""
    for f in all_formats():
        if f.name == name:
            return f
    known = ", ".join(f.name for f in all_formats())
    raise TrackFormatError("<format option>", f"unknown format {name!r}", expected=f"one of: {known}")


def detect(raw: RawFile) -> Format:
    """The first format whose sniffer accepts the content; TrackFormatError when none does."""
    if not raw.head.strip() and (not raw.data or raw.data.isspace()):  # the head first: no copy of a mapped file
        raise TrackFormatError(raw.path, "the file is empty", expected="a track export")
    for f in all_formats():
        try:
            if f.sniff(raw):
                return f
        except TrackFormatError:
            continue
    known = ", ".join(f.name for f in all_formats())
    if raw.head.lstrip()[:1] in (b"{", b"["):
        raw.json()  # raises the precise error (line, column) when the JSON is broken or truncated
        raise TrackFormatError(raw.path, "valid JSON, but not a layout tracks knows",
                               expected=f"one of: {known}; or pass format=...")
    # by type and size only: never quote a file that may be anything (a password file, an environment dump)
    raise TrackFormatError(
        raw.path, f"cannot tell what format this is ({describe_bytes(raw.data, len(raw.data))})",
        expected=f"one of: {known}; or pass format=...",
    )
