"""`tracks fetch` and `tracks archive verify` through the real entry point, against a local HTTP server."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

import tracks
from tests.cli.test_cli_basic import run
from tests.fetch.conftest import TRACE_GZ, TRACE_PATH


def test_fetch_archives_then_reuses_offline_and_verify_detects_tampering(httpserver: HTTPServer,
                                                                         tmp_path: Path) -> None:
    httpserver.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ, content_type="application/json")
    base = httpserver.url_for("/").rstrip("/")
    archive, out = tmp_path / "evidence", tmp_path / "trace.json"
    args = ["fetch", "--source", "adsbx", "--hex", "0d8373", "--date", "2025-11-29", "--base-url", base,
            "--archive", str(archive)]
    r = run(*args, "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "downloaded (track)" in r.stdout and "sha256" in r.stdout
    assert out.read_bytes() == TRACE_GZ and tracks.load(out).callsign == "VCV2984"

    r = run(*args, "--offline")  # served from the archive, no request
    assert r.returncode == 0, r.stderr
    assert "from archive (track)" in r.stdout
    assert len(httpserver.log) == 1

    r = run("archive", "verify", "--archive", str(archive))
    assert r.returncode == 0, r.stdout + r.stderr
    archived = next(p for p in (archive / "files").rglob("*") if p.is_file())
    archived.write_bytes(archived.read_bytes() + b"tampered")
    r = run("archive", "verify", "--archive", str(archive))
    assert r.returncode == 1
    assert archived.name in r.stdout


def test_fetch_404_tells_the_user_what_it_means(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(TRACE_PATH).respond_with_data("not found", status=404)
    r = run("fetch", "--source", "adsbx", "--hex", "0d8373", "--date", "2025-11-29",
            "--base-url", httpserver.url_for("/").rstrip("/"), "--archive", str(tmp_path / "a"))
    assert r.returncode == 4
    assert "Traceback" not in r.stderr and "0d8373" in r.stderr and "2025-11-29" in r.stderr
