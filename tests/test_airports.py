"""Airport lookup, nearest search and evidence-based wording of take-offs and landings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.helpers import make_track
from tracks.airports import (
    Event,
    airport,
    airport_table,
    describe_event,
    nearest_airports,
)
from tracks.geo.reach import geodesic_km


def test_airport_by_icao_iata_and_unknown() -> None:
    a = airport("svse")
    assert (a.icao, a.iata, a.elevation_ft, a.country) == ("SVSE", "SNV", 2938.0, "VE")
    assert airport("CCS").icao == "SVMI"
    with pytest.raises(KeyError, match="ZZZZ"):
        airport("ZZZZ")


def test_nearest_airports_sorted_with_geodesic_distances() -> None:
    near = nearest_airports(10.55, -66.92, within_km=30)
    assert list(near["icao"][:2]) == ["SVFM", "SVMI"] or list(near["icao"][:2]) == ["SVMI", "SVFM"]
    assert near["distance_km"].is_monotonic_increasing
    for r in near.itertuples():
        assert r.distance_km == pytest.approx(float(geodesic_km(10.55, -66.92, r.lat, r.lon)), rel=1e-9)
        assert r.distance_km <= 30
    # an exhaustive check over all airports agrees with the pre-filtered search
    t = airport_table()
    d_all = geodesic_km(np.full(len(t), 10.55), np.full(len(t), -66.92), t["lat"].to_numpy(), t["lon"].to_numpy())
    assert set(near["icao"]) == set(t.loc[d_all <= 30, "icao"])


@pytest.mark.parametrize(("lat", "lon", "within"), [
    (-16.9, 179.95, 120.0),   # Fiji, across the antimeridian
    (-17.0, -179.9, 150.0),   # the other side of it
    (78.2, 15.5, 300.0),      # Svalbard: longitude cells are narrow up there
    (88.5, 0.0, 900.0),       # near the pole: every airport is a candidate
    (10.0, -67.0, 0.0),       # on a cell corner, radius 0
    (0.001, -0.001, 80.0),    # at the origin of the cells
    (45.0, 10.0, 3500.0),     # a radius of thousands of km
])
def test_nearest_airports_cell_prefilter_matches_exhaustive_search(lat: float, lon: float, within: float) -> None:
    """The 1-degree cells that pre-select airports never leave one out (antimeridian, high latitudes, big radii)."""
    near = nearest_airports(lat, lon, within_km=within)
    t = airport_table()
    d_all = geodesic_km(np.full(len(t), lat), np.full(len(t), lon), t["lat"].to_numpy(), t["lon"].to_numpy())
    assert set(near["icao"]) == set(t.loc[d_all <= within, "icao"])
    assert len(near) == int((d_all <= within).sum())


def test_nearest_airports_types() -> None:
    helis = nearest_airports(38.78, -76.83, within_km=5000, types=["heliport"])
    assert len(helis) and set(helis["type"]) == {"heliport"}
    with pytest.raises(ValueError, match="unknown airport type"):
        nearest_airports(0, 0, 10, types=["spaceport"])


def _svse_landing(alts: list[float], ground: list[bool | None]) -> pd.DataFrame:
    # approach to SVSE from the north, last point on the field
    lats = [4.75, 4.65, 4.56]
    times = ["2025-11-29T01:05:00Z", "2025-11-29T01:07:00Z", "2025-11-29T01:09:30Z"]
    return make_track(times, lats, [-61.15] * 3, alt_baro_ft=alts,
                      on_ground=pd.array(ground, dtype="boolean")).data


def test_landing_with_ground_sample_is_landed_at() -> None:
    frame = _svse_landing([6000.0, 4500.0, np.nan], [False, False, True])
    e = describe_event("landing", frame, air=1, ground=2, observed=False)
    assert isinstance(e, Event)
    assert e.airport == "SVSE" and e.evidence == "ground"
    assert e.sentence.startswith("landed at SVSE between 01:07Z and 01:09Z")
    assert e.distance_km == pytest.approx(float(geodesic_km(4.56, -61.15, 4.555, -61.15)), rel=1e-6)
    assert e.last_sample_time == pd.Timestamp("2025-11-29T01:07:00Z")
    observed = describe_event("landing", frame, air=1, ground=2, observed=True)
    assert observed.sentence == "landed at SVSE 01:09Z" and observed.observed
    assert observed.time == pd.Timestamp("2025-11-29T01:09:30Z")


def test_final_approach_is_landed_at_but_not_observed() -> None:
    # last sample 1.2 km north of SVSE, 600 ft above its 2,938 ft elevation
    frame = make_track(["2025-11-29T01:08:00Z"], [4.566], [-61.15], alt_baro_ft=[3538.0]).data
    e = describe_event("landing", frame, air=0, ground=None, observed=False, boundary="the end of the track")
    assert e.airport == "SVSE" and e.evidence == "final_approach" and not e.observed
    assert e.height_above_airport_ft == pytest.approx(600.0)
    assert e.sentence.startswith("landed at SVSE after 01:08Z (last seen on final approach 1.2 km out, 600 ft")


def test_high_sample_is_last_seen_not_landed() -> None:
    # 12 km north of SVSE at 3,100 ft above the airport: wording must not claim a landing
    lat = 4.555 + 12 / 111.0
    frame = make_track(["2025-11-29T01:02:00Z"], [lat], [-61.15], alt_baro_ft=[6038.0]).data
    e = describe_event("landing", frame, air=0, ground=None, observed=False)
    assert e.airport == "" and e.evidence == "airborne" and e.nearest_airport == "SVSE"
    assert e.sentence == "last seen 12.0 km from SVSE at 6,000 ft, 01:02Z"
    assert e.height_above_airport_ft == pytest.approx(3100.0)


def test_helipad_trap() -> None:
    # directly above a heliport, 3,000 ft above it, track ends: never "landed at"
    heli = nearest_airports(38.78, -76.83, within_km=5000, types=["heliport"]).iloc[0]
    frame = make_track(["2025-01-01T12:00:00Z"], [heli["lat"]], [heli["lon"]],
                       alt_baro_ft=[heli["elevation_ft"] + 3000.0]).data
    e = describe_event("landing", frame, air=0, ground=None, observed=False)
    assert "landed" not in e.sentence and e.airport == ""
    assert e.sentence.startswith("last seen 0.0 km from " + heli["icao"])
    assert e.candidates[0].icao == heli["icao"] and e.candidates[0].height_above_ft == pytest.approx(3000.0)


def test_takeoff_first_seen_and_initial_climb() -> None:
    svmi = airport("SVMI")
    frame = make_track(["2025-11-28T23:20:00Z", "2025-11-28T23:21:00Z"], [svmi.lat, svmi.lat + 0.02],
                       [svmi.lon, svmi.lon], on_ground=pd.array([True, False], dtype="boolean"),
                       alt_baro_ft=[np.nan, 900.0]).data
    e = describe_event("takeoff", frame, air=1, ground=0, observed=True)
    assert e.sentence == "took off from SVMI 23:21Z" and e.airport == "SVMI" and e.observed
    climb = describe_event("takeoff", frame, air=1, ground=None, observed=False, boundary="the start of the track")
    assert climb.evidence == "initial_climb" and climb.airport == "SVMI"
    assert climb.sentence.startswith("took off from SVMI before 23:21Z (first seen climbing 2.2 km out")


def test_ground_far_from_any_airport() -> None:
    frame = make_track(["2025-01-01T00:00:00Z"], [5.5], [-63.0], on_ground=pd.array([True], dtype="boolean")).data
    e = describe_event("landing", frame, air=None, ground=0, observed=False, boundary="the start of the track")
    assert e.airport == "" and "no airport within 6 km" in e.sentence


def test_low_but_flying_away_is_not_final_approach() -> None:
    # 5.5 km north of SVSE, 600 ft above it: towards the airport (track 180) is an approach, away (000) is not
    towards = make_track(["2025-11-29T01:08:00Z"], [4.605], [-61.15], alt_baro_ft=[3538.0], track_deg=[180.0]).data
    away = make_track(["2025-11-29T01:08:00Z"], [4.605], [-61.15], alt_baro_ft=[3538.0], track_deg=[0.0]).data
    assert describe_event("landing", towards, air=0, ground=None, observed=False).evidence == "final_approach"
    e = describe_event("landing", away, air=0, ground=None, observed=False)
    assert e.evidence == "airborne" and e.sentence == "last seen 5.5 km from SVSE at 3,500 ft, 01:08Z"
