"""Conformance: the Flightradar24 granular ADS-B CSV in ../shared/corpus/fr24-granular-csv (PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import tracks
from tracks import schema


def test_jl516_granular_gives_17521_rows(corpus: Path) -> None:
    path = corpus / "fr24-granular-csv" / "JL516_Flightradar24_ADS-B_data_granular.csv.gz"
    t = tracks.load(path)
    src = t.sources[0]
    assert src.format == "fr24-granular-csv"
    assert src.sha256 == "890641c0905660ff738a3d37a9aa6e9ba53d8ae1b2ae513e14f2c38419a78d74"  # of the gzip bytes
    assert src.records_read == 17521
    # 5147 messages carry no position (no_position=N); they are counted, not silently dropped
    assert (src.records_kept, src.records_rejected) == (12374, 5147)
    assert src.rejected_reasons == {"no position (no_position=N)": 5147}
    assert schema.check(t.data) == []
    assert t.icao24 == "8467d8" and t.callsign == "JAL516"
    # network_time spans 07:41:03.515 - 08:48:15.640; the last message with a position is at 08:47:31.755
    assert t.start == pd.Timestamp("2024-01-02T07:41:03.515Z")
    assert t.stop == pd.Timestamp("2024-01-02T08:47:31.755Z")
    d = t.data
    assert (d["source"] == "adsb").all()
    assert d["on_ground"].eq(False).all()
    assert d.loc[0, "alt_baro_ft"] == 26650 and d.loc[0, "alt_geom_ft"] == 26075  # GPSA:26075
    assert d.loc[0, "vrate_fpm"] == 1728 and d.loc[0, "squawk"] == "0416"
    last = d.iloc[-1]
    assert (last["lat"], last["lon"], last["alt_baro_ft"], last["record"]) == (35.54608, 139.80063, -50, 17392)
    # duplicates from several receivers are kept for cleaning to handle, not dropped here
    assert d.duplicated(["lat", "lon", "alt_baro_ft"]).sum() > 1000
