"""Hostile and unlucky servers on 127.0.0.1 against `tracks fetch` (a subprocess, the real command): nothing
incomplete, foreign or oversized becomes evidence; the command fails naming what was wrong; the body is kept
aside with the reason; `tracks archive verify` stays clean; a slow drip is cut off at the deadline; a
decompression bomb is stopped with bounded memory."""

from __future__ import annotations

import gzip
import json
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.fault.conftest import tracks_cli
from tests.fetch.conftest import TRACE_DOC, TRACE_GZ, TRACE_JSON, TRACE_PATH
from tracks.fetch import Archive, Client, FetchConfig, fetch, verify_archive
from tracks.fetch.session import retry_after_s

DAY = "2025-11-29"
OPENSKY_LIVE = "/tracks/all"


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    if srv.is_running():
        srv.stop()


def _fetch_cli(server: HTTPServer, archive: Path, *extra: str, source: str = "adsbx") -> object:
    args = ["fetch", "--source", source, "--hex", "0d8373", "--base-url", server.url_for("/").rstrip("/"),
            "--archive", str(archive), *extra]
    if source == "adsbx":
        args += ["--date", DAY]
    return tracks_cli(*args, env={"OPENSKY_CLIENT_ID": "", "OPENSKY_CLIENT_SECRET": "",
                                  "TRACKS_CONFIG": str(archive.parent / "none.toml")})


def _failed_log(archive: Path) -> list[dict]:
    log = archive / "failed" / "failed.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _other_aircraft() -> bytes:
    return json.dumps({**TRACE_DOC, "icao": "abcdef"}).encode()


def _other_day() -> bytes:
    return json.dumps({**TRACE_DOC, "timestamp": TRACE_DOC["timestamp"] - 5 * 86400}).encode()


