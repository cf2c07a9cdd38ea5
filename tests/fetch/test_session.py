"""The HTTP client against a real local server: retries, Retry-After, timeouts, truncation, User-Agent."""

from __future__ import annotations

import gzip
import hashlib
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.fetch.conftest import TRACE_GZ
from tracks.errors import FetchError
from tracks.fetch.archive import Archive
from tracks.fetch.session import Client, ErrorHints, FetchConfig, retry_after_s, strip_credentials

HINTS = ErrorHints("test fetch", "nothing for that aircraft on that day", "set the credentials")


def files_in(archive: Archive) -> list[Path]:
    return [p for p in archive.root.rglob("*") if p.is_file()]


class Recorder:
    """A sleep() that records the waits and sleeps for real only very briefly."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        time.sleep(min(seconds, 0.01))


def test_strip_credentials() -> None:
    assert strip_credentials("https://user:pw@h.example:8443/p?token=abc&icao24=0d8373") == \
        "https://h.example:8443/p?token=REDACTED&icao24=0d8373"
    assert strip_credentials("https://h.example/p?x=1") == "https://h.example/p?x=1"
    assert strip_credentials("https://h.example/p?API_KEY=s3cr3t") == "https://h.example/p?API_KEY=REDACTED"


def test_success_streams_raw_bytes_and_keeps_selected_headers(server: HTTPServer, client: Client,
                                                              archive: Archive) -> None:
    server.expect_request("/x.json").respond_with_data(
        TRACE_GZ, content_type="application/json",
        headers={"Content-Encoding": "gzip", "Set-Cookie": "session=private", "Last-Modified": "Sat, 29 Nov 2025 02:00:00 GMT"})
    got = client.download(server.url_for("/x.json"), archive, hints=HINTS)
    assert got.temp_path.read_bytes() == TRACE_GZ  # not decoded
    assert got.sha256 == hashlib.sha256(TRACE_GZ).hexdigest() and got.size == len(TRACE_GZ)
    assert got.status == 200
    assert got.headers["Content-Encoding"] == "gzip"
    assert got.headers["Last-Modified"] == "Sat, 29 Nov 2025 02:00:00 GMT"
    assert got.headers["Content-Length"] == str(len(TRACE_GZ))
    assert "Set-Cookie" not in got.headers
    assert got.retrieved_at.endswith("Z")
    assert abs(datetime.fromisoformat(got.retrieved_at) - datetime.now(UTC)) < timedelta(seconds=10)


def test_user_agent_names_tool_and_version(server: HTTPServer, client: Client, archive: Archive,
                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import requests

    import tracks
    from tracks.fetch.session import user_agent

    monkeypatch.delenv("TRACKS_CONTACT", raising=False)
    monkeypatch.setenv("TRACKS_CONFIG", str(tmp_path / "absent.toml"))
    expected = (f"tracks/{tracks.__version__} (tracks, ADS-B flight-track cross-check for news verification; "
                f"no contact given) python-requests/{requests.__version__}")
    assert user_agent() == expected and "example.org" not in expected
    server.expect_request("/ua", headers={"User-Agent": expected}).respond_with_data(b"ok")
    assert Client(FetchConfig(respect_rate_limits=False)).download(server.url_for("/ua"), archive,
                                                                   hints=HINTS).size == 2


def test_user_agent_contact_from_argument_environment_or_config(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    from tracks.errors import FetchRequestError
    from tracks.fetch.session import user_agent

    config = tmp_path / "config.toml"
    config.write_text('[fetch]\ncontact = "desk@paper.example"\n')
    monkeypatch.setenv("TRACKS_CONFIG", str(config))
    monkeypatch.delenv("TRACKS_CONTACT", raising=False)
    assert "; contact desk@paper.example) python-requests/" in user_agent()
    monkeypatch.setenv("TRACKS_CONTACT", "https://paper.example/verify")
    assert "; contact https://paper.example/verify)" in user_agent()
    assert "; contact me@x.example)" in user_agent("me@x.example")
    with pytest.raises(FetchRequestError, match="control characters"):
        user_agent("me@x.example\r\nX-Evil: 1")


def test_500_then_success(server: HTTPServer, config: FetchConfig, archive: Archive) -> None:
    sleeps = Recorder()
    client = Client(config, sleep=sleeps)
    server.expect_ordered_request("/flaky").respond_with_data(b"boom", status=500)
    server.expect_ordered_request("/flaky").respond_with_data(b"boom", status=503)
    server.expect_ordered_request("/flaky").respond_with_data(b"good")
    got = client.download(server.url_for("/flaky"), archive, hints=HINTS)
    assert got.temp_path.read_bytes() == b"good"
    assert len(server.log) == 3
    assert len(sleeps.waits) == 2 and sleeps.waits[1] > sleeps.waits[0]  # exponential backoff


def test_500_every_time_gives_up_with_advice(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_request("/down").respond_with_data(b"x", status=502)
    with pytest.raises(FetchError, match=r"HTTP 502 .* after 3 attempt\(s\).*try again later") as err:
        client.download(server.url_for("/down"), archive, hints=HINTS)
    assert err.value.status == 502  # type: ignore[attr-defined]
    assert len(server.log) == 3
    assert files_in(archive) == []


def test_429_retry_after_is_honoured(server: HTTPServer, config: FetchConfig, archive: Archive) -> None:
    sleeps = Recorder()
    client = Client(config, sleep=sleeps)
    server.expect_ordered_request("/rl").respond_with_data(b"slow down", status=429, headers={"Retry-After": "0.3"})
    server.expect_ordered_request("/rl").respond_with_data(b"fine")
    got = client.download(server.url_for("/rl"), archive, hints=HINTS)
    assert got.temp_path.read_bytes() == b"fine"
    assert pytest.approx(0.3, abs=0.05) in sleeps.waits


def test_429_real_wait_between_attempts(server: HTTPServer, config: FetchConfig, archive: Archive) -> None:
    times: list[float] = []

    def handler(request: Request) -> Response:
        times.append(time.monotonic())
        if len(times) == 1:
            return Response(b"", status=429, headers={"X-Rate-Limit-Retry-After-Seconds": "0.2"})
        return Response(b"ok")

    server.expect_request("/os").respond_with_handler(handler)
    Client(config).download(server.url_for("/os"), archive, hints=HINTS)
    assert len(times) == 2 and times[1] - times[0] >= 0.19


def test_429_longer_than_max_wait_tells_how_long(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_request("/rl").respond_with_data(b"", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(FetchError, match=r"HTTP 429 .*wait 1 h 00 min and try again") as err:
        client.download(server.url_for("/rl"), archive, hints=HINTS)
    assert err.value.retry_after == 3600  # type: ignore[attr-defined]
    assert len(server.log) == 1  # did not hammer the server


def test_retry_after_http_date() -> None:
    resp = requests.Response()
    resp.headers["Retry-After"] = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= (retry_after_s(resp) or 0) <= 90
    resp.headers["Retry-After"] = "garbage"
    assert retry_after_s(resp) is None


@pytest.mark.parametrize(("status", "pattern"), [
    (404, "HTTP 404 .*nothing for that aircraft on that day"),
    (401, "HTTP 401 .*credentials refused or missing. set the credentials"),
    (403, "HTTP 403 .*credentials"),
    (400, "HTTP 400 .*refused the request"),
])
def test_client_errors_are_not_retried_and_say_what_to_do(server: HTTPServer, client: Client, archive: Archive,
                                                          status: int, pattern: str) -> None:
    server.expect_request("/e").respond_with_data(b"no", status=status)
    with pytest.raises(FetchError, match=pattern):
        client.download(server.url_for("/e"), archive, hints=HINTS)
    assert len(server.log) == 1
    assert files_in(archive) == []


class SlowHandlers:
    """Counts slow handlers still running, so a test can wait for them before the server is reused."""

    def __init__(self) -> None:
        self.running = threading.Semaphore(0)
        self.started = 0

    def sleep(self, seconds: float) -> None:
        self.started += 1
        time.sleep(seconds)
        self.running.release()

    def wait_all(self) -> None:
        for _ in range(self.started):
            assert self.running.acquire(timeout=5)


def test_read_timeout_is_retried_then_reported(server: HTTPServer, archive: Archive) -> None:
    calls: list[int] = []
    slow_ones = SlowHandlers()

    def slow(request: Request) -> Response:
        calls.append(1)
        slow_ones.sleep(1.0)
        return Response(b"late")

    server.expect_request("/slow").respond_with_handler(slow)
    client = Client(FetchConfig(read_timeout_s=0.3, retries=1, backoff_s=0.01, respect_rate_limits=False))
    with pytest.raises(FetchError, match=r"timed out .*read 0.3 s.*2 attempt"):
        client.download(server.url_for("/slow"), archive, hints=HINTS)
    assert len(calls) == 2
    assert files_in(archive) == []
    slow_ones.wait_all()


def test_timeout_then_success(server: HTTPServer, archive: Archive) -> None:
    calls: list[int] = []
    slow_ones = SlowHandlers()

    def sometimes_slow(request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            slow_ones.sleep(1.0)
        return Response(b"on time")

    server.expect_request("/s").respond_with_handler(sometimes_slow)
    client = Client(FetchConfig(read_timeout_s=0.3, retries=2, backoff_s=0.01, respect_rate_limits=False))
    assert client.download(server.url_for("/s"), archive, hints=HINTS).temp_path.read_bytes() == b"on time"
    slow_ones.wait_all()


def truncated(body: bytes, claimed: int) -> Response:
    """A response announcing `claimed` bytes and closing after `body` (werkzeug keeps our Content-Length)."""
    return Response(iter([body]), headers={"Content-Length": str(claimed)}, direct_passthrough=True)


def test_truncated_body_leaves_nothing_and_is_retried(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_request("/t").respond_with_response(truncated(TRACE_GZ[:20], len(TRACE_GZ)))
    with pytest.raises(FetchError, match=r"broke off .*nothing was archived"):
        client.download(server.url_for("/t"), archive, hints=HINTS)
    assert len(server.log) == 3  # 1 + 2 retries
    assert files_in(archive) == []


def test_truncated_then_complete(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_ordered_request("/t").respond_with_response(truncated(TRACE_GZ[:20], len(TRACE_GZ)))
    server.expect_ordered_request("/t").respond_with_data(TRACE_GZ)
    got = client.download(server.url_for("/t"), archive, hints=HINTS)
    assert got.temp_path.read_bytes() == TRACE_GZ
    assert [p for p in files_in(archive) if p != got.temp_path] == []


def test_gzip_content_encoding_truncated_is_detected(server: HTTPServer, client: Client, archive: Archive) -> None:
    big = gzip.compress(bytes(range(256)) * 4000, mtime=0)
    resp = truncated(big[: len(big) // 2], len(big))
    resp.headers["Content-Encoding"] = "gzip"
    server.expect_request("/g").respond_with_response(resp)
    with pytest.raises(FetchError, match="broke off"):
        client.download(server.url_for("/g"), archive, hints=HINTS)
    assert files_in(archive) == []


def test_connection_dropped_mid_headers(archive: Archive) -> None:
    """A server that accepts and closes at once: a connection error, retried, then reported."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    accepted: list[int] = []

    def serve() -> None:
        listener.settimeout(3)
        for _ in range(3):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(1)
            conn.close()

    th = threading.Thread(target=serve)
    th.start()
    try:
        client = Client(FetchConfig(retries=2, backoff_s=0.01, respect_rate_limits=False, read_timeout_s=2))
        with pytest.raises(FetchError, match="could not connect or the connection dropped, 3 attempt"):
            client.download(f"http://127.0.0.1:{port}/x", archive, hints=HINTS)
    finally:
        th.join()
        listener.close()
    assert len(accepted) == 3
    assert files_in(archive) == []


