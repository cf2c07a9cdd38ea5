"""OpenSky: OAuth2 client-credentials flow against the local server; secrets never leak."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.fetch.conftest import base
from tracks.errors import FetchError
from tracks.fetch import Archive, Client, OpenSkyCredentials, fetch

CLIENT_ID = "investigator-api-client-7f3a"
SECRET = "S3cr3t-Value-9b1e-do-not-leak"
TOKENS = ["tok-AAAA-first-1111", "tok-BBBB-second-2222"]
DAY = "2025-11-29"
BEGIN, END = 1764374400, 1764374400 + 86400
FLIGHTS = [
    {"icao24": "0d8373", "firstSeen": 1764374400 - 3600, "lastSeen": 1764378600, "callsign": "VCV2984 ",
     "estDepartureAirport": "SVMI", "estArrivalAirport": "SVSE"},
]
MID = FLIGHTS[0]["firstSeen"] + (FLIGHTS[0]["lastSeen"] - FLIGHTS[0]["firstSeen"]) // 2
TRACK = {"icao24": "0d8373", "callsign": "VCV2984 ", "startTime": 1764370800, "endTime": 1764378600,
         "path": [[1764377000, 4.9, -61.3, 3000.0, 170.0, False], [1764378600, 4.55, -61.15, None, 180.0, True]]}


class TokenServer:
    """The identity server: checks the form, hands out tokens in turn, counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True))
        ok = form == {"grant_type": ["client_credentials"], "client_id": [CLIENT_ID], "client_secret": [SECRET]}
        if not ok:
            return Response(json.dumps({"error": "invalid_client", "error_description": f"bad {form}"}),
                            status=401, content_type="application/json")
        token = TOKENS[min(self.calls, len(TOKENS) - 1)]
        self.calls += 1
        return Response(json.dumps({"access_token": token, "expires_in": 1800, "token_type": "Bearer"}),
                        content_type="application/json")


@pytest.fixture
def creds(server: HTTPServer) -> OpenSkyCredentials:
    return OpenSkyCredentials(CLIENT_ID, SECRET, server.url_for("/token"))


def api(server: HTTPServer) -> str:
    return base(server) + "/api"


def serve_day(server: HTTPServer, token: str = TOKENS[0]) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    server.expect_request("/api/flights/aircraft", query_string={"icao24": "0d8373", "begin": str(BEGIN),
                                                                  "end": str(END)}, headers=auth
                          ).respond_with_json(FLIGHTS)
    server.expect_request("/api/tracks/all", query_string={"icao24": "0d8373", "time": str(MID)}, headers=auth
                          ).respond_with_json(TRACK)


def test_token_flow_flights_then_tracks(server: HTTPServer, client: Client, archive: Archive,
                                        creds: OpenSkyCredentials) -> None:
    tokens = TokenServer()
    server.expect_request("/token", method="POST").respond_with_handler(tokens)
    serve_day(server)
    result = fetch("opensky", hex="0d8373", date=DAY, base_url=api(server), archive=archive, session=client,
                   credentials=creds)
    assert tokens.calls == 1  # one token for both requests
    assert result.roles == ("index", "track")
    assert [e.request["kind"] for e in result.entries] == ["flights", "track"]
    assert json.loads(result.paths[1].read_bytes()) == TRACK
    track = result.load()  # OpenSky /tracks JSON: metres converted to feet by the format
    assert track.icao24 == "0d8373" and track.data["lat"].tolist() == [4.9, 4.55]
    assert round(float(track.data["alt_baro_ft"].iloc[0])) == 9843  # 3000 m
    # re-run: the finished day comes from the archive, no token, no request
    n = len(server.log)
    again = fetch("opensky", hex="0d8373", date=DAY, base_url=api(server), archive=archive, session=client,
                  credentials=creds)
    assert again.offline and again.paths == result.paths and len(server.log) == n and tokens.calls == 1


