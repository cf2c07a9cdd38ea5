"""What `tracks history ingest` reads: published history layouts, found from the paths the user gives.

- adsb.lol `globe_history` releases: one UTC day each, named ``vYYYY.MM.DD-<tag>.tar`` or split into parts
  ``....tar.aa``, ``....tar.ab``, ... that are read in order as one stream (never unpacked to disk); members
  ``./traces/<xx>/trace_full_<hex>.json`` hold gzip-compressed readsb traces.
- tar1090 / readsb ``globe_history/YYYY/MM/DD/traces/<xx>/trace_full_<hex>.json`` folders (day from the path).
- OpenSky historical state vectors, hourly files ``states_YYYY-MM-DD-HH.csv[.gz]`` / ``.parquet``.
- any other file `tracks.load` reads: its rows go to the day of their own time.

Inputs are grouped into `DayInput`s (one per day that has a known day) plus one group of other files.
Two groups for the same day (two releases of one day, a release and a folder of that day, an hourly file
given twice) are refused: a day is ingested from one source at a time.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tracks.errors import TracksError
from tracks.schema import ICAO24_PATTERN

RELEASE = re.compile(r"^(?P<stem>.*?(?P<y>\d{4})\.(?P<m>\d{2})\.(?P<d>\d{2}).*?\.tar)(?:\.(?P<part>[a-z]{2}))?$")
TRACE_NAME = re.compile(rf"^trace_full_(?P<hex>(?i:{ICAO24_PATTERN}))\.json$")  # the address in any case
DAY_PATH = re.compile(r"(?:^|/)(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})(?:/|$)")
OPENSKY = re.compile(r"^states_(?P<day>\d{4}-\d{2}-\d{2})-(?P<h>\d{2})\.(?:csv|csv\.gz|parquet)$")
MAX_END_PADDING = 1 << 20  # zero bytes a tar may carry after its last member (end blocks and record padding)
MAX_MEMBER_BYTES = 256 << 20  # a trace member larger than this (gzip) is refused as bad, not read into memory


class SourceError(TracksError):
    """An input cannot be ingested (missing or truncated part, unknown day, a day given twice)."""


@dataclass
class DayInput:
    """Everything to ingest for one group. kind: 'release' (tar parts), 'traces' (a folder of trace files),
    'opensky' (hourly files), 'files' (anything tracks.load reads; day None: rows go to their own day)."""

    kind: str
    day: str | None
    paths: list[str] = field(default_factory=list)
    label: str = ""

    @property
    def size(self) -> int:
        return sum(os.path.getsize(p) for p in self.paths)


def discover(sources: list[str]) -> list[DayInput]:
    """Group the given files and folders into DayInputs; SourceError for duplicate days or unusable names."""
    releases: dict[str, list[tuple[str, str]]] = {}
    traces: dict[str, list[str]] = {}
    opensky: dict[str, list[str]] = {}
    other: list[str] = []
    for src in sources:
        p = Path(src)
        if not p.exists():
            raise SourceError(f"{src}: no such file or folder")
        files = [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        if not files:
            raise SourceError(f"{src}: the folder holds no files")
        for f in files:
            name, s = f.name, str(f)
            m = RELEASE.match(name)
            if m and (m.group("part") or name.endswith(".tar")):
                releases.setdefault(str(f.parent / m.group("stem")), []).append((m.group("part") or "", s))
                continue
            m = OPENSKY.match(name)
            if m:
                opensky.setdefault(m.group("day"), []).append(s)
                continue
            dm = DAY_PATH.search(f.parent.as_posix())
            if TRACE_NAME.match(name) and dm and "/traces" in f.parent.as_posix():
                traces.setdefault(f"{dm.group('y')}-{dm.group('m')}-{dm.group('d')}", []).append(s)
                continue
            other.append(s)
    out: list[DayInput] = []
    seen: dict[str, str] = {}

    def claim(day: str, label: str) -> None:
        if day in seen:
            raise SourceError(f"day {day} is given twice: {seen[day]} and {label}; ingest one source per day "
                              "(re-ingesting a day later replaces it)")
        seen[day] = label

    for stem, parts in sorted(releases.items()):
        m = RELEASE.match(Path(stem).name)
        assert m is not None
        day = f"{m.group('y')}-{m.group('m')}-{m.group('d')}"
        claim(day, Path(stem).name)
        out.append(DayInput("release", day, _ordered_parts(stem, parts), Path(stem).name))
    for day, files in sorted(traces.items()):
        claim(day, f"{Path(files[0]).parents[2]} (trace files of {day})")
        out.append(DayInput("traces", day, sorted(set(files)), f"traces of {day}"))
    for day, files in sorted(opensky.items()):
        names = [Path(f).name.split(".")[0] for f in files]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise SourceError(f"OpenSky hour {dup[0]} is given twice: "
                              + ", ".join(f for f in files if Path(f).name.startswith(dup[0] + ".")))
        claim(day, f"OpenSky files of {day}")
        out.append(DayInput("opensky", day, sorted(files), f"OpenSky states of {day}"))
    if other:
        out.append(DayInput("files", None, sorted(set(other)), "other track files"))
    return out


def _ordered_parts(stem: str, parts: list[tuple[str, str]]) -> list[str]:
    """Parts in order; SourceError when a suffix is missing between aa and the last one."""
    suffixes = sorted(p for p, _ in parts)
    if suffixes == [""]:
        return [parts[0][1]]
    if "" in suffixes:
        raise SourceError(f"{stem}: both the whole tar and split parts are present; give one of them")
    expected = [f"{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(len(suffixes))]
    if suffixes != expected:
        missing = sorted(set(expected) - set(suffixes))
        first_missing = missing[0] if missing else expected[len(suffixes) - 1]
        raise SourceError(f"{stem}: part .{first_missing} is missing (found parts: "
                          f"{', '.join('.' + s for s in suffixes)}); download every part of the release")
    by = dict(parts)
    ordered = [by[s] for s in expected]
    check_part_sizes(ordered)
    return ordered


def check_part_sizes(paths: list[str]) -> None:
    """SourceError naming a truncated part: a release is split into equal parts (adsb.lol, GitHub releases),
    so every part before the last has the largest size among them, and the last is no larger. Checked when
    the inputs are found, before anything is read or written."""
    sizes = [os.path.getsize(p) for p in paths]
    if len(sizes) < 2:
        return
    full = max(sizes[:-1])
    for path, size in zip(paths[:-1], sizes[:-1], strict=True):
        if size < full:
            raise SourceError(f"part {path} is {size:,} bytes; the parts before the last are {full:,} bytes: "
                              "truncated download? Download that part again")
    if sizes[-1] > full:  # every part before the last is short (two parts: the first one)
        raise SourceError(f"part {paths[0]} is {full:,} bytes, less than the last part {paths[-1]} "
                          f"({sizes[-1]:,} bytes); the parts before the last are the largest: truncated download? "
                          "Download that part again")


class PartStream(io.RawIOBase):
    """The split parts of a release read as one stream, hashing every part (sha256) as it is read."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.sizes = [os.path.getsize(p) for p in paths]
        self.total = sum(self.sizes)
        self.digests = [hashlib.sha256() for _ in paths]
        self._i = 0
        self._fh: io.BufferedReader | None = None
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: memoryview) -> int:  # type: ignore[override]
        while self._i < len(self.paths):
            if self._fh is None:
                self._fh = open(self.paths[self._i], "rb")  # noqa: SIM115 (closed when exhausted or in close())
            n = self._fh.readinto(buf)
            if n:
                self.digests[self._i].update(memoryview(buf)[:n])
                self.position += n
                return n
            self._fh.close()
            self._fh = None
            self._i += 1
        return 0

    def part_at(self, offset: int) -> str:
        """The part holding byte `offset` of the stream (for error messages)."""
        for path, size in zip(self.paths, self.sizes, strict=True):
            if offset < size:
                return path
            offset -= size
        return self.paths[-1]

    def read_range(self, start: int, end: int) -> bytes:
        """Bytes start..end-1 of the stream, read from the part files again (for the end-of-archive check)."""
        out = bytearray()
        offset = 0
        for path, size in zip(self.paths, self.sizes, strict=True):
            a, b = max(start, offset), min(end, offset + size)
            if a < b:
                with open(path, "rb") as fh:
                    fh.seek(a - offset)
                    out += fh.read(b - a)
            offset += size
        return bytes(out)

    def sha256(self) -> list[str]:
        """The parts' sha256, once the stream has been read to the end."""
        return [d.hexdigest() for d in self.digests]

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        super().close()


