"""The evidence archive: every fetched body byte for byte as received, and a JSON-lines manifest.

Layout under the archive root::

    manifest.jsonl                       one JSON object per retrieval (see `ManifestEntry`)
    files/<source>/<sha256[:16]>-<name>  the bytes exactly as the server sent them (gzip stays gzip)
    tmp/                                 downloads in progress (renamed into files/ when complete)

A file appears in files/ only complete (temp file + fsync + os.replace) and is listed in the manifest after
that. Bodies are content-addressed, so fetching identical bytes again adds a manifest line (a new retrieval
time) but no new file. `verify_archive` re-hashes every listed file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from tracks.errors import FetchError, FetchRequestError

try:  # POSIX: also serialise manifest appends between processes
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.jsonl"
FILES = "files"
TMP = "tmp"
ARCHIVE_ENV = "TRACKS_ARCHIVE"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def default_archive_dir() -> Path:
    """$TRACKS_ARCHIVE, else `<user cache dir>/tracks/archive` (platformdirs)."""
    env = os.environ.get(ARCHIVE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("tracks", appauthor=False)) / "archive"


def _lock_for(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def sha256_file(path: str | os.PathLike[str]) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@dataclass(frozen=True)
class ManifestEntry:
    """One retrieval: what was asked, when, what came back, and where the exact bytes are.

    `path` is relative to the archive root (POSIX separators). `url` has credentials stripped. `key`
    identifies the request (source + URL) for offline re-runs. `retrieved_at` is ISO 8601 UTC. `size` is in
    bytes as stored (compressed if the server sent gzip). `request` holds the fetch parameters (hex, date, ...).
    """

    path: str
    url: str
    source: str
    key: str
    retrieved_at: str
    status: int
    size: int
    sha256: str
    headers: dict[str, str] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)
    tool: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> ManifestEntry:
        missing = [k for k in ("path", "url", "source", "key", "retrieved_at", "status", "size", "sha256")
                   if k not in doc]
        if missing:
            raise ValueError(f"missing key(s) {', '.join(missing)}")
        if not isinstance(doc["sha256"], str) or not _HEX64.match(doc["sha256"]):
            raise ValueError("sha256 is not 64 lower-case hex digits")
        if not isinstance(doc["size"], int) or not isinstance(doc["status"], int):
            raise ValueError("size and status must be integers")
        return cls(
            path=str(doc["path"]), url=str(doc["url"]), source=str(doc["source"]), key=str(doc["key"]),
            retrieved_at=str(doc["retrieved_at"]), status=doc["status"], size=doc["size"], sha256=doc["sha256"],
            headers=dict(doc.get("headers") or {}), request=dict(doc.get("request") or {}),
            tool=str(doc.get("tool", "")),
        )

    def citation(self) -> str:
        """One line to cite this file in a report: URL, retrieval time (UTC), size and sha256."""
        return f"{self.url} (retrieved {self.retrieved_at}, HTTP {self.status}, {self.size} bytes, sha256 {self.sha256})"


@dataclass(frozen=True)
class VerifyProblem:
    """A finding of `verify_archive`: kind is 'changed', 'missing', 'bad-line' or 'unlisted'."""

    kind: str
    path: str
    detail: str
    line: int = 0


@dataclass(frozen=True)
class VerifyReport:
    """Result of re-hashing an archive. `ok` is False when a listed file changed or vanished or a manifest
    line is unreadable; 'unlisted' files (in files/ but in no manifest line) are reported but not fatal."""

    root: Path
    entries: int
    files_checked: int
    problems: tuple[VerifyProblem, ...]

    @property
    def ok(self) -> bool:
        return not any(p.kind != "unlisted" for p in self.problems)

    def by_kind(self, kind: str) -> tuple[VerifyProblem, ...]:
        return tuple(p for p in self.problems if p.kind == kind)

    def __str__(self) -> str:
        """A readable summary: one line, then one line per problem."""
        verdict = "OK" if self.ok else "CHANGED"
        lines = [f"{self.root}: {self.entries} manifest line(s), {self.files_checked} file(s) re-hashed: {verdict}"]
        for p in self.problems:
            where = f"{MANIFEST} line {p.line}" if p.kind == "bad-line" else p.path
            lines.append(f"  {p.kind}: {where}: {p.detail}")
        return "\n".join(lines)


def _check_relpath(rel: str) -> None:
    """A manifest path must stay inside the archive: relative, without '..' parts."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or "\\" in rel or not rel:
        raise ValueError(f"path {rel!r} points outside the archive")


