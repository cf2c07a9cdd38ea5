"""Tampering with the evidence archive is caught by `tracks archive verify` (the command, in a subprocess), which
names what is wrong and exits 1; a case never loads a symbolic link from the archive; old manifests written
before the chain stay readable."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.fault.conftest import BASE_CASE, tracks_cli, write_case
from tests.fetch.conftest import TRACE_DOC, TRACE_GZ, TRACE_PATH
from tracks.fetch import Archive, Client, FetchConfig, fetch

OTHER_PATH = TRACE_PATH.replace("/29/", "/28/")


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    if srv.is_running():
        srv.stop()


def _archive(server: HTTPServer, root: Path) -> Archive:
    """Three manifest lines: 29 Nov, 28 Nov, 29 Nov again (the same bytes: one file, two lines)."""
    server.clear()
    day28 = json.dumps({**TRACE_DOC, "timestamp": TRACE_DOC["timestamp"] - 86400}).encode()
    server.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ)
    server.expect_request(OTHER_PATH).respond_with_data(day28)
    archive = Archive(root)
    client = Client(FetchConfig(retries=0, respect_rate_limits=False))
    base = server.url_for("/").rstrip("/")
    fetch("adsbx", hex="0d8373", date="2025-11-29", base_url=base, archive=archive, session=client)
    fetch("adsbx", hex="0d8373", date="2025-11-28", base_url=base, archive=archive, session=client)
    fetch("adsbx", hex="0d8373", date="2025-11-29", base_url=base, archive=archive, session=client, refresh=True)
    return archive


def _lines(archive: Archive) -> list[str]:
    return archive.manifest_path.read_text().splitlines(keepends=True)


def _drop_line(n: int) -> Callable[[Archive], None]:
    def tamper(archive: Archive) -> None:
        lines = _lines(archive)
        del lines[n]
        archive.manifest_path.write_text("".join(lines))
    return tamper


def _delete_manifest(archive: Archive) -> None:
    archive.manifest_path.unlink()
    (archive.root / "manifest.head").unlink()


def _symlink(archive: Archive) -> None:
    entry = archive.entries()[0]
    path = archive.path_of(entry)
    copy = archive.root.parent / "elsewhere.json"
    copy.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(copy)


def _partial(archive: Archive) -> None:
    (archive.root / "tmp").mkdir(exist_ok=True)
    (archive.root / "tmp" / "part-x.tmp").write_bytes(b'{"icao": "0d8')


def _unlisted(archive: Archive) -> None:
    (archive.root / "files" / "adsbx" / "0000-planted.json").write_bytes(b"{}")


def _edit_line(archive: Archive) -> None:
    lines = _lines(archive)
    lines[0] = lines[0].replace('"status":200', '"status":201')
    archive.manifest_path.write_text("".join(lines))


@pytest.mark.parametrize(("tamper", "expected"), [
    (_drop_line(1), ["unlisted: files/adsbx/", "chain: manifest.jsonl line 2: its 'prev' is not the sha256 of "
                     "line 1: a line before it was removed"]),
    (_drop_line(0), ["chain: manifest.jsonl line 1: its 'prev' is not the start of the chain (64 zeros)"]),
    (_drop_line(2), ["chain: manifest.head: names line 3 of the manifest"]),
    (_delete_manifest, ["no-manifest: manifest.jsonl: the manifest is missing"]),
    (_symlink, ["symlink: files/adsbx/", "is a symbolic link, not the archived bytes"]),
    (_partial, ["partial: tmp/part-x.tmp: a download left unfinished in tmp/"]),
    (_unlisted, ["unlisted: files/adsbx/0000-planted.json: in files/ but in no manifest line"]),
    (_edit_line, ["chain: manifest.jsonl line 2: its 'prev' is not the sha256 of line 1"]),
], ids=["remove-middle-line", "remove-first-line", "remove-last-line", "delete-manifest", "symlink",
        "partial-download", "unlisted-file", "edit-line"])
def test_tampering_is_caught(server: HTTPServer, tmp_path: Path, tamper: Callable[[Archive], None],
                             expected: list[str]) -> None:
    archive = _archive(server, tmp_path / "archive")
    before = tracks_cli("archive", "verify", "--archive", str(archive.root))
    assert before.code == 0 and "3 manifest line(s), 2 file(s) re-hashed: OK" in before.out, before.out
    tamper(Archive(archive.root))
    after = tracks_cli("archive", "verify", "--archive", str(archive.root))
    assert after.code == 1, after.out
    assert ": CHANGED" in after.out.splitlines()[0]
    for text in expected:
        assert text in after.out, after.out


def test_a_case_does_not_load_a_symlinked_archive_file(server: HTTPServer, tmp_path: Path) -> None:
    archive = _archive(server, tmp_path / "case" / "evidence")
    sha = archive.entries()[0].sha256
    _symlink(archive)
    case = write_case(tmp_path / "case", BASE_CASE.replace("tracks: [t.json]",
                                                          f"tracks: [{{archived: '{sha}', archive: evidence}}]"),
                      track=None)
    run = tracks_cli("check", str(case), "--out", str(tmp_path / "out"))
    assert run.code == 1, run.err
    assert "is a symbolic link, not an archived file" in run.err and f"{case}:4: " in run.err


def test_old_unchained_manifest_stays_readable(server: HTTPServer, tmp_path: Path) -> None:
    archive = _archive(server, tmp_path / "archive")
    lines = [json.loads(line) for line in _lines(archive)]
    for doc in lines:
        doc.pop("prev")
    archive.manifest_path.write_text("".join(json.dumps(d) + "\n" for d in lines))
    (archive.root / "manifest.head").unlink()
    run = tracks_cli("archive", "verify", "--archive", str(archive.root))
    assert run.code == 0, run.out
    assert "unchained: manifest.jsonl: 3 line(s) written before the manifest was chained" in run.out
    # a new retrieval chains onto the old lines
    client = Client(FetchConfig(retries=0, respect_rate_limits=False))
    fetch("adsbx", hex="0d8373", date="2025-11-29", base_url=server.url_for("/").rstrip("/"),
          archive=Archive(archive.root), session=client, refresh=True)
    assert json.loads(_lines(archive)[-1])["prev"] != "0" * 64
    assert tracks_cli("archive", "verify", "--archive", str(archive.root)).code == 0


def test_an_empty_folder_is_not_an_archive(tmp_path: Path) -> None:
    run = tracks_cli("archive", "verify", "--archive", str(tmp_path))
    assert run.code == 1 and "no-manifest: manifest.jsonl: no manifest.jsonl here" in run.out
