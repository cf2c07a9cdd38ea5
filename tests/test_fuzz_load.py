"""Fuzz `tracks.load` with mutated real files and mutated small fixtures of every format.

Whatever the bytes, the only exception allowed out of `load` is TrackFormatError, and a load that succeeds
must conform to the schema and account for every record. Mutations: byte flips, truncations, insertions
(random bytes and tokens that matter to JSON / XML / CSV parsers), deletions, duplicated lines, replaced
fields (a CSV cell, an XML text, a JSON number), JSON values swapped for values of another type, gzip.
Runs are derandomized (same examples every run, so CI is stable); set TRACKS_FUZZ_RANDOM=1 and
TRACKS_FUZZ_EXAMPLES=2000 to explore further on a developer machine.
"""

from __future__ import annotations

import gzip
import json
import os
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracks
from tests.helpers import CORPUS
from tracks import schema
from tracks.formats import all_formats
from tracks.track import Traffic

EXAMPLES = int(os.environ.get("TRACKS_FUZZ_EXAMPLES", "0") or 0)
FUZZ = settings(
    deadline=None,
    derandomize=not os.environ.get("TRACKS_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TOKENS = [b'"', b",", b"\n", b"\r\n", b"{", b"}", b"[", b"]", b"<", b">", b"</", b"/>", b"null", b"NaN", b"Infinity",
          b"-1e309", b"1e400", b"0x", b"\x00", b"\xff\xfe", b"\xc3", b"-", b"9" * 25, b"true", b'"ground"', b"Z", b"T",
          b"&amp;", b"&bogus;", b"]]>", b"<![CDATA[", b'""', b";", b"\t", b"0,0", b"-999", b"1970-01-01T00:00:00Z",
          b"2025-02-30T25:61:00Z", b"<when></when>", b"<gx:coord>1 2</gx:coord>", b'{"a":', b"[[[[[[[[", b"PAR1"]


# -- small fixtures of every format -----------------------------------------------------------------------------------
def _fixtures() -> list[tuple[str, bytes]]:
    fr24_csv = ('Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n'
                '1764378600,2025-11-29T01:10:00Z,VCV2984,"4.555,-61.15",0,0,73\n'
                '1764378610,2025-11-29T01:10:10Z,VCV2984,"4.56,-61.16",550,144,172\n')
    granular = ("network_time,receiver_time,hex,callsign,latitude,longitude,no_position,altitude,squawk,speed,track,"
                "vspeed,on_ground,flags,position_class,,,,\n"
                "2025-11-29 01:09:50Z.515,2025-11-29 01:09:50Z.000,0x0d8373,VCV2984,4.6,-61.2,P,1500,1000,140,180,"
                "-704,A,0,ADS-B,P:8,S:ADS-B,GPSA:1650,\n"
                "2025-11-29 01:09:51Z.100,1970-01-01 00:00:00Z.000,0x0d8373,,0,0,N,1475,0,0,0,0,N,2,ADS-B,,,,\n")
    point = {"latitude": 5.0, "longitude": -62.0, "altitude": {"feet": 100, "meters": 30}, "speed": {"kts": 200},
             "verticalSpeed": {"fpm": 0}, "heading": 10, "squawk": "416", "timestamp": 1764378600,
             "ems": {"ts": 1764378600, "altGPS": 150}}
    playback = {"result": {"response": {"data": {"flight": {
        "identification": {"callsign": "VCV2984"}, "aircraft": {"identification": {"modes": "0D8373"}},
        "track": [point, dict(point, timestamp=1764378630, latitude=5.1)]}}}}}
    kml_head = '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'
    fa_kml = (kml_head + "<Document><name>FlightAware VCV2984</name><Placemark><name>SVMI Airport</name><Point>"
              "<coordinates>0,0,0</coordinates></Point></Placemark><Placemark><name>VCV2984</name><gx:Track>"
              "<altitudeMode>absolute</altitudeMode><when>2025-11-29T00:50:00Z</when><when>2025-11-29T00:51:00Z</when>"
              "<gx:coord>-62 5 3048</gx:coord><gx:coord>-61.9 4.9 3000</gx:coord></gx:Track></Placemark></Document></kml>")
    fr24_kml = (kml_head + "<Document><name>V0/VCV2984</name><description>flightradar24</description><Folder>"
                "<name>Route</name><Placemark><name>x</name><description><![CDATA[<b>Altitude:</b> 100 ft "
                "<b>Speed:</b> 10 kt]]></description><TimeStamp><when>2025-11-29T00:50:00+00:00</when></TimeStamp>"
                "<Point><coordinates>-62,5,30</coordinates></Point></Placemark></Folder><Folder><name>Trail</name>"
                "</Folder></Document></kml>")
    kml = (kml_head + "<Document><Placemark><TimeStamp><when>2025-11-29T00:50:00Z</when></TimeStamp><Point>"
           "<coordinates>-62,5</coordinates></Point></Placemark><Placemark><LineString><coordinates>1,2 3,4"
           "</coordinates></LineString></Placemark></Document></kml>")
    gpx = ('<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
           '<trkpt lat="5" lon="-62"><ele>100</ele><time>2025-11-29T00:50:00Z</time></trkpt>'
           '<trkpt lat="5.1" lon="-62"><ele>110</ele><time>2025-11-29T00:51:00Z</time><speed>100</speed></trkpt>'
           "</trkseg></trk></gpx>")
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"coordTimes": ["2025-11-29T00:50:00Z", "2025-11-29T00:51:00Z"],
                                           "callsign": "VCV2984"},
         "geometry": {"type": "LineString", "coordinates": [[-62, 5, 100], [-61.9, 5.1, 200]]}},
        {"type": "Feature", "properties": {"time": 1764378600000, "alt_ft": 10},
         "geometry": {"type": "Point", "coordinates": [-61.15, 4.55]}}]}
    table = "time,lat,lon,alt_ft,icao24,callsign\n2025-11-29T01:10:00Z,4.5,-61.1,100,0d8373,VCV2984\n1764378610,4.6,-61.2,,0d8373,\n"
    trace = {"icao": "0d8373", "timestamp": 1764374400.0, "trace": [
        [0.0, 10.6, -66.99, "ground", 12.5, 90.0, 0, None, {"flight": "VCV2984 "}, "adsb_icao", None, None, None, None],
        [65.5, 10.7, -66.9, 1500, 160.0, 120.0, 1, 1800, None, "mlat", 1650, 1750, 150, 0.0]]}
    aircraft = {"now": 1764378600.5, "aircraft": [
        {"hex": "0d8373", "flight": "VCV2984 ", "alt_baro": 1000, "lat": 4.5, "lon": -61.1, "seen_pos": 1.5, "type": "adsb_icao"},
        {"hex": "abcdef", "alt_baro": "ground", "lat": 4.6, "lon": -61.2, "seen_pos": 0.5, "rr_lat": 1, "rr_lon": 2}]}
    states = {"time": 1764378600, "states": [
        ["0d8373", "VCV2984 ", "Venezuela", 1764378599, 1764378600, -61.1, 4.5, 304.8, False, 100.0, 90.0, 5.0,
         None, 320.0, "1000", False, 0]]}
    sbs = ("MSG,1,1,1,0D8373,1,2025/11/29,01:10:00.000,2025/11/29,01:10:00.000,VCV2984,,,,,,,,,,,0\n"
           "MSG,3,1,1,0D8373,1,2025/11/29,01:10:01.000,2025/11/29,01:10:01.000,,1000,,,4.5,-61.1,,,0,0,0,0\n")
    return [("fr24.csv", fr24_csv.encode()), ("granular.csv", granular.encode()),
            ("playback.json", json.dumps(playback).encode()), ("fa.kml", fa_kml.encode()),
            ("fr24.kml", fr24_kml.encode()), ("any.kml", kml.encode()), ("t.gpx", gpx.encode()),
            ("t.geojson", json.dumps(geojson).encode()), ("t.csv", table.encode()),
            ("trace.json", json.dumps(trace).encode()), ("aircraft.json", json.dumps(aircraft).encode()),
            ("states.json", json.dumps(states).encode()), ("capture.sbs", sbs.encode())]


