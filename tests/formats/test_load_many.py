"""tracks.load of a folder of many files: batches built once each, on a process pool; same table, same
per-file Sources (sha256) and rejected records as reading the files one by one."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

import tracks
from tracks import loader, schema
from tracks.errors import TrackFormatError


def _write_traces(folder: Path, n: int) -> None:
    for k in range(n):
        icao = f"0d8{k:03x}"
        pts = [[10.0 * i, 5.0 + 0.01 * i + k * 0.1, -66.0 + 0.01 * i, "ground" if i == 0 else 30000 + i, 450.0, 90.0,
                1 if i == 3 else 0, None, {"flight": f"VCV{k:03d} "} if i == 0 else None, "adsb_icao", None, None,
                None, None] for i in range(20)]
        if k == 5:
            pts[7][1] = 95.0  # an impossible latitude: rejected with its reason
        doc = json.dumps({"icao": icao, "r": f"YV{k}", "timestamp": 1764374400.0, "trace": pts}).encode()
        (folder / f"trace_full_{icao}.json").write_bytes(gzip.compress(doc) if k % 2 else doc)
    (folder / "fr24.csv").write_text('Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n'
                                     '1764378000,2025-11-29T01:00:00Z,VCV2984,"4.9,-61.3",9000,250,170\n'
                                     '1764378060,2025-11-29T01:01:00Z,VCV2984,"4.85,-61.28",8200,240,171\n')


def test_many_files_on_a_pool_equal_reading_them_one_by_one(tmp_path: Path) -> None:
    _write_traces(tmp_path, 70)
    files = sorted(str(p) for p in tmp_path.iterdir())
    assert len(files) >= loader.PARALLEL_MIN_FILES
    many = tracks.load(tmp_path, jobs=2, progress=False)
    one_by_one = [loader.read_file(f) for f in files]
    want = pd.concat([f for f, _, _ in one_by_one], ignore_index=True).sort_values(
        ["icao24", "time"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(many.data, want)
    assert schema.check(many.data) == []
    assert [s.path for s in many.sources] == files
    assert many.sources == tuple(s for _, s, _ in one_by_one)
    for s in many.sources:
        assert s.sha256 == hashlib.sha256(Path(s.path).read_bytes()).hexdigest()
    bad = next(s for s in many.sources if s.path.endswith("0d8005.json"))
    assert (bad.records_read, bad.records_kept, bad.rejected_reasons) == (20, 19, {"latitude outside -90..90": 1})
    rej = many.rejected
    assert len(rej) == 1 and rej.iloc[0]["record"] == 7 and rej.iloc[0]["file"].endswith("0d8005.json")
    assert rej.iloc[0]["values"].startswith("time=2025-11-29 00:01:10+00:00, lat=95.0")
    per_file_rej = pd.concat([r for _, _, r in one_by_one if len(r)], ignore_index=True)
    pd.testing.assert_frame_equal(rej.reset_index(drop=True), per_file_rej)
    serial = tracks.load(tmp_path, jobs=1, progress=False)
    pd.testing.assert_frame_equal(serial.data, many.data)
    pd.testing.assert_frame_equal(serial.rejected, many.rejected)


def _trace(path: Path, icao: str, t0: float, lat0: float, n: int = 6) -> None:
    pts = [[30.0 * i, lat0 + 0.01 * i, -66.0, 30000, 450.0, 90.0, 0, None, None, "adsb_icao", None, None, None, None]
           for i in range(n)]
    path.write_text(json.dumps({"icao": icao, "timestamp": t0, "trace": pts}))


def _serial(files: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The files read one by one, concatenated in file order, stably sorted as Traffic sorts."""
    one_by_one = [loader.read_file(f) for f in files]
    data = pd.concat([f for f, _, _ in one_by_one], ignore_index=True).sort_values(
        ["icao24", "time"], kind="stable").reset_index(drop=True)
    rej = [r for _, _, r in one_by_one if len(r)]
    return data, pd.concat(rej, ignore_index=True) if rej else loader.empty_rejected()


