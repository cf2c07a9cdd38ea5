"""What a case file may read and claim: files outside its folder only when allowed (and then marked in the
report); a user region that takes a built-in code says so in every sentence; repaired polygons are noted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fault.conftest import BASE_CASE, TRACE, tracks_cli, write_case


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """The demo track in a folder next to the case folder (someone else's files)."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "t.json").write_bytes(TRACE.read_bytes())
    return folder / "t.json"


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
def test_track_outside_the_case_folder_needs_allow_outside(tmp_path: Path, outside: Path, how: str) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    if how == "absolute":
        entry = str(outside)
    elif how == "dotdot":
        entry = "../elsewhere/t.json"
    else:
        (folder / "link.json").symlink_to(outside)
        entry = "link.json"
    case = write_case(folder, BASE_CASE.replace("tracks: [t.json]", f"tracks: ['{entry}']"), track=None)
    out = tmp_path / "out"
    refused = tracks_cli("check", str(case), "--out", str(out))
    assert refused.code == 1, refused.err
    assert refused.err.startswith(f"error: {case}:4: tracks[0]: the track file {outside} lies outside the case "
                                  f"folder {folder}") and "--allow-outside" in refused.err
    assert not out.exists()
    if how != "symlink":
        return  # reading and marking it when allowed: once (the slowest way in) is enough
    allowed = tracks_cli("check", str(case), "--out", str(out), "--allow-outside")
    assert allowed.code == 0, allowed.err
    report = json.loads((out / "report.json").read_text())
    assert [(s["path"], s["outside_case_folder"]) for s in report["sources"]] == [("link.json", True)]
    assert "(outside the case folder)" in (out / "report.md").read_text()


def test_case_key_allows_outside_files(tmp_path: Path, outside: Path) -> None:
    case = write_case(tmp_path / "case", "allow_outside: true\n" + BASE_CASE.replace(
        "tracks: [t.json]", "tracks: [../elsewhere/t.json]"), track=None)
    run = tracks_cli("check", str(case), "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err


def test_region_file_outside_the_case_folder_needs_allow_outside(tmp_path: Path) -> None:
    zones = tmp_path / "zones.geojson"
    zones.write_text(json.dumps({"type": "Feature", "properties": {"code": "Z1"}, "geometry": {
        "type": "Polygon", "coordinates": [[[-62, 4], [-61, 4], [-61, 5], [-62, 5], [-62, 4]]]}}))
    case = write_case(tmp_path / "case", "regions: [../zones.geojson]\n" + BASE_CASE)
    run = tracks_cli("check", str(case), "--out", str(tmp_path / "out"))
    assert run.code == 1
    assert f"{case}:1: regions[0]: the region file {zones} lies outside the case folder" in run.err


def test_files_inside_the_case_folder_are_not_marked(tmp_path: Path) -> None:
    case = write_case(tmp_path / "case", BASE_CASE)
    run = tracks_cli("check", str(case), "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [s["outside_case_folder"] for s in report["sources"]] == [False]


def test_user_region_taking_a_builtin_code_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    # a bow-tie (self-intersecting) "Brazil" somewhere else entirely
    (folder / "zones.geojson").write_text(json.dumps({"type": "Feature", "properties": {"code": "BR", "name": "Brazil"},
                                                      "geometry": {"type": "Polygon", "coordinates": [
                                                          [[10, 10], [11, 11], [11, 10], [10, 11], [10, 10]]]}}))
    case = write_case(folder, "regions: [zones.geojson]\n" + BASE_CASE)
    out = tmp_path / "out"
    run = tracks_cli("check", str(case), "--out", str(out))
    assert run.code == 0, run.err
    report = json.loads((out / "report.json").read_text())
    (claim,) = report["claims"]
    assert "Brazil (the user's shape from zones.geojson, not the built-in Brazil)" in claim["sentence"]
    (region,) = [r for r in report["regions"] if r["code"] == "BR"]
    assert region["kind"] == "user"
    assert region["note"].startswith("replaces the built-in region BR (Brazil); repaired with make_valid (")
    md = (out / "report.md").read_text()
    assert "replaces the built-in region BR (Brazil); repaired with make\\_valid" in md
    assert "the user's shape from zones.geojson" in run.out  # the printed verdict says it too
