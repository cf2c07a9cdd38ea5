"""Hostile case files, region files and track files through `tracks check` / `tracks info` / `tracks export`:
a clear error naming the file, the line (or record) and what is wrong, exit 1; never an internal error (exit 3);
values that cannot be right (infinite altitudes) rejected and counted; outputs all or nothing."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.fault.conftest import BASE_CASE, TRACE, tracks_cli, write_case

POLYGON = {"type": "Polygon", "coordinates": [[[-62, 4], [-61, 4], [-61, 5], [-62, 5], [-62, 4]]]}


def _claim(test: str) -> str:
    return BASE_CASE.replace("test: {never_entered: BR}", f"test: {test}")


@pytest.mark.parametrize(("body", "line", "expected"), [
    (BASE_CASE.replace("title: hostile case", "title: !!python/object:os.system x"), 1,
     "the YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"),
    (BASE_CASE.replace("title: hostile case", "title: !custom x"), 1, "the YAML tag '!custom' is not allowed"),
    ("title: t\ndescription: " + "[" * 5000 + "]" * 5000 + "\n" + BASE_CASE.split("\n", 1)[1], 2,
     "lists/mappings nested more than 50 deep"),
    (BASE_CASE + "settings: {max_gap_s: " + "9" * 5000 + "}\n", 9,
     "settings.max_gap_s: cannot read a value of 5000 characters as a plain value"),
    (BASE_CASE.replace("2025-11-28T18:00Z", "1970-01-01T00:00Z"), 3,
     "window.start: '1970-01-01T00:00Z' is outside 1980-01-01..2262-04-11"),
    (BASE_CASE.replace("2025-11-28T18:00Z", "0000-01-01T00:00Z"), 3,
     "window.start: '0000-01-01T00:00Z' is outside 1980-01-01..2262-04-11"),
    (BASE_CASE.replace("2025-11-29T08:00Z", "9999-12-31T00:00Z"), 3,
     "window.end: '9999-12-31T00:00Z' is outside 1980-01-01..2262-04-11"),
    (_claim("{stayed_outside: {region: BR, start: 2300-01-01T00:00Z}}"), 8,
     "claims[0].test.stayed_outside.start: '2300-01-01T00:00Z' is outside"),
    (_claim("{present: {start: {local: '1969-12-31 20:00', tz: America/Caracas}, end: 2025-11-29T00:00Z}}"), 8,
     "claims[0].test.present.start.local: '1969-12-31 20:00' is outside"),
], ids=["python-object-tag", "custom-tag", "deep-nesting", "5000-digit-integer", "window-1970", "year-0",
        "year-9999", "stayed-outside-2300", "local-time-1969"])
def test_hostile_case_file_is_a_clear_error(tmp_path: Path, body: str, line: int, expected: str) -> None:
    case = write_case(tmp_path / "case", body)
    run = tracks_cli("check", str(case), "--out", str(tmp_path / "out"))
    assert run.code == 1, run.err
    assert run.err.startswith(f"error: {case}:{line}: ") and expected in run.err, run.err
    assert "internal error" not in run.err and "Traceback" not in run.err
    assert not (tmp_path / "out").exists()  # nothing written


@pytest.mark.parametrize(("doc", "expected"), [
    ({"type": "Banana", "features": []}, "not GeoJSON: got a 'type' that is a text of 6 characters"),
    ("deep", "JSON nested too deeply to be GeoJSON"),
    ({"type": "FeatureCollection", "features": 5}, "'features' is a number (expected a list of features)"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": ["A", "B"]},
                                                 "geometry": POLYGON}]},
     "feature 0: property 'code' is a list of 2 items (expected text or a number)"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": [1, 2], "geometry": POLYGON}]},
     "feature 0: 'properties' is a list of 2 items (expected an object)"),
    ({"type": "FeatureCollection", "features": [7]}, "feature 0: a number (expected a Feature object)"),
], ids=["wrong-type", "deep-nesting", "numeric-features", "list-property", "list-properties", "numeric-feature"])
def test_hostile_geojson_region_file_is_a_clear_error(tmp_path: Path, doc: object, expected: str) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    regions = folder / "zones.geojson"
    if doc == "deep":
        regions.write_text('{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}")
    else:
        regions.write_text(json.dumps(doc))
    case = write_case(folder, "regions: [zones.geojson]\n" + _claim("{never_entered: Z1}"))
    run = tracks_cli("check", str(case), "--out", str(tmp_path / "out"))
    assert run.code == 1, run.err
    assert run.err.startswith(f"error: {case}: regions: {regions}: ") and expected in run.err, run.err


def _opensky_parquet(path: Path, **columns: list) -> Path:
    base = {"time": [1764378600, 1764378610], "icao24": ["0d8373", "0d8373"], "lat": [4.5, 4.6],
            "lon": [-61.1, -61.2], "baroaltitude": [100.0, 200.0], "lastposupdate": [1764378600.0, 1764378610.0]}
    pq.write_table(pa.table({**base, **columns}), path)
    return path


def test_opensky_parquet_with_list_typed_lat_is_a_clear_error(tmp_path: Path) -> None:
    p = _opensky_parquet(tmp_path / "states.parquet", lat=[[4.5], [4.6]])
    run = tracks_cli("info", str(p))
    assert run.code == 1, run.err
    assert run.err == f"error: {p}: column lat: holds list<element: double> values (expected one number, time or " \
                      "text per row)"


def test_opensky_parquet_integer_icao24_is_six_hex_digits(tmp_path: Path) -> None:
    p = _opensky_parquet(tmp_path / "states.parquet", icao24=[0x0D8373, 0x0D8373])
    run = tracks_cli("info", str(p))
    assert run.code == 0, run.err
    assert "1 aircraft, 2 points" in run.out and "\n0d8373 " in run.out


def test_infinite_values_are_rejected_with_the_reason_and_check_writes_everything(tmp_path: Path) -> None:
    doc = json.loads(TRACE.read_text())
    doc["trace"][3][3] = float("inf")  # json writes Infinity
    doc["trace"][5][3] = 123456.789
    folder = tmp_path / "case"
    case = write_case(folder, BASE_CASE)
    (folder / "t.json").write_text(json.dumps(doc).replace("123456.789", "1e400"))
    info = tracks_cli("info", str(folder / "t.json"))
    assert info.code == 0, info.err
    assert "records read 851, kept 849, rejected 2" in info.out
    assert "rejected 2: alt_baro_ft is not a finite number (infinite)" in info.out
    out = tmp_path / "out"
    run = tracks_cli("check", str(case), "--out", str(out))
    assert run.code == 0, run.err
    assert sorted(p.name for p in out.iterdir()) == ["map.html", "profile.svg", "report.json", "report.md"]
    report = json.loads((out / "report.json").read_text())
    assert report["sources"][0]["rejected_reasons"] == {"alt_baro_ft is not a finite number (infinite)": 2}


def test_opensky_csv_inf_altitude_is_rejected(tmp_path: Path) -> None:
    p = tmp_path / "states.csv"
    rows = [["time", "icao24", "lat", "lon", "baroaltitude", "geoaltitude", "lastposupdate"],
            [1764378600, "0d8373", 4.5, -61.1, 100.0, 120.0, 1764378600],
            [1764378610, "0d8373", 4.6, -61.2, "inf", 130.0, 1764378610],
            [1764378620, "0d8373", 4.7, -61.3, 300.0, "-inf", 1764378620]]
    with p.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    run = tracks_cli("info", str(p))
    assert run.code == 0, run.err
    assert "records read 3, kept 1, rejected 2" in run.out
    assert "rejected 1: alt_baro_ft is not a finite number (infinite)" in run.out
    assert "rejected 1: alt_geom_ft is not a finite number (infinite)" in run.out


def test_outputs_are_written_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The map renderer fails after both reports are complete: neither report replaces the previous one."""
    import tracks.render.map as map_module
    from tracks.claims.engine import check
    from tracks.render.report import write_outputs

    folder = tmp_path / "case"
    out = tmp_path / "out"
    result = check(write_case(folder, BASE_CASE))
    write_outputs(result, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    changed = check(write_case(folder, BASE_CASE.replace("hostile case", "second run"), name="second.yaml"))

    def broken(*args: object, **kwargs: object) -> object:
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(map_module, "page_map", broken)  # the map fails after the reports and the profile
    with pytest.raises(OverflowError):
        write_outputs(changed, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("name", ["trace.json", "capture.sbs"])
def test_utf8_bom_is_accepted(tmp_path: Path, name: str) -> None:
    body = TRACE.read_bytes() if name.endswith(".json") else (
        b"MSG,3,1,1,0D8373,1,2025/11/29,01:10:01.000,2025/11/29,01:10:01.000,,1000,,,4.5,-61.1,,,0,0,0,0\n")
    p = tmp_path / name
    p.write_bytes(b"\xef\xbb\xbf" + body)
    run = tracks_cli("info", str(p))
    assert run.code == 0, run.err
    assert ("records read 851, kept 851" if name.endswith(".json") else "records read 1, kept 1") in run.out


@pytest.mark.parametrize("root", ["gpx", "kml"])
def test_utf16_xml_with_entities_is_refused(tmp_path: Path, root: str) -> None:
    ns = "http://www.topografix.com/GPX/1/1" if root == "gpx" else "http://www.opengis.net/kml/2.2"
    doc = (f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE {root} [<!ENTITY a "aaaaaaaaaa">'
           f'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><{root} xmlns="{ns}"><name>&b;</name></{root}>')
    p = tmp_path / f"t.{root}"
    p.write_bytes(doc.encode("utf-16"))
    run = tracks_cli("info", str(p))
    assert run.code == 1, run.err
    assert run.err.startswith(f"error: {p}: the XML declares or uses entities (EntitiesForbidden); refused")


def test_utf16_gpx_without_entities_loads(tmp_path: Path) -> None:
    doc = ('<?xml version="1.0" encoding="UTF-16"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
           '<trk><trkseg><trkpt lat="5" lon="-62"><time>2025-11-29T00:50:00Z</time></trkpt></trkseg></trk></gpx>')
    p = tmp_path / "t.gpx"
    p.write_bytes(doc.encode("utf-16"))
    run = tracks_cli("info", str(p))
    assert run.code == 0, run.err
    assert "format gpx" in run.out and "records read 1, kept 1" in run.out


def test_csv_export_neutralises_formulas_and_keeps_numbers(tmp_path: Path) -> None:
    src = tmp_path / "-evil.csv"  # a file name is a text cell too
    src.write_text("time,lat,lon,alt_ft,icao24,callsign,registration\n"
                   '2025-11-29T01:10:00Z,4.5,-61.1,100,0d8373,"=HYPERLINK(""http://x"")",+YV1\n'
                   "2025-11-29T01:10:10Z,-4.6,-61.2,-50,0d8373,@SUM(1),-YV2\n")
    out = tmp_path / "out.csv"
    run = tracks_cli("export", "--to", "csv", "-o", str(out), "--", src.name, cwd=tmp_path)
    assert run.code == 0, run.err
    rows = list(csv.DictReader(out.open(newline="")))
    assert [r["callsign"] for r in rows] == ['\'=HYPERLINK("http://x")', "'@SUM(1)"]
    assert [r["registration"] for r in rows] == ["'+YV1", "'-YV2"]
    assert [r["file"] for r in rows] == ["'-evil.csv", "'-evil.csv"]
    assert [r["lat"] for r in rows] == ["4.5", "-4.6"] and [r["lon"] for r in rows] == ["-61.1", "-61.2"]
    assert [r["alt_baro_ft"] for r in rows] == ["100.0", "-50.0"]


def test_case_description_is_on_the_map(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    case = write_case(folder, BASE_CASE.replace("title: hostile case\n",
                                                "title: hostile case\ndescription: Seen <b>from</b> Roraima\n"))
    run = tracks_cli("check", str(case), "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err
    html = (tmp_path / "out" / "map.html").read_text()
    assert '<p class="tm-description">Seen &lt;b&gt;from&lt;/b&gt; Roraima</p>' in html


def test_unrecognised_file_is_described_not_quoted(tmp_path: Path) -> None:
    p = tmp_path / "passwd"
    p.write_text("root:x:0:0:root:/root:/bin/bash\nAWS_SECRET=abc\n")
    gz = tmp_path / "env.gz"
    gz.write_bytes(gzip.compress(b"\x00PATH=/usr/bin\x00HOME=/root\x00"))
    for path, kind in ((p, "a text file of 47 bytes (2 lines)"), (gz, "a binary file of 26 bytes")):
        run = tracks_cli("info", str(path))
        assert run.code == 1
        assert f"cannot tell what format this is ({kind})" in run.err
        assert "root" not in run.err.replace(str(tmp_path), "") and "PATH" not in run.err
