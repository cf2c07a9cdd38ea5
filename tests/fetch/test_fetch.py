"""`tracks.fetch.fetch` end to end against a real local server: sources, archive, offline re-runs, loading."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

import tracks
from tests.fetch.conftest import TRACE_DOC, TRACE_GZ, TRACE_JSON, TRACE_PATH, base
from tracks.errors import FetchError
from tracks.fetch import Archive, Client, fetch, lookup_registration, verify_archive

DAY = "2025-11-29"


def manifest(archive: Archive) -> list[dict]:
    return [json.loads(line) for line in archive.manifest_path.read_text().splitlines()]


def trace_of(day: str) -> bytes:
    """The test trace moved to another UTC day (a server answering for that day)."""
    shift = (pd.Timestamp(day, tz="UTC") - pd.Timestamp(DAY, tz="UTC")).total_seconds()
    return json.dumps({**TRACE_DOC, "timestamp": TRACE_DOC["timestamp"] + shift}).encode()


def expected_times() -> list[pd.Timestamp]:
    return list(pd.to_datetime(["2025-11-29T00:00:00Z", "2025-11-29T00:01:05.5Z"], utc=True, format="ISO8601"))


@pytest.mark.parametrize(("body", "headers"), [
    (TRACE_JSON, {}),                                     # plain JSON
    (TRACE_GZ, {"Content-Encoding": "gzip"}),             # tar1090's web server: gzip transfer encoding
    (TRACE_GZ, {}),                                       # gzip bytes served as a .json file
], ids=["plain", "content-encoding-gzip", "gzip-bytes-as-json"])
def test_adsbx_trace_is_archived_as_received_and_loads(server: HTTPServer, client: Client, archive: Archive,
                                                       body: bytes, headers: dict[str, str]) -> None:
    server.expect_request(TRACE_PATH).respond_with_data(body, content_type="application/json", headers=headers)
    result = fetch("adsbx", hex="0D8373", date=DAY, base_url=base(server), archive=archive, session=client)
    assert not result.offline and result.from_archive == (False,)
    (path,) = result.paths
    assert path.read_bytes() == body  # byte for byte, compressed or not
    (entry,) = result.entries
    assert entry.sha256 == hashlib.sha256(body).hexdigest() and entry.size == len(body)
    assert entry.url == base(server) + TRACE_PATH
    assert entry.status == 200 and entry.source == "adsbx"
    assert entry.request == {"hex": "0d8373", "date": DAY, "kind": "trace"}
    assert entry.headers.get("Content-Encoding") == headers.get("Content-Encoding")
    assert entry.tool.startswith("tracks/")
    assert manifest(archive) == [json.loads(entry.to_json())]
    track = result.load()
    assert track.icao24 == "0d8373"
    assert track.data["time"].tolist() == expected_times()
    assert track.data["lat"].tolist() == [10.6, 10.7]
    assert track.sources[0].sha256 == entry.sha256  # the loader cites the same bytes
    assert tracks.load(path).data["alt_baro_ft"].tolist()[1] == 1500


def test_rerun_of_finished_day_is_served_offline(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ)
    first = fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client)
    assert len(server.log) == 1
    second = fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client)
    assert len(server.log) == 1  # no request
    assert second.offline and second.paths == first.paths and second.entries == first.entries
    assert len(manifest(archive)) == 1
    third = fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client,
                  offline=True)
    assert third.offline and len(server.log) == 1
    refreshed = fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client,
                      refresh=True)
    assert not refreshed.offline and len(server.log) == 2
    assert len(manifest(archive)) == 2 and refreshed.paths == first.paths  # same bytes, one file, two retrievals


def test_offline_without_archived_copy_says_so(archive: Archive, client: Client) -> None:
    with pytest.raises(FetchError, match=r"not in the archive .*fetch it once online first"):
        fetch("adsbx", hex="0d8373", date=DAY, base_url="http://127.0.0.1:9", archive=archive, session=client,
              offline=True)


def test_modified_archive_copy_is_not_served(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ)
    result = fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client)
    result.paths[0].write_bytes(gzip.compress(TRACE_JSON.replace(b"10.7", b"10.8")))
    report = verify_archive(archive.root)
    assert not report.ok and [p.path for p in report.by_kind("changed")] == [result.entries[0].path]
    with pytest.raises(FetchError, match="was modified"):
        fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client)


def test_404_says_no_trace_that_day(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_request(TRACE_PATH).respond_with_data(b"Not Found", status=404)
    with pytest.raises(FetchError, match=r"HTTP 404 .*no trace for aircraft 0d8373 on 2025-11-29") as err:
        fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client)
    assert "No data is not no flight" in str(err.value)
    assert not archive.manifest_path.exists()


def test_several_days_one_missing_is_a_problem_not_a_failure(server: HTTPServer, client: Client,
                                                             archive: Archive) -> None:
    server.expect_request(TRACE_PATH.replace("/29/", "/28/")).respond_with_data(b"", status=404)
    server.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ)
    result = fetch("adsbx", hex="0d8373", date="2025-11-28..2025-11-29", base_url=base(server), archive=archive,
                   session=client)
    assert [e.request["date"] for e in result.entries] == [DAY]
    assert len(result.problems) == 1 and "2025-11-28" in result.problems[0]


def test_live_trace_without_date_is_fetched_anew_each_time(server: HTTPServer, client: Client,
                                                           archive: Archive) -> None:
    server.expect_request("/data/traces/73/trace_full_0d8373.json").respond_with_data(TRACE_GZ)
    for _ in range(2):
        result = fetch("adsblol-history", hex="0d8373", base_url=base(server), archive=archive, session=client)
        assert not result.offline
    assert len(server.log) == 2 and len(manifest(archive)) == 2


def test_samples_layout_and_first_of_month_rule(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_request("/traces/2025/11/01/73/trace_full_0d8373.json").respond_with_data(trace_of("2025-11-01"))
    result = fetch("adsbx-samples", hex="0d8373", date="2025-11-01", base_url=base(server), archive=archive,
                   session=client)
    assert result.entries[0].url.endswith("/traces/2025/11/01/73/trace_full_0d8373.json")
    with pytest.raises(FetchError, match="only has the 1st day of each month"):
        fetch("adsbx-samples", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client)


def test_tar1090_needs_a_base_url(archive: Archive) -> None:
    with pytest.raises(FetchError, match="give base_url"):
        fetch("tar1090", hex="0d8373", date=DAY, archive=archive)


@pytest.mark.parametrize(("source", "kwargs", "path"), [
    ("adsblol", {"hex": "0d8373"}, "/v2/hex/0d8373"),
    ("adsblol", {"callsign": "vcv2984"}, "/v2/callsign/VCV2984"),
    ("adsblol", {"registration": "yv2984"}, "/v2/reg/YV2984"),
    ("adsblol", {"point": "4.5286,-61.1441", "radius_km": 100}, "/v2/point/4.5286/-61.1441/54"),
    ("airplaneslive", {"hex": ["0d8373", "0d81ec"]}, "/v2/hex/0d8373,0d81ec"),
    ("airplaneslive", {"registration": "YV2984"}, "/v2/reg/YV2984"),
    ("adsbfi", {"registration": "YV2984"}, "/v2/registration/YV2984"),
    ("adsbfi", {"callsign": "VCV2984"}, "/v2/callsign/VCV2984"),
    ("adsbfi", {"point": (4.5286, -61.1441), "radius_km": 463}, "/v2/lat/4.5286/lon/-61.1441/dist/250"),
])
def test_v2_url_layouts(server: HTTPServer, client: Client, archive: Archive, source: str, kwargs: dict,
                        path: str) -> None:
    body = json.dumps({"ac": [], "msg": "No error", "now": 1764378600000, "total": 0, "ctime": 1764378600000,
                       "ptime": 1}).encode()
    server.expect_request(path).respond_with_data(body, content_type="application/json")
    result = fetch(source, base_url=base(server), archive=archive, session=client, **kwargs)
    assert result.entries[0].url == base(server) + path
    assert result.roles == ("snapshot",) and not result.offline


def test_v2_snapshot_loads(server: HTTPServer, client: Client, archive: Archive) -> None:
    body = json.dumps({"ac": [{"hex": "0d8373", "flight": "VCV2984 ", "r": "YV2984", "lat": 4.6, "lon": -61.1,
                               "alt_baro": 9000, "gs": 250.0, "seen_pos": 2.5, "type": "adsb_icao"}],
                       "msg": "No error", "now": 1764378600000, "total": 1, "ctime": 1764378600000,
                       "ptime": 1}).encode()
    server.expect_request("/v2/hex/0d8373").respond_with_data(body, content_type="application/json")
    result = fetch("adsbfi", hex="0d8373", base_url=base(server), archive=archive, session=client)
    track = result.load()
    assert track.data["time"].tolist() == [pd.Timestamp("2025-11-29T01:09:57.5Z")]  # now (ms) - seen_pos
    assert track.data["lat"].tolist() == [4.6]


@pytest.mark.parametrize(("source", "kwargs", "pattern"), [
    ("adsblol", {"hex": "0d8373", "date": DAY}, "live API without history"),
    ("adsbx", {"callsign": "VCV2984", "date": DAY}, "cannot look up by callsign"),
    ("adsbx", {"hex": "0d8373", "registration": "YV2984"}, "exactly one of"),
    ("adsbx", {"hex": "zz8373"}, "not an ICAO 24-bit address"),
    ("adsbx", {"hex": "0d8373", "date": "29/11/2025"}, "not a day"),
    ("adsbx", {"hex": "0d8373", "date": "2999-01-01"}, "in the future"),
    ("adsbx", {"registration": "YV2984", "date": "2999-01-01"}, "in the future"),  # before any DB download
    ("adsbx", {"hex": "0d8373", "date": datetime(2025, 11, 29, 1)}, "no time zone"),
    ("adsblol", {"point": "4.5,-61.1"}, "needs radius_km"),
    ("adsblol", {"point": "4.5,-61.1", "radius_km": 500}, "at most 250 NM"),
    ("adsblol", {"point": "95,-61.1", "radius_km": 5}, "outside"),
    ("nosuch", {"hex": "0d8373"}, "unknown source 'nosuch'; known sources: adsbx"),
    ("opensky", {"hex": "0d8373", "kind": "nope"}, "kind 'nope' unknown"),
    ("opensky", {"hex": "0d8373", "kind": "states", "date": DAY}, "states are live"),
    ("adsbx", {"hex": "0d8373", "kind": "states"}, "applies to opensky only"),
])
def test_bad_requests_fail_before_any_request(server: HTTPServer, archive: Archive, source: str, kwargs: dict,
                                              pattern: str) -> None:
    with pytest.raises(FetchError, match=pattern):
        fetch(source, base_url=base(server), archive=archive, **kwargs)
    assert len(server.log) == 0


def test_tz_aware_datetime_is_a_utc_day(server: HTTPServer, client: Client, archive: Archive) -> None:
    from zoneinfo import ZoneInfo

    server.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ)
    # 21:10 in Caracas (UTC-4) on the 28th is 01:10Z on the 29th
    when = datetime(2025, 11, 28, 21, 10, tzinfo=ZoneInfo("America/Caracas"))
    result = fetch("adsbx", hex="0d8373", date=when, base_url=base(server), archive=archive, session=client)
    assert result.entries[0].request["date"] == DAY


# -- aircraft database and registrations -----------------------------------------------------------------

AIRCRAFT_CSV = (
    b"0d8373;YV2984;A319;10;AIRBUS A-319;;;\n"
    b"0d81ec;YV3016;E190;10;EMBRAER ERJ-190;;;\n"
    b"4b1814;HB-JVC;F100;00;FOKKER 100;;;\n"
)


def test_registration_resolved_through_archived_aircraft_db(server: HTTPServer, client: Client,
                                                            archive: Archive) -> None:
    db_gz = gzip.compress(AIRCRAFT_CSV, mtime=0)
    server.expect_request("/aircraft.csv.gz").respond_with_data(db_gz, content_type="application/gzip")
    db = fetch("aircraft-db", base_url=base(server), archive=archive, session=client)
    assert db.paths[0].read_bytes() == db_gz and db.roles == ("aircraft-db",)
    server.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ)
    result = fetch("adsbx", registration="yv-2984", date=DAY, base_url=base(server), archive=archive,
                   session=client)
    assert result.entries[0].request["hex"] == "0d8373"
    assert len(server.log) == 2  # the DB was not fetched again
    with pytest.raises(FetchError, match="YV9999 is not in the aircraft database"):
        fetch("adsbx", registration="YV9999", date=DAY, base_url=base(server), archive=archive, session=client)


def test_lookup_registration_exact_then_hyphen_insensitive(tmp_path: Path) -> None:
    plain = tmp_path / "aircraft.csv"
    plain.write_bytes(AIRCRAFT_CSV)
    gz = tmp_path / "aircraft.csv.gz"
    gz.write_bytes(gzip.compress(AIRCRAFT_CSV))
    assert lookup_registration(plain, "HB-JVC") == ("4b1814",)
    assert lookup_registration(gz, "hbjvc") == ("4b1814",)
    assert lookup_registration(gz, "YV2984") == ("0d8373",)
    assert lookup_registration(gz, "A319") == ()  # the type column is not a registration
    (tmp_path / "broken.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(FetchError, match="cannot read the aircraft database"):
        lookup_registration(tmp_path / "broken.gz", "YV2984")


def test_registration_offline_without_db(archive: Archive) -> None:
    with pytest.raises(FetchError, match="no aircraft database in the archive"):
        fetch("adsbx", registration="YV2984", date=DAY, archive=archive, offline=True)


# -- concurrency ------------------------------------------------------------------------------------------


def test_concurrent_fetches_into_one_archive(server: HTTPServer, client: Client, archive: Archive) -> None:
    hexes = [f"0d83{i:02x}" for i in range(12)]
    bodies = {}
    for h in hexes:
        doc = dict(TRACE_DOC, icao=h)
        bodies[h] = gzip.compress(json.dumps(doc).encode(), mtime=0) * 1  # distinct bytes per aircraft
        server.expect_request(f"/globe_history/2025/11/29/traces/{h[-2:]}/trace_full_{h}.json").respond_with_data(
            bodies[h], headers={"Content-Encoding": "gzip"})
    errors: list[BaseException] = []
    results: dict[str, object] = {}

    def work(h: str) -> None:
        try:
            results[h] = fetch("adsbx", hex=h, date=DAY, base_url=base(server), archive=archive, session=client)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(h,)) for h in hexes]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    lines = manifest(archive)
    assert len(lines) == len(hexes)
    assert {d["request"]["hex"]: d["sha256"] for d in lines} == {h: hashlib.sha256(b).hexdigest()
                                                                 for h, b in bodies.items()}
    assert verify_archive(archive).ok and verify_archive(archive).problems == ()
    assert list((archive.root / "tmp").iterdir()) == []
    traffic = tracks.load_traffic([r.paths[0] for r in results.values()])  # type: ignore[attr-defined]
    assert sorted(traffic.data["icao24"].unique()) == sorted(hexes)


def test_multi_file_fetch_with_progress_flag(server: HTTPServer, client: Client, archive: Archive,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    for day in ("27", "28", "29"):
        server.expect_request(TRACE_PATH.replace("/29/", f"/{day}/")).respond_with_data(trace_of(f"2025-11-{day}"))
    result = fetch("adsbx", hex="0d8373", date=["2025-11-27", "2025-11-28", DAY], base_url=base(server),
                   archive=archive, session=client, progress=True)
    assert [e.request["date"] for e in result.entries] == ["2025-11-27", "2025-11-28", DAY]
    assert capsys.readouterr().out == ""  # progress goes to stderr, never stdout


def test_result_citations(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_request(TRACE_PATH).respond_with_data(TRACE_GZ)
    result = fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client)
    (line,) = result.citations()
    assert hashlib.sha256(TRACE_GZ).hexdigest() in line and TRACE_PATH in line
    assert datetime.fromisoformat(result.entries[0].retrieved_at).tzinfo == UTC


@pytest.mark.parametrize(("body", "headers", "what"), [
    (b"<!DOCTYPE html><html><title>Just a moment...</title></html>", {"Content-Type": "text/html"}, "HTML"),
    (gzip.compress(b"<html>challenge</html>", mtime=0), {"Content-Encoding": "gzip"}, "HTML"),
    (b"", {}, "an empty body"),
    (b"Rate limit exceeded", {"Content-Type": "text/plain"}, "not JSON"),
])
def test_a_web_page_instead_of_a_trace_is_not_archived(server: HTTPServer, client: Client, archive: Archive,
                                                       body: bytes, headers: dict[str, str], what: str) -> None:
    server.expect_request(TRACE_PATH).respond_with_data(body, headers=headers)
    with pytest.raises(FetchError, match=f"answered HTTP 200, but not with the data asked for: .*{what}.*not archived as evidence"):
        fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=client)
    assert not archive.manifest_path.exists()
    kept = sorted(p.relative_to(archive.root).parts[0] for p in archive.root.rglob("*") if p.is_file())
    assert kept == ["failed", "failed"]  # the body and failed.jsonl: kept aside, never evidence


def test_aircraft_db_body_is_checked(server: HTTPServer, client: Client, archive: Archive) -> None:
    server.expect_request("/aircraft.csv.gz").respond_with_data(gzip.compress(b"<html>moved</html>"))
    with pytest.raises(FetchError, match=r"an HTML/XML page .*, not hex;registration"):
        fetch("aircraft-db", base_url=base(server), archive=archive, session=client)


def test_a_plain_requests_session_can_be_shared(server: HTTPServer, archive: Archive) -> None:
    import requests

    import tracks as tr

    sess = requests.Session()
    from tracks.fetch.session import user_agent

    server.expect_request(TRACE_PATH, headers={"User-Agent": user_agent()}).respond_with_data(TRACE_GZ)
    assert user_agent().startswith(f"tracks/{tr.__version__} (")
    result = fetch("adsbx", hex="0d8373", date=DAY, base_url=base(server), archive=archive, session=sess)
    assert result.paths[0].read_bytes() == TRACE_GZ
    assert "tracks/" not in sess.headers.get("User-Agent", "")  # the caller's session is left as it was
