"""Generic CSV / Parquet tables: hand-written fixtures with exactly known output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tracks
from tests.helpers import make_track
from tracks import schema


def utc(*stamps: str) -> list[pd.Timestamp]:
    return list(pd.to_datetime(list(stamps), utc=True, format="ISO8601"))


def write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_recognised_names_units_and_iso_times(tmp_path: Path) -> None:
    text = ("Time,Latitude,Longitude,Altitude (ft),geoaltitude_m,icao24,Flight,speed_kmh,vrate_ms,heading,squawk\n"
            "2025-11-29T01:00:00Z,5.0,-62.0,12000,3048,0D8373,VCV2984 ,1852,5.08,150,416\n"
            "2025-11-28T21:00:10-04:00,4.9,-61.9,11000,,0d8373,VCV2984,926,-2.54,151,\n")
    t = tracks.load(write(tmp_path, text))
    d = t.data
    assert schema.check(d) == [] and t.sources[0].format == "csv"
    assert d["time"].tolist() == utc("2025-11-29T01:00:00Z", "2025-11-29T01:00:10Z")
    assert d["alt_baro_ft"].tolist() == [12000, 11000]
    assert d.loc[0, "alt_geom_ft"] == pytest.approx(10000.0, abs=1e-9) and np.isnan(d.loc[1, "alt_geom_ft"])
    np.testing.assert_allclose(d["gs_kt"], [1000.0, 500.0], rtol=0, atol=1e-9)  # km/h -> kt
    np.testing.assert_allclose(d["vrate_fpm"], [1000.0, -500.0], rtol=0, atol=1e-9)  # m/s -> ft/min
    assert d["track_deg"].tolist() == [150, 151]
    assert t.icao24 == "0d8373" and d["callsign"].tolist() == ["VCV2984", "VCV2984"]
    assert d.loc[0, "squawk"] == "0416" and pd.isna(d.loc[1, "squawk"])
    assert "Latitude->lat" in t.sources[0].note


@pytest.mark.parametrize(("values", "expected"), [
    (["1764378600", "1764378610"], ["2025-11-29T01:10:00Z", "2025-11-29T01:10:10Z"]),  # epoch s
    (["1764378600000", "1764378610500"], ["2025-11-29T01:10:00Z", "2025-11-29T01:10:10.5Z"]),  # epoch ms
    (["1764378600.25", "1764378610"], ["2025-11-29T01:10:00.25Z", "2025-11-29T01:10:10Z"]),
])
def test_epoch_seconds_and_milliseconds_by_magnitude(tmp_path: Path, values: list[str], expected: list[str]) -> None:
    text = "timestamp;lat;lon\n" + "".join(f"{v};4.5;-61.1\n" for v in values)  # ';' delimiter
    assert tracks.load(write(tmp_path, text)).data["time"].tolist() == utc(*expected)


def test_odd_epoch_rows_are_rejected_not_shifted(tmp_path: Path) -> None:
    text = "time,lat,lon\n1764378600000,4.5,-61.1\n1764378610,4.5,-61.1\n0,4.5,-61.1\n1764378620000,4.5,-61.1\n"
    t = tracks.load(write(tmp_path, text))
    assert len(t) == 2
    reasons = t.rejected.set_index("record")["reason"].to_dict()
    assert reasons[1] == "epoch value magnitude differs from the column 'time' (which is in ms)"
    assert reasons[2] == "epoch value in column 'time' is before 1980 (a placeholder, not a time)"


def test_relative_seconds_are_refused(tmp_path: Path) -> None:
    p = write(tmp_path, "t,lat,lon\n0,1,2\n10,1,2\n", "rel.csv")
    with pytest.raises(tracks.TrackFormatError, match="not Unix epoch times"):
        tracks.load(p, columns={"t": "time"})


def test_naive_times_need_a_zone_unless_the_name_says_utc(tmp_path: Path) -> None:
    p = write(tmp_path, "datetime,lat,lon\n2025-11-28 21:10:00,4.5,-61.1\n")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert "no time zone" in str(e.value) and "record 0" in str(e.value) and "tz=" in str(e.value)
    assert tracks.load(p, tz="America/Caracas").data["time"].tolist() == utc("2025-11-29T01:10:00Z")
    p2 = write(tmp_path, "time_utc,lat,lon\n2025-11-29 01:10:00,4.5,-61.1\n", "u.csv")
    assert tracks.load(p2).data["time"].tolist() == utc("2025-11-29T01:10:00Z")


def test_altitude_without_unit_needs_an_option(tmp_path: Path) -> None:
    p = write(tmp_path, "time,lat,lon,altitude\n2025-11-29T01:10:00Z,4.5,-61.1,1000\n")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert "does not say its unit" in str(e.value) and "alt_unit" in str(e.value) and str(p) in str(e.value)
    assert tracks.load(p, alt_unit="m").data.loc[0, "alt_baro_ft"] == pytest.approx(1000 / 0.3048)
    assert tracks.load(p, alt_unit="ft").data.loc[0, "alt_baro_ft"] == 1000
    assert np.isnan(tracks.load(p, columns={"altitude": None}).data.loc[0, "alt_baro_ft"])


def test_explicit_column_mapping(tmp_path: Path) -> None:
    p = write(tmp_path, "MyLat\tMyLon\tWhen (UTC)\tHöhe\tKennung\n4.5\t-61.1\t2025-11-29T01:10:00Z\t100\tVCV2984\n", "m.tsv")
    with pytest.raises(tracks.TrackFormatError, match="cannot tell what format"):
        tracks.load(p)  # no recognisable lat/lon names: not sniffed as a table
    t = tracks.load(p, format="csv", columns={"MyLat": "lat", "MyLon": "lon", "When (UTC)": "time",
                                              "Höhe": "alt_geom_m", "Kennung": "callsign"})
    d = t.data
    assert d.loc[0, "lat"] == 4.5 and d.loc[0, "lon"] == -61.1
    assert d.loc[0, "alt_geom_ft"] == pytest.approx(100 / 0.3048) and d.loc[0, "callsign"] == "VCV2984"
    with pytest.raises(tracks.TrackFormatError, match="not in the file"):
        tracks.load(p, format="csv", columns={"Lat": "lat"})
    with pytest.raises(tracks.TrackFormatError, match="unknown target"):
        tracks.load(p, format="csv", columns={"MyLat": "latitude"})
    with pytest.raises(tracks.TrackFormatError, match="no time column"):
        tracks.load(p, format="csv", columns={"MyLat": "lat", "MyLon": "lon"})


def test_bad_rows_are_rejected_with_line_numbers(tmp_path: Path) -> None:
    text = ("time,lat,lon,alt_ft\n"
            "2025-11-29T01:10:00Z,4.5,-61.1,100\n"
            "2025-11-29T01:10:10Z,4.5\n"  # record 1: short row (line 3)
            "\n"
            "2025-11-29T01:10:20Z,abc,-61.1,100\n"  # record 2: blank lines are not records
            "2025-11-29T01:10:30Z,4.5,-61.1,lots\n"
            "2025-11-29T01:10:40Z,4.5,-181,100\n")
    t = tracks.load(write(tmp_path, text))
    assert len(t) == 1 and t.sources[0].records_read == 5
    assert t.rejected.set_index("record")["reason"].to_dict() == {
        1: "line 3: expected 4 fields, got 2", 2: "unreadable lat (expected a number)",
        3: "unreadable alt_ft (expected a number)", 4: "longitude outside -180..180"}


def test_round_trip_of_a_canonical_table(tmp_path: Path) -> None:
    track = make_track(["2025-11-29T01:00:00Z", "2025-11-29T01:00:10Z"], [4.5, 4.6], [-61.1, -61.2],
                       alt_baro_ft=[1000.0, np.nan], gs_kt=[140.0, 150.0], callsign=["VCV2984", "VCV2984"],
                       squawk=["0416", pd.NA], on_ground=pd.array([False, pd.NA], dtype="boolean"),
                       source=["mlat", "adsb"], stale=[False, True])
    p = tmp_path / "track.csv"
    track.data.to_csv(p, index=False)
    back = tracks.load(p)
    expected = schema.conform(track.data.assign(file=str(p)))
    pd.testing.assert_frame_equal(back.data, expected)
    assert "provenance of another file" in back.sources[0].note


def test_parquet_with_typed_columns(tmp_path: Path) -> None:
    table = pa.table({
        "time": pa.array(pd.to_datetime(["2025-11-29T01:10:00Z", "2025-11-29T01:10:10Z"], utc=True)),
        "latitude": [4.5, 4.6], "longitude": [-61.1, -61.2], "alt_m": [304.8, 609.6],
        "hex": ["0D8373", "0d8373"], "serials": [[1, 2], [3]],
    })
    p = tmp_path / "t.parquet"
    pq.write_table(table, p)
    t = tracks.load(p)
    d = t.data
    assert t.sources[0].format == "parquet" and schema.check(d) == []
    assert d["time"].tolist() == utc("2025-11-29T01:10:00Z", "2025-11-29T01:10:10Z")
    np.testing.assert_allclose(d["alt_baro_ft"], [1000, 2000], rtol=0, atol=1e-9)
    assert t.icao24 == "0d8373"


def test_parquet_naive_timestamps_need_a_zone(tmp_path: Path) -> None:
    p = tmp_path / "n.parquet"
    pq.write_table(pa.table({"time": pa.array(pd.to_datetime(["2025-11-28 21:10:00"])), "lat": [4.5], "lon": [-61.1]}), p)
    with pytest.raises(tracks.TrackFormatError, match="no time zone"):
        tracks.load(p)
    assert tracks.load(p, tz="America/Caracas").data["time"].tolist() == utc("2025-11-29T01:10:00Z")


def test_truncated_parquet_is_a_format_error(tmp_path: Path) -> None:
    p = tmp_path / "t.parquet"
    pq.write_table(pa.table({"time": [1764378600], "lat": [4.5], "lon": [-61.1]}), p)
    bad = tmp_path / "bad.parquet"
    data = p.read_bytes()
    bad.write_bytes(data[:20] + data[-30:])
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(bad)
    assert str(bad) in str(e.value) and "Parquet" in str(e.value)


def test_identifiers_stay_text(tmp_path: Path) -> None:
    # pyarrow would read these as numbers (hex literal, float with exponent, leading zero)
    text = "time,lat,lon,hex,squawk\n2025-11-29T01:10:00Z,4.5,-61.1,0x0D8373,0416\n2025-11-29T01:10:10Z,4.5,-61.1,1e5000,7\n"
    t = tracks.load(write(tmp_path, text))
    assert sorted(t.data["icao24"].tolist()) == ["0d8373", "1e5000"]
    assert t.data["squawk"].tolist() == ["0416", "0007"]


def test_times_beyond_the_canonical_range_are_rejected(tmp_path: Path) -> None:
    # year 3025 parses as ISO 8601, but datetime64[ns] ends in 2262: a typo, rejected with a reason
    t = tracks.load(write(tmp_path, "time,lat,lon\n3025-11-29T01:00:00Z,1,2\n2025-11-29T01:00:00Z,1,2\n"))
    assert len(t) == 1
    assert t.rejected["reason"].tolist() == ["time in 'time' outside 1677..2262"]


def test_header_longer_than_the_sniffing_window(tmp_path: Path) -> None:
    extra = ",".join(f"column_{i}" for i in range(600))  # a 6 KiB header
    t = tracks.load(write(tmp_path, f"time,lat,lon,{extra}\n2025-11-29T01:00:00Z,1,2,{',' * 599}\n"))
    assert len(t) == 1 and t.data.loc[0, "lon"] == 2


def test_non_icao_addresses_load_from_a_table_and_round_trip(tmp_path: Path) -> None:
    """readsb marks addresses that are not ICAO-assigned with '~' (TIS-B, anonymised); the schema, the SBS and
    readsb readers accept them. The table reader had its own address check, which cut text longer than 6
    characters: every row of a '~' aircraft was rejected as an 'unreadable hex', so a CSV that `tracks export`
    wrote for such an aircraft did not load back."""
    from tracks.export import export

    p = tmp_path / "tisb.csv"
    p.write_text("time,lat,lon,alt_ft,hex\n2025-11-29T01:00:00Z,5.0,-62.0,12000,~1A2B3C\n"
                 "2025-11-29T01:00:10Z,5.01,-62.0,12100,~1a2b3c\n2025-11-29T01:00:20Z,5.02,-62.0,12200,d8373\n")
    t = tracks.load(p)
    assert t.data["icao24"].tolist() == ["0d8373", "~1a2b3c", "~1a2b3c"] and t.sources[0].records_rejected == 0
    one = tracks.load(p).select("~1a2b3c")
    out = export(one, tmp_path / "out.csv")
    back = tracks.load(out)
    assert back.icao24 == "~1a2b3c" and len(back) == 2
