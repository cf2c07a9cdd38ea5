"""The loader's fast paths give exactly the results of the plain ones.

Memory-mapped files vs copied bytes, the pool vs one thread for the OpenSky column gathers, every branch of
the OpenSky sort, the fixed-width text gather, and the integer-nanosecond time checks of `validate`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

import tracks
from tracks import loader, schema
from tracks.formats import opensky
from tracks.formats._mapped import MappedFile, content, done_reading
from tracks.formats._values import NAT_US, TextRows, take_text

T0 = 1764374400  # 2025-11-29T00:00:00Z


def states_csv(path: Path, rows: int, aircraft: int = 40, seed: int = 7, swaps: int = 3) -> Path:
    """OpenSky-like state vectors in time order with ~5 % repeats, a few rows without an address or
    lastposupdate, and `swaps` pairs of one aircraft's rows swapped (its times then go back once)."""
    rng = np.random.default_rng(seed)
    k = np.arange(rows) % aircraft
    t = T0 + np.arange(rows) // aircraft
    lpu = t - rng.uniform(0.0, 0.9, rows).round(3)
    prev = np.arange(rows) - aircraft
    repeat = (rng.random(rows) < 0.05) & (prev >= 0)
    lpu[repeat] = lpu[prev[repeat]]
    for i in rng.choice(rows - aircraft, swaps, replace=False):
        lpu[[i, i + aircraft]] = lpu[[i + aircraft, i]]
    icao = np.array([f"{0x0d0000 + 7 * i:06x}" for i in range(aircraft)], dtype=object)[k]
    icao[rng.random(rows) < 0.002] = None
    lpu_col = pa.array(np.where(rng.random(rows) < 0.002, np.nan, lpu), from_pandas=True)
    ground = rng.random(rows) < 0.1
    table = pa.table({
        "time": t, "icao24": pa.array(icao, pa.string()),
        "lat": rng.uniform(-60, 60, rows).round(5), "lon": rng.uniform(-170, 170, rows).round(5),
        "velocity": rng.uniform(0, 250, rows).round(2), "heading": rng.uniform(0, 360, rows).round(2),
        "vertrate": rng.uniform(-10, 10, rows).round(2),
        "callsign": pa.array(np.array(["VCV2984 ", "AB12    ", "", None], dtype=object)[k % 4], pa.string()),
        "onground": ground, "squawk": pa.array(np.array(["1000", "7000", None], dtype=object)[k % 3], pa.string()),
        "baroaltitude": pa.array(np.where(ground, np.nan, rng.uniform(0, 12000, rows).round(1)), from_pandas=True),
        "geoaltitude": rng.uniform(0, 12000, rows).round(1), "lastposupdate": lpu_col, "lastcontact": lpu + 0.05,
    })
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
    return path


def assert_same(a: tracks.Track | tracks.Traffic, b: tracks.Track | tracks.Traffic) -> None:
    assert type(a) is type(b)
    pd.testing.assert_frame_equal(a.data, b.data, check_exact=True)
    pd.testing.assert_frame_equal(a.rejected, b.rejected, check_exact=True)
    assert a.sources == b.sources


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return states_csv(tmp_path_factory.mktemp("big") / "states.csv", 60_000)


