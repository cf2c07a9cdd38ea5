"""Fetching tracks from public sources into an evidence archive.

    >>> from tracks.fetch import fetch, verify_archive
    >>> result = fetch("adsbx", hex="0d8373", date="2025-11-29")      # archived byte for byte, then returned
    >>> track = result.load()                                           # tracks.load on the archived files
    >>> result.citations()                                              # URL, retrieval time, size, sha256
    >>> verify_archive(result.archive).ok                               # re-hash every archived file

Sources and URL layouts: `SOURCES` and docs/fetch.md. Archive layout and manifest: `tracks.fetch.archive`.
Every function returns objects and raises `tracks.errors.FetchError`; nothing prints.
"""

from __future__ import annotations

from tracks.errors import FetchError
from tracks.fetch.api import FetchResult, default_client, fetch, lookup_registration
from tracks.fetch.archive import (
    Archive,
    ManifestEntry,
    VerifyProblem,
    VerifyReport,
    default_archive_dir,
    resolve,
    verify_archive,
)
from tracks.fetch.auth import OpenSkyCredentials
from tracks.fetch.session import Client, FetchConfig, strip_credentials, user_agent
from tracks.fetch.sources import SOURCES, SourceInfo

__all__ = [
    "SOURCES",
    "Archive",
    "Client",
    "FetchConfig",
    "FetchError",
    "FetchResult",
    "ManifestEntry",
    "OpenSkyCredentials",
    "SourceInfo",
    "VerifyProblem",
    "VerifyReport",
    "default_archive_dir",
    "default_client",
    "fetch",
    "lookup_registration",
    "resolve",
    "strip_credentials",
    "user_agent",
    "verify_archive",
]