@dataclass
class Member:
    """One trace file from a release or a folder: its name, the stored (gzip) bytes, or why it is unusable."""

    name: str
    data: bytes
    problem: str = ""


def release_members(stream: PartStream, label: str) -> Iterator[Member]:
    """The regular-file members of a (split) release tar, in order. SourceError when the archive is truncated
    or a part is missing (never a silently partial day)."""
    reader = io.BufferedReader(stream, buffer_size=1 << 20)
    try:
        tar = tarfile.open(fileobj=reader, mode="r|")  # noqa: SIM115 (closed in the finally below)
    except tarfile.TarError as e:
        raise SourceError(f"{stream.paths[0]}: not a tar archive ({e})") from None
    last_end = 0
    try:
        for info in tar:
            if not info.isfile():
                continue
            name = info.name[2:] if info.name.startswith("./") else info.name
            if info.size > MAX_MEMBER_BYTES:
                yield Member(name, b"", f"member of {info.size} bytes, larger than {MAX_MEMBER_BYTES} bytes")
                continue
            fh = tar.extractfile(info)
            assert fh is not None
            data = fh.read()
            if len(data) != info.size:
                raise tarfile.ReadError("unexpected end of data")
            last_end = info.offset_data + info.size
            yield Member(name, data)
    except (tarfile.TarError, EOFError, OSError) as e:
        where = stream.part_at(max(stream.position - 1, 0))
        raise SourceError(f"{label}: the archive is damaged or truncated in {where} after member "
                          f"ending at byte {last_end} ({e}); download that part again") from None
    finally:
        tar.close()
    # a tar ends with two 512-byte zero blocks (then zero padding): without them a part is missing at the end
    # or the last is cut; anything else after the last member means the archive stopped being a tar there
    # (tarfile ends quietly at a damaged header), e.g. a part in the middle is truncated
    rest = stream.total - tar.offset
    if rest < 1024:
        raise SourceError(f"{label}: the archive ends without its end marker after {stream.paths[-1]}: a later "
                          "part is missing or the last part is truncated")
    if rest > MAX_END_PADDING or stream.read_range(tar.offset, stream.total).strip(b"\0"):
        raise SourceError(f"{label}: the archive is damaged or truncated in {stream.part_at(tar.offset)}: it stops "
                          f"being a tar archive at byte {tar.offset} of the release; download that part again")
