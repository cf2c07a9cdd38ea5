"""`tracks history` through the real entry point: ingest with a progress bar, info, query (JSON, on a local
Dask cluster), extract, fsspec URLs, and bad input as one clear line with exit code 1."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tracks.history import region_traffic


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracks", "history", *args], capture_output=True, text=True,
                          timeout=300)


def test_ingest_info_query_extract(generated, dataset, tmp_path) -> None:
    out, _ = generated
    parts = sorted(str(p) for p in (out / "adsblol").glob("v2025.11.29-*"))
    r = run("ingest", *parts, "--into", f"file://{tmp_path / 'ds'}", "--progress", "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert "2025-11-29:" in r.stdout and "1 day(s) written" in r.stdout
    assert "files=" in r.stderr and "points=" in r.stderr and "B/s" in r.stderr  # progress: files, points, rate/ETA
    r = run("info", str(tmp_path / "ds"))
    assert r.returncode == 0 and r.stdout.startswith("2025-11-29: ")
    r = run("info", "--json", str(tmp_path / "ds"))
    (day,) = json.loads(r.stdout)["days"]
    assert r.returncode == 0 and day["day"] == "2025-11-29" and day["points"] > 0 and day["aircraft"] > 0
    assert all(len(i["sha256"]) == 64 for i in day["inputs"]) and len(day["inputs"]) == len(parts)
    r = run("ingest", *parts, "--into", str(tmp_path / "ds"), "--jobs", "2", "--json")  # again: replaces the day
    (again,) = json.loads(r.stdout)["days"]
    assert r.returncode == 0 and again["replaced"] and (again["day"], again["points"]) == ("2025-11-29", day["points"])
    r = run("query", str(dataset), "--region", "VE", "--json", "--workers", "2")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["engine"].startswith("dask")
    want = region_traffic(dataset, "VE").days
    assert [row["aircraft_inside"] for row in doc["rows"]] == want["aircraft_inside"].tolist()
    r = run("query", str(dataset), "--region", "VE", "--by", "hour", "--start", "2025-11-29", "--end", "2025-11-29")
    assert r.returncode == 0 and "2025-11-29 23:00:00+00:00" in r.stdout
    r = run("query", str(dataset), "--region", "VE", "--aircraft", "--callsign", "^VCV")
    assert r.returncode == 0 and "VCV" in r.stdout
    r = run("extract", str(dataset), "--out", str(tmp_path / "x"), "--hex-prefix", "0d8", "--start", "2025-11-29")
    assert r.returncode == 0 and r.stdout.count("wrote ") >= 1
    first = Path(r.stdout.split("wrote ")[1].split()[0])
    assert pd.read_csv(first)["icao24"].str.startswith("0d8").all()
    r = run("extract", str(dataset), "--out", str(tmp_path / "y"), "--hex-prefix", "0d8", "--start", "2025-11-29",
            "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["format"] == "csv" and doc["files"]
    assert {Path(f).name for f in doc["files"]} == {p.name for p in (tmp_path / "y").iterdir()}


def test_bad_input_is_one_line_and_exit_code_1(generated, tmp_path) -> None:
    out, _ = generated
    parts = [Path(shutil.copy(p, tmp_path)) for p in sorted((out / "adsblol").glob("v2025.11.27-*"))]
    parts[1].write_bytes(parts[1].read_bytes()[:1000])
    r = run("ingest", *map(str, parts), "--into", str(tmp_path / "ds"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "truncated" in r.stderr and "v2025.11.27-planes-readsb-prod-0.tar" in r.stderr
    r = run("query", str(tmp_path / "nothing"), "--region", "VE")
    assert r.returncode == 1 and "not a tracks history dataset" in r.stderr
    r = run("query", str(tmp_path / "ds"), "--region", "Atlantis")
    assert r.returncode == 1 and "Traceback" not in r.stderr


def test_bad_query_options_exit_1_naming_the_option(dataset, tmp_path) -> None:
    query = ("query", str(dataset), "--region", "VE")
    extract = ("extract", str(dataset), "--out", str(tmp_path / "x"))
    for args, named in [
        ((*query, "--start", "2025-13-01"), "start day (--start) '2025-13-01' is not a date: give it as YYYY-MM-DD"),
        ((*query, "--start", "notadate"), "start day (--start) 'notadate' is not a date"),
        ((*query, "--start", "1900-01-01"), "start day (--start) 1900-01-01 is outside 1980-01-01..2262-04-11"),
        ((*query, "--callsign", "("), "callsign pattern (--callsign) '(' is not a regular expression RE2 accepts"),
        ((*query, "--hex-prefix", "zz"), "address prefix (--hex-prefix) 'zz' is not 1 to 6 hex digits"),
        ((*query, "--near-km", "-5"), "near_km (--near-km) must be 0 km or more, not -5"),
        ((*query, "--db-flags", "-1"), "database flags (--db-flags) -1 are not a sum of readsb's flag bits"),
        ((*extract, "--db-flags", "16"), "database flags (--db-flags) 16 are not a sum of readsb's flag bits"),
        ((*extract, "--callsign", "["), "callsign pattern (--callsign) '[' is not a regular expression RE2 accepts"),
        ((*extract, "--hex-prefix", "ae", "--end", "2025-02-30"), "end day (--end) '2025-02-30' is not a date"),
    ]:
        r = run(*args)
        assert r.returncode == 1, (args, r.stderr)
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr
        assert r.stderr.startswith("error: ") and named in r.stderr, (args, r.stderr)
        assert "days the dataset does not hold" not in r.stdout
    assert not (tmp_path / "x").exists()


def test_a_truncated_middle_part_is_named_and_nothing_is_written(generated, tmp_path) -> None:
    out, _ = generated
    good = [Path(shutil.copy(p, tmp_path)) for p in sorted((out / "adsblol").glob("v2025.11.27-*"))]
    bad = [Path(shutil.copy(p, tmp_path)) for p in sorted((out / "adsblol").glob("v2025.11.28-*"))]
    assert len(bad) >= 3
    full = bad[0].stat().st_size
    bad[1].write_bytes(bad[1].read_bytes()[:100_000])  # `head -c 100000` of the middle part
    r = run("ingest", *map(str, good + bad), "--into", str(tmp_path / "ds"))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"part {bad[1]} is 100,000 bytes; the parts before the last are {full:,} bytes: truncated download?" \
        in r.stderr
    assert str(bad[2]) not in r.stderr
    assert not (tmp_path / "ds" / "day=2025-11-27").exists()  # refused before any day of the run is written
    # two parts: a short first part is named from the last one's size
    (tmp_path / "two").mkdir()
    first, last = tmp_path / "two" / bad[0].name, tmp_path / "two" / bad[1].name
    first.write_bytes(bad[0].read_bytes()[:1000])
    last.write_bytes(bad[0].read_bytes()[:2000])
    r = run("ingest", str(first), str(last), "--into", str(tmp_path / "ds"))
    assert r.returncode == 1 and f"part {first} is 1,000 bytes, less than the last part {last}" in r.stderr, r.stderr
