"""The schema in tracks/schema.py, docs/schema.md and every loader's output must agree."""

from __future__ import annotations

import re

import pandas as pd

from tests.helpers import REPO, make_track
from tracks import schema
from tracks.formats import all_formats


def documented_columns() -> dict[str, tuple[str, str]]:
    """name -> (dtype, unit) from the table in docs/schema.md."""
    text = (REPO / "docs" / "schema.md").read_text()
    rows = re.findall(r"^\|\s*`(\w+)`\s*\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|", text, flags=re.M)
    return {name: (dtype, unit) for name, dtype, unit in rows}


def test_docs_list_every_column_with_its_dtype_and_unit() -> None:
    documented = documented_columns()
    assert list(documented) == list(schema.COLUMN_NAMES)
    for c in schema.COLUMNS:
        dtype, unit = documented[c.name]
        assert dtype == c.dtype_name, c.name
        assert unit == c.unit, c.name


def test_docs_list_every_source_type() -> None:
    text = (REPO / "docs" / "schema.md").read_text()
    for s in schema.SOURCE_TYPES:
        assert f"`{s}`" in text


def test_every_format_is_documented() -> None:
    text = (REPO / "docs" / "formats.md").read_text()
    for f in all_formats():
        assert f"`{f.name}`" in text, f.name


def test_conform_gives_exact_dtypes_and_defaults() -> None:
    frame = pd.DataFrame({"time": ["2025-11-29T01:00:00Z"], "lat": [4.5], "lon": ["-61.1"], "icao24": ["0d8373"]})
    out = schema.conform(frame)
    assert schema.check(out) == []
    assert out.loc[0, "source"] == "unknown"
    assert out.loc[0, "lon"] == -61.1
    assert not out.loc[0, "stale"]
    assert pd.isna(out.loc[0, "on_ground"])
    assert frame.columns.tolist() == ["time", "lat", "lon", "icao24"]  # input untouched


def test_check_reports_drift() -> None:
    good = schema.conform(pd.DataFrame({"time": ["2025-01-01T00:00Z"], "lat": [1.0], "lon": [2.0], "icao24": ["abcdef"]}))
    assert schema.check(good.drop(columns=["squawk"]))
    assert schema.check(good.assign(lat=good["lat"].astype("float32")))
    assert any("icao24" in p for p in schema.check(good.assign(icao24=pd.Series(["ABCDEF"], dtype="string"))))


def test_track_conforms() -> None:
    t = make_track(["2025-11-29T01:00:00Z", "2025-11-29T01:00:10Z"], [4.5, 4.6], [-61.1, -61.2])
    assert schema.check(t.data) == []


def test_truncated_json_is_reported_as_such_not_as_unknown(tmp_path) -> None:
    import json

    import pytest

    import tracks

    p = tmp_path / "t.json"
    p.write_text(json.dumps({"icao": "0d8373", "timestamp": 0, "trace": [[0, 1, 2, 3, 4, 5, 0, 0, None]]})[:-10])
    with pytest.raises(tracks.TrackFormatError, match=r"line 1 column \d+: invalid JSON.*truncated"):
        tracks.load(p)
    p.write_text('{"hello": "world"}')
    with pytest.raises(tracks.TrackFormatError, match="valid JSON, but not a layout tracks knows"):
        tracks.load(p)


def test_impossible_times_are_rejected_with_a_reason_not_a_crash(tmp_path) -> None:
    import json

    import tracks

    p = tmp_path / "t.csv"
    p.write_text("time,icao24,lat,lon\n1975-01-01T00:00:00Z,0d8373,1,2\n3025-11-28T21:00:00Z,0d8373,1,2\n"
                 "2025-11-28T21:00:00Z,0d8373,1,2\n")
    t = tracks.load(p)
    assert len(t) == 1 and t.sources[0].records_rejected == 2
    assert "time outside 1980-01-01..2262-04-11 (a clock or decoding error)" in set(t.rejected["reason"])
    assert all("outside" in r for r in t.rejected["reason"])
    sbs = tmp_path / "feed.sbs"
    sbs.write_text("MSG,3,1,1,0D8373,1,3025/11/28,21:00:01.000,3025/11/28,21:00:01.000,,9000,,,4.9,-61.3,,,0,0,0,0\n"
                   "MSG,3,1,1,0D8373,1,2025/11/28,21:00:01.000,2025/11/28,21:00:01.000,,9000,,,4.9,-61.3,,,0,0,0,0\n")
    assert len(tracks.load(sbs)) == 1
    now = tmp_path / "aircraft.json"
    now.write_text(json.dumps({"now": 10**20, "aircraft": [{"hex": "0d8373", "lat": 1, "lon": 2, "seen_pos": 1}]}))
    t = tracks.load(now)
    assert len(t) == 0 and t.sources[0].records_rejected == 1