@pytest.mark.parametrize(("body", "headers", "reason"), [
    (TRACE_GZ[:-12], {}, "the gzip stream is cut off"),
    (TRACE_GZ[:-12], {"Content-Encoding": "gzip"}, "the gzip stream is cut off"),
    (TRACE_JSON, {"Content-Length": str(len(TRACE_JSON) // 2)}, "invalid JSON"),
    (TRACE_JSON[: len(TRACE_JSON) // 2], {}, "invalid JSON"),
    (b'{"error": "rate limited, try again later"}', {}, "a JSON object with the keys error"),
    (_other_aircraft(), {}, "positions of aircraft abcdef, not of 0d8373 as asked"),
    (_other_day(), {}, "not the UTC day 2025-11-29 asked for"),
], ids=["gzip-cut", "gzip-cut-content-encoding", "content-length-short", "json-cut", "error-json",
        "other-aircraft", "other-day"])
def test_a_body_that_is_not_the_evidence_asked_for_is_kept_aside(server: HTTPServer, tmp_path: Path, body: bytes,
                                                                 headers: dict[str, str], reason: str) -> None:
    def answer(request: Request) -> Response:  # headers as given (a Content-Length shorter than the body too)
        response = Response(body, content_type="application/json")
        response.headers.update(headers)
        return response

    server.expect_request(TRACE_PATH).respond_with_handler(answer)
    archive = tmp_path / "archive"
    run = _fetch_cli(server, archive)
    assert run.code == 4, run.err
    assert "answered HTTP 200, but not with the data asked for: " in run.err and reason in run.err and "not archived as evidence" in run.err
    (failed,) = _failed_log(archive)
    assert reason in failed["reason"] and failed["url"].endswith(TRACE_PATH)
    kept = archive / failed["path"]
    assert kept.is_file() and failed["size"] == kept.stat().st_size
    assert not (archive / "manifest.jsonl").exists() and not list((archive / "tmp").iterdir())
    verify = tracks_cli("archive", "verify", "--archive", str(archive))
    assert verify.code == 0 and "0 manifest line(s), 0 file(s) re-hashed: OK" in verify.out


def test_a_complete_body_is_archived_and_verifies(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ, headers={"Content-Encoding": "gzip"})
    archive = tmp_path / "archive"
    run = _fetch_cli(server, archive)
    assert run.code == 0, run.err
    verify = tracks_cli("archive", "verify", "--archive", str(archive))
    assert verify.code == 0 and "1 manifest line(s), 1 file(s) re-hashed: OK" in verify.out


def _bomb(out_bytes: int) -> bytes:
    """Gzip of `out_bytes` zero bytes, made in 1 MiB steps (never holding the expansion)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [z.compress(block) for _ in range(out_bytes >> 20)]
    return b"".join(parts) + z.flush()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb(512 << 20)  # 512 MiB of zeros in about 0.5 MB


MEMORY_LIMIT = 3 << 30  # address space of the child (tracks itself maps ~1.5 GiB of it)
PEAK_LIMIT_KIB = 700 << 10  # inflating the bomb whole, as before, peaked at 2.2 times its size (1.1 GiB here)


def test_fetch_of_a_decompression_bomb_is_stopped_with_bounded_memory(server: HTTPServer, tmp_path: Path,
                                                                      bomb: bytes) -> None:
    server.expect_request(OPENSKY_LIVE).respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    archive = tmp_path / "archive"
    run = tracks_cli("fetch", "--source", "opensky", "--hex", "0d8373", "--base-url",
                     server.url_for("/").rstrip("/"), "--archive", str(archive), memory_limit=MEMORY_LIMIT,
                     env={"TRACKS_CONFIG": str(tmp_path / "none.toml")})
    assert run.code == 4, run.err
    assert "not with the data asked for: the gzip data expands to more than" in run.err
    assert "not archived as evidence" in run.err
    assert run.peak_kib < PEAK_LIMIT_KIB, run.peak_kib
    (failed,) = _failed_log(archive)
    assert "decompression bomb" in failed["reason"]
    assert tracks_cli("archive", "verify", "--archive", str(archive)).code == 0


def test_loading_a_decompression_bomb_is_stopped_with_bounded_memory(tmp_path: Path, bomb: bytes) -> None:
    p = tmp_path / "trace_full_0d8373.json.gz"
    p.write_bytes(bomb)
    run = tracks_cli("info", str(p), memory_limit=MEMORY_LIMIT)
    assert run.code == 1, run.err
    assert run.err.startswith(f"error: {p}: expands to more than ") and "a decompression bomb" in run.err
    assert "--max-unpacked" in run.err
    assert run.peak_kib < PEAK_LIMIT_KIB, run.peak_kib


def test_a_genuine_large_file_loads_when_the_limit_is_raised(tmp_path: Path) -> None:
    """A real trace padded with 66 MiB of spaces (compresses ~1000:1) passes with --max-unpack-ratio."""
    doc = TRACE_JSON[:-1] + b" " * (66 << 20) + b"}"
    p = tmp_path / "big.json.gz"
    p.write_bytes(gzip.compress(doc, 9))
    refused = tracks_cli("info", str(p))
    assert refused.code == 1 and "expands to more than" in refused.err
    allowed = tracks_cli("--max-unpack-ratio", "5000", "info", str(p))
    assert allowed.code == 0, allowed.err
    assert "records read 2, kept 2" in allowed.out


def test_kmz_region_bomb_is_a_clear_error(tmp_path: Path) -> None:
    import zipfile

    folder = tmp_path / "case"
    folder.mkdir()
    kmz = folder / "zones.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, zf.open("doc.kml", "w") as fh:
        block = bytes(1 << 20)
        for _ in range(100):
            fh.write(block)
    from tests.fault.conftest import BASE_CASE, write_case

    case = write_case(folder, "regions: [zones.kmz]\n" + BASE_CASE)
    run = tracks_cli("check", str(case), "--out", str(tmp_path / "out"), memory_limit=MEMORY_LIMIT)
    assert run.code == 1, run.err
    assert f"{kmz} (doc.kml): expands to more than 64.0 MiB" in run.err
    assert run.peak_kib < PEAK_LIMIT_KIB


def _drip(request: Request) -> Response:
    def body() -> Iterator[bytes]:
        yield b'{"icao": "0d8373", "trace": ['
        for _ in range(400):
            time.sleep(0.05)
            yield b" "
    return Response(body(), content_type="application/json")


def test_a_slow_drip_is_cut_off_at_the_deadline(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request(TRACE_PATH).respond_with_handler(_drip)
    archive = tmp_path / "archive"
    started = time.monotonic()
    run = _fetch_cli(server, archive, "--deadline", "1.5")
    took = time.monotonic() - started
    assert run.code == 4, run.err
    assert "the transfer took longer than the 1.5 s allowed for one download (--deadline" in run.err
    assert took < 15  # the drip would take 20 s; the command gives up after 1.5 s (plus the interpreter start)
    assert not (archive / "manifest.jsonl").exists() and not list((archive / "tmp").iterdir())
    assert tracks_cli("archive", "verify", "--archive", str(archive)).code == 0


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_the_size_cap_is_refused(server: HTTPServer, tmp_path: Path, announced: bool) -> None:
    big = TRACE_JSON[:-1] + b" " * (3 << 20) + b"}"
    if announced:
        server.expect_request(TRACE_PATH).respond_with_data(big)
    else:
        server.expect_request(TRACE_PATH).respond_with_handler(
            lambda r: Response(iter([big[i:i + 65536] for i in range(0, len(big), 65536)])))
    archive = tmp_path / "archive"
    run = _fetch_cli(server, archive, "--max-body", "1M")
    assert run.code == 4, run.err
    assert ("announces 3.0 MiB, more than the 1.0 MiB accepted (--max-body)" if announced else
            "the body is larger than the 1.0 MiB accepted (--max-body)") in run.err
    assert not (archive / "manifest.jsonl").exists()
    assert not (archive / "tmp").exists() or not list((archive / "tmp").iterdir())


def test_retry_after_nan_backs_off_and_inf_is_worded(server: HTTPServer, tmp_path: Path) -> None:
    config = FetchConfig(connect_timeout_s=2, read_timeout_s=2, retries=2, backoff_s=0.2, max_backoff_s=0.2,
                         max_wait_s=5, respect_rate_limits=False)
    server.expect_request(TRACE_PATH).respond_with_data("busy", status=503, headers={"Retry-After": "nan"})
    started = time.monotonic()
    with pytest.raises(Exception, match="HTTP 503") as err:
        fetch("adsbx", hex="0d8373", date=DAY, base_url=server.url_for("/").rstrip("/"),
              archive=Archive(tmp_path / "a"), session=Client(config))
    assert len(server.log) == 3 and time.monotonic() - started >= 0.4  # backed off, not 3 immediate retries
    assert "nan" not in str(err.value)
    server.clear()
    server.expect_request(TRACE_PATH).respond_with_data("slow down", status=429, headers={"Retry-After": "inf"})
    with pytest.raises(Exception, match="HTTP 429") as err:
        fetch("adsbx", hex="0d8373", date=DAY, base_url=server.url_for("/").rstrip("/"),
              archive=Archive(tmp_path / "b"), session=Client(config))
    assert "inf" not in str(err.value).replace("info", "") and "wait a while" in str(err.value)
    assert len(server.log) == 1  # an unbounded wait is not slept through


def test_retry_after_parsing() -> None:
    class R:
        def __init__(self, value: str) -> None:
            self.headers = {"Retry-After": value}

    assert retry_after_s(R("nan")) is None  # type: ignore[arg-type]
    assert retry_after_s(R("inf")) == float("inf")  # type: ignore[arg-type]
    assert retry_after_s(R("-5")) == 0.0  # type: ignore[arg-type]
    assert retry_after_s(R("12")) == 12.0  # type: ignore[arg-type]


def test_verify_of_an_archive_with_failed_downloads_only(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    (archive.root / "failed").mkdir(parents=True)
    assert verify_archive(archive).ok
