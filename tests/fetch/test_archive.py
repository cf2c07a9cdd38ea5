"""The evidence archive: atomic commits, manifest lines, verification, resolving entries."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import pytest

from tracks.errors import FetchError
from tracks.fetch.archive import Archive, ManifestEntry, resolve, verify_archive


def put(archive: Archive, body: bytes, *, url: str = "https://h.example/a.json", name: str = "a.json",
        source: str = "adsbx") -> ManifestEntry:
    fd, temp = archive.new_temp()
    with os.fdopen(fd, "wb") as fh:
        fh.write(body)
    return archive.commit(temp, name=name, url=url, source=source, key=f"{source} {url}",
                          retrieved_at="2026-01-02T03:04:05.000006Z", status=200, size=len(body),
                          sha256=hashlib.sha256(body).hexdigest(), headers={"Content-Type": "application/json"},
                          request={"hex": "0d8373"}, tool="tracks/test")


def test_commit_writes_bytes_and_one_manifest_line(archive: Archive) -> None:
    body = b"\x1f\x8b\x08\x00gzip-bytes-kept-as-is"
    entry = put(archive, body)
    path = archive.path_of(entry)
    assert path.read_bytes() == body
    assert entry.path == f"files/adsbx/{hashlib.sha256(body).hexdigest()[:16]}-a.json"
    lines = archive.manifest_path.read_text().splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert doc == {
        "path": entry.path, "url": "https://h.example/a.json", "source": "adsbx", "key": "adsbx https://h.example/a.json",
        "retrieved_at": "2026-01-02T03:04:05.000006Z", "status": 200, "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(), "headers": {"Content-Type": "application/json"},
        "request": {"hex": "0d8373"}, "tool": "tracks/test", "prev": "0" * 64,  # the first line of the chain
    }
    assert list((archive.root / "tmp").iterdir()) == []  # the temp file was moved, not copied


def test_same_bytes_twice_one_file_two_retrievals(archive: Archive) -> None:
    a = put(archive, b"same")
    b = put(archive, b"same")
    assert a.path == b.path
    assert len(archive.entries()) == 2
    assert len([p for p in (archive.root / "files").rglob("*") if p.is_file()]) == 1


def test_unsafe_names_are_sanitised(archive: Archive) -> None:
    entry = put(archive, b"x", name="../../etc/passwd", source="a/b")
    assert entry.path.startswith("files/a_b/")
    assert ".." not in entry.path
    assert archive.path_of(entry).resolve().is_relative_to(archive.root.resolve())


def test_verify_clean_then_detects_modified_missing_unlisted_and_bad_lines(archive: Archive) -> None:
    e1 = put(archive, b"first body", url="https://h.example/1")
    e2 = put(archive, b"second body", url="https://h.example/2", name="b.json")
    report = verify_archive(archive.root)
    assert report.ok and report.entries == 2 and report.files_checked == 2 and report.problems == ()
    assert str(report) == f"{archive.root}: 2 manifest line(s), 2 file(s) re-hashed: OK"

    archive.path_of(e1).write_bytes(b"first b0dy")  # same size, one byte changed
    archive.path_of(e2).unlink()
    (archive.root / "files" / "adsbx" / "stray.json").write_bytes(b"?")
    with open(archive.manifest_path, "a") as fh:
        fh.write("{not json\n")
        fh.write(json.dumps({"path": "../outside", "url": "u", "source": "s", "key": "k", "retrieved_at": "t",
                             "status": 200, "size": 1, "sha256": "0" * 64}) + "\n")
    report = verify_archive(archive.root)
    assert not report.ok
    assert [p.path for p in report.by_kind("changed")] == [e1.path]
    assert hashlib.sha256(b"first b0dy").hexdigest() in report.by_kind("changed")[0].detail
    assert [p.path for p in report.by_kind("missing")] == [e2.path]
    assert [p.path for p in report.by_kind("unlisted")] == ["files/adsbx/stray.json"]
    assert [p.line for p in report.by_kind("bad-line")] == [3, 4]
    assert "outside the archive" in report.by_kind("bad-line")[1].detail
    text = str(report).splitlines()
    assert text[0].endswith("re-hashed: CHANGED") and len(text) == 1 + len(report.problems)
    assert any(line.startswith(f"  changed: {e1.path}: sha256") for line in text)
    assert "manifest.jsonl line 3" in str(report)


def test_unlisted_file_is_a_failure(archive: Archive) -> None:
    """A file no manifest line lists may be a removed line's file or one planted by hand: not evidence."""
    put(archive, b"x")
    (archive.root / "files" / "adsbx" / "extra").write_bytes(b"y")
    report = verify_archive(archive)
    assert not report.ok and len(report.by_kind("unlisted")) == 1


