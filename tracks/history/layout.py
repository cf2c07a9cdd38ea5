"""The history dataset on disk (any fsspec path): layout, Arrow schemas, per-day manifests, atomic commits.

    DATASET/tracks-dataset.json                 format name and version (refused when newer than this code)
    DATASET/day=YYYY-MM-DD/manifest.json        the day's commit record: which version is current, its files,
                                                every input with its sha256, counts, bad members, rejections
    DATASET/day=YYYY-MM-DD/v-<id>/part-<k>.parquet   points, sorted by (icao24, time); an aircraft is in one part
    DATASET/day=YYYY-MM-DD/v-<id>/aircraft.parquet   one row per aircraft: bounding box, counts, row range

A day becomes visible, or is replaced, only when its manifest is written (one atomic write: a rename on a
local disk, one PUT on an object store); readers go through the manifest, so an interrupted ingest leaves
the previous state, and files of unfinished or replaced versions are never read (they are removed after
the commit, or by the next ingest of that day).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import fsspec
import pyarrow as pa

from tracks import __version__, schema
from tracks.errors import TracksError

FORMAT = "tracks-history"
FORMAT_VERSION = 1
DATASET_FILE = "tracks-dataset.json"
MANIFEST = "manifest.json"
DAY_DIR = re.compile(r"^day=(\d{4}-\d{2}-\d{2})$")

#: Columns of the dataset beyond the canonical table: readsb database fields of the aircraft (None = absent).
EXTRA_COLUMNS = ("db_flags", "aircraft_type")

_STR = pa.string()
POINT_SCHEMA = schema.ARROW_SCHEMA  # canonical columns, then db_flags and aircraft_type

AIRCRAFT_SCHEMA = pa.schema([
    ("icao24", _STR), ("points", pa.int64()), ("first_time", pa.timestamp("ns", tz="UTC")),
    ("last_time", pa.timestamp("ns", tz="UTC")), ("min_lat", pa.float64()), ("max_lat", pa.float64()),
    ("min_lon", pa.float64()), ("max_lon", pa.float64()), ("callsigns", pa.list_(_STR)), ("registration", _STR),
    ("aircraft_type", _STR), ("db_flags", pa.int16()), ("part", pa.int32()), ("row_start", pa.int64()),
    ("row_count", pa.int64()),
])


class DatasetError(TracksError):
    """A history dataset cannot be used as asked (newer format, missing, not a dataset), or a query's options
    are not valid (a day, an address prefix, a callsign pattern, a distance)."""


@dataclass
class DayManifest:
    """The commit record of one day (see the module docstring); `parts` and `aircraft` are relative to the
    day's folder."""

    day: str
    version: str
    parts: list[str]
    aircraft: str
    rows: int
    aircraft_count: int
    inputs: list[dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)
    bad_members: list[dict[str, str]] = field(default_factory=list)
    rejected_points: dict[str, int] = field(default_factory=dict)
    ingested_at: str = ""
    tracks_version: str = __version__
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes, where: str) -> DayManifest:
        try:
            d = json.loads(data)
            version = int(d.get("format_version", 0))
        except (ValueError, TypeError, AttributeError) as e:
            raise DatasetError(f"{where}: unreadable manifest ({e})") from None
        _check_version(version, where)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


def _check_version(version: int, where: str) -> None:
    if version > FORMAT_VERSION:
        raise DatasetError(f"{where}: written by a newer version of tracks (dataset format {version}; this tracks "
                           f"{__version__} reads format {FORMAT_VERSION} and older): upgrade tracks to read it")
    if version < 1:
        raise DatasetError(f"{where}: not a tracks history manifest (no format_version)")


