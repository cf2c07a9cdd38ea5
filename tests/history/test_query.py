"""Region queries on a history dataset: exact answers on hand-made traces, filters, coverage, extraction."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

import tracks
from benchmarks import history_gen
from tracks.geo.regions import get_region
from tracks.history import DatasetError, Filters, extract, ingest, region_traffic

DAY = date(2025, 11, 29)
MIDNIGHT = 1764374400.0
SQUARE = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "FIR1", "name": "Test FIR"},
          "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}}]}


def _trace(icao: str, points: list[tuple[float, float, float]], **extra: object) -> tuple[str, bytes]:
    """(member name, gzip bytes) of a trace with points (seconds after midnight, lat, lon)."""
    pts = [[t, la, lo, 30000, 450.0, 90.0, 0, 0, {"flight": extra.get("flight", "TEST1")} if i == 0 else None,
            "adsb_icao", None, None, None, None] for i, (t, la, lo) in enumerate(points)]
    doc = {"icao": icao, "timestamp": MIDNIGHT, "trace": pts, **{k: v for k, v in extra.items() if k != "flight"}}
    return f"./traces/{icao[-2:]}/trace_full_{icao}.json", gzip.compress(json.dumps(doc).encode())


@pytest.fixture(scope="module")
def handmade(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("hand")
    t0 = 10 * 3600.0
    members = [
        # A: flies straight through the square along lat 0.5, lon -0.5 -> 1.5, a sample every 30 s (0.05 deg)
        _trace("0a0001", [(t0 + 30 * i, 0.5, -0.5 + 0.05 * i) for i in range(41)], flight="AAA1"),
        # B: cuts the corner (0, 1) between two samples outside: y = x + 0.9 is inside for 0 < x < 0.1
        _trace("0b0002", [(t0, 0.7, -0.2), (t0 + 40, 1.1, 0.2)], flight="BBB2"),
        # C: outside, then 10 minutes without a position (a gap) whose straight line crosses the square
        _trace("0c0003", [(t0, 0.5, -0.3), (t0 + 600, 0.5, 1.3)], flight="CCC3"),
        # D: a military aircraft (dbFlags 1) with one sample inside, in hour 14
        _trace("ae1234", [(14 * 3600.0, 1.5, 0.5), (14 * 3600.0 + 20, 0.99, 0.5), (14 * 3600.0 + 40, 1.5, 0.6)],
               dbFlags=1, flight="BONE11"),
        # E: goes around the corner (1, 1) outside: its box meets the square's, no sample or segment inside
        _trace("0e0005", [(t0, 0.5, 1.2), (t0 + 30, 1.2, 1.2), (t0 + 60, 1.2, 0.5)], flight="EEE5"),
        # F: near (within 300 km of the box) but never inside; G: far away
        _trace("0f0006", [(t0, 2.0, 2.0), (t0 + 30, 2.05, 2.05)]),
        _trace("0a0007", [(t0, 40.0, 10.0), (t0 + 30, 40.05, 10.05)]),
    ]
    parts = history_gen.write_release(tmp / "rel", DAY, members, part_size=1 << 20)
    ingest([str(p) for p in parts], tmp / "ds", jobs=1, progress=False)
    region_file = tmp / "fir.geojson"
    region_file.write_text(json.dumps(SQUARE))
    return tmp / "ds", region_file


def test_counts_segments_not_only_samples_with_exact_times(handmade) -> None:
    ds, fir = handmade
    rt = region_traffic(ds, "FIR1", region_files=(str(fir),))
    day = rt.days.iloc[0]
    assert (day.day, day.aircraft_inside, day.possibly_inside, day.aircraft_in_day) == ("2025-11-29", 3, 1, 7)
    assert day.aircraft_near == 6  # all but the far one
    ac = rt.aircraft.set_index("icao24")
    assert list(ac.index) == ["0a0001", "0b0002", "0c0003", "ae1234"]
    a = ac.loc["0a0001"]
    assert a.points_inside == 19 and a.entries == 1 and a.exits == 1 and a.callsign == "AAA1"
    t0 = pd.Timestamp("2025-11-29T10:00:00Z")
    # lon -0.5 -> 0 takes 10 samples of 30 s: entry at 300 s, exit (lon 1) at 900 s (constant speed)
    assert abs((a.first_inside - t0).total_seconds() - 300) < 0.01
    assert abs((a.last_inside - t0).total_seconds() - 900) < 0.01
    assert a.first_entry == a.first_inside and a.last_exit == a.last_inside
    b = ac.loc["0b0002"]
    assert b.points_inside == 0 and b.entries == 1 and b.exits == 1 and bool(b.observed)
    assert abs((b.first_inside - t0).total_seconds() - 20) < 0.1 and abs((b.last_inside - t0).total_seconds() - 30) < 0.1
    c = ac.loc["0c0003"]
    assert not c.observed and c.points_inside == 0 and c.entries == 0  # possibly inside, in a gap: not counted
    d = ac.loc["ae1234"]
    assert d.points_inside == 1 and d.db_flags == 1
    assert "0e0005" not in ac.index


def test_hourly_and_filters(handmade) -> None:
    ds, fir = handmade
    rt = region_traffic(ds, "FIR1", region_files=(str(fir),))
    hourly = rt.hourly().set_index("hour")["aircraft_inside"]
    assert len(hourly) == 24
    assert hourly[pd.Timestamp("2025-11-29T10:00Z")] == 2 and hourly[pd.Timestamp("2025-11-29T14:00Z")] == 1
    assert hourly.sum() == 3
    mil = region_traffic(ds, "FIR1", region_files=(str(fir),), db_flags=1)
    assert mil.aircraft["icao24"].tolist() == ["ae1234"] and mil.days.iloc[0].selected_in_day == 1
    assert mil.days.iloc[0].aircraft_near == 6  # coverage counts every aircraft, whatever the filter
    assert region_traffic(ds, "FIR1", region_files=(str(fir),), hex_prefix="ae").aircraft["icao24"].tolist() == ["ae1234"]
    by_call = region_traffic(ds, "FIR1", region_files=(str(fir),), callsign="^(AAA|BBB)")
    assert by_call.aircraft["icao24"].tolist() == ["0a0001", "0b0002"]
    missing = region_traffic(ds, "FIR1", region_files=(str(fir),), start="2025-11-28", end="2025-11-30")
    assert missing.missing_days == ["2025-11-28", "2025-11-30"] and len(missing.days) == 1


def test_extract_writes_tracks_that_tracks_load_reads(handmade, tmp_path) -> None:
    ds, _ = handmade
    paths = extract(ds, tmp_path / "x", icao24=("0a0001", "0b0002"))
    assert [Path(p).name for p in paths] == ["0a0001.csv", "0b0002.csv"]
    t = tracks.load(paths[0])
    assert len(t) == 41 and t.icao24 == "0a0001" and t.callsign == "AAA1"
    assert t.data["time"].iloc[0] == pd.Timestamp("2025-11-29T10:00:00Z")


def test_every_flight_with_a_sample_inside_venezuela_is_counted(generated, dataset) -> None:
    _, truth = generated
    ve = get_region("VE").geometry
    rt = region_traffic(dataset, "VE")
    counted = {d: set(g) for d, g in rt.aircraft[rt.aircraft["observed"]].groupby("day")["icao24"]}
    for day, flights in truth.items():
        sample_inside = {f.icao for f in flights if shapely.contains_xy(ve, f.lon, f.lat).any()}
        far = {f.icao for f in flights if f.kind in ("filler",)} | {
            f.icao for f in flights if (np.abs(f.lat - 14.3) < 1.5).all() and (f.lon > -68.5).all()}  # orbits
        got = counted.get(day.isoformat(), set())
        assert sample_inside <= got
        assert not (far - sample_inside) & got
    after = rt.days.set_index("day")
    assert after.loc["2025-11-29", "aircraft_inside"] < after.loc["2025-11-27", "aircraft_inside"]


@pytest.mark.parametrize(("lat", "azimuth"), [(0.0, 0.0), (0.0, 180.0), (0.0, 90.0), (60.0, 0.0), (60.0, 90.0),
                                              (-45.0, 270.0)])
def test_the_near_box_holds_every_point_within_near_km(lat: float, azimuth: float) -> None:
    """Coverage counts aircraft seen within near_km of the region's box: the widened box must hold every such
    point. It was widened by near_km / 111.32 degrees of latitude, but a degree of latitude is 110.57 km at
    the equator, so points up to 0.7 % of near_km inside the distance fell outside the box."""
    from tracks.geo.geodesy import GEOD
    from tracks.geo.regions import Region
    from tracks.history.scan import boxes

    region = Region("SQ", "square", shapely.box(-1.0, lat - 1.0, 1.0, lat + 1.0), "user", "test")
    near_km = 300.0
    (x0, y0, x1, y1), (nx0, ny0, nx1, ny1) = boxes(region, near_km)
    edge = {0.0: (0.0, y1), 180.0: (0.0, y0), 90.0: (x1, lat), 270.0: (x0, lat)}[azimuth]
    lon, lat2, _ = GEOD.fwd(edge[0], edge[1], azimuth, near_km * 1000.0 * 0.9999)
    assert nx0 <= lon <= nx1 and ny0 <= lat2 <= ny1


@pytest.mark.parametrize(("options", "named"), [
    ({"start": "2025-13-01"}, r"start day \(--start\) '2025-13-01' is not a date: give it as YYYY-MM-DD"),
    ({"start": "notadate"}, r"start day \(--start\) 'notadate' is not a date"),
    ({"end": "2025-11-29x"}, r"end day \(--end\) '2025-11-29x' is not a date"),
    ({"start": "1900-01-01"}, r"start day \(--start\) 1900-01-01 is outside 1980-01-01\.\.2262-04-11"),
    ({"end": date(9999, 1, 1)}, r"end day \(--end\) 9999-01-01 is outside"),
    ({"callsign": "("}, r"callsign pattern \(--callsign\) '\(' is not a regular expression RE2 accepts \(missing \)"),
    ({"hex_prefix": "zz"}, r"address prefix \(--hex-prefix\) 'zz' is not 1 to 6 hex digits"),
    ({"hex_prefix": ("ae", "")}, r"address prefix \(--hex-prefix\) ''"),
    ({"icao24": ("0d837",)}, r"address \(--icao24\) '0d837' is not an ICAO address"),
    ({"near_km": -5}, r"near_km \(--near-km\) must be 0 km or more, not -5"),
    ({"near_km": float("nan")}, r"near_km \(--near-km\) must be 0 km or more, not nan"),
])
def test_bad_options_are_a_dataset_error_naming_them(handmade, tmp_path, options: dict, named: str) -> None:
    ds, fir = handmade
    with pytest.raises(DatasetError, match=named):
        region_traffic(ds, "FIR1", region_files=(str(fir),), **options)
    if "near_km" not in options:
        with pytest.raises(DatasetError, match=named):
            extract(ds, tmp_path / "x", **{"icao24": ("0a0001",), **options})
        assert not (tmp_path / "x").exists()


def test_filters_are_kept_canonical_and_good_days_pass(handmade) -> None:
    assert Filters((" AE", "0x0D8"), "^VCV", None, ("0D8373",)).sql()[1] == ["ae", "0d8", "^VCV", ["0d8373"]]
    ds, fir = handmade
    rt = region_traffic(ds, "FIR1", region_files=(str(fir),), hex_prefix="AE", start=date(2025, 11, 29),
                        end=pd.Timestamp("2025-11-29T23:00", tz="UTC"), near_km=0)
    assert rt.aircraft["icao24"].tolist() == ["ae1234"] and rt.missing_days == []