def test_expired_token_is_refreshed_once_on_401(server: HTTPServer, client: Client, archive: Archive,
                                                creds: OpenSkyCredentials) -> None:
    tokens = TokenServer()
    server.expect_request("/token", method="POST").respond_with_handler(tokens)

    def states(request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {TOKENS[1]}":
            return Response("token expired", status=401)
        return Response(json.dumps({"time": 1764378600, "states": None}), content_type="application/json")

    server.expect_request("/api/states/all").respond_with_handler(states)
    result = fetch("opensky", hex="0d8373", kind="states", base_url=api(server), archive=archive, session=client,
                   credentials=creds)
    assert tokens.calls == 2
    assert result.entries[0].url == api(server) + "/states/all?icao24=0d8373"


def test_wrong_secret_says_how_to_fix_and_hides_it(server: HTTPServer, client: Client, archive: Archive,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server.expect_request("/token", method="POST").respond_with_handler(TokenServer())
    wrong = OpenSkyCredentials(CLIENT_ID, SECRET + "x", server.url_for("/token"))
    with pytest.raises(FetchError, match="OPENSKY_CLIENT_ID and OPENSKY_CLIENT_SECRET") as err:
        fetch("opensky", hex="0d8373", date=DAY, base_url=api(server), archive=archive, session=client,
              credentials=wrong)
    text = str(err.value) + repr(err.value) + caplog.text
    assert SECRET not in text and CLIENT_ID not in text and "invalid_client" not in text


def test_anonymous_401_points_to_credentials(server: HTTPServer, client: Client, archive: Archive,
                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("OPENSKY_CLIENT_ID", raising=False)
    monkeypatch.delenv("OPENSKY_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("TRACKS_CONFIG", str(tmp_path / "absent.toml"))
    server.expect_request("/api/flights/aircraft").respond_with_data(b"", status=403)
    with pytest.raises(FetchError, match=r"HTTP 403 .*OPENSKY_CLIENT_ID"):
        fetch("opensky", hex="0d8373", date=DAY, base_url=api(server), archive=archive, session=client,
              kind="flights")
    assert "Authorization" not in server.log[0][0].headers


def test_no_flights_that_day(server: HTTPServer, client: Client, archive: Archive,
                             creds: OpenSkyCredentials) -> None:
    server.expect_request("/token", method="POST").respond_with_handler(TokenServer())
    server.expect_request("/api/flights/aircraft").respond_with_data(b"", status=404)
    with pytest.raises(FetchError, match="OpenSky has no flights for 0d8373 on 2025-11-29"):
        fetch("opensky", hex="0d8373", date=DAY, base_url=api(server), archive=archive, session=client,
              credentials=creds)


def test_missing_track_keeps_the_flight_list(server: HTTPServer, client: Client, archive: Archive,
                                             creds: OpenSkyCredentials) -> None:
    server.expect_request("/token", method="POST").respond_with_handler(TokenServer())
    server.expect_request("/api/flights/aircraft").respond_with_json(FLIGHTS)
    server.expect_request("/api/tracks/all").respond_with_data(b"", status=404)
    result = fetch("opensky", hex="0d8373", date=DAY, base_url=api(server), archive=archive, session=client,
                   credentials=creds)
    assert result.roles == ("index",) and len(result.problems) == 1
    assert "no track for 0d8373" in result.problems[0]


def test_point_search_uses_a_bbox_containing_the_circle(server: HTTPServer, client: Client,
                                                        archive: Archive) -> None:
    server.expect_request("/api/states/all").respond_with_json({"time": 1764378600, "states": []})
    result = fetch("opensky", point="4.5286,-61.1441", radius_km=50, base_url=api(server), archive=archive,
                   session=client, credentials=None)
    lamin, lomin, lamax, lomax = result.entries[0].request["bbox"]
    # 50 km is 0.452 deg of latitude and 0.4511 deg of longitude at 4.5 deg N (WGS84)
    assert lamin < 4.5286 - 0.452 < lamin + 0.02 and lamax - 0.02 < 4.5286 + 0.452 < lamax
    assert lomin < -61.1441 - 0.4511 < lomin + 0.02 and lomax - 0.02 < -61.1441 + 0.4511 < lomax


def test_secrets_never_in_manifest_files_logs_or_errors(server: HTTPServer, client: Client, archive: Archive,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's included
    monkeypatch.setenv("OPENSKY_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("OPENSKY_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("OPENSKY_TOKEN_URL", server.url_for("/token"))
    server.expect_request("/token", method="POST").respond_with_handler(TokenServer())
    serve_day(server)
    result = fetch("opensky", hex="0d8373", date=DAY, base_url=api(server), archive=archive, session=client)
    assert len(result.entries) == 2
    # and an error after sign-in
    server.expect_request("/api/tracks/all", query_string={"icao24": "0d8373", "time": "0"}).respond_with_data(
        b"", status=500)
    with pytest.raises(FetchError) as err:
        fetch("opensky", hex="0d8373", base_url=api(server), archive=archive, session=client)
    secrets = [SECRET, CLIENT_ID, *TOKENS]
    haystacks = {
        "manifest": archive.manifest_path.read_text(),
        "files": b"".join(p.read_bytes() for p in archive.root.rglob("*") if p.is_file()).decode("latin-1"),
        "logs": caplog.text,
        "error": str(err.value) + repr(err.value) + str(err.value.__cause__) + str(err.value.__context__),
        "result": repr(result),
        "creds": repr(OpenSkyCredentials.from_env()) + str(OpenSkyCredentials.from_env()),
    }
    assert "Bearer" not in haystacks["manifest"]
    for name, text in haystacks.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked into {name}"
    assert caplog.text  # the check above did look at real log output


def test_credentials_from_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[opensky]\nclient_id = "{CLIENT_ID}"\nclient_secret = "{SECRET}"\n')
    creds = OpenSkyCredentials.from_env({}, cfg)
    assert creds is not None and creds.client_id == CLIENT_ID and creds.client_secret == SECRET
    assert SECRET not in repr(creds) and CLIENT_ID not in repr(creds)
    assert OpenSkyCredentials.from_env({}, tmp_path / "none.toml") is None
    env = OpenSkyCredentials.from_env({"OPENSKY_CLIENT_ID": "a", "OPENSKY_CLIENT_SECRET": "b"}, cfg)
    assert env is not None and (env.client_id, env.client_secret) == ("a", "b")  # environment wins


def test_credentials_config_errors(tmp_path: Path) -> None:
    half = tmp_path / "half.toml"
    half.write_text('[opensky]\nclient_id = "x"\n')
    with pytest.raises(FetchError, match=r"needs both client_id and client_secret"):
        OpenSkyCredentials.from_env({}, half)
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[opensky\nclient_secret = "{SECRET}"\n')
    with pytest.raises(FetchError, match="cannot read the config file") as err:
        OpenSkyCredentials.from_env({}, bad)
    assert SECRET not in str(err.value)
    with pytest.raises(FetchError, match="only one of"):
        OpenSkyCredentials.from_env({"OPENSKY_CLIENT_ID": "x"}, bad)


def test_one_token_serves_several_fetches_on_one_client(server: HTTPServer, client: Client, archive: Archive,
                                                        creds: OpenSkyCredentials) -> None:
    tokens = TokenServer()
    server.expect_request("/token", method="POST").respond_with_handler(tokens)
    server.expect_request("/api/states/all").respond_with_json({"time": 1764378600, "states": None})
    for _ in range(3):
        fetch("opensky", hex="0d8373", kind="states", base_url=api(server), archive=archive, session=client,
              credentials=creds)
    assert tokens.calls == 1
    assert all(req.headers["Authorization"] == f"Bearer {TOKENS[0]}" for req, _ in server.log[1:])