FIXTURES = _fixtures()


@cache
def _corpus_files() -> tuple[tuple[str, bytes], ...]:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".md")
    out = []
    for p in files:
        data = p.read_bytes()
        out.append((p.name, gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data))
    return tuple(out)


VALUES = [b"", b"-1", b"NaN", b"abc", b"1e400", b"0", b"ground", b"2025-11-29T01:10:00Z", b"99999999999999999999",
          b"-0.0", b"null", b"0x1F", b"1764378600000", b"-61.15", b"91", b"N", b"G", b"  "]
_JSON_VALUES = st.sampled_from([None, True, False, -1, 0, 1.5, 1e308, 10**30, float("nan"), float("inf"), "", "ground",
                                "0d8373", "2025-11-29T01:10:00Z", [], {}, [1, 2], {"a": 1}, [[1, 2, 3]], "x" * 50])
_SEPARATORS = b',<>"\n:[]{}\t; '


def _replace_field(buf: bytearray, pos: int, value: bytes) -> None:
    """Replace the run of non-separator bytes around `pos` (a CSV cell, XML text, JSON number) by `value`."""
    n = len(buf)
    start = pos
    while start > 0 and buf[start - 1] not in _SEPARATORS:
        start -= 1
    end = pos
    while end < n and buf[end] not in _SEPARATORS:
        end += 1
    buf[start:end] = value


