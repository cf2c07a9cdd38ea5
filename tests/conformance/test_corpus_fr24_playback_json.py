"""Conformance: Flightradar24 flight-playback.json responses in ../shared/corpus/fr24-playback-json."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import tracks
from tracks import schema


def test_jl516_playback_matches_the_csv_of_the_same_flight(corpus: Path) -> None:
    t = tracks.load(corpus / "fr24-playback-json" / "3376ab31.json")
    src = t.sources[0]
    assert src.format == "fr24-playback-json" and (src.records_read, src.records_kept) == (305, 305)
    assert schema.check(t.data) == []
    assert t.icao24 == "8467d8" and t.callsign == "JAL516" and t.registration == "JA13XJ"
    assert t.start == pd.Timestamp("2024-01-02T07:22:55Z") and t.stop == pd.Timestamp("2024-01-02T08:47:23Z")
    assert t.data["alt_geom_ft"].isna().all()  # no EMS data in this response
    csv = tracks.load(corpus / "fr24-csv" / "xoolive__traffic" / "JL516_3376ab31.csv").data
    for col in ("time", "lat", "lon", "alt_baro_ft", "gs_kt", "track_deg"):
        assert t.data[col].tolist() == csv[col].tolist(), col


def test_spar19_with_ems(corpus: Path) -> None:
    t = tracks.load(corpus / "fr24-playback-json" / "2ce4f83f.json")
    src = t.sources[0]
    assert src.format == "fr24-playback-json" and (src.records_read, src.records_kept) == (871, 871)
    assert schema.check(t.data) == []
    assert (t.icao24, t.callsign, t.registration) == ("ae503d", "SPAR19", "09-0540")
    assert t.start == pd.Timestamp("2022-08-02T07:36:06Z") and t.stop == pd.Timestamp("2022-08-02T14:48:55Z")
    d = t.data
    # 808 points carry EMS, 532 of them for the point's own second: only those give a GNSS altitude, and 172 of
    # those say altGPS 0 (FR24's "no value", at FL350 too): 360 GNSS altitudes
    assert d["alt_geom_ft"].notna().sum() == 360 and not (d["alt_geom_ft"] == 0).any()
    assert not [leg for leg in t.legs() if leg.go_arounds]  # altGPS 0 once looked like a go-around at WIDD
    assert set(d["squawk"].dropna()) == {"2127", "3603"}
    assert (d.loc[0, "lat"], d.loc[0, "lon"], d.loc[0, "gs_kt"], d.loc[0, "track_deg"]) == (3.123632, 101.553513, 23, 329)
