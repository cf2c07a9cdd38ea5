"""tracks.load of a folder of many files: batches built once each, on a process pool; same table, same
per-file Sources (sha256) and rejected records as reading the files one by one."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pandas as pd

import tracks
from tracks import loader, schema


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
