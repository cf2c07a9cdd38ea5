"""readsb trace: hand-written fixtures with exactly known output."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

import tracks
from tracks import schema


def write(tmp_path: Path, doc: object, name: str = "trace_full_0d8373.json", gz: bool = False) -> Path:
    data = json.dumps(doc).encode()
    p = tmp_path / name
    p.write_bytes(gzip.compress(data) if gz else data)
    return p


TRACE = {
    "icao": "0d8373",
    "r": "YV2984",
    "t": "A319",
    "timestamp": 1764374400.0,  # 2025-11-29T00:00:00Z (an archive file)
    "trace": [
        [0.0, 10.6, -66.99, "ground", 12.5, 90.0, 0, None, {"flight": "VCV2984 ", "squawk": "1000"}, "adsb_icao", None, None, None, None],
        [65.5, 10.7, -66.9, 1500, 160.0, 120.0, 0, 1800, None, "adsb_icao", 1650, 1750, 150, 0.0],
        [600.0, 9.0, -65.0, 33000, 450.0, 130.0, 1, 0, None, "mlat", None, None, None, None],
        [660.0, 8.9, -64.9, 33100, 452.0, 131.0, 8 | 4, -64, None, "tisb_trackfile", None, None, None, None],
        [7200.0, 4.55, -61.15, None, None, None, 3, None, None],
    ],
}


@pytest.mark.parametrize("gz", [False, True])
def test_values_units_and_flags(tmp_path: Path, gz: bool) -> None:
    t = tracks.load(write(tmp_path, TRACE, gz=gz))
    d = t.data
    assert schema.check(d) == []
    assert t.sources[0].format == "readsb-trace"
    assert t.sources[0].records_read == 5 and t.sources[0].records_kept == 5
    assert d["time"].tolist() == list(
        pd.to_datetime(["2025-11-29T00:00:00Z", "2025-11-29T00:01:05.5Z", "2025-11-29T00:10:00Z",
                        "2025-11-29T00:11:00Z", "2025-11-29T02:00:00Z"], utc=True, format="ISO8601"))
    assert d["on_ground"].tolist() == [True, False, False, False, pd.NA]
    assert pd.isna(d.loc[0, "alt_baro_ft"]) and d.loc[1, "alt_baro_ft"] == 1500
    assert d.loc[1, "alt_geom_ft"] == 1650
    # flag 8: the altitude field is geometric, so baro is unknown
    assert pd.isna(d.loc[3, "alt_baro_ft"]) and d.loc[3, "alt_geom_ft"] == 33100
    assert d["stale"].tolist() == [False, False, True, False, True]
    assert d["new_leg"].tolist() == [False, False, False, False, True]
    assert d["source"].tolist() == ["adsb", "adsb", "mlat", "tisb", "unknown"]
    assert d["callsign"].tolist() == ["VCV2984"] * 5
    assert d.loc[4, "squawk"] == "1000"
    assert (d["registration"] == "YV2984").all()
    assert t.icao24 == "0d8373" and t.callsign == "VCV2984"


def test_sha256_is_of_stored_bytes(tmp_path: Path) -> None:
    import hashlib

    p = write(tmp_path, TRACE, gz=True)
    t = tracks.load(p)
    assert t.sources[0].sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_impossible_values_are_rejected_and_counted(tmp_path: Path) -> None:
    doc = dict(TRACE, trace=[*TRACE["trace"], [7300.0, 91.0, -61.0, 1000, 1, 1, 0, 0, None], [7400.0, 4.0, 200.0, 1000, 1, 1, 0, 0, None], "junk"])
    t = tracks.load(write(tmp_path, doc))
    assert len(t) == 5
    src = t.sources[0]
    assert src.records_read == 8 and src.records_rejected == 3
    assert set(t.rejected["reason"]) == {"latitude outside -90..90", "longitude outside -180..180",
                                          "point is not an array of at least 9 values"}
    assert sorted(t.rejected["record"].tolist()) == [5, 6, 7]


def test_truncated_file_names_file_and_place(tmp_path: Path) -> None:
    p = tmp_path / "trace.json"
    p.write_bytes(json.dumps(TRACE).encode()[:-40])
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p, format="readsb-trace")
    assert str(p) in str(e.value) and "line 1" in str(e.value)


def test_illustrative_flag_is_carried(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, dict(TRACE, illustrative=True, note="synthetic")))
    assert t.illustrative and t.sources[0].note == "synthetic"


def test_booleans_and_strings_in_number_fields_are_unknown(tmp_path: Path) -> None:
    """A JSON boolean anywhere switches to the per-value path; both paths must give the same table."""
    plain = tracks.load(write(tmp_path, TRACE, "a.json")).data
    odd = [list(p) for p in TRACE["trace"]]
    odd[1][4] = True  # gs
    odd[2][7] = "fast"  # vertical rate
    odd[0][8] = {"flight": "VCV2984 ", "squawk": "1000", "alert": False}
    d = tracks.load(write(tmp_path, dict(TRACE, trace=odd), "b.json")).data
    assert pd.isna(d.loc[1, "gs_kt"]) and pd.isna(d.loc[2, "vrate_fpm"])
    cols = ["time", "lat", "lon", "alt_baro_ft", "alt_geom_ft", "on_ground", "track_deg", "callsign", "squawk",
            "source", "stale", "new_leg"]
    pd.testing.assert_frame_equal(d[cols], plain[cols])
    pd.testing.assert_series_equal(d.drop(index=[1])["gs_kt"], plain.drop(index=[1])["gs_kt"])