def _mutate_json(draw: st.DrawFn, data: bytes) -> bytes | None:
    """Replace one value deep inside a JSON document by a value of another type (structure stays valid)."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    parent, key = None, None
    node = doc
    for _ in range(draw(st.integers(1, 8))):
        if isinstance(node, dict) and node:
            k = draw(st.sampled_from(sorted(node)))
        elif isinstance(node, list) and node:
            k = draw(st.integers(0, len(node) - 1))
        else:
            break
        parent, key, node = node, k, node[k]
    if parent is None:
        return None
    parent[key] = draw(_JSON_VALUES)
    return json.dumps(doc).encode()


@st.composite
def mutated(draw: st.DrawFn, sources: tuple[tuple[str, bytes], ...] | list[tuple[str, bytes]]) -> tuple[str, bytes]:
    name, data = draw(st.sampled_from(sources))
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        n = len(buf)
        pos = draw(st.one_of(st.integers(0, min(n, 600)), st.integers(0, n)))
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "token", "delete", "dupline", "field", "field", "json"]))
        if kind == "json":
            changed = _mutate_json(draw, bytes(buf))
            if changed is not None:
                buf = bytearray(changed)
        elif kind == "field":
            _replace_field(buf, min(pos, max(n - 1, 0)), draw(st.sampled_from(VALUES)))
        elif kind == "flip" and n:
            i = min(pos, n - 1)
            buf[i] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del buf[pos:]
        elif kind == "insert":
            buf[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "token":
            buf[pos:pos] = draw(st.sampled_from(TOKENS))
        elif kind == "delete":
            del buf[pos:pos + draw(st.integers(1, 64))]
        elif kind == "dupline":
            start = buf.rfind(b"\n", 0, pos) + 1
            end = buf.find(b"\n", pos)
            line = bytes(buf[start:end + 1 if end >= 0 else n])
            buf[start:start] = line
    out = bytes(buf)
    if draw(st.integers(0, 9)) == 0:
        out = gzip.compress(out)
    return name, out


def _check(path: Path, **options: object) -> None:
    """Only TrackFormatError may escape; a successful load conforms and accounts for every record."""
    try:
        result = tracks.load(path, **options)
    except tracks.TrackFormatError as e:
        # the loader's safety net wraps unexpected exceptions of a reader: that is a reader bug, not a clear error
        assert not e.problem.startswith("could not read as"), str(e)
        return
    assert schema.check(result.data) == []
    for s in result.sources:
        assert s.records_kept + s.records_rejected == s.records_read
    if isinstance(result, Traffic):
        assert result.data["icao24"].nunique() > 1


def _write(directory: Path, name: str, data: bytes) -> Path:
    p = directory / name
    p.write_bytes(data)
    return p


@given(case=mutated(FIXTURES))
@settings(FUZZ, max_examples=EXAMPLES or 500)
def test_mutated_fixtures(case: tuple[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> None:
    name, data = case
    _check(_write(tmp_path_factory.mktemp("fx"), name, data))


@pytest.fixture(scope="module")
def corpus_files(corpus: Path) -> tuple[tuple[str, bytes], ...]:
    return _corpus_files()


def test_corpus_mutations_cover_every_family(corpus: Path) -> None:
    families = {p.relative_to(corpus).parts[0] for p in corpus.rglob("*") if p.is_file() and p.suffix != ".md"}
    assert len(_corpus_files()) >= len(families) >= 10


@given(data=st.data())
@settings(FUZZ, max_examples=EXAMPLES or 300)
def test_mutated_corpus_files(data: st.DataObject, corpus_files: tuple[tuple[str, bytes], ...],
                              tmp_path_factory: pytest.TempPathFactory) -> None:
    name, content = data.draw(mutated(corpus_files))
    _check(_write(tmp_path_factory.mktemp("corpus"), name, content))


@pytest.mark.parametrize("fmt", [f.name for f in all_formats()])
def test_every_format_forced_on_every_fixture(fmt: str, tmp_path: Path) -> None:
    """A wrong `format=` gives TrackFormatError (or a conforming table), never a traceback."""
    for name, data in FIXTURES:
        _check(_write(tmp_path, name, data), format=fmt)
