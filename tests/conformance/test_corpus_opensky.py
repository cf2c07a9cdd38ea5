"""Real OpenSky files from ../shared/corpus (counts and times from PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tracks
from tracks import schema


def test_rest_states_bbox_response(corpus: Path) -> None:
    t = tracks.load(corpus / "opensky-rest-states" / "states.json")
    src = t.sources[0]
    assert isinstance(t, tracks.Traffic) and src.format == "opensky-states-json"
    assert (src.records_read, src.records_kept, src.records_rejected) == (46, 46, 0)
    assert schema.check(t.data) == []
    # response `time` 2020-11-09 11:31:20Z; the oldest position is 94 s older (an aircraft on the ground)
    assert t.stop == pd.Timestamp("2020-11-09T11:31:20Z")
    assert t.start == pd.Timestamp("2020-11-09T11:29:46Z")
    assert int(t.data["on_ground"].sum()) == 3
    assert t.data.loc[t.data["on_ground"].fillna(False).astype(bool), "alt_baro_ft"].isna().all()
    assert (t.data["source"] == "adsb").all()
    assert t.data["lat"].between(45, 50).all() and t.data["lon"].between(9, 18).all()  # Austria/Bavaria bbox
    cruise = t["4a09ab"].data.iloc[0]
    assert cruise["alt_baro_ft"] == pytest.approx(40000.0, rel=1e-12)  # 12192 m
    assert cruise["gs_kt"] == pytest.approx(215.63 * 3600 / 1852, rel=1e-12)


def test_trino_parquet_cache(corpus: Path) -> None:
    t = tracks.load(corpus / "opensky-trino-parquet" / "47d844199f365a05b1f5e46528cb4c22.parquet")
    src = t.sources[0]
    assert isinstance(t, tracks.Track) and src.format == "opensky-states-parquet"
    # 1200 one-second vectors; 20 repeat the previous position (lastposupdate unchanged) and are removed
    assert (src.records_read, src.records_kept, src.records_rejected) == (1200, 1180, 20)
    assert src.rejected_reasons == {"repeated position (lastposupdate unchanged)": 20}
    assert schema.check(t.data) == []
    assert t.icao24 == "4d2271" and t.callsign == "RYR2RG"
    # vectors 15:45:00-16:05:00Z; positions are timed by lastposupdate
    assert t.start == pd.Timestamp("2022-02-02T15:44:59.932Z")
    assert t.stop == pd.Timestamp("2022-02-02T16:04:59.715Z")
    assert t.data["time"].is_unique
    assert t.data["alt_baro_ft"].dropna().eq(t.data["alt_baro_ft"].dropna().iloc[0]).all()
    assert t.data["alt_baro_ft"].iloc[0] == pytest.approx(37000.0, rel=1e-12)  # 11277.6 m
    kept = tracks.load(corpus / "opensky-trino-parquet" / "47d844199f365a05b1f5e46528cb4c22.parquet", repeats="keep")
    assert len(kept) == 1200 and int(kept.data["stale"].sum()) == 20