def test_mapped_file_loads_exactly_like_copied_bytes(big_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAP_MIN_BYTES", 1 << 40)
    copied = tracks.load(big_csv)
    monkeypatch.setattr(loader, "MAP_MIN_BYTES", 0)
    raw, digest = loader._read_raw(str(big_csv))
    assert isinstance(raw, MappedFile)
    mapped = tracks.load(big_csv)
    assert_same(copied, mapped)
    assert mapped.sources[0].sha256 == hashlib.sha256(big_csv.read_bytes()).hexdigest() == digest.result()
    src = mapped.sources[0]
    assert src.records_rejected > 0 and src.records_kept + src.records_rejected == 60_000


def test_mapped_csv_is_never_copied_to_bytes(big_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAP_MIN_BYTES", 0)
    raw, _ = loader._read_raw(str(big_csv))
    fmt = tracks.formats.detect(raw)
    fmt.read(raw)
    assert fmt.name == "opensky-states-csv" and raw._copy is None  # sniffing and parsing read the mapping
    assert raw.head == big_csv.read_bytes()[:4096]
    assert raw.data == big_csv.read_bytes() and content(raw) is raw.data  # a copy only when asked for


@pytest.mark.parametrize("name", ["trace.json", "trace.json.gz", "blank.csv"])
def test_mapped_other_formats_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    doc = {"icao": "0d8373", "timestamp": T0, "trace": [[i * 5.0, 10.0 + i / 100, -66.0, 1000 + i, 250.0, 90.0,
                                                          0, 0, None, "adsb_icao", None, None, None, None]
                                                         for i in range(50)]}
    p = tmp_path / name
    text = json.dumps(doc).encode() if name.startswith("trace") else b" \n\t\n"
    p.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    results = []
    for threshold in (1 << 40, 0):
        monkeypatch.setattr(loader, "MAP_MIN_BYTES", threshold)
        try:
            results.append(tracks.load(p))
        except tracks.TrackFormatError as e:
            results.append(str(e))
    if isinstance(results[0], str):
        assert results[0] == results[1] and "empty" in results[0]
    else:
        assert_same(results[0], results[1])


def test_pool_and_single_thread_gathers_agree(big_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opensky, "_PARALLEL_MIN_ROWS", 1 << 40)
    serial = tracks.load(big_csv)
    keep = tracks.load(big_csv, repeats="keep")
    monkeypatch.setattr(opensky, "_PARALLEL_MIN_ROWS", 0)
    assert_same(serial, tracks.load(big_csv))
    assert_same(keep, tracks.load(big_csv, repeats="keep"))
    d = serial.data
    assert d["icao24"].is_monotonic_increasing and not d["callsign"].isin(["", "AB12    "]).any()
    assert set(d["squawk"].dropna()) == {"1000", "7000"} and d["squawk"].isna().any()


def test_loaded_columns_are_writable(tmp_path: Path, big_csv: Path) -> None:
    """A JSON trace without booleans is converted by Arrow zero-copy: the loader hands out writable arrays."""
    doc = {"icao": "0d8373", "timestamp": T0, "trace": [[i * 5.0, 10.0 + i / 100, -66.0, 1000 + i, 250.0, 90.0, 0,
                                                          0, None, "adsb_icao"] for i in range(20)]}
    p = tmp_path / "trace.json"
    p.write_text(json.dumps(doc))
    for path in (p, big_csv):
        d = tracks.load(path).data
        d.loc[0, "lat"] = 1.5
        d.loc[0, "record"] = 99
        d.loc[0, "stale"] = True
        d.loc[0, "time"] = d.loc[1, "time"]
        assert (d.loc[0, "lat"], d.loc[0, "record"], d.loc[0, "stale"]) == (1.5, 99, True)


def reference_order(codes: np.ndarray, us: np.ndarray) -> np.ndarray:
    """(code, time with unknown times last, file order) by a plain lexsort."""
    t = np.where(us == NAT_US, np.iinfo(np.int64).max, us)
    return np.lexsort((np.arange(len(codes)), t, codes))


@pytest.mark.parametrize("aircraft", [3, 4000, 5000, 70_000])
@pytest.mark.parametrize("disorder", ["none", "few", "some", "many"])
@pytest.mark.parametrize("unknown", [False, True])
def test_sort_order_branches_match_a_lexsort(aircraft: int, disorder: str, unknown: bool) -> None:
    rng = np.random.default_rng(aircraft)
    n = 20_000
    codes = rng.integers(0, aircraft, n).astype(np.int32)
    us = (T0 * 10**6 + np.arange(n) * 1000 // 3).astype(np.int64)  # time order, with ties
    if disorder == "few":
        us[[5, 999]] = us[[999, 5]]
    elif disorder == "some":  # the first two rows of up to 100 aircraft swap their times: many short runs
        for c in rng.choice(np.unique(codes), min(100, aircraft), replace=False):
            rows = np.flatnonzero(codes == c)[:2]
            us[rows] = us[rows[::-1]]
    elif disorder == "many":
        us = rng.permutation(us)
    if unknown:
        us[rng.choice(n, 30, replace=False)] = NAT_US
    order, codes_sorted, us_sorted = opensky._sort_order(codes, us)
    np.testing.assert_array_equal(order, reference_order(codes, us))
    np.testing.assert_array_equal(codes_sorted, codes[order])
    if us_sorted is not None:  # given only when exact
        np.testing.assert_array_equal(us_sorted, us[order])
    if aircraft in (4000, 5000) and disorder != "many" and not unknown:  # the fast paths give it
        assert us_sorted is not None


def test_sort_order_wide_span_and_empty() -> None:
    codes = np.array([1, 0, 1, 0], dtype=np.int32)
    us = np.array([5, 2**50, 1, 3], dtype=np.int64)  # > 51 days apart: no packed key
    np.testing.assert_array_equal(opensky._sort_order(codes, us)[0], [3, 1, 2, 0])
    assert len(opensky._sort_order(np.zeros(0, np.int32), np.zeros(0, np.int64))[0]) == 0


@pytest.mark.parametrize("values", [
    ["0d8373", "4b1803", None, "abcdef"],  # fixed width with a null
    ["1000", "7000"],  # fixed width
    ["VCV2984", "AB", None],  # variable width: Arrow's take
    ["é1", "ab_"],  # same characters, different bytes
    ["", ""],  # zero width
    [None, None],
])
def test_take_text_matches_arrow_take(values: list[str | None]) -> None:
    arr = pa.array(values, pa.string())
    idx = np.random.default_rng(0).integers(0, len(values), 500)
    got = take_text(arr, idx)
    got.validate(full=True)
    assert got.type == pa.large_string()
    assert got.to_pylist() == pc.take(arr, pa.array(idx)).to_pylist()
    index = pa.array(idx.astype(np.int32))  # the same through TextRows: per-row values, then taken at rows
    rows = np.random.default_rng(1).integers(0, len(idx), 300)
    text_rows = TextRows(arr, index).at(rows)
    text_rows.validate(full=True)
    assert text_rows.to_pylist() == pc.take(pc.take(arr, index), pa.array(rows)).to_pylist()


def test_validate_integer_time_checks_match_the_generic_ones() -> None:
    times = pd.to_datetime(["2025-11-29T01:00:00Z", "1970-01-01T00:00:00Z", None, "2025-11-29T01:00:02Z"], utc=True)
    frame = pd.DataFrame({"time": times.astype(schema.TIME_DTYPE), "lat": [10.0, 10.0, 10.0, 95.0],
                          "lon": [1.0, 1.0, 1.0, 1.0]})
    kept, rej = loader.validate(frame, "f")
    kept2, rej2 = loader.validate(frame.assign(time=frame["time"].astype(str).replace("NaT", "")), "f")
    pd.testing.assert_frame_equal(kept, kept2)
    pd.testing.assert_frame_equal(rej, rej2)
    assert rej["reason"].tolist() == ["time outside 1980-01-01..2262-04-11 (a clock or decoding error)",
                                      "time missing or unreadable", "latitude outside -90..90"]


def test_history_text_times_of_any_resolution(tmp_path: Path) -> None:
    """A `time` column Arrow cannot read as timestamps ('n/a' below) is parsed as text: pandas gives it
    microsecond (not nanosecond) resolution, and the seconds must still be right."""
    csv = ("time,icao24,lat,lon,baroaltitude,lastposupdate\n"
           "2025-11-29T01:10:00Z,0d8373,4.5,-61.1,3048,\n"
           "n/a,0d8373,4.6,-61.2,3048,1764378605.5\n"
           "2025-11-29T01:10:10.25Z,0d8373,4.7,-61.3,3048,\n")
    p = tmp_path / "s.csv"
    p.write_text(csv)
    t = tracks.load(p)
    assert t.data["time"].tolist() == list(pd.to_datetime(
        ["2025-11-29T01:10:00Z", "2025-11-29T01:10:05.5Z", "2025-11-29T01:10:10.25Z"], utc=True, format="ISO8601"))
    assert opensky._seconds(pa.chunked_array([pa.array(["2025-11-29T01:10:00.5+01:00", "x", None])])).tolist()[0] == \
        T0 + 4200.5 - 3600


def test_mapped_file_reports_reading_once(big_csv: Path) -> None:
    """The loader hashes a mapped file once the reader is done with it: `when_read` runs exactly once, at
    `done_reading` or at the first copy of the bytes, whichever comes first."""
    calls: list[str] = []
    buffer = pa.memory_map(str(big_csv), "r").read_buffer()
    raw = MappedFile(str(big_csv), buffer, when_read=lambda: calls.append("read"))
    assert raw.head.startswith(b'"time"') and calls == [] and "states.csv" in repr(raw) and calls == []
    done_reading(raw)
    assert raw.data == big_csv.read_bytes() and calls == ["read"]
    copied = MappedFile(str(big_csv), buffer, when_read=lambda: calls.append("copied"))
    assert copied.data[:6] == b'"time"' and calls == ["read", "copied"]
    done_reading(copied)
    assert calls == ["read", "copied"]


@pytest.mark.parametrize("ids", [["a"], ["a", "a"], ["a", "b"], ["a", None, "a"], ["a", None, "b", "a"], [None, "a"],
                                 [None, "a", "b"], [None, None], ["a", "b", "a"], [], [None]])
def test_several_aircraft_counts_like_nunique(ids: list[str | None]) -> None:
    s = pd.Series(pd.array(ids, dtype=schema.STRING_DTYPE))
    assert loader._several_aircraft(s) == (s.nunique() > 1)


def test_thread_pools_live_for_one_load(big_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hashing thread and the OpenSky column pool are made by the load that uses them and shut down at its
    end (they were module globals made at import, their threads alive between loads)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    made: list[ThreadPoolExecutor] = []

    class Recorded(ThreadPoolExecutor):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr(loader, "ThreadPoolExecutor", Recorded)
    monkeypatch.setattr(opensky, "ThreadPoolExecutor", Recorded)
    first = tracks.load(big_csv)  # 60,000 rows: both pools run
    assert sorted(p._thread_name_prefix for p in made) == ["tracks-opensky", "tracks-sha256"]
    assert all(p._shutdown for p in made)
    assert not [t.name for t in threading.enumerate() if t.name.startswith(("tracks-sha256", "tracks-opensky"))]
    assert first.sources[0].sha256 == hashlib.sha256(big_csv.read_bytes()).hexdigest()
    made.clear()
    tracks.load(big_csv, repeats="keep")
    assert len(made) == 2 and all(p._shutdown for p in made)  # a new pair for the next load
    made.clear()
    small = states_csv(big_csv.parent / "small.csv", 200)
    assert tracks.load(small).sources[0].sha256 == hashlib.sha256(small.read_bytes()).hexdigest()
    assert made == []  # a small file is hashed and converted in this thread: no thread to start


def test_the_garbage_collector_is_paused_for_one_call_only(tmp_path: Path) -> None:
    import gc

    bad = tmp_path / "trace_full_0d8373.json"
    bad.write_text('{"icao": "0d8373", "timestamp": "soon", "trace": []}')
    assert gc.isenabled()
    with pytest.raises(tracks.errors.TrackFormatError):
        tracks.load(bad)
    assert gc.isenabled()
    tracks.load(states_csv(tmp_path / "s.csv", 100))
    assert gc.isenabled()
