"""The `tracks` command through its real entry points: help, formats, info, export and error paths."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import tracks
from tests.formats.test_readsb_trace import TRACE, write
from tracks.cli import cli


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m tracks ARGS` in a subprocess, like a user's shell would."""
    return subprocess.run([sys.executable, "-m", "tracks", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_lists_every_command_with_examples() -> None:
    r = run("--help")
    assert r.returncode == 0
    for command in ("demo", "check", "info", "map", "fetch", "regions", "export", "archive", "formats"):
        assert command in r.stdout
    runner = CliRunner()
    for command in ("demo", "check", "info", "map", "fetch", "export"):
        out = runner.invoke(cli, [command, "--help"]).output
        assert "Example" in out, command
    for group, sub in (("regions", "list"), ("regions", "show"), ("regions", "download"), ("archive", "verify")):
        assert "Example" in runner.invoke(cli, [group, sub, "--help"]).output, (group, sub)


def test_formats_lists_readsb_trace() -> None:
    r = run("formats")
    assert r.returncode == 0 and "readsb-trace" in r.stdout


def test_missing_file_is_a_clear_error_without_traceback(tmp_path: Path) -> None:
    r = run("info", str(tmp_path / "nope.json"))
    assert r.returncode == 1
    assert "no such file" in r.stderr and "Traceback" not in r.stderr


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "garbage.bin"
    p.write_bytes(b"\x00\x01\x02 not a track at all")
    r = run("info", str(p))
    assert r.returncode == 1
    assert str(p) in r.stderr and "cannot tell what format" in r.stderr and "Traceback" not in r.stderr
    r = run("info", "--format", "nonsense", str(write(tmp_path, TRACE)))
    assert r.returncode == 1 and "unknown format 'nonsense'" in r.stderr


def test_bad_usage_exits_2() -> None:
    r = run("export", "x.json")
    assert r.returncode == 2


@pytest.mark.parametrize("to", ["csv", "geojson", "kml", "parquet"])
def test_export_round_trips(tmp_path: Path, to: str) -> None:
    src = write(tmp_path, TRACE)
    out = tmp_path / f"out.{to}"
    r = run("export", str(src), "--to", to, "-o", str(out))
    assert r.returncode == 0, r.stderr
    original = tracks.load(src).data
    if to == "kml":
        text = out.read_text()
        assert text.count("<when>") == len(original) and "2025-11-29T00:01:05.500Z" in text
        assert "<gx:coord>-66.9 10.7 502.9</gx:coord>" in text  # 1650 ft geometric -> m
        back = tracks.load(out).data  # our KML reads back: every column but where each row came from
        cols = [c for c in original.columns if c not in ("file", "record")]
        pd.testing.assert_frame_equal(back[cols], original[cols])
        return
    if to == "geojson":
        doc = json.loads(out.read_text())
        props = doc["features"][0]["properties"]
        assert props["times"][1] == "2025-11-29T00:01:05.500Z" and props["callsign"] == "VCV2984"
        assert doc["features"][0]["geometry"]["coordinates"][1][:2] == [-66.9, 10.7]
        return
    back = pd.read_csv(out) if to == "csv" else pd.read_parquet(out)
    assert len(back) == len(original)
    assert pd.to_datetime(back["time"], utc=True).tolist() == original["time"].tolist()
    assert back["lat"].tolist() == original["lat"].tolist()


def test_info_describes_a_trace(tmp_path: Path) -> None:
    p = write(tmp_path, TRACE)
    r = run("info", str(p))
    assert r.returncode == 0, r.stderr
    assert "readsb-trace" in r.stdout and "0d8373" in r.stdout and "VCV2984" in r.stdout
    assert "records read 5" in r.stdout
    # 65.5 s, 00:01:05 -> 00:10:00, and the stale point at 02:00 (itself after 109 min): what is counted is said
    assert "coverage gaps: 3 (3 longer than 60 s without a sample), longest 1 h 49 min" in r.stdout


def test_info_names_legs_and_airports_of_a_real_trace(corpus: Path) -> None:
    r = run("info", str(corpus / "readsb-trace" / "trace_full_ac671b.json"))
    assert r.returncode == 0, r.stderr
    assert "landed at KMSP" in r.stdout and "took off from KMSP" in r.stdout and "landed at KDEN" in r.stdout


def test_info_json_has_identity_gaps_and_legs(corpus: Path) -> None:
    r = run("info", "--json", str(corpus / "readsb-trace" / "trace_full_ac671b.json"))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["tool"]["name"] == "tracks" and doc["points"] == 2500
    assert doc["sources"][0]["sha256"] == "995347cbfe9fedb93aa731db145a5bec8ab53d605c7068e7f47da55b60a47d43"
    (ac,) = doc["aircraft"]
    assert ac["icao24"] == "ac671b" and ac["aircraft"]["state_of_registry"] == "United States"
    assert ac["gaps"]["count"] == len(ac["gaps"]["list"]) and ac["gaps"]["longest_s"] > 8 * 3600
    assert [leg["landing"]["airport"] for leg in ac["legs"]] == ["KMSP", "", "KMSP", "KDEN"]
    assert ac["legs"][1]["landing"]["observed"] is False and ac["legs"][1]["landing"]["gap_id"]


def test_info_marks_flags_and_emergency_squawks(tmp_path: Path) -> None:
    doc = dict(TRACE)
    doc["trace"] = [list(p) for p in TRACE["trace"]]
    doc["trace"][1][8] = {"squawk": "7700"}
    p = write(tmp_path, doc)
    db = tmp_path / "aircraft.csv"
    db.write_text("0d8373;YV2984;A319;1001;AIRBUS A-319\n")
    r = run("info", "--aircraft-db", str(db), str(p))
    assert r.returncode == 0, r.stderr
    assert "address block of Venezuela" in r.stdout and "FLAG military / government" in r.stdout
    assert "FLAG LADD" in r.stdout and "EMERGENCY SQUAWK 7700 (general emergency)" in r.stdout
    j = json.loads(run("info", "--json", "--aircraft-db", str(db), str(p)).stdout)
    assert j["aircraft"][0]["aircraft"]["flags"] == ["military", "ladd"]
    assert j["aircraft"][0]["emergency_squawks"][0]["squawk"] == "7700"


@pytest.mark.parametrize("args", [("formats",), ("regions", "list", "--kind", "state"), ("regions", "show", "BR-RR")])
def test_every_table_has_json(args: tuple[str, ...]) -> None:
    r = run(*args, "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc


def test_check_json_prints_the_report(tmp_path: Path) -> None:
    r = run("demo", "--out", str(tmp_path / "out"), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc == json.loads((tmp_path / "out" / "report.json").read_text())
    assert "wrote" in r.stderr


def test_main_ends_the_process_with_the_command_exit_code_after_exit_handlers_and_flushing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`tracks` ends with os._exit (pyarrow's thread pools can abort the interpreter's teardown after a Parquet
    read: exit 134 on a finished command), after the atexit handlers, with the command's own exit code."""
    import tracks.cli as cli_module

    class Ended(Exception):
        pass

    calls: list[object] = []

    def fake_exit(code: int) -> None:
        calls.append(code)
        raise Ended

    monkeypatch.setattr(cli_module.os, "_exit", fake_exit)
    monkeypatch.setattr(cli_module.atexit, "_run_exitfuncs", lambda: calls.append("atexit"))
    for argv, code in ((["tracks", "info", str(tmp_path / "missing.json")], 1), (["tracks", "--version"], 0),
                       (["tracks", "no-such-command"], 2)):
        calls.clear()
        monkeypatch.setattr(sys, "argv", argv)
        with pytest.raises(Ended):
            cli_module.main()
        assert calls == ["atexit", code], argv
