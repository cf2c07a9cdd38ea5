"""`tracks fetch` and `tracks archive verify` through the real entry point, against a local HTTP server."""

from __future__ import annotations

from pathlib import Path

import pytest
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


@pytest.mark.parametrize(
    "args",
    [
        ("fetch", "--source", "adsbx", "--hex", "zz", "--date", "2025-11-29"),
        ("fetch", "--source", "adsbx", "--hex", "0d8373", "--date", "29/11/2025x"),
        ("fetch", "--source", "nowhere", "--hex", "0d8373"),
        ("fetch", "--source", "adsblol", "--point", "4.5,-61", "--radius-km", "-3"),
    ],
    ids=["bad-hex", "bad-date", "unknown-source", "bad-radius"],
)
def test_bad_fetch_requests_are_bad_input_exit_1_and_ask_nothing(args: tuple[str, ...], httpserver: HTTPServer,
                                                                 tmp_path: Path) -> None:
    r = run(*args, "--base-url", httpserver.url_for("/").rstrip("/"), "--archive", str(tmp_path / "a"))
    assert r.returncode == 1, r.stderr  # 1 = bad input; 4 is kept for downloads that failed
    assert "Traceback" not in r.stderr and r.stderr.startswith("error: ")
    assert httpserver.log == []


def test_archive_verify_without_an_archive_is_bad_input(tmp_path: Path) -> None:
    r = run("archive", "verify", "--archive", str(tmp_path / "no-such-archive"))
    assert r.returncode == 1 and "no archive here" in r.stderr and "Traceback" not in r.stderr


def test_fetch_contact_goes_into_the_user_agent(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ, content_type="application/json")
    r = run("fetch", "--source", "adsbx", "--hex", "0d8373", "--date", "2025-11-29", "--contact", "desk@paper.example",
            "--base-url", httpserver.url_for("/").rstrip("/"), "--archive", str(tmp_path / "a"))
    assert r.returncode == 0, r.stderr
    sent = httpserver.log[0][0].headers["User-Agent"]
    assert sent.startswith(f"tracks/{tracks.__version__} (") and "contact desk@paper.example" in sent
    manifest = (tmp_path / "a" / "manifest.jsonl").read_text()
    assert "desk@paper.example" not in manifest  # the manifest records the tool, never who asked
