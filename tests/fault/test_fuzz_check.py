"""Fuzz `tracks check` (the command, through click's runner in this process) with mutated case files and mutated
track files: the only outcomes allowed are a clean error (exit 1, one `error:` line, nothing written) or a
complete result (exit 0 with report.json, report.md and map.html, and no temporary folder left). Never an
internal error (exit 3) or a traceback.

Derandomized like tests/test_fuzz_load.py (same examples every run); TRACKS_FUZZ_RANDOM=1 and
TRACKS_FUZZ_CHECK_EXAMPLES=500 explore further. The budgets keep both tests to about a minute on one core.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fault.conftest import TRACE
from tests.test_fuzz_load import FIXTURES, FUZZ, mutated
from tracks.cli import cli

EXAMPLES = int(os.environ.get("TRACKS_FUZZ_CHECK_EXAMPLES", "0") or 0)
OUTPUTS = {"map.html", "report.json", "report.md"}  # and profile.svg when the track has two samples or more


def _small_trace() -> bytes:
    """The demo trace cut to the Santa Elena landing and take-off (about 150 points): fast to check."""
    doc = json.loads(TRACE.read_text())
    doc["trace"] = doc["trace"][330:480]
    return json.dumps(doc).encode()


SMALL_TRACE = _small_trace()
TRACK_SOURCES = (("t.json", SMALL_TRACE), *FIXTURES)

CASE = """title: fuzzed case
description: a case for the fuzzer
timezone: America/Caracas
aircraft: {icao24: 0d8373, registration: YV2984}
window: {start: 2025-11-28T18:00Z, end: 2025-11-29T08:00Z}
tracks: [t.json]
regions: [zones.geojson]
settings: {max_gap_s: 60}
claims:
  - id: landed
    quote: "landed at Santa Elena"
    test: {landed_at: SVSE}
  - id: border
    quote: "flew to the border"
    test: {approached: {border: [VE, BR-RR], within_km: 15}}
    after: landed
  - id: not-brazil
    quote: "did not enter Brazil"
    test: {never_entered: BR}
  - id: zone
    quote: "stayed out of the zone"
    test: {stayed_outside: {region: Z1, start: 2025-11-29T00:00Z, end: 2025-11-29T02:00Z}}
  - id: time
    quote: "landed around 21:10"
    test: {event_time_within: {event: landing, airports: SVSE, start: {local: "2025-11-28 20:40"}, end: {local: "2025-11-28 21:40"}}}
  - id: ground
    quote: "40 minutes on the ground"
    test: {visited: {airports: SVSE, ground_time: {at_least: 30 min, at_most: 50 min}}}
  - id: band
    quote: "flew low"
    test: {altitude_band: {max_ft: 45000}}
  - id: seen
    quote: "seen that night"
    test: {present: {start: 2025-11-29T00:00Z, end: 2025-11-29T03:00Z}}
"""
ZONES = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "Z1"},
                    "geometry": {"type": "Polygon", "coordinates": [[[-62, 4], [-61, 4], [-61, 5], [-62, 5],
                                                                     [-62, 4]]]}}]})

YAML_TOKENS = ["!!python/object:os.system", "!custom", "&a", "*a", "[", "]", "{", "}", ": ", "- ", "~", "null",
               "1e400", "-1", "9" * 500, "1970-01-01T00:00Z", "2300-01-01T00:00Z", "0000-01-01T00:00Z", "\t", '"',
               "'", "#", "BR", "VE", "SVSE", "XXXX", "[" * 60, "{a: b}", "? ", "<<: *a", "..", "---", "%YAML 1.1",
               "-nan", ".inf", "2025-11-29", "99999999 days", "0 s", "true"]
YAML_VALUES = ["", "0", "-5", "1e400", ".nan", "[]", "{}", "[1, 2]", "'x'", "2025-02-30T25:61Z", "BR", "XX", "SVSE",
               "1980-01-01T00:00Z", "2262-04-11T00:00Z", "2262-04-12T00:00Z", "1 h", "-1 h", "true", "~",
               "{local: '2025-11-28 21:10'}", "[VE, VE]", "{circle: [4.5, -61.1], radius_km: 0}", "..."]


@st.composite
def mutated_case(draw: st.DrawFn) -> str:
    lines = CASE.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["token", "value", "value", "delete", "dupline", "truncate", "indent"]))
        line = lines[i]
        if kind == "token":
            pos = draw(st.integers(0, len(line)))
            lines[i] = line[:pos] + draw(st.sampled_from(YAML_TOKENS)) + line[pos:]
        elif kind == "value" and ": " in line:
            key, _, _ = line.rpartition(": ")
            lines[i] = f"{key}: {draw(st.sampled_from(YAML_VALUES))}" + ("}" * line.count("{") if "{" in key else "") + "\n"
        elif kind == "delete":
            del lines[i]
            if not lines:
                lines = ["\n"]
        elif kind == "dupline":
            lines.insert(i, line)
        elif kind == "truncate":
            lines = [*lines[:i], line[: draw(st.integers(0, len(line)))]]
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(1, 3)) + line
    return "".join(lines)


def _check(folder: Path, case_text: str, track_name: str, track: bytes) -> None:
    """Write the case, its track and its region file, run `tracks check`; assert a clean outcome."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "case.yaml").write_text(case_text, encoding="utf-8", errors="surrogateescape")
    (folder / "t.json").write_bytes(track)
    (folder / "zones.geojson").write_text(ZONES)
    out = folder / "out"
    result = CliRunner().invoke(cli, ["check", str(folder / "case.yaml"), "--out", str(out)])
    detail = f"exit {result.exit_code} (track from {track_name}):\n{result.output}\n--- case ---\n{case_text}"
    assert result.exit_code in (0, 1), detail
    assert "internal error" not in result.output and "Traceback" not in result.output, detail
    if not isinstance(result.exception, SystemExit) and result.exception is not None:
        raise result.exception
    if result.exit_code == 1:
        assert "error: " in result.output, detail
        assert not out.exists() or sorted(p.name for p in out.iterdir()) == [], detail
    else:
        written = {p.name for p in out.iterdir()}
        assert OUTPUTS <= written <= OUTPUTS | {"profile.svg"}, detail  # no temporary folder left either
        report = json.loads((out / "report.json").read_text())
        assert len(report["claims"]) == report["summary"]["supported"] + report["summary"]["contradicted"] + \
            report["summary"]["not_verifiable"], detail


def test_the_unmutated_case_is_a_complete_result(tmp_path: Path) -> None:
    """The fuzzers' starting point works (else every example would only test the error path)."""
    _check(tmp_path / "case", CASE, "t.json", SMALL_TRACE)
    report = json.loads((tmp_path / "case" / "out" / "report.json").read_text())
    assert [c["id"] for c in report["claims"]] == ["landed", "border", "not-brazil", "zone", "time", "ground",
                                                   "band", "seen"]
    assert report["claims"][0]["status"] == "supported"


@pytest.mark.slow
@given(case_text=mutated_case())
@settings(FUZZ, max_examples=EXAMPLES or 80)
def test_mutated_case_files(case_text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _check(tmp_path_factory.mktemp("fuzzcase"), case_text, "t.json", SMALL_TRACE)


@pytest.mark.slow
@given(track=mutated(TRACK_SOURCES))
@settings(FUZZ, max_examples=EXAMPLES or 80)
def test_mutated_track_files(track: tuple[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> None:
    name, data = track
    _check(tmp_path_factory.mktemp("fuzztrack"), CASE, name, data)
