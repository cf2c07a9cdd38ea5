"""GeoPandas / pandas interop: GeoDataFrames of every kind, __geo_interface__, and tables loaded back."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import tracks
from tests.helpers import make_track
from tracks import schema
from tracks.errors import TrackFormatError

T = ["2025-11-29T01:00:00Z", "2025-11-29T01:00:30Z", "2025-11-29T01:01:00Z", "2025-11-29T01:11:00Z",
     "2025-11-29T01:11:30Z"]


def small() -> tracks.Track:
    return make_track(T, [4.0, 4.1, 4.2, 4.6, 4.7], [-61.0, -61.1, -61.2, -61.6, -61.7], callsign="VCV2984",
                      alt_baro_ft=[9000.0, 9100.0, np.nan, 9500.0, 9600.0])


def test_points_round_trip_keeps_every_column_dtype_source_and_rejection(corpus: Path) -> None:
    for path in (corpus / "readsb-trace" / "trace_full_ac671b.json", corpus / "fr24-playback-json" / "2ce4f83f.json",
                 corpus / "readsb-aircraft-json" / "r00b__roob1090" / "aircraft.json"):
        t = tracks.load(path)
        g = t.to_geodataframe()
        assert isinstance(g, gpd.GeoDataFrame) and g.crs.to_epsg() == 4326 and len(g) == len(t)
        assert (g.geometry.x.to_numpy() == t.data["lon"].to_numpy()).all()
        back = tracks.load(g)
        assert type(back) is type(t)
        pd.testing.assert_frame_equal(back.data, t.data)  # every column of docs/schema.md, with its dtype
        assert list(back.data.dtypes.astype(str)) == [c.dtype_name for c in schema.COLUMNS]
        assert back.sources == t.sources
        pd.testing.assert_frame_equal(back.rejected, t.rejected)


def test_rejections_survive_the_round_trip_and_two_tables_concatenate(tmp_path: Path) -> None:
    import json

    bad = {"icao": "0d8373", "timestamp": 1764374400.0,
           "trace": [[0.0, 10.6, -66.99, 1000, 120.0, 90.0, 0, 0, None, "adsb_icao"],
                     [10.0, 95.0, -66.9, 1100, 120.0, 90.0, 0, 0, None, "adsb_icao"],
                     [20.0, 10.62, -66.97, 1200, 120.0, 90.0, 0, 0, None, "adsb_icao"]]}
    path = tmp_path / "trace_full_0d8373.json"
    path.write_text(json.dumps(bad))
    t = tracks.load(path)
    assert len(t.rejected) == 1
    g = t.to_geodataframe()
    back = tracks.load(g)
    pd.testing.assert_frame_equal(back.rejected, t.rejected)
    both = pd.concat([g, small().to_geodataframe()], ignore_index=True)  # attrs differ: pandas drops them
    assert len(tracks.load(both)) == len(t) + 5


def test_plain_dataframe_and_geometry_only_tables_load(tmp_path: Path) -> None:
    t = small()
    df = pd.DataFrame(t.data)
    back = tracks.load(df)
    pd.testing.assert_frame_equal(back.data, t.data)
    assert back.sources[0].format == "dataframe" and back.sources[0].sha256 == ""
    # positions only in the geometry, in another CRS (Web Mercator): converted back to lon/lat
    g = gpd.GeoDataFrame(df.drop(columns=["lat", "lon"]), geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                         crs="EPSG:4326").to_crs("EPSG:3857")
    g["extra"] = 1
    back = tracks.load(g)
    assert np.allclose(back.data["lat"], t.data["lat"]) and np.allclose(back.data["lon"], t.data["lon"])
    assert "columns not in the schema dropped: extra" in back.sources[0].note
    assert len(df) == 5 and "extra" not in df  # the input is not modified


def test_bad_tables_are_refused_or_rejected_with_reasons() -> None:
    t = small()
    naive = pd.DataFrame(t.data).assign(time=t.data["time"].dt.tz_localize(None))
    with pytest.raises(TrackFormatError, match="<DataFrame>: column 'time': 'time' has no time zone"):
        tracks.load(naive)
    with pytest.raises(TrackFormatError, match="no 'lat'/'lon' columns"):
        tracks.load(pd.DataFrame({"time": t.data["time"]}))
    bad = pd.DataFrame(t.data)
    bad.loc[1, "lat"] = 95.0
    back = tracks.load(bad)
    assert len(back) == 4 and back.rejected["reason"].tolist() == ["latitude outside -90..90"]
    lines = gpd.GeoDataFrame({"time": t.data["time"][:1]}, geometry=[shapely.LineString([(0, 0), (1, 1)])], crs=4326)
    with pytest.raises(TrackFormatError, match="not points"):
        tracks.load(lines)


def test_segments_legs_and_gaps() -> None:
    t = small()
    seg = t.to_geodataframe("segments")
    assert len(seg) == 4 and seg["gap"].tolist() == [False, False, True, False]
    assert seg["duration_s"].tolist() == [30.0, 30.0, 600.0, 30.0]
    assert seg.geometry.iloc[2].coords[:] == [(-61.2, 4.2), (-61.6, 4.6)]
    gaps = t.to_geodataframe("gaps")
    assert gaps["gap_id"].tolist() == ["gap-1"] and gaps["duration_s"].iloc[0] == 600.0
    assert gaps.geometry.iloc[0].coords[:] == [(-61.2, 4.2), (-61.6, 4.6)]
    assert gaps["reach"].iloc[0].contains(shapely.Point(-61.4, 4.4))  # the ellipse holds the straight line
    legs = t.to_geodataframe("legs")
    assert len(legs) == len(t.legs()) == 1
    geom = legs.geometry.iloc[0]
    assert geom.geom_type == "MultiLineString" and len(geom.geoms) == 2  # broken at the gap, not joined
    # several aircraft: segments never join two aircraft
    other = make_track(T[:2], [10.0, 10.1], [-66.0, -66.1], icao24="0d81ec")
    traffic = tracks.Traffic(pd.concat([t.data, other.data], ignore_index=True))
    seg = traffic.to_geodataframe("segments")
    assert len(seg) == 5 and set(seg["icao24"]) == {"0d8373", "0d81ec"}
    assert len(traffic.to_geodataframe("points")) == 7


def test_geo_interface_breaks_lines_at_gaps() -> None:
    t = small()
    gi = t.__geo_interface__
    assert gi["type"] == "Feature" and gi["properties"]["icao24"] == "0d8373" and gi["properties"]["gaps"] == 1
    geom = shapely.geometry.shape(gi["geometry"])
    assert geom.geom_type == "MultiLineString" and [len(g.coords) for g in geom.geoms] == [3, 2]
    one = make_track(T[:1], [4.0], [-61.0])
    assert shapely.geometry.shape(one.__geo_interface__["geometry"]).geom_type == "Point"
    fc = tracks.Traffic(pd.concat([t.data, one.data.assign(icao24="0d81ec")], ignore_index=True)).__geo_interface__
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 2
    assert gpd.GeoDataFrame.from_features(fc).shape[0] == 2


def test_inside_bbox_and_between() -> None:
    t = small()
    assert len(t.inside_bbox(-61.25, 3.9, -60.9, 4.25)) == 3
    east_west = make_track(T[:3], [0.0, 0.0, 0.0], [179.5, -179.5, 10.0])
    assert len(east_west.inside_bbox(170, -1, -170, 1)) == 2  # across the antimeridian
    assert len(t.between("2025-11-29T01:00:30Z", "2025-11-29T01:11:00Z")) == 3


def test_check_result_evidence_as_geodataframe() -> None:
    from tests.helpers import REPO

    result = tracks.check(REPO / "data" / "cases" / "venezuela-2025-11" / "case.yaml")
    ev = result.to_geodataframe()
    assert set(ev["claim_id"]) == {v.claim_id for v in result.verdicts}
    assert {"sample", "line"} <= set(ev["kind"])
    lines = ev[ev["kind"] == "line"]
    assert (lines.geometry.geom_type == "LineString").all()
    samples = ev[ev["kind"] == "sample"]
    assert samples["time"].dt.tz is not None and (samples.geometry.geom_type == "Point").all()
    assert result.__geo_interface__["type"] == "FeatureCollection"
    assert len(result.to_geodataframe("points")) == len(result.track)