def test_connection_refused(archive: Archive) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    client = Client(FetchConfig(retries=1, backoff_s=0.01, respect_rate_limits=False))
    with pytest.raises(FetchError, match="could not connect"):
        client.download(f"http://127.0.0.1:{port}/x", archive, hints=HINTS)


def test_rate_limit_spaces_requests_to_one_host(server: HTTPServer, archive: Archive) -> None:
    server.expect_request("/r").respond_with_data(b"ok")
    client = Client(FetchConfig(respect_rate_limits=True))
    started = time.monotonic()
    for _ in range(3):
        client.download(server.url_for("/r"), archive, hints=HINTS, min_interval_s=0.15)
    assert time.monotonic() - started >= 0.3  # the 3rd request cannot start before 2 spacings
    fast = Client(FetchConfig(respect_rate_limits=False))
    started = time.monotonic()
    for _ in range(3):
        fast.download(server.url_for("/r"), archive, hints=HINTS, min_interval_s=5.0)
    assert time.monotonic() - started < 5.0


def test_retry_after_hold_applies_to_later_calls(server: HTTPServer, archive: Archive) -> None:
    sleeps = Recorder()  # records waits without spending them
    client = Client(FetchConfig(max_wait_s=10, retries=2, respect_rate_limits=False), sleep=sleeps)
    server.expect_ordered_request("/h").respond_with_data(b"", status=429, headers={"Retry-After": "2"})
    server.expect_ordered_request("/h").respond_with_data(b"ok")
    server.expect_ordered_request("/h").respond_with_data(b"ok again")
    client.download(server.url_for("/h"), archive, hints=HINTS)
    client.download(server.url_for("/h"), archive, hints=HINTS)  # the hold is not over: it waits too
    assert len(sleeps.waits) == 2 and all(1.9 < w <= 2.0 for w in sleeps.waits)


def test_long_hold_fails_fast_without_asking_again(server: HTTPServer, archive: Archive) -> None:
    sleeps = Recorder()
    client = Client(FetchConfig(max_wait_s=0.5, respect_rate_limits=False), sleep=sleeps)
    server.expect_request("/h").respond_with_data(b"", status=429, headers={"Retry-After": "5"})
    with pytest.raises(FetchError, match="wait 5 s"):
        client.download(server.url_for("/h"), archive, hints=HINTS)
    with pytest.raises(FetchError, match=r"HTTP 429 .*wait 5 s") as err:
        client.download(server.url_for("/h"), archive, hints=HINTS)
    assert 4 < err.value.retry_after <= 5  # type: ignore[attr-defined]
    assert len(server.log) == 1 and sleeps.waits == []