def test_verify_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="no archive here"):
        verify_archive(tmp_path / "nope")


def test_resolve_by_sha_prefix_url_and_path(archive: Archive) -> None:
    entry = put(archive, b"trace bytes", url="https://h.example/t.json")
    expected = archive.path_of(entry)
    assert resolve(entry.sha256, archive.root) == expected
    assert resolve(entry.sha256[:10].upper(), archive) == expected
    assert resolve("sha256:" + entry.sha256, archive) == expected
    assert archive.resolve("https://h.example/t.json") == expected
    assert archive.resolve(entry.path) == expected
    with pytest.raises(FetchError, match="no archived fetch matches"):
        archive.resolve("https://h.example/other.json")


def test_resolve_refuses_ambiguous_and_modified(archive: Archive) -> None:
    put(archive, b"version one", url="https://h.example/live.json")
    put(archive, b"version two", url="https://h.example/live.json")
    with pytest.raises(FetchError, match="matches 2 different archived files"):
        archive.resolve("https://h.example/live.json")
    entry = put(archive, b"evidence", url="https://h.example/e.json")
    archive.path_of(entry).write_bytes(b"tampered")
    with pytest.raises(FetchError, match="was modified"):
        archive.resolve(entry.sha256)


def test_latest_skips_entries_whose_file_is_gone(archive: Archive) -> None:
    old = put(archive, b"old", url="https://h.example/x")
    new = put(archive, b"new", url="https://h.example/x")
    assert archive.latest("adsbx https://h.example/x") == new
    archive.path_of(new).unlink()
    assert archive.latest("adsbx https://h.example/x") == old
    assert archive.latest("adsbx https://h.example/none") is None


def test_concurrent_commits_keep_every_manifest_line_intact(archive: Archive) -> None:
    n_threads, per_thread = 8, 25
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(per_thread):
                body = f"thread {t} body {i} ".encode() * 50
                put(archive, body, url=f"https://h.example/{t}/{i}", name=f"{t}-{i}.json")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    lines = archive.manifest_path.read_text().splitlines()
    assert len(lines) == n_threads * per_thread
    urls = {json.loads(line)["url"] for line in lines}
    assert len(urls) == n_threads * per_thread
    assert verify_archive(archive).ok


def test_citation_names_url_time_and_hash(archive: Archive) -> None:
    entry = put(archive, b"abc")
    text = entry.citation()
    assert "https://h.example/a.json" in text and "2026-01-02T03:04:05.000006Z" in text
    assert hashlib.sha256(b"abc").hexdigest() in text and "3 bytes" in text


def test_default_archive_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRACKS_ARCHIVE", str(tmp_path / "ev"))
    assert Archive().root == tmp_path / "ev"
    monkeypatch.delenv("TRACKS_ARCHIVE")
    assert Archive().root.name == "archive" and "tracks" in str(Archive().root)


def test_manifest_appended_by_another_process_is_seen_and_partial_line_reported(archive: Archive) -> None:
    put(archive, b"one")
    assert len(archive.entries()) == 1
    other = Archive(archive.root)  # e.g. another process writing to the same folder
    put(other, b"two", url="https://h.example/2")
    assert [e.url for e in archive.entries()] == ["https://h.example/a.json", "https://h.example/2"]
    with open(archive.manifest_path, "a") as fh:
        fh.write('{"path": "files/x"')  # a line cut off mid-write
    assert len(archive.entries()) == 2
    report = archive.verify()
    assert not report.ok
    assert [(p.kind, p.line) for p in report.problems] == [("bad-line", 3)]
