"""The bundled case's report is committed (docs/demo/): a change of any verdict, sentence or number in it shows up
in review. When this test fails because the change is intended, refresh the files with
`tracks demo --out docs/demo && rm docs/demo/map.html` and say why in the commit."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tracks.cli import cli

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "demo"


def test_bundled_case_report_matches_the_committed_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("report.json", "report.md", "profile.svg"):
        fresh = (tmp_path / name).read_text(encoding="utf-8")
        committed = (COMMITTED / name).read_text(encoding="utf-8")
        assert fresh == committed, (
            f"{name} of the bundled case changed: review the difference, then refresh docs/demo with "
            "`tracks demo --out docs/demo && rm docs/demo/map.html` and give the reason in the commit")
