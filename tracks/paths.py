"""Where bundled data lives (`data/` in a checkout, `tracks/_data` in a wheel), and how outputs name files."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path


@cache
def data_dir() -> Path:
    """The directory holding regions/, cases/ and aircraft.csv."""
    try:
        import tracks._data as bundled  # mapped onto data/ by pyproject's package-dir

        for entry in getattr(bundled, "__path__", []):
            if (Path(entry) / "regions").is_dir() or (Path(entry) / "cases").is_dir():
                return Path(entry)
    except ImportError:
        pass
    return Path(__file__).resolve().parent.parent / "data"


def public_name(path: str | os.PathLike[str], base: str | os.PathLike[str] | None = None) -> str:
    """How a published output (map, report, export) names a file: never the user's folders.

    `path` relative to `base` (the case folder, or an export's folder) when it lies below it, with '/'
    separators; else the file name alone (the sha256 printed next to it identifies the bytes anyway).
    URLs (http, https, s3, ...) are public and returned unchanged (file: URLs are paths); '' stays ''.
    """
    text = os.fspath(path)
    if text.lower().startswith("file:"):  # a local file written as a URL is a local file
        text = text[5:].lstrip("/") and "/" + text[5:].lstrip("/")
    elif not text or _URL.match(text):
        return text
    name = re.split(r"[\\/]", text.rstrip("\\/"))[-1] or text
    if base is None:
        return name
    try:
        rel = os.path.relpath(Path(text).resolve(), Path(base).resolve())
    except (ValueError, OSError):  # another drive on Windows
        return name
    if rel.startswith("..") or os.path.isabs(rel):
        return name
    return rel.replace(os.sep, "/")


_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def is_inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether `path`, with every symbolic link followed, lies in `folder` (or below it)."""
    real, top = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return real == top or top in real.parents
