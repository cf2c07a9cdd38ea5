"""`tracks draft` on the command line, and the whole path: seed article -> draft -> review -> `tracks check`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.cli.test_cli_basic import run
from tests.helpers import REPO
from tracks.paths import data_dir

SEED = REPO.parent / "shared" / "articles" / "000_986197148f7872b3.txt"
TRACK = data_dir() / "cases" / "venezuela-2025-11" / "trace_full_0d8373.illustrative.json"


@pytest.fixture
def seed() -> Path:
    if not SEED.exists():
        pytest.skip("../shared/articles is absent")
    return SEED


def review(text: str) -> str:
    """What the reviewer does to the seed's draft: fills in the flagged distance and deletes `draft: true`."""
    text = re.sub(r"within_km: 25\.0", "within_km: 15", text)
    return "\n".join(ln for ln in text.splitlines() if ln.strip() != "draft: true") + "\n"


def test_seed_draft_is_refused_until_reviewed_then_checks(seed: Path, tmp_path: Path) -> None:
    shutil.copy(TRACK, tmp_path)
    case = tmp_path / "case.yaml"
    r = run("draft", str(seed), "--published", "2025-12-01", "--aircraft", "0d8373",
            "--tracks", str(tmp_path / TRACK.name), "-o", str(case))
    assert r.returncode == 0, r.stderr
    assert "draft claim(s)" in r.stderr
    drafted = case.read_text(encoding="utf-8")
    assert f"tracks: [{TRACK.name}]" in drafted  # relative to the case file
    r = run("check", str(case), "--out", str(tmp_path / "out"))
    assert r.returncode == 1 and "drafts that nobody has reviewed" in r.stderr and "Traceback" not in r.stderr

    case.write_text(review(drafted), encoding="utf-8")
    r = run("check", str(case), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    status = {c["id"]: c["status"] for c in report["claims"]}
    assert not any(c["draft"] for c in report["claims"])
    for cid in ("departed-caracas-2", "approached-border-ve-br-rr", "returned-caracas",
                "sequence-departed-caracas-2"):
        assert status[cid] == "supported", (cid, status)
    # one aircraft's track cannot say how much traffic there was: the closure claim is not verifiable
    assert status["traffic-ve"] == "not_verifiable"
    quotes = {c["id"]: c["quote"] for c in report["claims"]}
    assert quotes["returned-caracas"].startswith("According to the ADSB Exchange website")


def test_draft_prints_to_stdout_without_output(seed: Path) -> None:
    r = run("draft", str(seed), "--published", "2025-12-01")
    assert r.returncode == 0, r.stderr
    doc = yaml.safe_load(r.stdout)
    assert doc["tracks"] == ["TRACK-FILE.json"]


@pytest.mark.parametrize(("content", "args", "message"), [
    (b"\x00\x00binary", ["--published", "2025-12-01"], "binary data"),
    (b"The jet departed from Caracas.", [], "no publication date"),
    (b"The jet departed from Caracas.", ["--published", "yesterday"], "not a date"),
    (b"Nothing about aircraft here.", ["--published", "2025-12-01"], "no checkable claim"),
])
def test_bad_articles_exit_1_with_one_line(tmp_path: Path, content: bytes, args: list[str], message: str) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(content)
    r = run("draft", str(p), *args, "-o", str(tmp_path / "case.yaml"))
    assert r.returncode == 1, r.stdout
    assert message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "case.yaml").exists()


def test_draft_never_overwrites_the_article(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("The jet departed from Caracas.")
    r = run("draft", str(p), "--published", "2025-12-01", "-o", str(p))
    assert r.returncode == 2 and "overwrite the article" in r.stderr
    assert p.read_text() == "The jet departed from Caracas."


def test_hostile_html_page_gives_a_clean_case(tmp_path: Path) -> None:
    page = ("<html><head><title>t</title><script>document.write('<p>The jet landed in Madrid.</p>')</script>"
            "<style>p{}</style></head><body onload=\"alert(1)\"><iframe src=x></iframe>"
            "<p>The <b>jet</b> departed from <a href='javascript:alert(1)'>Caracas</a> at 10:00 UTC.<br>"
            "<img src=x onerror=alert(1)></p><noscript><p>It landed in Miami.</p></noscript>"
            "<p>" + "\u202e" * 50 + "It landed in Boa Vista.</p></body></html>")
    p = tmp_path / "page.html"
    p.write_text(page, encoding="utf-8")
    r = run("draft", str(p), "--published", "2025-12-01", "-o", str(tmp_path / "case.yaml"))
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "case.yaml").read_text()
    assert "Madrid" not in text and "Miami" not in text and "alert" not in text and "\u202e" not in text
    doc = yaml.safe_load(text)
    assert {next(iter(c["test"])) for c in doc["claims"]} >= {"departed_from", "landed_at"}
