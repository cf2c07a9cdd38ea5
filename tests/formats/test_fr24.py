"""Flightradar24 formats: hand-written fixtures with exactly known output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tracks
from tracks import schema


def utc(*stamps: str) -> list[pd.Timestamp]:
    return list(pd.to_datetime(list(stamps), utc=True, format="ISO8601"))


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


# -- website CSV ----------------------------------------------------------------------------------------------------
CSV7 = (
    "Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
    '1764378600,2025-11-29T01:10:00Z,VCV2984,"4.555,-61.15",0,0,73\n'
    '1764378610,2025-11-29T01:10:10Z,VCV2984,"4.56,-61.16",550,144,172\n'
    '1764378625,2025-11-29T01:10:25Z,,"4.6,-61.2",1375,158,171'
)  # no final newline, like one real export


def test_csv_7_columns_values_and_units(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, "VCV2984_abc.csv", CSV7))
    d = t.data
    assert schema.check(d) == []
    assert t.sources[0].format == "fr24-csv"
    assert (t.sources[0].records_read, t.sources[0].records_kept) == (3, 3)
    assert d["time"].tolist() == utc("2025-11-29T01:10:00Z", "2025-11-29T01:10:10Z", "2025-11-29T01:10:25Z")
    assert d["lat"].tolist() == [4.555, 4.56, 4.6] and d["lon"].tolist() == [-61.15, -61.16, -61.2]
    assert d["alt_baro_ft"].tolist() == [0, 550, 1375]
    assert d["gs_kt"].tolist() == [0, 144, 158] and d["track_deg"].tolist() == [73, 172, 171]
    assert d["callsign"].tolist()[:2] == ["VCV2984", "VCV2984"] and pd.isna(d.loc[2, "callsign"])
    # altitude 0 is FR24's clamp, not a ground flag
    assert d["on_ground"].isna().all()
    assert (d["icao24"] == "000000").all() and d["record"].tolist() == [0, 1, 2]


def test_csv_6_columns_and_icao24_option(tmp_path: Path) -> None:
    text = 'Timestamp,Callsign,Position,Altitude,Speed,Direction\n1764378600,VCV2984,"4.555,-61.15",33000,450,130\n'
    t = tracks.load(write(tmp_path, "a.csv", text), icao24="0D8373")
    assert t.sources[0].format == "fr24-csv"
    assert t.icao24 == "0d8373" and t.data.loc[0, "alt_baro_ft"] == 33000
    assert t.data["time"].tolist() == utc("2025-11-29T01:10:00Z")


def test_csv_bad_rows_are_rejected_with_reasons(tmp_path: Path) -> None:
    text = (
        "Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
        '1764378600,2025-11-29T01:10:00Z,VCV2984,"4.555,-61.15",0,0,73\n'
        '1764378610,2025-11-29T01:10:10Z,VCV2984,"banana",550,144,172\n'  # record 1
        '1764378620,2025-11-29T01:10:20Z,VCV2984,"4.56,-61.16",high,144,172\n'  # record 2
        '1764378630,2025-11-29T01:12:00Z,VCV2984,"4.57,-61.17",600,144,172\n'  # record 3: columns disagree
        '1764378640,2025-11-29T01:10:40Z,VCV2984,"0,0",600,144,172\n'  # record 4: placeholder
        '1764378650,2025-11-29T01:10:50Z,VCV2984\n'  # record 5: short row
        '1764378660,2025-11-29T01:11:00Z,VCV2984,"91.0,-61.17",600,144,172\n'  # record 6: impossible
    )
    p = write(tmp_path, "bad.csv", text)
    t = tracks.load(p)
    src = t.sources[0]
    assert (src.records_read, src.records_kept, src.records_rejected) == (7, 1, 6)
    rej = t.rejected.set_index("record")["reason"].to_dict()
    assert rej[1].startswith("unreadable Position")
    assert rej[2].startswith("unreadable Altitude")
    assert rej[3] == "Timestamp and UTC columns disagree"
    assert rej[4].startswith("position 0,0")
    assert rej[5] == "line 7: expected 7 fields, got 3"
    assert rej[6] == "latitude outside -90..90"
    assert "Position=banana" in t.rejected.set_index("record").loc[1, "values"]


def test_csv_missing_column_names_file_and_line(tmp_path: Path) -> None:
    p = write(tmp_path, "x.csv", "Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n")
    t = tracks.load(p)  # header only: an empty track, not an error
    assert len(t) == 0 and t.sources[0].records_read == 0
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(write(tmp_path, "y.csv", "Timestamp,Callsign,Altitude\n1,2,3\n"), format="fr24-csv")
    assert "y.csv" in str(e.value) and "line 1" in str(e.value) and "Position" in str(e.value)


# -- granular CSV ---------------------------------------------------------------------------------------------------
GRANULAR_HEADER = ("network_time,receiver_time,hex,callsign,latitude,longitude,no_position,altitude,squawk,speed,"
                   "track,vspeed,on_ground,flags,position_class" + "," * 15)
GRANULAR = "\n".join([
    GRANULAR_HEADER,
    "2025-11-29 01:09:50Z.515,2025-11-29 01:09:50Z.000,0x0D8373,VCV2984,4.6,-61.2,P,1500,1000,140,180,-704,A,0,ADS-B,"
    "P:8,S:ADS-B,GPSA:1650,TCAS:01" + "," * 11,
    "2025-11-29 01:09:51Z.100,1970-01-01 00:00:00Z.000,0x0d8373,,0,0,N,1475,0,0,0,0,N,2,ADS-B," + "," * 14,
    "2025-11-29 01:10:00Z,2025-11-29 01:09:59Z.900,0x0d8373,,4.555,-61.15,P,0,0,60,90,0,G,0,MLAT," + "," * 14,
])


def test_granular_values_units_and_times(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, "g.csv", GRANULAR))
    d = t.data
    src = t.sources[0]
    assert schema.check(d) == [] and src.format == "fr24-granular-csv"
    assert (src.records_read, src.records_kept, src.records_rejected) == (3, 2, 1)
    assert src.rejected_reasons == {"no position (no_position=N)": 1}
    assert t.rejected["record"].tolist() == [1]
    assert d["time"].tolist() == utc("2025-11-29T01:09:50.515Z", "2025-11-29T01:10:00Z")
    assert t.icao24 == "0d8373"
    assert d["callsign"].tolist() == ["VCV2984", "VCV2984"]  # carried forward
    assert d["alt_baro_ft"].tolist() == [1500, 0] and d.loc[0, "alt_geom_ft"] == 1650 and np.isnan(d.loc[1, "alt_geom_ft"])
    assert d["on_ground"].tolist() == [False, True]
    assert d["vrate_fpm"].tolist() == [-704, 0] and d["gs_kt"].tolist() == [140, 60]
    assert d["squawk"].tolist()[0] == "1000" and pd.isna(d.loc[1, "squawk"])
    assert d["source"].tolist() == ["adsb", "mlat"]
    assert d["record"].tolist() == [0, 2]


def test_granular_ragged_rows_are_kept(tmp_path: Path) -> None:
    row = "2025-11-29 01:09:50Z.515,x,0x0d8373,VCV2984,4.6,-61.2,P,1500,416,140,180,-704,A,0,ADS-B,P:8,GPSA:1600"
    text = GRANULAR_HEADER + "\n" + row + "," * 20 + "\n" + row + "\n"  # 37 and 17 cells
    t = tracks.load(write(tmp_path, "g.csv", text))
    assert len(t) == 2 and t.data["alt_geom_ft"].tolist() == [1600, 1600]
    assert t.data["squawk"].tolist() == ["0416", "0416"]


# -- playback JSON --------------------------------------------------------------------------------------------------
def point(ts: int, lat: float, lon: float, ft: int, kts: int, fpm: int, hdg: int, squawk: str, ems: object = None) -> dict:
    return {"latitude": lat, "longitude": lon, "altitude": {"feet": ft, "meters": round(ft * 0.3048)},
            "speed": {"kmh": kts * 1.852, "kts": kts, "mph": kts * 1.15078}, "verticalSpeed": {"fpm": fpm, "ms": fpm / 196.85},
            "heading": hdg, "squawk": squawk, "timestamp": ts, "ems": ems}


def playback(track: list) -> dict:
    flight = {
        "identification": {"id": "3a1b2c3d", "number": {"default": "V02984"}, "callsign": "VCV2984"},
        "aircraft": {"model": {"code": "A319"}, "identification": {"modes": "0D8373", "registration": "YV2984"}},
        "track": track,
        "availability": {"ems": True},
    }
    return {"result": {"request": {}, "response": {"timestamp": 1764380000, "data": {"flight": flight}}}}


def test_playback_values_units_and_ems(tmp_path: Path) -> None:
    doc = playback([
        point(1764378000, 5.0, -62.0, 12000, 280, -1500, 150, "2127", ems={"ts": 1764378000, "altGPS": 12400}),
        point(1764378030, 4.9, -61.9, 11000, 270, -1600, 151, "0", ems={"ts": 1764378025, "altGPS": 11300}),
        point(1764378600, 4.555, -61.15, 0, 0, 0, 73, "416"),
    ])
    t = tracks.load(write(tmp_path, "3a1b2c3d.json", json.dumps(doc)))
    d = t.data
    assert schema.check(d) == [] and t.sources[0].format == "fr24-playback-json"
    assert t.icao24 == "0d8373" and t.callsign == "VCV2984" and t.registration == "YV2984"
    assert d["time"].tolist() == utc("2025-11-29T01:00:00Z", "2025-11-29T01:00:30Z", "2025-11-29T01:10:00Z")
    assert d["alt_baro_ft"].tolist() == [12000, 11000, 0]
    # EMS altGPS used only when its own timestamp is the point's
    assert d.loc[0, "alt_geom_ft"] == 12400 and np.isnan(d.loc[1, "alt_geom_ft"])
    assert d["gs_kt"].tolist() == [280, 270, 0] and d["vrate_fpm"].tolist() == [-1500, -1600, 0]
    assert d["track_deg"].tolist() == [150, 151, 73]
    assert d.loc[0, "squawk"] == "2127" and pd.isna(d.loc[1, "squawk"]) and d.loc[2, "squawk"] == "0416"


def test_playback_ems_gps_altitude_zero_is_unknown(tmp_path: Path) -> None:
    # SPAR19 (2ce4f83f): altGPS 0 at FL350 for minutes; read as 0 ft it made tracks.legs see a go-around at WIDD
    doc = playback([
        point(1764378000, 1.60, 103.12, 35000, 444, 0, 112, "2127", ems={"ts": 1764378000, "altGPS": 0}),
        point(1764378060, 1.54, 103.27, 35000, 444, 0, 117, "2127", ems={"ts": 1764378060, "altGPS": 37250}),
    ])
    d = tracks.load(write(tmp_path, "p.json", json.dumps(doc))).data
    assert np.isnan(d.loc[0, "alt_geom_ft"]) and d.loc[1, "alt_geom_ft"] == 37250
    assert d["alt_baro_ft"].tolist() == [35000, 35000]


def test_playback_bad_points_are_rejected(tmp_path: Path) -> None:
    doc = playback([point(1764378000, 5.0, -62.0, 12000, 280, 0, 150, "2127"), "junk",
                    dict(point(1764378030, 4.9, -61.9, 11000, 270, 0, 151, "0"), latitude="north")])
    t = tracks.load(write(tmp_path, "p.json", json.dumps(doc)))
    assert len(t) == 1 and t.sources[0].records_read == 3
    assert t.rejected.set_index("record")["reason"].to_dict() == {1: "point is not an object", 2: "latitude is not a number"}


def test_playback_truncated_names_place(tmp_path: Path) -> None:
    p = write(tmp_path, "p.json", json.dumps(playback([point(1764378000, 5.0, -62.0, 0, 0, 0, 0, "0")]))[:-30])
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p, format="fr24-playback-json")
    assert str(p) in str(e.value) and "line 1 column" in str(e.value)


# -- KML ------------------------------------------------------------------------------------------------------------
def fr24_kml(route: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>V02984/VCV2984</name>
<description><![CDATA[<a href="https://www.flightradar24.com/flight/v02984">V02984</a>]]></description>
<Folder><name>Route</name>{route}</Folder>
<Folder><name>Trail</name><Placemark><name>P-1</name><MultiGeometry><LineString><altitudeMode>clampToGround</altitudeMode>
<coordinates>-61.0,4.0,0 -61.1,4.1,0</coordinates></LineString></MultiGeometry></Placemark></Folder>
</Document></kml>"""


