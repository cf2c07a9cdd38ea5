"""Conformance: Flightradar24 website CSV exports in ../shared/corpus/fr24-csv (see PROVENANCE.md)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

import tracks
from tracks import schema


def test_jl516_gives_305_rows(corpus: Path) -> None:
    path = corpus / "fr24-csv" / "xoolive__traffic" / "JL516_3376ab31.csv"
    t = tracks.load(path)
    src = t.sources[0]
    assert src.format == "fr24-csv"
    assert src.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == (
        "d98c4412df2f34812657011f8541bdc2a9bf7d763d65ac55dbdce5d30dfa4938")
    assert (src.records_read, src.records_kept, src.records_rejected) == (305, 305, 0)
    assert schema.check(t.data) == []
    assert t.start == pd.Timestamp("2024-01-02T07:22:55Z") and t.stop == pd.Timestamp("2024-01-02T08:47:23Z")
    assert t.duration == pd.Timedelta("1h24min28s")
    assert t.callsign == "JAL516" and t.icao24 == "000000"  # the CSV does not carry the address
    first, last = t.data.iloc[0], t.data.iloc[-1]
    assert (first["lat"], first["lon"], first["alt_baro_ft"], first["gs_kt"], first["track_deg"]) == (
        42.787994, 141.685074, 0, 0, 73)
    # landing roll at HND: FR24 writes 0 ft at 123 kt, so altitude 0 is not read as "on ground"
    assert (last["lat"], last["lon"], last["alt_baro_ft"], last["gs_kt"]) == (35.544891, 139.801483, 0, 123)
    assert t.data["on_ground"].isna().all()


def test_skydolly_excerpt_without_final_newline(corpus: Path) -> None:
    path = corpus / "fr24-csv" / "till213__SkyDolly" / "FlightRadar24.csv"
    assert not path.read_bytes().endswith(b"\n")
    t = tracks.load(path)
    src = t.sources[0]
    assert src.format == "fr24-csv" and (src.records_read, src.records_kept) == (13, 13)
    assert schema.check(t.data) == []
    assert t.start == pd.Timestamp("2021-10-29T04:26:16Z") and t.stop == pd.Timestamp("2021-10-29T04:32:57Z")
    assert t.callsign == "ANZ1005"
    assert t.data["alt_baro_ft"].iloc[-1] == 530 and t.data["track_deg"].iloc[-1] == 340