@dataclass
class _ManifestCache:
    """What has been parsed of manifest.jsonl so far (it is only ever appended to)."""

    inode: int = -1
    offset: int = 0
    line: int = 0
    entries: list[ManifestEntry] = field(default_factory=list)
    problems: list[VerifyProblem] = field(default_factory=list)


class Archive:
    """An evidence archive folder (created on first write). Safe for concurrent threads and processes."""

    def __init__(self, root: str | os.PathLike[str] | None = None):
        self.root = Path(root).expanduser() if root is not None else default_archive_dir()
        self._read_lock = threading.Lock()
        self._cache = _ManifestCache()

    def __repr__(self) -> str:
        return f"Archive({str(self.root)!r})"

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    # -- writing ---------------------------------------------------------------------------------------

    def new_temp(self) -> tuple[int, Path]:
        """An open file descriptor and path for a download in progress (same filesystem as files/)."""
        tmp = self.root / TMP
        tmp.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="part-", suffix=".tmp", dir=tmp)
        return fd, Path(name)

    def commit(self, temp_path: Path, *, name: str, url: str, source: str, key: str, retrieved_at: str,
               status: int, size: int, sha256: str, headers: Mapping[str, str] | None = None,
               request: Mapping[str, Any] | None = None, tool: str = "") -> ManifestEntry:
        """Move a complete temp file into files/ and append its manifest line; returns the entry."""
        rel = self._relpath(source, name, sha256)
        final = self.root / rel
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists() and final.stat().st_size == size and sha256_file(final) == sha256:
            temp_path.unlink(missing_ok=True)  # identical bytes already archived
        else:
            os.replace(temp_path, final)
        entry = ManifestEntry(path=rel, url=url, source=source, key=key, retrieved_at=retrieved_at,
                              status=status, size=size, sha256=sha256, headers=dict(headers or {}),
                              request=dict(request or {}), tool=tool)
        self._append(entry)
        return entry

    @staticmethod
    def _relpath(source: str, name: str, sha256: str) -> str:
        safe_source = _SAFE_NAME.sub("_", source) or "unknown"
        safe_name = _SAFE_NAME.sub("_", name).strip("._") or "body"
        return f"{FILES}/{safe_source}/{sha256[:16]}-{safe_name[:120]}"

    def _append(self, entry: ManifestEntry) -> None:
        line = (entry.to_json() + "\n").encode("utf-8")
        self.root.mkdir(parents=True, exist_ok=True)
        with _lock_for(self.root):
            fd = os.open(self.manifest_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                view = memoryview(line)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)  # closing releases the flock

    # -- reading ---------------------------------------------------------------------------------------

    def read_manifest(self) -> tuple[tuple[ManifestEntry, ...], tuple[VerifyProblem, ...]]:
        """All readable entries in order, and a 'bad-line' problem for each line that is not a valid entry.

        The manifest is append-only: lines added since the last call are parsed incrementally.
        """
        with self._read_lock:
            try:
                st = os.stat(self.manifest_path)
            except FileNotFoundError:
                self._cache = _ManifestCache()
                return (), ()
            cache = self._cache
            if st.st_ino != cache.inode or st.st_size < cache.offset:  # replaced or truncated: start again
                cache = _ManifestCache(inode=st.st_ino)
            if st.st_size > cache.offset:
                with open(self.manifest_path, "rb") as fh:
                    fh.seek(cache.offset)
                    chunk = fh.read(st.st_size - cache.offset)
                complete = chunk[: chunk.rfind(b"\n") + 1]  # a line being written is read next time
                for raw in complete.splitlines():
                    cache.line += 1
                    if not raw.strip():
                        continue
                    try:
                        doc = json.loads(raw)
                        if not isinstance(doc, dict):
                            raise ValueError("not a JSON object")
                        entry = ManifestEntry.from_dict(doc)
                        _check_relpath(entry.path)
                    except (ValueError, UnicodeDecodeError) as exc:
                        cache.problems.append(VerifyProblem("bad-line", MANIFEST, str(exc), line=cache.line))
                        continue
                    cache.entries.append(entry)
                cache.offset += len(complete)
            self._cache = cache
            return tuple(cache.entries), tuple(cache.problems)

    def entries(self) -> tuple[ManifestEntry, ...]:
        """Every readable manifest entry, oldest first."""
        return self.read_manifest()[0]

    def path_of(self, entry: ManifestEntry) -> Path:
        """The local file of an entry (absolute)."""
        return self.root / entry.path

    def latest(self, key: str) -> ManifestEntry | None:
        """The newest successful entry for a request key whose file is still present, or None."""
        for entry in reversed(self.entries()):
            if entry.key == key and 200 <= entry.status < 300 and self.path_of(entry).exists():
                return entry
        return None

    def check(self, entry: ManifestEntry) -> Path:
        """The entry's path after re-hashing it; FetchError if the file is gone or its bytes changed."""
        path = self.path_of(entry)
        if not path.exists():
            raise FetchError(f"{path}: archived file is missing (manifest says sha256 {entry.sha256}); "
                             "run `tracks archive verify` and fetch again")
        actual = sha256_file(path)
        if actual != entry.sha256:
            raise FetchError(f"{path}: archived file was modified (sha256 {actual}, manifest says "
                             f"{entry.sha256}); run `tracks archive verify`; fetch again to get a fresh copy")
        return path

    def find(self, ref: str) -> tuple[ManifestEntry, ...]:
        """Entries matching `ref`: a sha256 (or a prefix of at least 8 hex digits, 'sha256:' optional), a URL,
        a request key, or a path relative to the archive root. Newest first."""
        ref = ref.strip()
        if ref.lower().startswith("sha256:"):
            ref = ref[len("sha256:"):]
        low = ref.lower()
        hexlike = len(low) >= 8 and all(c in "0123456789abcdef" for c in low)
        hits = [e for e in self.entries()
                if (hexlike and e.sha256.startswith(low)) or ref in (e.url, e.key, e.path)]
        return tuple(reversed(hits))

    def resolve(self, ref: str) -> Path:
        """The local path of an archived fetch named by sha256 (prefix), URL or relative path.

        Checks the bytes against the manifest. Raises FetchError when nothing or several different files
        match, or when the file changed. This is how a case names archived fetches as its tracks.
        """
        hits = self.find(ref)
        if not hits:
            raise FetchRequestError(f"{self.root}: no archived fetch matches {ref!r} (give a sha256, a URL or a path "
                             "from the manifest)")
        shas = {e.sha256 for e in hits}
        if len(shas) > 1:
            listed = ", ".join(sorted(s[:12] for s in shas))
            raise FetchRequestError(f"{self.root}: {ref!r} matches {len(shas)} different archived files ({listed}); "
                             "name one by its sha256")
        return self.check(hits[0])

    # -- verification ----------------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Re-hash every listed file; report changed or missing files, bad manifest lines, unlisted files."""
        entries, problems = self.read_manifest()
        found: list[VerifyProblem] = list(problems)
        size = self.manifest_path.stat().st_size if self.manifest_path.exists() else 0
        if size > self._cache.offset:
            found.append(VerifyProblem("bad-line", MANIFEST, "the last line is incomplete (no newline at the end)",
                                       line=self._cache.line + 1))
        seen: dict[str, str] = {}
        for entry in entries:
            if entry.path in seen:
                if seen[entry.path] != entry.sha256:
                    found.append(VerifyProblem("changed", entry.path, "two manifest lines give different sha256 "
                                               f"for this file ({seen[entry.path][:12]}, {entry.sha256[:12]})"))
                continue
            seen[entry.path] = entry.sha256
            path = self.path_of(entry)
            if not path.is_file():
                found.append(VerifyProblem("missing", entry.path, f"listed with sha256 {entry.sha256}, not on disk"))
                continue
            actual = sha256_file(path)
            size = path.stat().st_size
            if actual != entry.sha256 or size != entry.size:
                found.append(VerifyProblem("changed", entry.path, f"sha256 {actual} ({size} bytes), manifest "
                                           f"says {entry.sha256} ({entry.size} bytes)"))
        files_dir = self.root / FILES
        if files_dir.is_dir():
            for path in sorted(p for p in files_dir.rglob("*") if p.is_file()):
                rel = path.relative_to(self.root).as_posix()
                if rel not in seen:
                    found.append(VerifyProblem("unlisted", rel, "in files/ but in no manifest line"))
        return VerifyReport(self.root, len(entries), len(seen), tuple(found))


def verify_archive(root: str | os.PathLike[str] | Archive | None = None) -> VerifyReport:
    """Re-hash every file an archive lists (default: the user's archive) and report any change."""
    archive = root if isinstance(root, Archive) else Archive(root)
    if not archive.root.is_dir():
        raise FetchRequestError(f"{archive.root}: no archive here (expected a folder with {MANIFEST})")
    return archive.verify()


def resolve(ref: str, archive: str | os.PathLike[str] | Archive | None = None) -> Path:
    """Local path of an archived fetch named by sha256 (prefix), URL or relative path (see Archive.resolve)."""
    arch = archive if isinstance(archive, Archive) else Archive(archive)
    return arch.resolve(ref)