def route_point(when: str, coords: str, desc_ft: str | None, kt: int, hdg: int) -> str:
    alt = f"<div><span><b>Altitude:</b></span> <span>{desc_ft} ft</span></div>" if desc_ft is not None else ""
    return f"""<Placemark><name>{when.replace('T', ' ')[:19]} UTC</name>
<description><![CDATA[<div>{alt}<div><span><b>Speed:</b></span> <span>{kt} kt</span></div>
<div><span><b>Heading:</b></span> <span>{hdg}&deg;</span></div></div>]]></description>
<TimeStamp><when>{when}</when></TimeStamp><Style><IconStyle><heading>{hdg}</heading></IconStyle></Style>
<Point><altitudeMode>absolute</altitudeMode><coordinates>{coords}</coordinates></Point></Placemark>"""


def test_kml_route_only_feet_from_description_else_metres(tmp_path: Path) -> None:
    route = (route_point("2025-11-29T01:00:00+00:00", "-62.0,5.0,3657.6", "12000", 280, 150)
             + route_point("2025-11-29T01:00:30+00:00", "-61.9,4.9,304.8", None, 270, 151))
    t = tracks.load(write(tmp_path, "V02984.kml", fr24_kml(route)))
    d = t.data
    assert schema.check(d) == [] and t.sources[0].format == "fr24-kml"
    assert t.sources[0].records_read == 2  # the Trail segment is not a position
    assert "Trail" in t.sources[0].note
    assert d["time"].tolist() == utc("2025-11-29T01:00:00Z", "2025-11-29T01:00:30Z")
    assert d["lat"].tolist() == [5.0, 4.9] and d["lon"].tolist() == [-62.0, -61.9]
    assert d.loc[0, "alt_baro_ft"] == 12000
    assert d.loc[1, "alt_baro_ft"] == pytest.approx(1000.0, abs=1e-9)  # 304.8 m
    assert d["gs_kt"].tolist() == [280, 270] and d["track_deg"].tolist() == [150, 151]
    assert t.callsign == "VCV2984"


def test_kml_truncated_is_a_format_error(tmp_path: Path) -> None:
    text = fr24_kml(route_point("2025-11-29T01:00:00+00:00", "-62.0,5.0,0", "0", 0, 0))
    p = write(tmp_path, "t.kml", text[: len(text) // 2 + 200])
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert str(p) in str(e.value) and "line" in str(e.value)


def test_csv_with_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    data = CSV7.encode().replace(b"VCV2984,\"4.56", b"VCV\xff2984,\"4.56")
    t = tracks.load(write(tmp_path, "latin.csv", data))
    assert len(t) == 3 and t.data.loc[1, "callsign"] == "VCV\xff2984"  # decoded as Latin-1, not dropped
