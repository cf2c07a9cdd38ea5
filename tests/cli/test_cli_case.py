"""`tracks demo`, `check`, `map` and `regions` through the real entry point, with their error paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.test_cli_basic import run
from tests.formats.test_readsb_trace import TRACE, write
from tracks.paths import data_dir

CASE = data_dir() / "cases" / "venezuela-2025-11" / "case.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    cwd = tmp_path_factory.mktemp("demo")
    r = run("demo", cwd=cwd)
    assert r.returncode == 0, r.stderr
    return cwd / "out" / "venezuela-2025-11", r.stdout


def test_demo_writes_map_and_reports_and_prints_the_verdict_table(demo: tuple[Path, str]) -> None:
    out, stdout = demo
    assert {p.name for p in out.iterdir()} >= {"map.html", "report.md", "report.json"}
    report = json.loads((out / "report.json").read_text())
    claims = {c["id"]: c["status"] for c in report["claims"]}
    assert "ILLUSTRATIVE" in stdout
    for claim_id, status in claims.items():  # every claim is in the printed table with its verdict
        assert re.search(rf"{re.escape(claim_id)}\s+{status.replace('_', ' ')}", stdout), claim_id
    assert f"open the map: {(out / 'map.html').resolve().as_uri()}" in stdout
    html = (out / "map.html").read_text()
    assert "ILLUSTRATIVE" in html and not re.search(r'(?:src|href)="https?://', html)


def test_check_writes_to_out_and_exits_0_whatever_the_verdicts(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    trace = write(tmp_path, TRACE)
    case.write_text(f"""
title: A claim the data contradicts
aircraft: {{icao24: 0d8373}}
window: {{start: 2025-11-28T23:00Z, end: 2025-11-29T03:00Z}}
tracks: [{trace.name}]
claims:
  - id: brazil
    quote: "it landed in Boa Vista"
    test: {{landed_at: SBBV}}
""")
    r = run("check", str(case), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert "brazil" in r.stdout
    status = json.loads((tmp_path / "out" / "report.json").read_text())["claims"][0]["status"]
    assert status in ("contradicted", "not_verifiable")
    assert status.replace("_", " ") in r.stdout


def test_check_bad_case_file_names_file_line_and_problem(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    text = CASE.read_text().replace("within_km: 15", "within_km: ten")
    case.write_text(text)
    (tmp_path / "trace_full_0d8373.illustrative.json").write_bytes(
        (CASE.parent / "trace_full_0d8373.illustrative.json").read_bytes())
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "within_km: ten" in s)
    r = run("check", str(case), "--out", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert f"{case}:{line}" in r.stderr and "within_km" in r.stderr and "'ten'" in r.stderr
    assert not (tmp_path / "out").exists()  # no partial result


def test_check_missing_case_file(tmp_path: Path) -> None:
    r = run("check", str(tmp_path / "nope.yaml"))
    assert r.returncode == 1 and "Traceback" not in r.stderr and "nope.yaml" in r.stderr


def test_map_draws_a_file_with_regions(tmp_path: Path) -> None:
    out = tmp_path / "m.html"
    r = run("map", str(write(tmp_path, TRACE)), "--regions", "VE,BR-RR", "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text()
    assert "0d8373" in html and "Roraima" in html


def test_map_unknown_region_is_a_clear_error(tmp_path: Path) -> None:
    r = run("map", str(write(tmp_path, TRACE)), "--regions", "Atlantis", "-o", str(tmp_path / "m.html"))
    assert r.returncode == 1 and "Atlantis" in r.stderr and "Traceback" not in r.stderr


def test_regions_list_and_show() -> None:
    r = run("regions", "list", "--kind", "state")
    assert r.returncode == 0 and re.search(r"^BR-RR\s+state\s+Roraima", r.stdout, flags=re.M)
    codes = [line.split()[0] for line in run("regions", "list", "--kind", "country").stdout.splitlines()]
    assert codes == sorted(codes) and {"VE", "BR", "GY"} <= set(codes)
    r = run("regions", "show", "BR-RR")
    assert r.returncode == 0 and "Roraima" in r.stdout and "tolerance 8.8 km" in r.stdout
    r = run("regions", "show", "Narnia")
    assert r.returncode == 1 and "Narnia" in r.stderr and "Traceback" not in r.stderr


def test_regions_download_then_states_anywhere_work(httpserver, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.geo.test_download import ADMIN0, ADMIN0_ZIP, ADMIN1, ADMIN1_ZIP

    httpserver.expect_request(ADMIN0).respond_with_data(ADMIN0_ZIP, content_type="application/zip")
    httpserver.expect_request(ADMIN1).respond_with_data(ADMIN1_ZIP, content_type="application/zip")
    env = {**os.environ, "TRACKS_REGIONS_DIR": str(tmp_path / "ne")}

    def tracks_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tracks", *args], capture_output=True, text=True, env=env,
                              timeout=120)

    r = tracks_cli("regions", "show", "US-TX")
    assert r.returncode == 1 and "tracks regions download" in r.stderr
    r = tracks_cli("regions", "download", "--base-url", httpserver.url_for("/").rstrip("/"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("saved") == 2
    r = tracks_cli("regions", "show", "US-TX")
    assert r.returncode == 0, r.stderr
    assert "Texas" in r.stdout and "lon -106.600..-93.500" in r.stdout


def test_check_prints_case_notes_such_as_a_file_without_icao_address(tmp_path: Path) -> None:
    csv = tmp_path / "fr24.csv"
    csv.write_text("Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
                   '1764378000,2025-11-29T01:00:00Z,VCV2984,"4.9,-61.3",9000,250,170\n'
                   '1764378060,2025-11-29T01:01:00Z,VCV2984,"4.85,-61.28",8200,240,171\n')
    case = tmp_path / "case.yaml"
    case.write_text("""
title: FR24 export without an ICAO address
aircraft: {icao24: 0d8373}
window: {start: 2025-11-29T00:55Z, end: 2025-11-29T01:05Z}
tracks: [fr24.csv]
claims:
  - id: seen
    quote: "it was there"
    test: {present: {}}
""")
    r = run("check", str(case), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert "Notes on the data:" in r.stdout and "no ICAO address" in r.stdout and "icao24:" in r.stdout
