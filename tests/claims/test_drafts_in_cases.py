"""Claims marked `draft: true` (written by `tracks draft`): parsed with their position and review notes, refused
by the checker unless allowed, and marked as never reviewed in every output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import tracks
from tests.cli.test_cli_basic import run
from tracks.claims.case import load_case, parse_case
from tracks.errors import CaseFileError
from tracks.paths import data_dir
from tracks.render.report import report_markdown, write_outputs

BUNDLED = data_dir() / "cases" / "venezuela-2025-11"

CASE = """\
title: Drafted
aircraft: {icao24: 0d8373}
timezone: America/Caracas
window: {start: 2025-11-28T18:00Z, end: 2025-11-29T08:00Z}
tracks: [trace_full_0d8373.illustrative.json]
claims:
  - id: departed-caracas
    quote: "the aircraft departed from Caracas"
    test: {departed_from: [SVMI, SVFM]}
  - id: reached-border
    draft: true
    quote: "flew to the border with the Brazilian state of Roraima"
    at: {paragraph: 19, start: 120, end: 174}
    why: "'flew to the border with' -> approached; 'Roraima' -> BR-RR"
    review:
      - "the article gives no distance: within_km 15 is a proposal"
    test: {approached: {border: [VE, BR-RR], within_km: 15}}
    after: departed-caracas
"""


def case_dir(tmp_path: Path, text: str = CASE) -> Path:
    shutil.copy(BUNDLED / "trace_full_0d8373.illustrative.json", tmp_path)
    (tmp_path / "case.yaml").write_text(text)
    return tmp_path / "case.yaml"


def test_draft_keys_are_read_with_their_values(tmp_path: Path) -> None:
    case = load_case(case_dir(tmp_path))
    reviewed, drafted = case.claims
    assert not reviewed.draft and reviewed.at == {} and reviewed.review == ()
    assert drafted.draft
    assert dict(drafted.at) == {"paragraph": 19, "start": 120, "end": 174}
    assert drafted.why.startswith("'flew to the border with'")
    assert drafted.review == ("the article gives no distance: within_km 15 is a proposal",)


@pytest.mark.parametrize(("bad", "message"), [
    ("draft: maybe", "expected true or false"),
    ("at: {paragraph: 1.5, start: 0, end: 3}", "whole numbers"),
    ("at: {para: 1}", "unknown key 'para'"),
    ("at: {paragraph: -1}", ">= 0"),
])
def test_malformed_draft_keys_name_their_line(tmp_path: Path, bad: str, message: str) -> None:
    key = bad.split(":")[0]
    good = next(ln for ln in CASE.splitlines() if ln.startswith(f"    {key}:"))
    text = CASE.replace(good, f"    {bad}")
    with pytest.raises(CaseFileError) as info:
        parse_case(text, str(case_dir(tmp_path, text)))
    assert message in str(info.value)
    assert info.value.line == text.splitlines().index(f"    {bad}") + 1


def test_checker_refuses_drafts_naming_them_and_the_line(tmp_path: Path) -> None:
    path = case_dir(tmp_path)
    with pytest.raises(CaseFileError) as info:
        tracks.check(path)
    assert info.value.line == CASE.splitlines().index("  - id: reached-border") + 1
    assert "reached-border" in str(info.value) and "--allow-drafts" in str(info.value)
    assert "departed-caracas" not in str(info.value).split("(")[1].split(")")[0]  # only the drafts are named


def test_allowed_drafts_are_checked_and_marked_unreviewed_in_the_reports(tmp_path: Path) -> None:
    result = tracks.check(case_dir(tmp_path), allow_drafts=True)
    assert result.verdict("reached-border").status == "supported"  # the bundled track comes within 15 km
    assert result.verdict("reached-border").notes[0].startswith("DRAFT")
    assert not any(n.startswith("DRAFT") for n in result.verdict("departed-caracas").notes)
    assert any("unreviewed drafts" in n and "reached-border" in n for n in result.notes)
    write_outputs(result, tmp_path / "out")
    claims = {c["id"]: c for c in json.loads((tmp_path / "out" / "report.json").read_text())["claims"]}
    assert claims["reached-border"]["draft"] is True and claims["departed-caracas"]["draft"] is False
    assert claims["reached-border"]["at"] == {"paragraph": 19, "start": 120, "end": 174}
    assert claims["reached-border"]["review"] == ["the article gives no distance: within_km 15 is a proposal"]
    text = report_markdown(result)
    assert "reached-border: supported (DRAFT, never reviewed)" in text
    assert "departed-caracas: supported (DRAFT" not in text
    assert "to review: the article gives no distance" in text


def test_cli_exits_1_on_drafts_and_runs_them_with_allow_drafts(tmp_path: Path) -> None:
    path = case_dir(tmp_path)
    r = run("check", str(path), "--out", str(tmp_path / "out"))
    assert r.returncode == 1 and "reached-border" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
    r = run("check", str(path), "--out", str(tmp_path / "out"), "--allow-drafts")
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stdout.splitlines() if "reached-border" in ln and "supported" in ln)
    assert "DRAFT" in line
