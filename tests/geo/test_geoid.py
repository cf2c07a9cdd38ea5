"""Heights above airports from GNSS altitude are corrected for the geoid (EGM2008), and say so (issue 11, item 10)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tracks
from tests.helpers import make_track
from tracks.airports import (
    HEIGHT_FROM_GNSS,
    HEIGHT_FROM_PRESSURE,
    airport,
    amsl_altitudes_ft,
    heights_above_ft,
)
from tracks.geo.geoid import undulation_m
from tracks.units import M_PER_FT


def test_undulation_at_the_models_landmarks() -> None:
    """EGM2008's published landmarks: +14.90 m at the North Pole, -30.15 m at the South Pole (any longitude),
    its lowest point -106.9 m south of Sri Lanka (4.7 N 78.8 E) and its highest +85.8 m in New Guinea
    (8.4 S 147.4 E); Tokyo Haneda about +35.6 m (117 ft)."""
    assert undulation_m([90.0, 90.0], [0.0, 123.0]) == pytest.approx([14.90, 14.90], abs=0.01)
    assert undulation_m([-90.0, -90.0], [0.0, -77.0]) == pytest.approx([-30.15, -30.15], abs=0.01)
    lat, lon = np.meshgrid(np.arange(0.0, 10.0, 1 / 24), np.arange(74.0, 84.0, 1 / 24))
    low = undulation_m(lat, lon)
    k = int(np.argmin(low))
    assert low.ravel()[k] == pytest.approx(-106.9, abs=0.05)
    assert (lat.ravel()[k], lon.ravel()[k]) == pytest.approx((4.7, 78.75), abs=0.1)
    lat, lon = np.meshgrid(np.arange(-12.0, -2.0, 1 / 24), np.arange(142.0, 152.0, 1 / 24))
    assert float(undulation_m(lat, lon).max()) == pytest.approx(85.8, abs=0.05)
    rjtt = airport("RJTT")
    assert float(undulation_m(rjtt.lat, rjtt.lon)) / M_PER_FT == pytest.approx(117.0, abs=2.0)


def test_undulation_is_continuous_and_vectorised() -> None:
    """The grid's seam at 0/360 degrees and the antimeridian are invisible; one call for many points equals one
    call per point; non-finite positions give NaN."""
    assert undulation_m([0.0, 0.0], [-1e-9, 359.999999999]) == pytest.approx([float(undulation_m(0.0, 0.0))] * 2, abs=1e-6)
    assert float(undulation_m(10.0, 180.0)) == pytest.approx(float(undulation_m(10.0, -180.0)), abs=1e-9)
    rng = np.random.default_rng(5)
    lat, lon = rng.uniform(-90.0, 90.0, 50), rng.uniform(-180.0, 180.0, 50)
    many = undulation_m(lat, lon)
    assert many == pytest.approx([float(undulation_m(a, b)) for a, b in zip(lat, lon, strict=True)], abs=1e-9)
    near = undulation_m(35.0 + rng.uniform(0, 0.5, 20), 139.0 + rng.uniform(0, 0.5, 20))  # one window read
    assert np.all(np.abs(near - 36.0) < 5.0)
    assert np.isnan(undulation_m([np.nan], [0.0])).all()


def test_one_rule_for_heights_above_an_airport() -> None:
    """GNSS altitude less the geoid where a sample has one, else pressure altitude; which one, said per sample."""
    rjtt = airport("RJTT")
    n_ft = float(undulation_m(rjtt.lat, rjtt.lon)) / M_PER_FT
    frame = make_track(["2024-01-02T08:47:00Z", "2024-01-02T08:47:10Z", "2024-01-02T08:47:20Z"],
                       [rjtt.lat] * 3, [rjtt.lon] * 3, alt_geom_ft=[200.0, np.nan, np.nan],
                       alt_baro_ft=[-50.0, -50.0, np.nan]).data
    alt, basis = amsl_altitudes_ft(frame, [0, 1, 2])
    assert alt[0] == pytest.approx(200.0 - n_ft) and alt[1] == -50.0 and np.isnan(alt[2])
    assert list(basis) == [HEIGHT_FROM_GNSS, HEIGHT_FROM_PRESSURE, ""]
    h, basis = heights_above_ft(frame, [0, 1], rjtt.elevation_ft)
    assert h == pytest.approx([200.0 - n_ft - rjtt.elevation_ft, -50.0 - rjtt.elevation_ft])
    assert h[0] == pytest.approx(48.0, abs=3.0)  # not 165 ft, as the ellipsoid height minus elevation would say


def test_jl516_at_haneda_is_measured_above_the_geoid(corpus: Path) -> None:
    """JL516 (FR24 granular export, GNSS altitudes): the data ends on final approach 2 km short of Haneda at
    175 ft of GNSS altitude. Above the airport's 35 ft that is 24 ft once the 117 ft geoid undulation is taken off
    (140 ft uncorrected); the landing's height and its sentence say it comes from GNSS altitude less EGM2008."""
    tr = tracks.load(corpus / "fr24-granular-csv" / "JL516_Flightradar24_ADS-B_data_granular.csv.gz")
    landing = tr.legs()[-1].landing
    assert landing.airport == "RJTT" and landing.evidence == "final_approach"
    row = tr.data.iloc[landing.index]
    assert float(row["alt_geom_ft"]) == 175.0
    n_ft = float(undulation_m(float(row["lat"]), float(row["lon"]))) / M_PER_FT
    assert n_ft == pytest.approx(117.0, abs=2.0)
    assert landing.height_above_airport_ft == pytest.approx(175.0 - n_ft - airport("RJTT").elevation_ft, abs=1e-6)
    assert 0.0 < landing.height_above_airport_ft < 50.0
    assert landing.height_basis == HEIGHT_FROM_GNSS
    assert "from GNSS altitude less the EGM2008 geoid" in landing.sentence


def test_pressure_only_exports_say_so() -> None:
    """A final approach known only from pressure altitude (600 ft above SVSE) says 'from pressure altitude'."""
    from tracks.airports import describe_event

    frame = make_track([pd.Timestamp("2025-11-29T01:08:00Z")], [4.566], [-61.15], alt_baro_ft=[3538.0]).data
    e = describe_event("landing", frame, air=0, ground=None, observed=False, boundary="the end of the track")
    assert e.height_basis == HEIGHT_FROM_PRESSURE
    assert "600 ft above the airport, from pressure altitude;" in e.sentence