def _loaded(files: list[str], jobs: int) -> pd.DataFrame:
    """The loader's table before Track or Traffic sees it."""
    return loader._load_many(files, None, {}, False, jobs)[0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_batches_merge_as_a_stable_sort_of_all_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     jobs: int) -> None:
    """Batches sorted on their own merge into the table of the files read one by one (issue 13): aircraft
    whose files fall in different batches interleave, one aircraft has files in two batches with times that
    interleave, one file has a rejected point."""
    monkeypatch.setattr(loader, "BATCH_FILES", 3)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 2)
    t0 = 1764374400.0
    for k, (icao, start) in enumerate([("0d8003", 0), ("0d8001", 60), ("0d8005", 0), ("0d8002", 0),
                                       ("0d8004", 10), ("0d8000", 0), ("0d8009", 5)]):
        _trace(tmp_path / f"a{k}_trace_full_{icao}.json", icao, t0 + start, 5.0 + k)
    _trace(tmp_path / "b0_trace_recent_0d8001.json", "0d8001", t0 + 15, 9.0)  # 0d8001 again, times interleaved
    _trace(tmp_path / "b1_trace_recent_0d8001.json", "0d8001", t0 + 15, 8.0)  # and the same times: file order
    bad = json.loads((tmp_path / "a6_trace_full_0d8009.json").read_text())
    bad["trace"][2][1] = 95.0
    (tmp_path / "a6_trace_full_0d8009.json").write_text(json.dumps(bad))
    files = sorted(str(p) for p in tmp_path.iterdir())
    many = tracks.load(tmp_path, jobs=jobs, progress=False)
    data, rej = _serial(files)
    pd.testing.assert_frame_equal(many.data, data)
    pd.testing.assert_frame_equal(_loaded(files, jobs), data)  # in order as loaded: Traffic need not sort
    pd.testing.assert_frame_equal(many.rejected, rej)
    assert len(rej) == 1 and rej.iloc[0]["file"].endswith("0d8009.json")
    assert many.sources == tuple(loader.read_file(f)[1] for f in files)


def test_batches_of_one_aircraft_each_merge_as_whole_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One file per aircraft, batches interleaving by address (a tar1090 traces/<xx>/ folder): the same table."""
    monkeypatch.setattr(loader, "BATCH_FILES", 2)
    for k, icao in enumerate(["0d90a1", "0d10b2", "0d50a0", "0d20c3", "0d7000", "0d30ff"]):
        sub = tmp_path / icao[-2:]
        sub.mkdir(exist_ok=True)
        _trace(sub / f"trace_full_{icao}.json", icao, 1764374400.0 + 7 * k, 5.0 + k)
    files = sorted(str(p) for p in tmp_path.rglob("*.json"))
    many = tracks.load(tmp_path, jobs=1, progress=False)
    pd.testing.assert_frame_equal(many.data, _serial(files)[0])
    pd.testing.assert_frame_equal(_loaded(files, 1), many.data)


def test_one_aircraft_in_many_batches_is_a_track_sorted_by_time(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "BATCH_FILES", 2)
    for k, start in enumerate([300, 0, 150, 10, 0]):
        _trace(tmp_path / f"part{k}.json", "0d8373", 1764374400.0 + start, 5.0 + k)
    files = sorted(str(p) for p in tmp_path.iterdir())
    one = tracks.load(tmp_path, jobs=1, progress=False)
    assert isinstance(one, tracks.Track)
    want = pd.concat([loader.read_file(f)[0] for f in files], ignore_index=True)
    pd.testing.assert_frame_equal(one.data, tracks.Track(want).data)


def test_a_broken_file_among_many_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "BATCH_FILES", 2)
    for k in range(4):
        _trace(tmp_path / f"trace_full_0d800{k}.json", f"0d800{k}", 1764374400.0, 5.0)
    (tmp_path / "trace_full_0d8002.json").write_text('{"icao": "0d8002", "timestamp": 1, "trace": [[1, 2')
    with pytest.raises(TrackFormatError, match=r"trace_full_0d8002\.json.*invalid JSON"):
        tracks.load(tmp_path, jobs=1, progress=False)
