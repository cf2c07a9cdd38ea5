"""Conformance: the FlightAware KML track log in ../shared/corpus/flightaware-kml (PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import tracks
from tracks import schema


def test_dlh1534_gives_87_points_and_no_airport_markers(corpus: Path) -> None:
    t = tracks.load(corpus / "flightaware-kml" / "FlightAware_DLH1534_LSZH_EDDF_20210817.kml")
    src = t.sources[0]
    assert src.format == "flightaware-kml"
    assert (src.records_read, src.records_kept, src.records_rejected) == (87, 87, 0)
    assert "2 Point placemark(s)" in src.note
    assert schema.check(t.data) == []
    assert t.start == pd.Timestamp("2021-08-17T12:43:24Z") and t.stop == pd.Timestamp("2021-08-17T13:19:29Z")
    assert t.callsign == "DLH1534"
    d = t.data
    # neither airport placemark (LSZH 8.549167,47.464722; EDDF 8.543125,50.026421) is a position
    assert not ((d["lon"].round(4) == 8.5492) & (d["lat"].round(4) == 47.4647)).any()
    assert not ((d["lon"].round(4) == 8.5431) & (d["lat"].round(4) == 50.0264)).any()
    last = d.iloc[-1]
    assert (last["lon"], last["lat"]) == (8.57542, 50.04239)
    assert last["alt_baro_ft"] == 53 / 0.3048  # 53 m
    np.testing.assert_allclose(d["alt_baro_ft"].iloc[-3:], np.array([137, 76, 53]) / 0.3048)
