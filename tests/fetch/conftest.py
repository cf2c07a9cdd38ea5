"""Fixtures for fetch tests: a real threaded local HTTP server, a fast client, a tiny readsb trace."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tracks.fetch.archive import Archive
from tracks.fetch.session import Client, FetchConfig

# 2025-11-29T00:00:00Z: an archived (midnight-referenced) readsb trace with two points 65.5 s apart.
TRACE_DOC = {
    "icao": "0d8373",
    "r": "YV2984",
    "t": "A319",
    "timestamp": 1764374400.0,
    "trace": [
        [0.0, 10.6, -66.99, "ground", 12.5, 90.0, 0, None, {"flight": "VCV2984 "}, "adsb_icao",
         None, None, None, None],
        [65.5, 10.7, -66.9, 1500, 160.0, 120.0, 0, 1800, None, "adsb_icao", 1650, 1750, 150, 0.0],
    ],
}
TRACE_JSON = json.dumps(TRACE_DOC).encode()
TRACE_GZ = gzip.compress(TRACE_JSON, mtime=0)
TRACE_PATH = "/globe_history/2025/11/29/traces/73/trace_full_0d8373.json"


@pytest.fixture(scope="session")
def _server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    if srv.is_running():
        srv.stop()


@pytest.fixture
def server(_server: HTTPServer) -> Iterator[HTTPServer]:
    """A threaded pytest-httpserver on 127.0.0.1 (several requests may be in flight at once), cleared per test."""
    _server.clear()
    yield _server
    try:
        _server.check_assertions()  # a request that matched no handler fails the test
    finally:
        _server.clear()


@pytest.fixture
def config() -> FetchConfig:
    """Tiny waits so retry tests run in milliseconds."""
    return FetchConfig(connect_timeout_s=2.0, read_timeout_s=2.0, retries=2, backoff_s=0.01, max_backoff_s=0.05,
                       max_wait_s=0.5, respect_rate_limits=False)


@pytest.fixture
def client(config: FetchConfig) -> Client:
    return Client(config)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def base(server: HTTPServer) -> str:
    return server.url_for("/").rstrip("/")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's OpenSky credentials, config file or archive (and none reaches OpenSky)."""
    for var in ("OPENSKY_CLIENT_ID", "OPENSKY_CLIENT_SECRET", "OPENSKY_TOKEN_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TRACKS_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("TRACKS_ARCHIVE", str(tmp_path / "default-archive"))
