"""Aircraft identity (state of registry, database fields and flags) and emergency squawks reach the report
and the map, escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

import tracks
from tests.helpers import REPO, make_track
from tracks.render.map import render_map, to_html
from tracks.render.report import report_markdown, write_outputs

CASE = REPO / "data" / "cases" / "venezuela-2025-11" / "case.yaml"


def test_case_report_and_map_name_the_state_of_registry_and_flags(tmp_path: Path) -> None:
    result = tracks.check(CASE)
    write_outputs(result, tmp_path)
    doc = json.loads((tmp_path / "report.json").read_text())
    ac = doc["track"]["aircraft"]
    assert (ac["state_of_registry"], ac["address_block"], ac["flags"]) == ("Venezuela", "0d8000-0dffff", ["military"])
    assert doc["track"]["emergency_squawks"] == []
    md = report_markdown(result)
    assert "- **Identity:** 0d8373: YV2984, A319" in md and "; **military / government**" in md
    page = (tmp_path / "map.html").read_text()
    assert "Venezuela block · military / government" in page


def test_emergency_squawk_and_hostile_registration_on_a_bare_track_map() -> None:
    t = make_track(["2025-11-29T01:00:00Z", "2025-11-29T01:00:30Z", "2025-11-29T01:01:00Z"], [4.0, 4.01, 4.02],
                   [-61.0, -61.0, -61.0], registration="<img src=x onerror=alert(1)>")
    data = t.data.assign(squawk=pd.array(["7700", "7700", "1200"], dtype="string"))
    page = to_html(render_map(tracks.Track(data)))
    assert "squawk 7700 (general emergency)" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "address block of Venezuela" in page
