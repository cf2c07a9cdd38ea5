"""The evidence archive: every fetched body byte for byte as received, and a JSON-lines manifest.

Layout under the archive root::

    manifest.jsonl                       one JSON object per retrieval (see `ManifestEntry`)
    manifest.head                        the number of manifest lines and the sha256 of the last one
    files/<source>/<sha256[:16]>-<name>  the bytes exactly as the server sent them (gzip stays gzip)
    tmp/                                 downloads in progress (renamed into files/ when complete)
    failed/                              bodies that were not evidence (cut off, an error page, another
                                         aircraft...), kept for inspection, with failed/failed.jsonl saying why

A file appears in files/ only complete and checked (temp file + fsync + checks + os.replace) and is listed in
the manifest after that. Bodies are content-addressed, so fetching identical bytes again adds a manifest line (a
new retrieval time) but no new file.

The manifest is chained: each line carries `prev`, the sha256 of the line before it (64 zeros for the first),
and manifest.head names the last line, so that a removed, reordered or edited line is detected, including the
last one. `verify_archive` re-hashes every listed file and fails on anything it cannot vouch for: a changed or
missing file, a broken chain, a file no line lists, a symbolic link, a partial download left in tmp/, a missing
manifest. Manifests written before the chain (lines without `prev`) stay readable; verify says that their
lines cannot be checked for removal.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from tracks.errors import FetchError, FetchRequestError

try:  # POSIX: also serialise manifest appends between processes
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.jsonl"
HEAD = "manifest.head"
FILES = "files"
TMP = "tmp"
FAILED = "failed"
FAILED_LOG = "failed.jsonl"
GENESIS = "0" * 64  # `prev` of the first manifest line
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
    prev: str = ""  # sha256 of the previous manifest line (GENESIS for the first; '' in pre-chain manifests)

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
            tool=str(doc.get("tool", "")), prev=str(doc.get("prev", "")),
        )

    def citation(self) -> str:
        """One line to cite this file in a report: URL, retrieval time (UTC), size and sha256."""
        return f"{self.url} (retrieved {self.retrieved_at}, HTTP {self.status}, {self.size} bytes, sha256 {self.sha256})"


@dataclass(frozen=True)
class VerifyProblem:
    """A finding of `verify_archive`: kind is 'changed', 'missing', 'bad-line', 'chain' (a line removed,
    reordered or edited), 'unlisted' (a file no line lists), 'symlink', 'partial' (a download left in tmp/),
    'no-manifest', or 'unchained' (lines written before the chain: a warning, not a failure)."""

    kind: str
    path: str
    detail: str
    line: int = 0


@dataclass(frozen=True)
class VerifyReport:
    """Result of re-hashing an archive. `ok` is False on any problem but 'unchained' (old manifest lines,
    reported as a warning)."""

    root: Path
    entries: int
    files_checked: int
    problems: tuple[VerifyProblem, ...]

    @property
    def ok(self) -> bool:
        return not any(p.kind not in WARNINGS for p in self.problems)

    def by_kind(self, kind: str) -> tuple[VerifyProblem, ...]:
        return tuple(p for p in self.problems if p.kind == kind)

    def __str__(self) -> str:
        """A readable summary: one line, then one line per problem."""
        verdict = "OK" if self.ok else "CHANGED"
        lines = [f"{self.root}: {self.entries} manifest line(s), {self.files_checked} file(s) re-hashed: {verdict}"]
        for p in self.problems:
            where = f"{MANIFEST} line {p.line}" if p.line else p.path
            lines.append(f"  {p.kind}: {where}: {p.detail}")
        return "\n".join(lines)


WARNINGS = frozenset({"unchained"})


def line_sha(raw: bytes) -> str:
    """The sha256 a manifest line is chained by: of its bytes without the newline."""
    return hashlib.sha256(raw.rstrip(b"\r\n")).hexdigest()


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
        if not final.is_symlink() and final.is_file() and final.stat().st_size == size and sha256_file(final) == sha256:
            temp_path.unlink(missing_ok=True)  # identical bytes already archived
        else:
            os.replace(temp_path, final)  # also replaces a symbolic link planted there
        entry = ManifestEntry(path=rel, url=url, source=source, key=key, retrieved_at=retrieved_at,
                              status=status, size=size, sha256=sha256, headers=dict(headers or {}),
                              request=dict(request or {}), tool=tool)
        return self._append(entry)

    def set_aside(self, temp_path: Path, *, name: str, url: str, source: str, retrieved_at: str, status: int,
                  size: int, sha256: str, reason: str, headers: Mapping[str, str] | None = None) -> Path:
        """Keep a body that is not evidence (cut off, an error page, another aircraft) in failed/, with a line in
        failed/failed.jsonl saying why; it is never listed in the manifest. Returns its path."""
        folder = self.root / FAILED
        folder.mkdir(parents=True, exist_ok=True)
        stamp = re.sub(r"[^0-9T]", "", retrieved_at[:19]) + "Z" if retrieved_at else "unknown"
        safe_name = _SAFE_NAME.sub("_", name).strip("._") or "body"
        final = folder / f"{stamp}-{sha256[:16]}-{safe_name[:100]}"
        os.replace(temp_path, final)
        doc = {"path": final.relative_to(self.root).as_posix(), "url": url, "source": source,
               "retrieved_at": retrieved_at, "status": status, "size": size, "sha256": sha256, "reason": reason,
               "headers": dict(headers or {})}
        with open(folder / FAILED_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(doc, sort_keys=True, ensure_ascii=False) + "\n")
        return final

    @staticmethod
    def _relpath(source: str, name: str, sha256: str) -> str:
        safe_source = _SAFE_NAME.sub("_", source) or "unknown"
        safe_name = _SAFE_NAME.sub("_", name).strip("._") or "body"
        return f"{FILES}/{safe_source}/{sha256[:16]}-{safe_name[:120]}"

    def _append(self, entry: ManifestEntry) -> ManifestEntry:
        """Append `entry` chained to the current last line, then record the new head; returns the entry as
        written (with `prev`)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with _lock_for(self.root):
            fd = os.open(self.manifest_path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                last, count = _last_line(fd)
                entry = replace(entry, prev=line_sha(last) if last else GENESIS)
                line = (entry.to_json() + "\n").encode("utf-8")
                view = memoryview(line)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
                self._write_head(count + 1, line_sha(line))
            finally:
                os.close(fd)  # closing releases the flock
        return entry

    def _write_head(self, lines: int, sha: str) -> None:
        head = self.root / HEAD
        temp = head.with_name(HEAD + ".tmp")
        temp.write_text(json.dumps({"lines": lines, "sha256": sha}) + "\n", encoding="utf-8")
        os.replace(temp, head)

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
        linked = _symlink_in(self.root, path)
        if linked is not None:
            raise FetchError(f"{path}: {linked} is a symbolic link, not an archived file (the bytes may come from "
                             "anywhere); run `tracks archive verify`, delete the link and fetch again")
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
        """Re-hash every listed file and check the manifest's chain; report everything that is not as recorded
        (see the module docstring)."""
        found: list[VerifyProblem] = []
        for rel in (MANIFEST, HEAD, FILES, TMP):
            if (self.root / rel).is_symlink():
                found.append(VerifyProblem("symlink", rel, "is a symbolic link; the archive must hold its own files"))
        if any(p.kind == "symlink" for p in found):
            return VerifyReport(self.root, 0, 0, tuple(found))
        entries, problems = self.read_manifest()
        found += problems
        has_manifest = self.manifest_path.is_file()
        size = self.manifest_path.stat().st_size if has_manifest else 0
        if size > self._cache.offset:
            found.append(VerifyProblem("bad-line", MANIFEST, "the last line is incomplete (no newline at the end)",
                                       line=self._cache.line + 1))
        found += self._chain_problems(has_manifest)
        seen: dict[str, str] = {}
        for entry in entries:
            if entry.path in seen:
                if seen[entry.path] != entry.sha256:
                    found.append(VerifyProblem("changed", entry.path, "two manifest lines give different sha256 "
                                               f"for this file ({seen[entry.path][:12]}, {entry.sha256[:12]})"))
                continue
            seen[entry.path] = entry.sha256
            path = self.path_of(entry)
            linked = _symlink_in(self.root, path)
            if linked is not None:
                found.append(VerifyProblem("symlink", entry.path, f"{linked} is a symbolic link, not the archived "
                                           f"bytes (manifest says sha256 {entry.sha256})"))
                continue
            if not path.is_file():
                found.append(VerifyProblem("missing", entry.path, f"listed with sha256 {entry.sha256}, not on disk"))
                continue
            actual = sha256_file(path)
            size = path.stat().st_size
            if actual != entry.sha256 or size != entry.size:
                found.append(VerifyProblem("changed", entry.path, f"sha256 {actual} ({size} bytes), manifest "
                                           f"says {entry.sha256} ({entry.size} bytes)"))
        for rel, is_link in _walk(self.root / FILES, self.root):
            if is_link and rel not in seen:
                found.append(VerifyProblem("symlink", rel, "a symbolic link in files/ (the archive must hold its "
                                           "own files)"))
            elif rel not in seen:
                found.append(VerifyProblem("unlisted", rel, "in files/ but in no manifest line (a line was removed, "
                                           "or the file was added by hand)"))
        for rel, _ in _walk(self.root / TMP, self.root):
            found.append(VerifyProblem("partial", rel, "a download left unfinished in tmp/ (an interrupted fetch, "
                                       "or one still running); it is not evidence: delete it"))
        return VerifyReport(self.root, len(entries), len(seen), tuple(found))

    def _chain_problems(self, has_manifest: bool) -> list[VerifyProblem]:
        """The manifest's chain and head: every line's `prev` is the sha256 of the line before it, and the head
        names the last line. Also a manifest that is missing although files or a head say there was one."""
        head_path = self.root / HEAD
        head: dict[str, Any] | None = None
        if head_path.is_file():
            try:
                head = json.loads(head_path.read_text(encoding="utf-8"))
                if not isinstance(head, dict) or not isinstance(head.get("lines"), int):
                    raise ValueError
            except (ValueError, UnicodeDecodeError):
                return [VerifyProblem("chain", HEAD, "unreadable (expected {\"lines\": N, \"sha256\": ...})")]
        if not has_manifest:
            if head is not None or any(True for _ in _walk(self.root / FILES, self.root)):
                return [VerifyProblem("no-manifest", MANIFEST, "the manifest is missing: nothing in this archive "
                                      "can be vouched for")]
            return []
        out: list[VerifyProblem] = []
        prev_sha, legacy = GENESIS, 0
        lines = self.manifest_path.read_bytes().splitlines(keepends=True)
        lines = [raw for raw in lines if raw.endswith(b"\n")]
        for number, raw in enumerate(lines, start=1):
            try:
                doc = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                doc = None
            prev = doc.get("prev") if isinstance(doc, dict) else None
            if prev is None:
                legacy += 1
            elif prev != prev_sha:
                what = "the start of the chain (64 zeros)" if number == 1 else f"the sha256 of line {number - 1}"
                out.append(VerifyProblem("chain", MANIFEST, f"its 'prev' is not {what}: a line before it was "
                                         "removed, reordered or edited", line=number))
            prev_sha = line_sha(raw)
        if head is not None:
            n = head["lines"]
            if n > len(lines) or (n and line_sha(lines[n - 1]) != head.get("sha256")):
                out.append(VerifyProblem("chain", HEAD, f"names line {n} of the manifest (sha256 "
                                         f"{str(head.get('sha256'))[:12]}), which is not there: lines were removed "
                                         "from the end or edited"))
        elif lines and legacy < len(lines):
            out.append(VerifyProblem("chain", HEAD, "is missing although the manifest is chained"))
        if legacy:
            out.append(VerifyProblem("unchained", MANIFEST, f"{legacy} line(s) written before the manifest was "
                                     "chained: removing one of them would go unnoticed unless its file is left "
                                     "unlisted; new lines are chained"))
        return out


def _last_line(fd: int) -> tuple[bytes, int]:
    """The last complete line of the open manifest and the number of lines (reads the whole file: manifests
    are small, one line per retrieval)."""
    size = os.fstat(fd).st_size
    if not size:
        return b"", 0
    data = os.pread(fd, size, 0)
    lines = data.splitlines(keepends=True)
    complete = [raw for raw in lines if raw.endswith(b"\n")]
    return (complete[-1] if complete else b""), len(complete)


def _walk(folder: Path, root: Path) -> list[tuple[str, bool]]:
    """Every file and symbolic link below `folder` (links not followed), as (path relative to root, is_link)."""
    out: list[tuple[str, bool]] = []
    if not folder.is_dir() or folder.is_symlink():
        return out
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        for name in sorted(filenames) + sorted(d for d in dirnames if (base / d).is_symlink()):
            p = base / name
            out.append((p.relative_to(root).as_posix(), p.is_symlink()))
    return sorted(out)


def _symlink_in(root: Path, path: Path) -> str | None:
    """The first part of `path` below `root` that is a symbolic link (relative, POSIX), or None."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return str(path)
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            return current.relative_to(root).as_posix()
    return None


def verify_archive(root: str | os.PathLike[str] | Archive | None = None) -> VerifyReport:
    """Re-hash every file an archive lists (default: the user's archive) and report any change."""
    archive = root if isinstance(root, Archive) else Archive(root)
    if not archive.root.is_dir():
        raise FetchRequestError(f"{archive.root}: no archive here (expected a folder with {MANIFEST})")
    if not archive.manifest_path.exists() and not archive.manifest_path.is_symlink() and not any(
            (archive.root / p).exists() for p in (HEAD, FILES, TMP, FAILED)):
        return VerifyReport(archive.root, 0, 0, (VerifyProblem(
            "no-manifest", MANIFEST, f"no {MANIFEST} here: this is not an archive, or its manifest was deleted"),))
    return archive.verify()


def resolve(ref: str, archive: str | os.PathLike[str] | Archive | None = None) -> Path:
    """Local path of an archived fetch named by sha256 (prefix), URL or relative path (see Archive.resolve)."""
    arch = archive if isinstance(archive, Archive) else Archive(archive)
    return arch.resolve(ref)
