"""readsb / dump1090 aircraft.json and v2 REST JSON: hand-written snapshots with exactly known output."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import tracks
from tracks import schema

NOW_S = 1764378600.5  # 2025-11-29T01:10:00.500Z


def write(tmp_path: Path, doc: object, name: str = "aircraft.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


def nb(x: object) -> bool | None:
    """A nullable boolean cell as True / False / None."""
    return None if pd.isna(x) else bool(x)


def ts(*iso: str) -> list[pd.Timestamp]:
    return list(pd.to_datetime(list(iso), utc=True, format="ISO8601"))


AIRCRAFT = [
    {"hex": "0D8373", "type": "adsb_icao", "flight": "VCV2984 ", "r": "YV2984", "alt_baro": 33000, "alt_geom": 33500,
     "gs": 450.5, "track": 130.25, "baro_rate": -64, "squawk": "1000", "lat": 6.5, "lon": -63.25, "seen_pos": 1.5,
     "seen": 0.2, "rr_lat": 1.0, "rr_lon": 2.0},
    {"hex": "0d8374", "type": "mlat", "alt_baro": "ground", "gs": 3.0, "lat": 10.6, "lon": -66.99, "seen_pos": 0.0},
    {"hex": "0d8375", "type": "mode_s", "alt_baro": 12000, "rr_lat": 5.1, "rr_lon": -61.0},
    {"hex": "0d8376", "type": "mode_s", "flight": "XYZ1", "alt_baro": 37000, "gs": 460.0,
     "lastPosition": {"lat": 4.5, "lon": -61.1, "nic": 8, "rc": 186, "seen_pos": 600.25}},
    {"hex": "0d8377", "type": "adsb_icao", "lat": 1.0, "lon": 2.0},
    {"hex": "~abc123", "type": "tisb_other", "lat": 5.0, "lon": -60.0, "seen_pos": 10.0, "geom_rate": 128},
    "junk",
    {"hex": "0d8378", "type": "adsb_icao", "lat": 91.0, "lon": 2.0, "seen_pos": 1.0},
]


def test_aircraft_json_values_times_and_rejections(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, {"now": NOW_S, "messages": 10, "aircraft": AIRCRAFT}))
    assert isinstance(t, tracks.Traffic)
    src = t.sources[0]
    assert src.format == "readsb-aircraft-json"
    assert (src.records_read, src.records_kept, src.records_rejected) == (8, 4, 4)
    assert src.rejected_reasons == {"no position": 1, "no seen_pos (position time unknown)": 1,
                                    "aircraft entry is not an object": 1, "latitude outside -90..90": 1}
    d = t.data.set_index("icao24")
    assert schema.check(t.data) == []
    # position time = now - seen_pos, exact to the millisecond
    assert d.loc["0d8373", "time"] == pd.Timestamp("2025-11-29T01:09:59.000Z")
    assert d.loc["0d8374", "time"] == pd.Timestamp("2025-11-29T01:10:00.500Z")
    assert d.loc["~abc123", "time"] == pd.Timestamp("2025-11-29T01:09:50.500Z")
    a = d.loc["0d8373"]
    assert (a["callsign"], a["registration"], a["squawk"], a["source"]) == ("VCV2984", "YV2984", "1000", "adsb")
    assert (a["lat"], a["lon"], a["alt_baro_ft"], a["alt_geom_ft"]) == (6.5, -63.25, 33000.0, 33500.0)
    assert (a["gs_kt"], a["track_deg"], a["vrate_fpm"]) == (450.5, 130.25, -64.0)
    assert nb(a["on_ground"]) is False and not a["stale"]
    g = d.loc["0d8374"]
    assert nb(g["on_ground"]) is True and pd.isna(g["alt_baro_ft"]) and g["source"] == "mlat"
    assert d.loc["~abc123", "source"] == "tisb" and d.loc["~abc123", "vrate_fpm"] == 128
    assert pd.isna(d.loc["~abc123", "on_ground"])
    # lastPosition: kept at its own time, stale, only the position (alt/speed describe `now`)
    lp = d.loc["0d8376"]
    assert lp["time"] == pd.Timestamp("2025-11-29T01:00:00.250Z")
    assert (lp["lat"], lp["lon"], bool(lp["stale"]), lp["source"], lp["callsign"]) == (4.5, -61.1, True, "unknown", "XYZ1")
    assert pd.isna(lp["alt_baro_ft"]) and pd.isna(lp["gs_kt"]) and pd.isna(lp["on_ground"])
    # rr_lat/rr_lon are never positions: the mode_s aircraft with only those is rejected
    rej = t.rejected.set_index("record")
    assert rej.loc[2, "reason"] == "no position" and "receiver estimate" in rej.loc[2, "values"]
    assert "0d8375" not in t.data["icao24"].tolist()
    # records point back into the array
    assert d.loc["0d8376", "record"] == 3 and d.loc["~abc123", "record"] == 5


def test_last_position_can_be_rejected(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, {"now": NOW_S, "aircraft": AIRCRAFT[3:4] + AIRCRAFT[:1]}), last_position=False)
    assert t.data["icao24"].tolist() == ["0d8373"]
    assert t.sources[0].rejected_reasons == {"lastPosition only (older than 60 s; last_position=False)": 1}


def test_legacy_dump1090_keys_and_source_from_mlat_list(tmp_path: Path) -> None:
    doc = {"now": 1698751404.7, "messages": 5, "aircraft": [
        {"hex": "151ec2", "flight": "SBI1010 ", "altitude": "ground", "speed": 12, "vert_rate": 0, "track": 90,
         "lat": 55.5, "lon": 37.5, "seen_pos": 2.2, "mlat": ["lat", "lon"], "tisb": []},
        {"hex": "151ec3", "altitude": 2975, "lat": 55.6, "lon": 37.6, "seen_pos": 0.1, "mlat": [], "tisb": [], "squawk": "0726"},
    ]}
    t = tracks.load(write(tmp_path, doc))
    d = t.data.set_index("icao24")
    assert d.loc["151ec2", "time"] == pd.Timestamp("2023-10-31T11:23:22.500Z")
    assert nb(d.loc["151ec2", "on_ground"]) is True and d.loc["151ec2", "gs_kt"] == 12.0
    assert d.loc["151ec2", "source"] == "mlat" and d.loc["151ec2", "callsign"] == "SBI1010"
    assert d.loc["151ec3", "alt_baro_ft"] == 2975.0 and d.loc["151ec3", "source"] == "adsb"
    assert nb(d.loc["151ec3", "on_ground"]) is False and d.loc["151ec3", "squawk"] == "0726"


def test_no_type_and_no_field_lists_is_unknown_source(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, {"now": NOW_S, "aircraft": [{"hex": "0d8373", "lat": 1.0, "lon": 2.0, "seen_pos": 0}]}))
    assert t.data["source"].tolist() == ["unknown"]


@pytest.mark.parametrize("now", [1764378600500, 1764378600.5])
def test_v2_envelope_now_in_ms_or_s(tmp_path: Path, now: float) -> None:
    doc = {"ac": AIRCRAFT[:2], "msg": "No error", "now": now, "total": 2, "ctime": 1764378600500, "ptime": 3}
    t = tracks.load(write(tmp_path, doc, "hex.json"))
    assert t.sources[0].format == "readsb-v2-json"
    assert t.data["time"].tolist() == ts("2025-11-29T01:09:59.000Z", "2025-11-29T01:10:00.500Z")


def test_v2_empty_answer_and_single_object(tmp_path: Path) -> None:
    empty = tracks.load(write(tmp_path, {"ac": None, "msg": "No error", "now": 1764378600500, "total": 0}))
    assert len(empty) == 0 and empty.sources[0].records_read == 0 and schema.check(empty.data) == []
    single = dict(AIRCRAFT[0], now=1764378600500)  # ADSBx gateway: one object with its own `now` (ms)
    t = tracks.load(write(tmp_path, single, "one.json"))
    assert t.sources[0].format == "readsb-v2-json"
    assert t.data["time"].tolist() == ts("2025-11-29T01:09:59.000Z") and t.icao24 == "0d8373"


def test_per_aircraft_now_overrides_envelope(tmp_path: Path) -> None:
    ac = [dict(AIRCRAFT[0], now=1764378700000)]
    t = tracks.load(write(tmp_path, {"ac": ac, "now": 1764378600500}))
    assert t.data["time"].tolist() == ts("2025-11-29T01:11:38.500Z")


def test_many_snapshots_of_one_aircraft_make_one_track(tmp_path: Path) -> None:
    for k in range(3):
        ac = dict(AIRCRAFT[0], lat=6.5 + k / 10, seen_pos=0.5)
        other = dict(AIRCRAFT[1], hex="aaaaaa") if k == 1 else {"hex": "bbbbbb", "rr_lat": 1, "rr_lon": 2}
        write(tmp_path, {"now": NOW_S + 10 * (2 - k), "aircraft": [other, ac]}, f"snap{k}.json")
    t = tracks.load(sorted(tmp_path.glob("snap[02].json")))
    assert isinstance(t, tracks.Track) and len(t.sources) == 2
    assert t.data["lat"].tolist() == [6.7, 6.5]  # sorted by time across files
    assert t.data["time"].tolist() == ts("2025-11-29T01:10:00.000Z", "2025-11-29T01:10:20.000Z")
    assert t.data["record"].tolist() == [1, 1]
    traffic = tracks.load(tmp_path)
    assert isinstance(traffic, tracks.Traffic) and len(traffic["0d8373"]) == 3


def test_truncated_file_names_file_and_place(tmp_path: Path) -> None:
    p = tmp_path / "aircraft.json"
    p.write_text(json.dumps({"now": NOW_S, "aircraft": AIRCRAFT})[:-30])
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p, format="readsb-aircraft-json")
    assert str(p) in str(e.value) and "line 1 column" in str(e.value)


def test_missing_now_and_wrong_shape_are_format_errors(tmp_path: Path) -> None:
    p = write(tmp_path, {"aircraft": AIRCRAFT[:1]})
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p, format="readsb-aircraft-json")
    assert str(p) in str(e.value) and "aircraft 0" in str(e.value) and "now" in str(e.value)
    p2 = write(tmp_path, {"now": NOW_S, "aircraft": {"hex": "0d8373"}}, "bad.json")
    with pytest.raises(tracks.TrackFormatError, match="array of aircraft"):
        tracks.load(p2, format="readsb-aircraft-json")
    p3 = write(tmp_path, [1, 2], "list.json")
    with pytest.raises(tracks.TrackFormatError, match=r"list\.json"):
        tracks.load(p3, format="readsb-v2-json")
