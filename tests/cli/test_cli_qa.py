"""Rough edges a command-line user hits: a closed pipe, files without positions, long gaps, local-time SBS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.formats.test_readsb_trace import TRACE, write


def run(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracks", *args], capture_output=True, text=True, timeout=120, **kw)


def test_closed_pipe_is_not_an_internal_error(tmp_path: Path) -> None:
    # `tracks info x | head -1`: the reader goes away; tracks must stop quietly, not report a bug (exit 3)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        r = subprocess.run([sys.executable, "-m", "tracks", "info", str(write(tmp_path, TRACE))], stdout=write_end,
                           stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert r.returncode == 0, r.stderr
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr


def test_file_without_positions_is_said_loudly(tmp_path: Path) -> None:
    p = tmp_path / "aircraft.json"
    p.write_text(json.dumps({"now": 1698751404.7, "aircraft": [{"hex": "155fe1", "flight": "AFL1234"}]}))
    r = run("info", str(p))
    assert r.returncode == 0
    assert "warning: no positions in these files (1 records read, rejected: 1 no position)" in r.stderr
    assert "0 points" not in r.stdout
    m = run("map", str(p), "-o", str(tmp_path / "m.html"))
    assert m.returncode == 0 and "warning: no positions" in m.stderr
    e = run("export", str(p), "--to", "csv", "-o", str(tmp_path / "e.csv"))
    assert e.returncode == 0 and "warning: no positions" in e.stderr


def test_longest_gap_in_readable_units(tmp_path: Path) -> None:
    r = run("info", str(write(tmp_path, TRACE)))  # 660 s -> 7200 s: a gap of 109 min, worded as tracks.legs does
    assert r.returncode == 0
    assert "longest 1 h 49 min" in r.stdout and "gap of 1 h 49 min" in r.stdout


SBS = ("MSG,3,1,1,0D8373,1,2025/11/28,21:00:01.000,2025/11/28,21:00:01.000,,9000,,,4.9,-61.3,,,0,0,0,0\n"
       "MSG,3,1,1,0D8373,1,2025/11/28,21:00:11.000,2025/11/28,21:00:11.000,,8900,,,4.89,-61.29,,,0,0,0,0\n")


def test_map_and_export_take_the_sbs_time_zone(tmp_path: Path) -> None:
    p = tmp_path / "feed.sbs"
    p.write_text(SBS)
    out = tmp_path / "t.csv"
    r = run("export", str(p), "--tz", "America/Caracas", "--to", "csv", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert pd.read_csv(out)["time"].tolist()[0].startswith("2025-11-29T01:00:01")  # 21:00 in Caracas
    m = run("map", str(p), "--tz", "America/Caracas", "-o", str(tmp_path / "m.html"))
    assert m.returncode == 0, m.stderr
