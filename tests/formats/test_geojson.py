"""GeoJSON: hand-written fixtures with exactly known output."""

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


def write(tmp_path: Path, doc: object, name: str = "t.geojson") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


def feature(geometry: dict, **props: object) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def test_linestring_with_coordtimes(tmp_path: Path) -> None:
    line = feature({"type": "LineString", "coordinates": [[-66.99, 10.6, 0], [-66.9, 10.7, 304.8], [-65.0, 9.0]]},
                   coordTimes=["2025-11-28T22:00:00Z", "2025-11-28T22:01:00Z", "2025-11-28T22:30:00Z"],
                   callsign="VCV2984", icao24="0D8373")
    airport = feature({"type": "Point", "coordinates": [0, 0]}, name="SVSE")
    t = tracks.load(write(tmp_path, collection(line, airport)))
    d = t.data
    assert schema.check(d) == [] and t.sources[0].format == "geojson"
    assert t.sources[0].records_read == 3  # the untimed airport point is not a position
    assert d["time"].tolist() == utc("2025-11-28T22:00:00Z", "2025-11-28T22:01:00Z", "2025-11-28T22:30:00Z")
    assert d["lon"].tolist() == [-66.99, -66.9, -65.0] and d["lat"].tolist() == [10.6, 10.7, 9.0]
    np.testing.assert_allclose(d["alt_geom_ft"][:2], [0, 1000], rtol=0, atol=1e-9)
    assert np.isnan(d.loc[2, "alt_geom_ft"])
    assert t.icao24 == "0d8373" and t.callsign == "VCV2984"


def test_multilinestring_nested_times_and_coordinate_properties(tmp_path: Path) -> None:
    multi = feature({"type": "MultiLineString", "coordinates": [[[1, 2], [1.1, 2.1]], [[3, 4]]]},
                    coordTimes=[[1764374400, 1764374460], [1764378000]])
    other = feature({"type": "LineString", "coordinates": [[5, 6]]},
                    coordinateProperties={"times": ["2025-11-29T02:00:00Z"]})
    d = tracks.load(write(tmp_path, collection(multi, other))).data
    assert d["time"].tolist() == utc("2025-11-29T00:00:00Z", "2025-11-29T00:01:00Z", "2025-11-29T01:00:00Z",
                                     "2025-11-29T02:00:00Z")
    assert d["new_leg"].tolist() == [False, False, True, True]


def test_points_with_time_property_and_unit_columns(tmp_path: Path) -> None:
    pts = [feature({"type": "Point", "coordinates": [-61.15, 4.555]}, timestamp=1764378600000, alt_ft=0, speed_kt=0),
           feature({"type": "Point", "coordinates": [-61.2, 4.6, 1000]}, timestamp=1764378540000, alt_ft=3000, speed_kt=140)]
    t = tracks.load(write(tmp_path, collection(*pts)))
    d = t.data  # sorted by time
    assert d["time"].tolist() == utc("2025-11-29T01:09:00Z", "2025-11-29T01:10:00Z")  # epoch ms by magnitude
    assert d["alt_baro_ft"].tolist() == [3000, 0] and d["gs_kt"].tolist() == [140, 0]
    assert d.loc[0, "alt_geom_ft"] == pytest.approx(1000 / 0.3048) and np.isnan(d.loc[1, "alt_geom_ft"])
    assert d["record"].tolist() == [1, 0]


def test_custom_time_property_and_tz(tmp_path: Path) -> None:
    pts = [feature({"type": "Point", "coordinates": [-61.15, 4.555]}, hora="2025-11-28 21:10:00")]
    p = write(tmp_path, collection(*pts))
    with pytest.raises(tracks.TrackFormatError, match="no timed positions"):
        tracks.load(p)
    with pytest.raises(tracks.TrackFormatError, match="no time zone"):
        tracks.load(p, time_property="hora")
    d = tracks.load(p, time_property="hora", tz="America/Caracas").data
    assert d["time"].tolist() == utc("2025-11-29T01:10:00Z")


def test_linestring_without_times_is_refused(tmp_path: Path) -> None:
    p = write(tmp_path, feature({"type": "LineString", "coordinates": [[1, 2], [3, 4]]}, name="route"))
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert str(p) in str(e.value) and "cannot become a track with times" in str(e.value)


def test_mismatched_time_array_names_feature(tmp_path: Path) -> None:
    line = feature({"type": "LineString", "coordinates": [[1, 2], [3, 4]]}, coordTimes=["2025-11-29T00:00:00Z"])
    p = write(tmp_path, collection(feature({"type": "Point", "coordinates": [0, 1]}), line))
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert "feature 1" in str(e.value) and "one time per vertex" in str(e.value)


def test_lat_lon_order_is_refused(tmp_path: Path) -> None:
    line = feature({"type": "LineString", "coordinates": [[4.5, -161.1], [4.6, -161.2]]},
                   coordTimes=["2025-11-29T00:00:00Z", "2025-11-29T00:01:00Z"])
    with pytest.raises(tracks.TrackFormatError, match=r"\[lat, lon\] order"):
        tracks.load(write(tmp_path, line))


def test_bad_records_rejected(tmp_path: Path) -> None:
    line = feature({"type": "LineString", "coordinates": [[1, 2], ["x", 2], [1, 2], [0, 0], [1, 2]]},
                   coordTimes=["2025-11-29T00:00:00Z", "2025-11-29T00:01:00Z", None, "2025-11-29T00:02:00Z", "soon"])
    t = tracks.load(write(tmp_path, collection(line, "junk")))
    assert len(t) == 1 and t.sources[0].records_read == 6
    assert t.rejected.set_index("record")["reason"].to_dict() == {
        1: "unreadable coordinates (expected [lon, lat(, alt)])", 2: "no time for this position",
        3: "position 0,0 is a placeholder for 'no position'", 4: "unreadable time in 'geometry time'",
        5: "feature is not an object"}
