"""tracks history ingest: releases as published, folders, OpenSky hourly files; manifests; bad input."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import tarfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import tracks
from benchmarks import history_gen
from tracks import schema
from tracks.history import Dataset, DatasetError, SourceError, ingest
from tracks.history.layout import FORMAT_VERSION, POINT_SCHEMA


def _points(ds: Path, day: str) -> pd.DataFrame:
    d = Dataset(ds)
    m = d.manifest(day)
    return pq.read_table([str(ds / f"day={day}" / p) for p in m.parts]).to_pandas()


def test_release_days_are_written_sorted_with_every_point_and_input_hash(generated, dataset) -> None:
    out, truth = generated
    ds = Dataset(dataset)
    assert ds.days() == ["2025-11-27", "2025-11-28", "2025-11-29"]
    for day, flights in truth.items():
        m = ds.manifest(day.isoformat())
        parts = sorted((out / "adsblol").glob(f"v{day:%Y.%m.%d}-*.tar.*"))
        assert len(parts) >= 2  # the release really is split
        assert [i["path"] for i in m.inputs] == [str(p) for p in parts]
        assert [i["sha256"] for i in m.inputs] == [hashlib.sha256(p.read_bytes()).hexdigest() for p in parts]
        expected_points = sum(len(f.t) for f in flights) + sum(len(f.t) for f in history_gen.filler(day, 40, 3))
        assert m.rows == expected_points
        assert m.aircraft_count == len(flights) + 40
        assert m.bad_members == [] and m.rejected_points == {}
        pts = _points(dataset, day.isoformat())
        assert len(pts) == expected_points
        key = list(zip(pts["icao24"], pts["time"], strict=True))
        assert key == sorted(key)  # one part (a small day): sorted by aircraft, then time
        assert pq.read_schema(dataset / f"day={day}" / m.parts[0]).names == POINT_SCHEMA.names


def test_a_big_day_is_split_into_parts_each_sorted_with_every_aircraft_in_one(generated, dataset, tmp_path,
                                                                             monkeypatch) -> None:
    import importlib

    ingest_module = importlib.import_module("tracks.history.ingest")  # the module (the package exports the function)

    out, _ = generated
    monkeypatch.setattr(ingest_module, "BUCKET_ROWS", 2000)  # as if the day were big: 16 or 256 parts
    ingest([str(p) for p in sorted((out / "adsblol").glob("v2025.11.28-*"))], tmp_path / "ds", jobs=2, progress=False)
    m = Dataset(tmp_path / "ds").manifest("2025-11-28")
    assert len(m.parts) >= 16
    seen: set[str] = set()
    total = 0
    for rel in m.parts:
        part = pq.read_table(tmp_path / "ds" / "day=2025-11-28" / rel).to_pandas()
        key = list(zip(part["icao24"], part["time"], strict=True))
        assert key == sorted(key)
        ids = set(part["icao24"])
        assert not ids & seen and len({i[-1] for i in ids}) <= 1  # by the last hex digit(s)
        seen |= ids
        total += len(part)
    assert total == m.rows == Dataset(dataset).manifest("2025-11-28").rows


def test_ingested_rows_equal_tracks_load_of_the_same_traces(generated, dataset, tmp_path) -> None:
    out, _ = generated
    # unpack one release with tar itself, and load the members with tracks.load
    parts = sorted((out / "adsblol").glob("v2025.11.28-*.tar.*"))
    stream = io.BytesIO(b"".join(p.read_bytes() for p in parts))
    with tarfile.open(fileobj=stream) as tar:
        tar.extractall(tmp_path, filter="data")
    loaded = tracks.load_traffic(tmp_path / "traces", progress=False).data
    pts = _points(dataset, "2025-11-28")
    cols = [c for c in schema.COLUMN_NAMES if c not in ("file",)]
    got = schema.conform(pts)[cols].sort_values(["icao24", "time"], kind="stable").reset_index(drop=True)
    want = loaded[cols].sort_values(["icao24", "time"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # file names the release and the member
    assert pts["file"].iloc[0].startswith("v2025.11.28-planes-readsb-prod-0.tar::traces/")


def test_aircraft_summary_row_ranges_and_boxes(dataset) -> None:
    ds = Dataset(dataset)
    m = ds.manifest("2025-11-27")
    ac = pq.read_table(dataset / "day=2025-11-27" / m.aircraft).to_pandas()
    pts = _points(dataset, "2025-11-27")
    for _, row in ac.sample(10, random_state=1).iterrows():
        rows = pts.iloc[row.row_start: row.row_start + row.row_count]
        assert set(rows["icao24"]) == {row.icao24}
        assert rows["lat"].min() == row.min_lat and rows["lon"].max() == row.max_lon
        assert row.points == len(pts[pts["icao24"] == row.icao24])
    m29 = ds.manifest("2025-11-29")
    ac29 = pq.read_table(dataset / "day=2025-11-29" / m29.aircraft).to_pandas()
    mil = ac29[ac29["icao24"].str.startswith("ae")]
    assert len(mil) and (mil["db_flags"] == 1).all() and ac29["db_flags"].isna().sum() == len(ac29) - len(mil)


def test_reingest_replaces_the_day_and_leaves_one_version(generated, tmp_path) -> None:
    out, _ = generated
    release = sorted((out / "adsblol").glob("v2025.11.27-*"))
    r1 = ingest([str(p) for p in release], tmp_path / "ds", jobs=1, progress=False)
    r2 = ingest([str(p) for p in release], tmp_path / "ds", jobs=1, progress=False)
    assert [d.replaced for d in r1.days] == [False] and [d.replaced for d in r2.days] == [True]
    assert r1.days[0].rows == r2.days[0].rows
    versions = [p.name for p in (tmp_path / "ds" / "day=2025-11-27").iterdir() if p.name.startswith("v-")]
    assert versions == [Dataset(tmp_path / "ds").manifest("2025-11-27").version]
    assert not list((tmp_path / "ds").glob(".ingest-*"))


def _copy_release(out: Path, day: str, dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(p, dest)) for p in sorted((out / "adsblol").glob(f"v{day}-*"))]


def test_truncated_part_is_an_error_and_keeps_the_previous_day(generated, tmp_path) -> None:
    out, _ = generated
    good = _copy_release(out, "2025.11.28", tmp_path / "good")
    ingest([str(p) for p in good], tmp_path / "ds", jobs=1, progress=False)
    before = Dataset(tmp_path / "ds").manifest("2025-11-28")
    bad = _copy_release(out, "2025.11.28", tmp_path / "bad")
    bad[0].write_bytes(bad[0].read_bytes()[: bad[0].stat().st_size // 2])  # the first part cut in half
    with pytest.raises(SourceError, match=r"part .*tar\.aa is [\d,]+ bytes; the parts before the last are .*truncated"):
        ingest([str(p) for p in bad], tmp_path / "ds", jobs=1, progress=False)
    after = Dataset(tmp_path / "ds").manifest("2025-11-28")
    assert after.version == before.version and after.rows == before.rows
    assert [p.name for p in (tmp_path / "ds" / "day=2025-11-28").iterdir() if p.name.startswith("v-")] == [before.version]
    # the last part cut short
    last = _copy_release(out, "2025.11.28", tmp_path / "bad2")
    last[-1].write_bytes(last[-1].read_bytes()[:100])
    with pytest.raises(SourceError, match=r"truncated|end marker"):
        ingest([str(p) for p in last], tmp_path / "ds", jobs=1, progress=False)


def test_missing_parts_are_named(generated, tmp_path) -> None:
    out, _ = generated
    parts = _copy_release(out, "2025.11.27", tmp_path / "r")
    assert len(parts) >= 3
    parts[1].unlink()
    with pytest.raises(SourceError, match=r"part \.ab is missing"):
        ingest([str(tmp_path / "r")], tmp_path / "ds", progress=False)
    parts[1] = Path(shutil.copy(sorted((out / "adsblol").glob("v2025.11.27-*"))[1], tmp_path / "r"))
    parts[-1].unlink()  # the last part: only the end of the archive can tell
    with pytest.raises(SourceError, match=r"truncated|end marker|missing"):
        ingest([str(tmp_path / "r")], tmp_path / "ds", progress=False)
    assert Dataset(tmp_path / "ds").days() == []


def _release(tmp: Path, members: list[tuple[str, bytes]]) -> list[Path]:
    return history_gen.write_release(tmp, date(2025, 11, 29), members, part_size=1 << 20)


def _trace(icao: str, n: int = 5) -> bytes:
    pts = [[10.0 * i, 10.0 + 0.01 * i, -66.0, 30000, 450.0, 90.0, 0, 0, None, "adsb_icao", None, None, None, None]
           for i in range(n)]
    return json.dumps({"icao": icao, "timestamp": 1764374400.0, "trace": pts}).encode()


def test_bad_members_are_counted_and_named_and_the_rest_is_kept(tmp_path) -> None:
    members = [
        ("./traces/01/trace_full_0d8301.json", gzip.compress(_trace("0d8301"))),
        ("./traces/02/trace_full_0d8302.json", gzip.compress(_trace("0d8302"))[:-12]),  # truncated gzip
        ("./traces/03/trace_full_0d8303.json", gzip.compress(_trace("0d8399"))),  # icao disagrees with the name
        ("./traces/04/trace_full_0d8304.json", gzip.compress(b'{"icao": "0d8304", "trace": [')),  # broken JSON
        ("./traces/05/trace_full_0d8305.json", _trace("0d8305")),  # not gzip: plain JSON is read as well
    ]
    parts = _release(tmp_path / "rel", members)
    report = ingest([str(p) for p in parts], tmp_path / "ds", jobs=1, progress=False)
    day = report.days[0]
    assert day.rows == 10 and day.aircraft == 2 and day.members == 5
    bad = dict(day.bad_members)
    assert set(bad) == {f"v2025.11.29-planes-readsb-prod-0.tar::traces/0{k}/trace_full_0d830{k}.json" for k in (2, 3, 4)}
    assert "gzip" in bad["v2025.11.29-planes-readsb-prod-0.tar::traces/02/trace_full_0d8302.json"]
    assert "'0d8399' disagrees with the file name" in bad["v2025.11.29-planes-readsb-prod-0.tar::traces/03/trace_full_0d8303.json"]
    assert "JSON" in bad["v2025.11.29-planes-readsb-prod-0.tar::traces/04/trace_full_0d8304.json"]
    m = Dataset(tmp_path / "ds").manifest("2025-11-29")
    assert m.counts["bad_members"] == 3 and len(m.bad_members) == 3
    assert "bad member" in report.summary()


def test_points_outside_the_release_day_and_impossible_values_are_rejected_with_reasons(tmp_path) -> None:
    doc = json.loads(_trace("0d8301", 4))
    doc["trace"][1][0] = 90000.0  # the next day
    doc["trace"][2][1] = 95.0  # latitude
    parts = _release(tmp_path / "rel", [("./traces/01/trace_full_0d8301.json", gzip.compress(json.dumps(doc).encode()))])
    day = ingest([str(p) for p in parts], tmp_path / "ds", jobs=1, progress=False).days[0]
    assert day.rows == 2
    assert day.rejected_points == {"time outside the day 2025-11-29 of its source": 1, "latitude outside -90..90": 1}


def test_duplicate_days_and_newer_datasets_are_refused(generated, tmp_path) -> None:
    out, _ = generated
    parts = _copy_release(out, "2025.11.27", tmp_path / "a")
    other = tmp_path / "b"
    other.mkdir()
    for p in parts:
        shutil.copy(p, other / p.name.replace("prod-0", "staging-0"))
    with pytest.raises(SourceError, match="day 2025-11-27 is given twice"):
        ingest([str(tmp_path / "a"), str(other)], tmp_path / "ds", progress=False)
    ingest([str(tmp_path / "a")], tmp_path / "ds", jobs=1, progress=False)
    marker = tmp_path / "ds" / "tracks-dataset.json"
    marker.write_text(json.dumps({"format": "tracks-history", "version": FORMAT_VERSION + 1}))
    with pytest.raises(DatasetError, match="newer version of tracks"):
        Dataset(tmp_path / "ds")
    with pytest.raises(DatasetError, match="not a tracks history dataset"):
        Dataset(tmp_path / "nothing-here")


def test_tar1090_globe_history_folder_and_opensky_hours(generated, dataset, tmp_path) -> None:
    out, _ = generated
    parts = sorted((out / "adsblol").glob("v2025.11.29-*"))
    root = tmp_path / "globe_history" / "2025" / "11" / "29"
    with tarfile.open(fileobj=io.BytesIO(b"".join(p.read_bytes() for p in parts))) as tar:
        tar.extractall(root, filter="data")
    rep = ingest([str(tmp_path / "globe_history")], tmp_path / "ds", jobs=2, progress=False)
    assert [d.day for d in rep.days] == ["2025-11-29"]
    a = _points(tmp_path / "ds", "2025-11-29").drop(columns="file")
    b = _points(dataset, "2025-11-29").drop(columns="file")
    pd.testing.assert_frame_equal(a, b)
    m = Dataset(tmp_path / "ds").manifest("2025-11-29")
    assert len(m.inputs) == m.aircraft_count and all(len(i["sha256"]) == 64 for i in m.inputs)
    # OpenSky hourly files: the same rows as tracks.load of the same files
    hours = sorted((out / "opensky").glob("states_2025-11-28-*.csv"))
    rep = ingest([str(h) for h in hours], tmp_path / "os", jobs=1, progress=False)
    assert [d.day for d in rep.days] == ["2025-11-28"]
    got = schema.conform(_points(tmp_path / "os", "2025-11-28")).drop(columns=["file", "record"])
    want = tracks.load_traffic(hours).data.drop(columns=["file", "record"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)
    assert np.array_equal(np.sort(got["lat"].to_numpy()), np.sort(want["lat"].to_numpy()))
