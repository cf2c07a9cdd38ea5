"""Conformance: the (shortened) Flightradar24 KML in ../shared/corpus/fr24-kml."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import tracks
from tracks import schema


def test_fz981_route_points_only(corpus: Path) -> None:
    t = tracks.load(corpus / "fr24-kml" / "FlightRadar24_FZ981-922b3bd.kml")
    src = t.sources[0]
    assert src.format == "fr24-kml"
    assert (src.records_read, src.records_kept, src.records_rejected) == (10, 10, 0)  # the 10 Trail segments are not read
    assert "Trail folder (10 line segments" in src.note
    assert schema.check(t.data) == []
    assert t.start == pd.Timestamp("2016-03-18T18:20:47Z") and t.stop == pd.Timestamp("2016-03-18T18:28:08Z")
    assert t.callsign == "FDB981"
    d = t.data
    assert (d.loc[0, "lon"], d.loc[0, "lat"], d.loc[0, "gs_kt"], d.loc[0, "track_deg"]) == (55.362, 25.2619, 10, 209)
    assert (d["alt_baro_ft"] == 0).all()  # taxiing at DXB
