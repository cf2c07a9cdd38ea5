"""FlightAware KML and generic KML: hand-written fixtures with exactly known output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tracks
from tracks import schema

KML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'


def utc(*stamps: str) -> list[pd.Timestamp]:
    return list(pd.to_datetime(list(stamps), utc=True, format="ISO8601"))


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def gx_track(whens: list[str], coords: list[str], mode: str = "absolute") -> str:
    w = "".join(f"<when>{x}</when>" for x in whens)
    c = "".join(f"<gx:coord>{x}</gx:coord>" for x in coords)
    return f"<gx:Track><altitudeMode>{mode}</altitudeMode>{w}{c}</gx:Track>"


def flightaware(track: str, origin: str = "-66.99,10.6,0", dest: str = "0,0,0") -> str:
    return f"""{KML_HEAD}<Document><name>FlightAware ✈ VCV2984 29-Nov-2025 (SVMI-SVSE)</name>
<Placemark><name>SVMI Airport</name><Point><coordinates>{origin}</coordinates></Point></Placemark>
<Placemark><name>SVSE Airport</name><Point><coordinates>{dest}</coordinates></Point></Placemark>
<Placemark><name>VCV2984</name><description>SVMI - SVSE</description>{track}</Placemark>
<ScreenOverlay><name>FlightAware</name></ScreenOverlay></Document></kml>"""


def test_flightaware_metres_to_feet_and_airports_are_not_positions(tmp_path: Path) -> None:
    track = gx_track(["2025-11-29T00:50:00Z", "2025-11-29T00:50:30Z", "2025-11-29T01:09:59Z"],
                     ["-62.0 5.0 3048", "-61.9 4.9 1524.0", "-61.15 4.555 914.4"])
    t = tracks.load(write(tmp_path, "fa.kml", flightaware(track)))
    d = t.data
    src = t.sources[0]
    assert schema.check(d) == [] and src.format == "flightaware-kml"
    assert (src.records_read, src.records_kept) == (3, 3)  # the two airport placemarks (one at 0,0) are not records
    assert "2 Point placemark(s)" in src.note
    assert d["time"].tolist() == utc("2025-11-29T00:50:00Z", "2025-11-29T00:50:30Z", "2025-11-29T01:09:59Z")
    assert d["lon"].tolist() == [-62.0, -61.9, -61.15] and d["lat"].tolist() == [5.0, 4.9, 4.555]
    np.testing.assert_allclose(d["alt_baro_ft"], [10000.0, 5000.0, 3000.0], rtol=0, atol=1e-9)
    assert d["alt_geom_ft"].isna().all()
    assert t.callsign == "VCV2984" and (d["icao24"] == "000000").all()


def test_flightaware_unequal_when_and_coord_counts(tmp_path: Path) -> None:
    track = gx_track(["2025-11-29T00:50:00Z", "2025-11-29T00:50:30Z"], ["-62.0 5.0 3048"])
    p = write(tmp_path, "fa.kml", flightaware(track))
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    msg = str(e.value)
    assert str(p) in msg and "2 <when> but 1 <gx:coord>" in msg and "gx:Track 1" in msg


def test_generic_gx_track_altitude_is_geometric_and_only_when_absolute(tmp_path: Path) -> None:
    body = (f"<Placemark>{gx_track(['2025-11-29T00:00:00Z', '2025-11-29T00:01:00-04:00'], ['1 2 100', '1.1 2.1 200'])}</Placemark>"
            f"<Placemark>{gx_track(['2025-11-29T06:00:00Z'], ['3 4 300'], mode='clampToGround')}</Placemark>")
    p = write(tmp_path, "any.kml", f"{KML_HEAD}<Document>{body}</Document></kml>")
    t = tracks.load(p)
    d = t.data
    assert t.sources[0].format == "kml" and schema.check(d) == []
    assert d["time"].tolist() == utc("2025-11-29T00:00:00Z", "2025-11-29T04:01:00Z", "2025-11-29T06:00:00Z")
    np.testing.assert_allclose(d["alt_geom_ft"][:2], [100 / 0.3048, 200 / 0.3048])
    assert np.isnan(d.loc[2, "alt_geom_ft"]) and d["alt_baro_ft"].isna().all()
    assert d["new_leg"].tolist() == [False, False, True]  # a second gx:Track starts a new leg
    baro = tracks.load(p, alt_ref="baro").data
    np.testing.assert_allclose(baro["alt_baro_ft"][:1], [100 / 0.3048])
    assert tracks.load(p, alt_ref="none").data["alt_geom_ft"].isna().all()


def test_generic_timed_points_and_options(tmp_path: Path) -> None:
    marks = "".join(
        f"<Placemark><TimeStamp><when>{w}</when></TimeStamp><Point><coordinates>{c}</coordinates></Point></Placemark>"
        for w, c in [("2025-11-29T01:00:00", "-61.2,4.6"), ("2025-11-29T01:00:10", "-61.1,4.5")])
    p = write(tmp_path, "pts.kml", f"{KML_HEAD}<Document>{marks}<Placemark><Point><coordinates>9,9</coordinates></Point></Placemark></Document></kml>")
    with pytest.raises(tracks.TrackFormatError) as e:  # no zone: refuse to guess
        tracks.load(p)
    assert "no time zone" in str(e.value) and "record 0" in str(e.value) and str(p) in str(e.value)
    t = tracks.load(p, tz="America/Caracas", icao24="0d8373", callsign="VCV2984")
    assert t.data["time"].tolist() == utc("2025-11-29T05:00:00Z", "2025-11-29T05:00:10Z")
    assert t.icao24 == "0d8373" and t.callsign == "VCV2984" and len(t) == 2


def test_linestring_without_times_is_refused_clearly(tmp_path: Path) -> None:
    line = "<Placemark><LineString><coordinates>-66.99,10.6,0 -61.15,4.55,0</coordinates></LineString></Placemark>"
    p = write(tmp_path, "line.kml", f"{KML_HEAD}<Document>{line}</Document></kml>")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert str(p) in str(e.value) and "LineString" in str(e.value) and "cannot become a track with times" in str(e.value)


def test_bad_records_rejected_with_reasons(tmp_path: Path) -> None:
    track = gx_track(["2025-11-29T00:50:00Z", "", "not a time", "2025-11-29T00:51:00Z", "2025-11-29T00:52:00Z"],
                     ["-62.0 5.0 0", "-62.0 5.0 0", "-62.0 5.0 0", "east 5.0 0", "0 0 0"])
    t = tracks.load(write(tmp_path, "fa.kml", flightaware(track)))
    assert len(t) == 1 and t.sources[0].records_read == 5
    assert t.rejected.set_index("record")["reason"].to_dict() == {
        1: "empty <when>", 2: "unreadable time in 'when'",
        3: "unreadable coordinates (expected lon,lat[,alt] or 'lon lat alt')",
        4: "position 0,0 is a placeholder for 'no position'"}


def test_entities_are_refused(tmp_path: Path) -> None:
    text = '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><kml><Document>&b;</Document></kml>'
    p = write(tmp_path, "bomb.kml", text)
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert "entities" in str(e.value)


def test_bad_option_values(tmp_path: Path) -> None:
    p = write(tmp_path, "a.kml", flightaware(gx_track(["2025-11-29T00:50:00Z"], ["-62 5 0"])))
    with pytest.raises(tracks.TrackFormatError, match="alt_ref"):
        tracks.load(p, format="kml", alt_ref="agl")
    with pytest.raises(tracks.TrackFormatError, match="not an ICAO address"):
        tracks.load(p, icao24="xyz")
