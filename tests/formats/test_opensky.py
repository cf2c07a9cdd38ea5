"""OpenSky REST JSON and historical state vectors (CSV, Parquet): hand-written fixtures with exactly known output."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tracks
from tracks import schema

T0 = 1764378600  # 2025-11-29T01:10:00Z
KT = 3600 / 1852  # kt per m/s
FPM = 60 / 0.3048  # ft/min per m/s


def write(tmp_path: Path, content: str | bytes | object, name: str) -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    elif isinstance(content, str):
        p.write_text(content)
    else:
        p.write_text(json.dumps(content))
    return p


def nb(x: object) -> bool | None:
    return None if pd.isna(x) else bool(x)


def ts(*iso: str) -> list[pd.Timestamp]:
    return list(pd.to_datetime(list(iso), utc=True, format="ISO8601"))


# ------------------------------------------------------------------------------------------------ /tracks
TRACK = {
    "icao24": "0d8373", "startTime": T0, "endTime": T0 + 3600, "callsign": "VCV2984 ",
    "path": [
        [T0, 10.6, -66.99, 0, 90.0, True],
        [T0 + 60, 10.7, -66.9, 3048.0, 120.0, False],
        [T0 + 3600, 4.55, -61.15, None, None, False],
        "junk",
        [T0 + 3700, 91.0, 0.0, 100.0, 1.0, False],
    ],
}


def test_tracks_json_lat_lon_order_and_metres(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, TRACK, "track.json"))
    src = t.sources[0]
    assert src.format == "opensky-tracks-json"
    assert (src.records_read, src.records_kept, src.records_rejected) == (5, 3, 2)
    assert set(t.rejected["reason"]) == {"latitude outside -90..90",
                                         "waypoint is not an array [time, lat, lon, baro_altitude, true_track, on_ground]"}
    d = t.data
    assert schema.check(d) == []
    assert d["time"].tolist() == ts("2025-11-29T01:10:00Z", "2025-11-29T01:11:00Z", "2025-11-29T02:10:00Z")
    assert d["lat"].tolist() == [10.6, 10.7, 4.55] and d["lon"].tolist() == [-66.99, -66.9, -61.15]
    assert d.loc[1, "alt_baro_ft"] == pytest.approx(10000.0, rel=1e-12)
    assert d.loc[0, "alt_baro_ft"] == 0.0 and pd.isna(d.loc[2, "alt_baro_ft"])
    assert [nb(v) for v in d["on_ground"]] == [True, False, False]
    assert d["track_deg"].tolist()[:2] == [90.0, 120.0]
    assert (d["callsign"] == "VCV2984").all() and (d["source"] == "unknown").all()
    assert "simplified" in src.note


def test_tracks_json_bad_icao_is_a_format_error(tmp_path: Path) -> None:
    p = write(tmp_path, dict(TRACK, icao24="xyz"), "bad.json")
    with pytest.raises(tracks.TrackFormatError, match="icao24"):
        tracks.load(p)


# ------------------------------------------------------------------------------------------------ /states
STATES = {
    "time": T0,
    "states": [
        ["0d8373", "VCV2984 ", "Venezuela", T0 - 10, T0 - 1, -61.15, 4.55, 10058.4, False, 231.5, 130.0, -5.08, None,
         10363.2, "1000", False, 0],
        ["0d8374", None, "Venezuela", T0 - 94, T0 - 94, -66.99, 10.6, None, True, 5.0, 90.0, None, None, None, None, False, 2],
        ["0d8375", "X", "Venezuela", None, T0, None, None, 1000.0, False, 100.0, 1.0, 0.0, None, None, None, False, 0],
        ["0d8376", "EXT1", "Brazil", T0 - 2, T0, -60.0, 3.0, 3048.0, False, 100.0, 1.0, 0.0, None, None, None, False, 0, 4],
        ["0d8377", "OLD1", "Brazil", T0 - 3, T0, -60.5, 3.5, 3048.0, False, 100.0, 1.0, 0.0, [1], None, "7700", False, False, 2],
        [1, 2, 3],
    ],
}


def test_states_json_lon_lat_units_and_time_position(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, STATES, "states.json"))
    src = t.sources[0]
    assert isinstance(t, tracks.Traffic) and src.format == "opensky-states-json"
    assert (src.records_read, src.records_kept, src.records_rejected) == (6, 4, 2)
    assert src.rejected_reasons == {"no position (longitude/latitude null)": 1,
                                    "state vector is not an array of 17 or 18 values": 1}
    d = t.data.set_index("icao24")
    assert schema.check(t.data) == []
    a = d.loc["0d8373"]
    assert a["time"] == pd.Timestamp("2025-11-29T01:09:50Z")  # time_position, not last_contact or `time`
    assert (a["lat"], a["lon"]) == (4.55, -61.15)  # the array has lon before lat
    assert a["alt_baro_ft"] == pytest.approx(33000.0, rel=1e-12)
    assert a["alt_geom_ft"] == pytest.approx(34000.0, rel=1e-12)
    assert a["gs_kt"] == pytest.approx(231.5 * KT, rel=1e-12)
    assert a["vrate_fpm"] == pytest.approx(-1000.0, rel=1e-12)
    assert (a["callsign"], a["squawk"], a["source"], nb(a["on_ground"])) == ("VCV2984", "1000", "adsb", False)
    g = d.loc["0d8374"]
    assert g["time"] == pd.Timestamp("2025-11-29T01:08:26Z") and nb(g["on_ground"]) is True
    assert pd.isna(g["alt_baro_ft"]) and g["source"] == "mlat" and pd.isna(g["callsign"])
    assert d.loc["0d8376", "source"] == "adsb"  # extended=1: category at 17
    assert d.loc["0d8377", "source"] == "mlat"  # 2017 layout: alert, spi, position_source at 17
    assert not t.data["stale"].any()


def test_states_json_null_states_is_empty(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, {"time": T0, "states": None}, "states.json"))
    assert len(t) == 0 and t.sources[0].format == "opensky-states-json" and t.sources[0].records_read == 0


def test_states_json_truncated(tmp_path: Path) -> None:
    p = write(tmp_path, json.dumps(STATES)[:-20], "states.json")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p, format="opensky-states-json")
    assert str(p) in str(e.value) and "line 1 column" in str(e.value)


# ------------------------------------------------------------------------------------- historical vectors
HEADER = "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,baroaltitude,geoaltitude,lastposupdate,lastcontact"
ROWS = [
    f"{T0},0d8373,4.5,-61.1,231.5,130.0,-5.08,VCV2984 ,false,false,false,1000,10058.4,10363.2,{T0 - 0.5},{T0 - 0.1}",
    f"{T0 + 1},0d8373,4.5,-61.1,231.5,130.0,-5.08,VCV2984 ,false,false,false,1000,10058.4,10363.2,{T0 - 0.5},{T0 + 0.9}",
    f"{T0 + 2},0d8373,4.49,-61.09,232.0,131.0,0.0,VCV2984 ,false,false,false,1000,10058.4,10363.2,{T0 + 1.75},{T0 + 1.8}",
    f"{T0 + 3},0D8374,10.6,-66.99,5.0,90.0,,,true,false,false,,,,{T0 + 2.25},{T0 + 2.3}",
    f"{T0 + 4},0d8374,,,,,,,,false,false,,,,,{T0 + 3}",
    f"{T0 + 300},0d8373,4.49,-61.09,232.0,131.0,0.0,VCV2984 ,false,false,false,1000,10058.4,10363.2,{T0 + 1.75},{T0 + 1.8}",
]
CSV = "\n".join([HEADER, *ROWS]) + "\n"


def check_history(t: tracks.Traffic | tracks.Track) -> None:
    src = t.sources[0]
    assert (src.records_read, src.records_kept, src.records_rejected) == (6, 3, 3)
    assert src.rejected_reasons == {"repeated position (lastposupdate unchanged)": 2, "position missing": 1}
    assert sorted(t.rejected["record"].tolist()) == [1, 4, 5]
    d = t.data
    assert schema.check(d) == []
    assert d["icao24"].tolist() == ["0d8373", "0d8373", "0d8374"]
    # the row time is lastposupdate (when the position was received), not `time`
    assert d["time"].tolist() == ts("2025-11-29T01:09:59.5Z", "2025-11-29T01:10:01.75Z", "2025-11-29T01:10:02.25Z")
    assert d["record"].tolist() == [0, 2, 3]
    assert d.loc[0, "alt_baro_ft"] == pytest.approx(33000.0, rel=1e-12)
    assert d.loc[0, "alt_geom_ft"] == pytest.approx(34000.0, rel=1e-12)
    assert d.loc[0, "gs_kt"] == pytest.approx(231.5 * KT, rel=1e-12)
    assert d.loc[0, "vrate_fpm"] == pytest.approx(-1000.0, rel=1e-12)
    assert d.loc[1, "track_deg"] == 131.0 and d.loc[1, "vrate_fpm"] == 0.0
    assert d["callsign"].tolist()[:2] == ["VCV2984", "VCV2984"] and pd.isna(d.loc[2, "callsign"])
    assert d.loc[0, "squawk"] == "1000" and pd.isna(d.loc[2, "squawk"])
    assert [nb(v) for v in d["on_ground"]] == [False, False, True]
    assert pd.isna(d.loc[2, "alt_baro_ft"])
    assert (d["source"] == "unknown").all() and not d["stale"].any()


def test_history_csv_drops_repeats_with_reason(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, CSV, "states_2025-11-29-01.csv"))
    assert t.sources[0].format == "opensky-states-csv"
    check_history(t)


def test_history_csv_gzip_and_quoted_header(tmp_path: Path) -> None:
    import gzip

    quoted = CSV.replace(HEADER, ",".join(f'"{c}"' for c in HEADER.split(",")), 1)
    t = tracks.load(write(tmp_path, gzip.compress(quoted.encode()), "dump.bin"))
    assert t.sources[0].format == "opensky-states-csv"
    check_history(t)


def test_history_keep_repeats_marks_them_stale(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, CSV, "s.csv"), repeats="keep")
    assert t.sources[0].rejected_reasons == {"position missing": 1}
    d = t.data
    assert d["record"].tolist() == [0, 1, 2, 5, 3]  # sorted by icao24, time (ties in file order)
    assert d["stale"].tolist() == [False, True, False, True, False]
    assert d.loc[1, "time"] == d.loc[0, "time"] and d.loc[3, "time"] == d.loc[2, "time"]


def test_history_parquet_with_timestamp_column(tmp_path: Path) -> None:
    frame = pd.read_csv(write(tmp_path, CSV, "s.csv"), dtype={"icao24": str, "squawk": str, "callsign": str})
    frame["time"] = pd.to_datetime(frame["time"], unit="s", utc=True)
    frame["serials"] = [[1, 2]] * len(frame)
    frame["hour"] = frame["time"].dt.floor("h")
    p = tmp_path / "cache.parquet"
    pq.write_table(pa.Table.from_pandas(frame), p)
    t = tracks.load(p)
    assert t.sources[0].format == "opensky-states-parquet"
    check_history(t)


def test_history_iso_time_text_and_no_lastposupdate(tmp_path: Path) -> None:
    csv = ("time,icao24,lat,lon,baroaltitude,lastcontact\n"
           "2025-11-29 01:10:00+00:00,0d8373,4.5,-61.1,3048,1764378599.9\n"
           "2025-11-29 01:10:16+00:00,0d8373,4.5,-61.1,3048,1764378599.9\n")
    t = tracks.load(write(tmp_path, csv, "s.csv"))
    assert t.data["time"].tolist() == ts("2025-11-29T01:10:00Z")
    assert t.sources[0].rejected_reasons == {"no contact for > 15 s (position repeated)": 1}
    assert "no lastposupdate" in t.sources[0].note


def test_history_csv_unreadable_value_is_rejected_with_line(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[2] = rows[2].replace(",4.49,", ",north,", 1)
    t = tracks.load(write(tmp_path, "\n".join([HEADER, *rows]) + "\n", "s.csv"))
    src = t.sources[0]
    assert src.records_read == 6 and src.rejected_reasons["unreadable value in column lat"] == 1
    bad = t.rejected.set_index("record").loc[2]
    assert "line 4" in bad["values"] and "north" in bad["values"]
    # the rest is read as usual; the last row is no longer a repeat of row 2, so it is kept
    assert t.data["record"].tolist() == [0, 5, 3]


def test_history_csv_wrong_field_count_names_the_line(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[2] = rows[2].rsplit(",", 2)[0]
    p = write(tmp_path, "\n".join([HEADER, *rows]) + "\n", "s.csv")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert str(p) in str(e.value) and "line 4" in str(e.value) and "14 fields instead of 16" in str(e.value)


def test_history_wrong_columns_and_broken_parquet(tmp_path: Path) -> None:
    p = write(tmp_path, "when,hex,latitude,longitude\n1,2,3,4\n", "s.csv")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p, format="opensky-states-csv")
    assert str(p) in str(e.value) and "line 1" in str(e.value)
    frame = pd.read_csv(write(tmp_path, CSV, "ok.csv"), dtype={"icao24": str, "squawk": str, "callsign": str})
    good = tmp_path / "good.parquet"
    pq.write_table(pa.Table.from_pandas(frame), good)
    broken = write(tmp_path, good.read_bytes()[:-100], "broken.parquet")
    with pytest.raises(tracks.TrackFormatError, match=r"broken\.parquet"):
        tracks.load(broken, format="opensky-states-parquet")
    with pytest.raises(tracks.TrackFormatError, match="repeats"):
        tracks.load(good, repeats="sometimes")


def test_history_row_without_icao24_is_rejected(tmp_path: Path) -> None:
    rows = [*ROWS[:3], ROWS[3].replace(",0D8374,", ",,", 1)]
    t = tracks.load(write(tmp_path, "\n".join([HEADER, *rows]) + "\n", "s.csv"))
    assert t.sources[0].rejected_reasons == {"icao24 missing": 1, "repeated position (lastposupdate unchanged)": 1}
    assert t.rejected.set_index("reason").loc["icao24 missing", "record"] == 3
    assert t.data["icao24"].tolist() == ["0d8373", "0d8373"]


def test_history_header_only_and_mixed_case_addresses(tmp_path: Path) -> None:
    empty = tracks.load(write(tmp_path, HEADER + "\n", "empty.csv"))
    assert len(empty) == 0 and empty.sources[0].records_read == 0 and schema.check(empty.data) == []
    rows = [ROWS[0], ROWS[1].replace(",0d8373,", ", 0D8373 ,", 1), ROWS[2].replace(",0d8373,", ",0D8373,", 1)]
    t = tracks.load(write(tmp_path, "\n".join([HEADER, *rows]) + "\n", "case.csv"))
    assert t.data["icao24"].tolist() == ["0d8373", "0d8373"]  # one aircraft; row 1 repeats row 0
    assert t.sources[0].rejected_reasons == {"repeated position (lastposupdate unchanged)": 1}
