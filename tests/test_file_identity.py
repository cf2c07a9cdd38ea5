"""Aircraft identity the export file itself carries (readsb trace headers and aircraft.json entries: `r`, `t`,
`desc`, `ownOp`, `year`, `dbFlags`) reaches `tracks info`, the map and the notebook display, cited as the track
file (by name, never its folders); a user's database wins where it has a value. The unknown address 000000 is
worded by one function wherever an address is shown."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import tracks
from tracks import aircraft
from tracks.aircraft import NO_ADDRESS, flags_of_bits, shown_address
from tracks.cli import cli
from tracks.render.map import render_map, to_html

SNAPSHOT = Path("readsb-aircraft-json") / "ANG13T__ADSB-Spoof-Detector" / "aircraft.json.gz"


@pytest.fixture
def no_chosen_db(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("TRACKS_AIRCRAFT_DB", raising=False)
    aircraft.forget()
    yield
    aircraft.forget()


def _trace(path: Path, **top: object) -> Path:
    """A small readsb trace of ae1234 (three airborne points a minute apart) with `top` in its header."""
    points = [[60.0 * k, 38.0 + 0.1 * k, -77.0, 20000, 300.0, 90.0, 0, 0, {"flight": "RCH123 "} if k == 0 else None,
               "adsb_icao", 20100, 0, None, None] for k in range(3)]
    path.write_text(json.dumps({"icao": "ae1234", "timestamp": 1738713600.0, **top, "trace": points}))
    return path


def test_trace_header_identity_in_info_json_with_its_source(tmp_path: Path, no_chosen_db: None) -> None:
    (tmp_path / "private folder").mkdir()
    f = _trace(tmp_path / "private folder" / "trace_full_ae1234.json", r="09-0540", t="C17", desc="BOEING C-17A Globemaster III", ownOp="United States Air Force",
               dbFlags=1 | 8)
    out = CliRunner().invoke(cli, ["info", "--json", str(f)])
    assert out.exit_code == 0, out.output
    ac = json.loads(out.output)["aircraft"][0]["aircraft"]
    assert (ac["registration"], ac["type_code"], ac["type_description"], ac["operator"]) == (
        "09-0540", "C17", "BOEING C-17A Globemaster III", "United States Air Force")
    assert ac["flags"] == ["military", "ladd"] and "military / government" in ac["flag_labels"]
    cite = "track file trace_full_ae1234.json"  # the name only: never the folders
    assert ac["value_sources"] == {k: cite for k in ("registration", "type_code", "type_description", "operator",
                                                     "flags")}
    assert cite in ac["sources"] and not any("private folder" in s for s in ac["sources"])
    text = CliRunner().invoke(cli, ["info", str(f)]).output
    assert "FLAG military / government" in text and "C17 (BOEING C-17A Globemaster III)" in text
    assert f"from registration, type_code, type_description, operator, flags: {cite}" in text
    html = tracks.load(f)._repr_html_()
    assert "military / government" in html and f"from registration, type_code, type_description, operator, flags: " \
                                                 f"{cite}" in html
    page = to_html(render_map(tracks.load(f)))
    assert "military / government" in page


def test_a_users_database_wins_where_it_has_a_value_and_the_file_fills_the_rest(tmp_path: Path,
                                                                                no_chosen_db: None) -> None:
    f = _trace(tmp_path / "trace_full_ae1234.json", r="FILE-REG", t="C17", ownOp="United States Air Force",
               dbFlags=1)
    db = tmp_path / "aircraft.csv.gz"
    db.write_bytes(gzip.compress(b"ae1234;09-0540;C17A;0000;BOEING C-17A\n"))  # no operator, no flag set
    out = CliRunner().invoke(cli, ["info", "--json", "--aircraft-db", str(db), str(f)])
    assert out.exit_code == 0, out.output
    ac = json.loads(out.output)["aircraft"][0]["aircraft"]
    assert (ac["registration"], ac["type_code"], ac["type_description"]) == ("09-0540", "C17A", "BOEING C-17A")
    assert (ac["operator"], ac["flags"]) == ("United States Air Force", ["military"])
    src = ac["value_sources"]
    assert src["registration"] == src["type_code"] == "aircraft.csv.gz line 1"
    assert src["operator"] == src["flags"] == "track file trace_full_ae1234.json"


def test_flags_of_bits_follow_readsb() -> None:
    assert flags_of_bits([0, 1, 2, 4, 8, 9, -1]).tolist() == ["", "military", "interesting", "pia", "ladd",
                                                               "military,ladd", ""]


def test_aircraft_json_identity_marks_military_aircraft_on_the_map(corpus: Path, no_chosen_db: None) -> None:
    from tracks.render.inputs import map_input
    from tracks.render.map import build_payload
    from tracks.render.page import aircraft_list_html
    from tracks.render.traffic import aircraft_rows

    path = corpus / SNAPSHOT
    entries = json.loads(gzip.decompress(path.read_bytes()))["aircraft"]
    military = {a["hex"] for a in entries if (a.get("dbFlags") or 0) & 1}
    assert len(military) == 107
    traffic = tracks.load(path)
    inp = map_input(traffic)
    assert inp.traffic is not None
    drawn = inp.traffic.data["icao24"].to_numpy()[aircraft_rows(inp.traffic.data)[0]].tolist()
    payload = build_payload(inp)
    marked = {icao for icao, p in zip(drawn, payload["tracks"], strict=True)
              if "military / government" in p["flags"]}
    assert len(marked) > 0 and marked == military & set(drawn)  # every one the file marks and drawn, no other
    assert aircraft_list_html(inp).count("military / government") == len(marked)
    types = {icao: p["type"] for icao, p in zip(drawn, payload["tracks"], strict=True)}
    entry = next(a for a in entries if a["hex"] in marked and a.get("t"))
    assert types[entry["hex"]] == entry["t"]
    # tracks info --json: the aircraft listed in one line each carry type, flags and their source too
    out = CliRunner().invoke(cli, ["info", "--json", str(path)])
    doc = json.loads(out.output)
    rows = doc["more_aircraft"] + [{"icao24": a["icao24"], "flags": a["aircraft"]["flags"]} for a in doc["aircraft"]]
    assert {r["icao24"] for r in rows if "military" in r["flags"]} == military & set(traffic.icao24s)
    one = next(r for r in doc["more_aircraft"] if "military" in r["flags"])
    assert one["value_sources"]["flags"] == "track file aircraft.json.gz"


def test_no_address_worded_alike_in_info_map_and_notebook(corpus: Path) -> None:
    path = corpus / "fr24-csv" / "xoolive__traffic" / "JL516_3376ab31.csv"
    assert shown_address("000000") == NO_ADDRESS and shown_address("0d8373") == "0d8373"
    text = CliRunner().invoke(cli, ["info", str(path)]).output
    header = next(line for line in text.splitlines() if "JAL516" in line)
    assert header.startswith(NO_ADDRESS) and "000000" not in header
    t = tracks.load(path)
    page = to_html(render_map(t))
    subtitle = re.search(r'<div class="tm-subtitle">([^<]*)', page)
    assert subtitle is not None and NO_ADDRESS in subtitle.group(1) and "000000" not in subtitle.group(1)
    html = t._repr_html_()
    assert NO_ADDRESS in html and t.identity.sentence() == NO_ADDRESS