class Dataset:
    """A history dataset at an fsspec path (a local folder, or e.g. ``s3://bucket/history``)."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False,
                 storage_options: dict[str, Any] | None = None) -> None:
        self.url = os.fspath(path)
        self.fs, self.root = fsspec.core.url_to_fs(self.url, **(storage_options or {}))
        self.root = self.root.rstrip("/")
        marker = f"{self.root}/{DATASET_FILE}"
        if self.fs.exists(marker):
            try:
                info = json.loads(self.fs.cat_file(marker))
                version = int(info["version"])
                ok = info.get("format") == FORMAT
            except (ValueError, KeyError, TypeError) as e:
                raise DatasetError(f"{self.url}: {DATASET_FILE} is unreadable ({e})") from None
            if not ok:
                raise DatasetError(f"{self.url}: {DATASET_FILE} is not a tracks history dataset")
            _check_version(version, f"{self.url}/{DATASET_FILE}")
        elif create:
            if self.fs.exists(self.root) and self.fs.ls(self.root, detail=False):
                raise DatasetError(f"{self.url}: the folder exists and is not a tracks history dataset; "
                                   "give an empty or new folder")
            self.fs.makedirs(self.root, exist_ok=True)
            self.write_atomic(marker, json.dumps({"format": FORMAT, "version": FORMAT_VERSION,
                                                  "created": _now(), "created_by": f"tracks {__version__}"}).encode())
        else:
            raise DatasetError(f"{self.url}: not a tracks history dataset (no {DATASET_FILE}); "
                               "make one with `tracks history ingest SOURCE --into DIR`")

    def __repr__(self) -> str:
        return f"<Dataset {self.url}: {len(self.days())} days>"

    # -- paths --------------------------------------------------------------------------------------------
    def day_dir(self, day: str) -> str:
        return f"{self.root}/day={day}"

    def full(self, day: str, rel: str) -> str:
        """A path of the dataset's filesystem (protocol included, for readers that take URLs)."""
        return self.fs.unstrip_protocol(f"{self.day_dir(day)}/{rel}")

    def new_version(self, day: str) -> tuple[str, str]:
        """(version id, its folder) for a day being written."""
        version = f"v-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        folder = f"{self.day_dir(day)}/{version}"
        self.fs.makedirs(folder, exist_ok=True)
        return version, folder

    # -- reading ------------------------------------------------------------------------------------------
    def days(self) -> list[str]:
        """Committed days (YYYY-MM-DD), sorted."""
        if not self.fs.exists(self.root):
            return []
        found = []
        for p in self.fs.ls(self.root, detail=False):
            m = DAY_DIR.match(p.rstrip("/").rsplit("/", 1)[-1])
            if m and self.fs.exists(f"{p.rstrip('/')}/{MANIFEST}"):
                found.append(m.group(1))
        return sorted(found)

    def manifest(self, day: str) -> DayManifest:
        path = f"{self.day_dir(day)}/{MANIFEST}"
        try:
            data = self.fs.cat_file(path)
        except FileNotFoundError:
            raise DatasetError(f"{self.url}: no day {day} (days: {_span(self.days())})") from None
        return DayManifest.from_json(data, path)

    def manifests(self) -> list[DayManifest]:
        return [self.manifest(d) for d in self.days()]

    # -- writing ------------------------------------------------------------------------------------------
    def write_atomic(self, path: str, data: bytes) -> None:
        """Write a small file so that readers see the old or the new content, never a mix."""
        if _is_local(self.fs):
            tmp = f"{path}.tmp-{uuid.uuid4().hex[:8]}"
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        else:
            self.fs.pipe_file(path, data)  # one PUT: object stores make it visible whole

    def commit(self, manifest: DayManifest) -> DayManifest | None:
        """Make `manifest`'s version the day's current one; returns the manifest it replaced (if any)."""
        path = f"{self.day_dir(manifest.day)}/{MANIFEST}"
        old = self.manifest(manifest.day) if self.fs.exists(path) else None
        manifest.ingested_at = _now()
        self.write_atomic(path, manifest.to_json())
        self.sweep(manifest.day)
        return old

    def sweep(self, day: str) -> None:
        """Remove version folders of `day` that its manifest does not point to (replaced or unfinished)."""
        folder = self.day_dir(day)
        if not self.fs.exists(folder):
            return
        path = f"{folder}/{MANIFEST}"
        current = self.manifest(day).version if self.fs.exists(path) else None
        for p in self.fs.ls(folder, detail=False):
            name = p.rstrip("/").rsplit("/", 1)[-1]
            if name.startswith("v-") and name != current:
                self.fs.rm(p, recursive=True)

    def discard(self, folder: str) -> None:
        """Remove an unfinished version folder (after a failed ingest of its day)."""
        if self.fs.exists(folder):
            self.fs.rm(folder, recursive=True)


def _is_local(fs: Any) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _span(days: list[str]) -> str:
    if not days:
        return "none"
    return days[0] if len(days) == 1 else f"{days[0]} .. {days[-1]}, {len(days)} days"


_DAY_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_of(value: str | date, what: str = "day") -> str:
    """A UTC day as YYYY-MM-DD, from a date (an aware datetime: its UTC day) or a 'YYYY-MM-DD' string.
    DatasetError naming `what` (e.g. 'start day') when it is not one, or lies outside the times tracks handles
    (schema.EARLIEST_TIME..LATEST_TIME)."""
    if isinstance(value, datetime):
        value = (value.astimezone(UTC) if value.tzinfo else value).date()
    if isinstance(value, date):
        day = value
    else:
        try:
            if not _DAY_TEXT.fullmatch(str(value).strip()):
                raise ValueError
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise DatasetError(f"the {what} {value!r} is not a date: give it as YYYY-MM-DD, e.g. 2025-11-29") from None
    first, last = schema.EARLIEST_TIME.date(), schema.LATEST_TIME.date()
    if not first <= day <= last:
        raise DatasetError(f"the {what} {day.isoformat()} is outside {first}..{last}, the days tracks handles "
                           "(no ADS-B export predates 1980); check the year")
    return day.isoformat()
