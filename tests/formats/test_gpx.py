"""GPX: hand-written fixtures with exactly known output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tracks
from tracks import schema


def utc(*stamps: str) -> list[pd.Timestamp]:
    return list(pd.to_datetime(list(stamps), utc=True, format="ISO8601"))


def gpx(body: str, version: str = "1.1") -> str:
    ns = "http://www.topografix.com/GPX/1/1" if version == "1.1" else "http://www.topografix.com/GPX/1/0"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="{version}" creator="test" xmlns="{ns}">{body}</gpx>'


def trkpt(lat: float, lon: float, time: str | None, ele: str | None = None, extra: str = "") -> str:
    e = f"<ele>{ele}</ele>" if ele is not None else ""
    t = f"<time>{time}</time>" if time is not None else ""
    return f'<trkpt lat="{lat}" lon="{lon}">{e}{t}{extra}</trkpt>'


def write(tmp_path: Path, text: str, name: str = "t.gpx") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_values_units_times_and_legs(tmp_path: Path) -> None:
    body = (
        "<trk><name>VCV2984</name><trkseg>"
        + trkpt(10.6, -66.99, "2025-11-28T22:00:00Z", "0")
        + trkpt(10.7, -66.9, "2025-11-28T22:01:00", "304.8")  # GPX times are UTC even without 'Z'
        + "</trkseg><trkseg>"
        + trkpt(9.0, -65.0, "2025-11-28T22:30:00.5+00:00", "10058.4")
        + "</trkseg></trk><trk><trkseg>"
        + trkpt(4.555, -61.15, "2025-11-29T01:10:00Z", "914.4")
        + "</trkseg></trk>"
        + '<wpt lat="4.5" lon="-61.1"><name>SVSE</name></wpt>'
    )
    t = tracks.load(write(tmp_path, gpx(body)))
    d = t.data
    assert schema.check(d) == [] and t.sources[0].format == "gpx"
    assert t.sources[0].records_read == 4  # the waypoint is not a position
    assert d["time"].tolist() == utc("2025-11-28T22:00:00Z", "2025-11-28T22:01:00Z", "2025-11-28T22:30:00.5Z",
                                     "2025-11-29T01:10:00Z")
    assert d["lat"].tolist() == [10.6, 10.7, 9.0, 4.555]
    np.testing.assert_allclose(d["alt_geom_ft"], [0, 1000, 33000, 3000], rtol=0, atol=1e-9)
    assert d["alt_baro_ft"].isna().all()
    assert d["new_leg"].tolist() == [False, False, False, True]  # second <trk>; a new trkseg is not a leg


def test_gpx10_speed_and_course_and_options(tmp_path: Path) -> None:
    body = "<trk><trkseg>" + trkpt(5.0, -62.0, "2025-11-29T01:00:00Z", "3048", "<course>150.5</course><speed>100</speed>") + "</trkseg></trk>"
    p = write(tmp_path, gpx(body, "1.0"))
    d = tracks.load(p, alt_ref="baro", icao24="0d8373", callsign="VCV2984").data
    assert d.loc[0, "gs_kt"] == pytest.approx(100 * 3600 / 1852, abs=1e-12)  # m/s -> kt
    assert d.loc[0, "track_deg"] == 150.5
    assert d.loc[0, "alt_baro_ft"] == pytest.approx(10000.0, abs=1e-9) and np.isnan(d.loc[0, "alt_geom_ft"])
    assert d.loc[0, "icao24"] == "0d8373" and d.loc[0, "callsign"] == "VCV2984"
    assert tracks.load(p, alt_ref="none").data["alt_geom_ft"].isna().all()


def test_bad_points_rejected_with_reasons(tmp_path: Path) -> None:
    body = "<trk><trkseg>" + "".join([
        trkpt(5.0, -62.0, "2025-11-29T01:00:00Z"),
        trkpt(5.0, -62.0, None),
        trkpt(5.0, -62.0, "yesterday"),
        '<trkpt lat="north" lon="-62"><time>2025-11-29T01:00:10Z</time></trkpt>',
        trkpt(95.0, -62.0, "2025-11-29T01:00:20Z"),
        trkpt(5.0, -62.0, "2025-11-29T01:00:30Z", "high"),
    ]) + "</trkseg></trk>"
    t = tracks.load(write(tmp_path, gpx(body)))
    assert len(t) == 1 and t.sources[0].records_read == 6
    assert t.rejected.set_index("record")["reason"].to_dict() == {
        1: "trkpt without <time>", 2: "unreadable time in 'time'", 3: "unreadable lat (expected a number)",
        4: "latitude outside -90..90", 5: "unreadable ele (expected a number)"}


def test_routes_and_untimed_tracks_are_refused(tmp_path: Path) -> None:
    p = write(tmp_path, gpx('<rte><rtept lat="1" lon="2"/><rtept lat="3" lon="4"/></rte>'))
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert str(p) in str(e.value) and "2 route point(s)" in str(e.value)
    p2 = write(tmp_path, gpx("<trk><trkseg>" + trkpt(1, 2, None) + "</trkseg></trk>"), "u.gpx")
    with pytest.raises(tracks.TrackFormatError, match="cannot become a track with times"):
        tracks.load(p2)


def test_malformed_xml_names_line(tmp_path: Path) -> None:
    text = gpx("<trk><trkseg>" + trkpt(1, 2, "2025-11-29T01:00:00Z") + "</trkseg>\n</trkx></gpx>")
    p = write(tmp_path, text)
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert str(p) in str(e.value) and "line 3" in str(e.value) and "invalid XML" in str(e.value)
