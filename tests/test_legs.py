"""Gaps (shared gap definition + reachability ellipses) and legs (take-off to landing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shapely import Point

from tests.helpers import make_track
from tracks.gaps import Gaps, find_gaps
from tracks.geo.reach import geodesic_km
from tracks.observation import observe


def _times(start: str, offsets_s: list[float]) -> list[str]:
    t0 = pd.Timestamp(start)
    return [(t0 + pd.Timedelta(seconds=s)).isoformat() for s in offsets_s]


# -- gaps ----------------------------------------------------------------------------------------------------

def test_gaps_exact_times_distances_and_ids() -> None:
    # samples every 10 s, then a 300 s hole, then a stale-flagged sample after 20 s
    offsets = [0, 10, 20, 320, 330, 350]
    lats = [10.0, 10.01, 10.02, 10.3, 10.31, 10.33]
    stale = [False, False, False, False, False, True]
    tr = make_track(_times("2025-11-29T00:59:00Z", offsets), lats, [-66.0] * 6, stale=stale, gs_kt=[300.0] * 6)
    gaps = find_gaps(tr, max_gap_s=60, max_speed_kt=400)
    f = gaps.frame
    assert list(f["gap_id"]) == ["gap-1", "gap-2"]
    assert list(f["start_index"]) == [2, 4] and list(f["end_index"]) == [3, 5]
    assert list(f["cause"]) == ["time", "stale"]
    assert list(f["duration_s"]) == [300.0, 20.0]
    assert f["start_time"].iloc[0] == pd.Timestamp("2025-11-29T00:59:20Z")
    assert f["end_time"].iloc[0] == pd.Timestamp("2025-11-29T01:04:20Z")  # crosses 01:00 fine
    d = float(geodesic_km(10.02, -66.0, 10.3, -66.0))
    assert f["distance_km"].iloc[0] == pytest.approx(d, rel=1e-9)
    assert f["implied_speed_kt"].iloc[0] == pytest.approx(d / 1.852 / (300 / 3600), rel=1e-9)
    assert f["reach_km"].iloc[0] == pytest.approx(400 * 1.852 * 300 / 3600, rel=1e-9)
    assert not f["exceeds_max_speed"].any()


def test_gap_ellipse_contains_endpoints_and_respects_major_axis() -> None:
    tr = make_track(_times("2025-11-29T00:00:00Z", [0, 600]), [4.555, 5.5], [-61.15, -62.0])
    gaps = find_gaps(tr, max_speed_kt=600)
    e = gaps.ellipse("gap-1")
    assert e.contains(Point(-61.15, 4.555)) and e.contains(Point(-62.0, 5.5))
    lon, lat = np.asarray(e.exterior.coords).T
    sums = geodesic_km(lat, lon, 4.555, -61.15) + geodesic_km(lat, lon, 5.5, -62.0)
    assert np.allclose(sums, 600 * 1.852 * 600 / 3600, rtol=0.005)
    with pytest.raises(KeyError, match="gap-9"):
        gaps.ellipse("gap-9")


def test_gap_faster_than_max_speed_is_flagged_not_dropped() -> None:
    tr = make_track(_times("2025-11-29T00:00:00Z", [0, 120]), [0.0, 1.0], [0.0, 0.0])  # 111 km in 2 min
    gaps = find_gaps(tr, max_speed_kt=300)
    assert bool(gaps.frame["exceeds_max_speed"].iloc[0])
    assert gaps.frame["reach_km"].iloc[0] == pytest.approx(gaps.frame["distance_km"].iloc[0])
    assert gaps.ellipse("gap-1").is_valid


def test_no_gaps_is_an_empty_table() -> None:
    tr = make_track(_times("2025-11-29T00:00:00Z", [0, 10, 20]), [0, 0.01, 0.02], [0, 0, 0])
    gaps = tr.gaps()
    assert isinstance(gaps, Gaps) and len(gaps) == 0 and gaps.ellipses() == {}
    assert "gap_id" in gaps.frame.columns


def test_speed_bound_is_the_fastest_speed_observed_plus_20_percent() -> None:
    n = 100
    tr = make_track(_times("2025-11-29T00:00:00Z", list(range(0, 10 * n, 10))), np.linspace(0, 1, n), [0.0] * n,
                    gs_kt=np.linspace(100, 500, n))
    speed = observe(tr).speed
    # the fastest reported ground speed is 500 kt (the last sample); between positions 30 s apart ~ 218 kt
    assert (speed.kt, speed.source, speed.fastest_kt, speed.basis) == (pytest.approx(600.0), "observed", 500.0,
                                                                       "reported ground speed")
    assert speed.at == tr.data["time"].iloc[-1]
    assert speed.sentence().startswith("600 kt: 1.2 x the fastest speed observed for this aircraft in the files "
                                       "(500 kt, reported ground speed, 29 Nov 00:16Z)")
    # without ground speeds: the average speed between positions at least 30 s apart, never across a gap
    no_gs = make_track(_times("2025-11-29T00:00:00Z", [0, 300, 600]), [0.0, 0.5, 1.0], [0.0, 0.0, 0.0])
    v = observe(no_gs, max_gap_s=1000).speed
    assert v.basis == "speed between two positions 5 min apart"
    assert v.fastest_kt == pytest.approx(float(geodesic_km(0.5, 0.0, 1.0, 0.0)) / (300 / 3600) / 1.852, rel=1e-9)
    assert v.kt == pytest.approx(1.2 * v.fastest_kt)
    gappy = observe(no_gs).speed  # with the default 60 s threshold both segments are gaps: no speed observed
    assert gappy.source == "floor" and np.isnan(gappy.fastest_kt)
    slow = make_track(_times("2025-11-29T00:00:00Z", [0, 10]), [0, 0.0001], [0, 0], gs_kt=[10.0, 10.0])
    assert (observe(slow).speed.kt, observe(slow).speed.source) == (300.0, "floor")
    assert (observe(slow, max_speed_kt=250).speed.kt, observe(slow, max_speed_kt=250).speed.source) == (250.0, "case")


def test_corpus_gaps(corpus) -> None:
    import tracks

    tr = tracks.load(corpus / "readsb-trace" / "trace_full_ac671b.json")
    gaps = tr.gaps()
    f = gaps.frame
    # every gap is a segment the shared definition marks, and long ones are all there
    assert len(f) == 80
    long = f[f["duration_s"] > 3600]
    assert list(long["start_index"]) == [769, 1331]
    assert (f["reach_km"] >= f["distance_km"]).all()
    assert len(gaps.ellipses()) == 80


# -- legs ------------------------------------------------------------------------------------------------------

SVMI = (10.60312, -66.99059)  # elevation 235 ft
SVSE = (4.555, -61.150)  # elevation 2,938 ft


def _flight(start: str, pieces: list[dict], **extra: object):
    """A track from straight pieces: each dict has n, step_s, from/to (lat, lon), alt (a0, a1) ft or None for
    ground, gs kt; optional 'after_s' pause before the piece and 'stale'/'new_leg' on its first sample."""
    times, lats, lons, alts, ground, gs, stale, new_leg, track = [], [], [], [], [], [], [], [], []
    t = 0.0
    for k, p in enumerate(pieces):
        t += p.get("after_s", p["step_s"] if k else 0.0)
        n = p["n"]
        f = np.linspace(0, 1, n)
        (la0, lo0), (la1, lo1) = p["from"], p["to"]
        az = float(np.degrees(np.arctan2((lo1 - lo0) * np.cos(np.radians(la0)), la1 - la0)) % 360)
        for j in range(n):
            times.append(t + j * p["step_s"])
            lats.append(la0 + (la1 - la0) * f[j])
            lons.append(lo0 + (lo1 - lo0) * f[j])
            if p["alt"] is None:
                alts.append(np.nan)
                ground.append(True)
            else:
                alts.append(p["alt"][0] + (p["alt"][1] - p["alt"][0]) * f[j])
                ground.append(False)
            gs.append(p["gs"])
            track.append(az)
            stale.append(bool(p.get("stale")) and j == 0)
            new_leg.append(bool(p.get("new_leg")) and j == 0)
        t = times[-1]
    return make_track(_times(start, times), lats, lons, alt_baro_ft=alts,
                      on_ground=pd.array(ground, dtype="boolean"), gs_kt=gs, track_deg=track,
                      stale=stale, new_leg=new_leg, **extra)


def _towards(a: tuple[float, float], b: tuple[float, float], km: float) -> tuple[float, float]:
    """Point `km` from a towards b (small distances, flat approximation is enough for test geometry)."""
    d = float(geodesic_km(*a, *b))
    f = km / d
    return (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)


def _simple_flight(start: str = "2025-11-28T20:00:00Z"):
    """Taxi at SVMI 10 min, take-off (start + 10:10), cruise to SVSE, land, taxi 5 min."""
    out = _towards(SVMI, SVSE, 30)
    final = _towards(SVSE, SVMI, 15)
    return _flight(start, [
        {"n": 61, "step_s": 10, "from": SVMI, "to": SVMI, "alt": None, "gs": 10},  # 23:00:00 .. 23:10:00
        {"n": 60, "step_s": 10, "from": SVMI, "to": out, "alt": (300, 10_000), "gs": 250},  # 23:10:10 ..
        {"n": 300, "step_s": 15, "from": out, "to": final, "alt": (12_000, 5_000), "gs": 450},
        {"n": 30, "step_s": 10, "from": final, "to": SVSE, "alt": (5_000, 3_100), "gs": 150},
        {"n": 30, "step_s": 10, "from": SVSE, "to": SVSE, "alt": None, "gs": 10},
    ])


def test_simple_flight_exact_events() -> None:
    tr = _simple_flight()
    legs = tr.legs()
    assert len(legs) == 1
    leg = legs[0]
    assert (leg.start_index, leg.end_index) == (0, len(tr) - 1)
    d = tr.data
    first_air = 61
    first_ground = 61 + 60 + 300 + 30
    assert leg.takeoff.airport == "SVMI" and leg.takeoff.observed and leg.takeoff.evidence == "ground"
    assert leg.takeoff.time == d["time"].iloc[first_air]
    assert leg.takeoff.last_sample_time == d["time"].iloc[first_air - 1]
    assert leg.landing.airport == "SVSE" and leg.landing.observed
    assert leg.landing.time == d["time"].iloc[first_ground]
    assert leg.landing.last_sample_time == d["time"].iloc[first_ground - 1]
    assert leg.landing.sentence == f"landed at SVSE {d['time'].iloc[first_ground]:%H:%M}Z"
    assert leg.landing.distance_km == pytest.approx(0.0, abs=1e-6)
    assert leg.takeoff.sentence == "took off from SVMI 20:10Z"
    assert leg.flags == () and leg.touch_and_goes == () and leg.go_arounds == ()
    assert legs.summary["landing_airport"].tolist() == ["SVSE"]
    assert legs.flag_disagreements.empty
    assert "no new-leg flags" in " ".join(legs.notes)


def test_crossing_midnight_utc_is_one_leg_with_dates() -> None:
    tr = _simple_flight("2025-11-28T23:40:00Z")  # takes off 23:50:10Z, lands after 00:00Z on 29 Nov
    legs = tr.legs()
    assert len(legs) == 1
    leg = legs[0]
    assert leg.start_time.day == 28 and leg.end_time.day == 29
    assert leg.takeoff.sentence == "took off from SVMI 28 Nov 23:50Z"
    assert leg.landing.sentence.startswith("landed at SVSE 29 Nov ")


def test_go_around_is_one_leg() -> None:
    final = _towards(SVSE, SVMI, 15)
    low = _towards(SVSE, SVMI, 1.5)
    beyond = _towards(SVMI, SVSE, float(geodesic_km(*SVMI, *SVSE)) + 8)
    tr = _flight("2025-11-29T00:40:00Z", [
        {"n": 30, "step_s": 10, "from": final, "to": low, "alt": (6_000, 3_300), "gs": 160},  # 360 ft above
        {"n": 40, "step_s": 10, "from": low, "to": beyond, "alt": (3_400, 6_500), "gs": 180},  # climb out
        {"n": 60, "step_s": 10, "from": beyond, "to": final, "alt": (6_500, 6_000), "gs": 200},  # circle back
        {"n": 30, "step_s": 10, "from": final, "to": SVSE, "alt": (6_000, 3_100), "gs": 150},
        {"n": 10, "step_s": 10, "from": SVSE, "to": SVSE, "alt": None, "gs": 20},
    ])
    legs = tr.legs()
    assert len(legs) == 1
    leg = legs[0]
    assert len(leg.go_arounds) == 1
    ga = leg.go_arounds[0]
    assert ga.airport == "SVSE" and ga.index == 29
    assert ga.height_above_airport_ft == pytest.approx(3_300 - 2_938)
    assert "go_around" in leg.flags and leg.landing.airport == "SVSE"
    assert leg.takeoff.evidence == "airborne" and not leg.takeoff.observed
    assert leg.sentence().count("go-around at SVSE") == 1
    assert "(lowest point 350 ft above the airport, from pressure altitude, 1.5 km out; no ground contact)" in ga.sentence
    assert ga.height_basis == "pressure altitude"


def test_go_arounds_of_two_flights_stay_in_their_legs() -> None:
    """Two flights with a go-around each, 10 minutes on the ground between them: each leg reports its own, at the
    lowest sample of its own missed approach (the rolling windows never reach into the other flight)."""
    final = _towards(SVSE, SVMI, 15)
    low = _towards(SVSE, SVMI, 1.5)
    beyond = _towards(SVMI, SVSE, float(geodesic_km(*SVMI, *SVSE)) + 8)
    missed = [
        {"n": 30, "step_s": 10, "from": final, "to": low, "alt": (6_000, 3_300), "gs": 160},
        {"n": 40, "step_s": 10, "from": low, "to": beyond, "alt": (3_400, 6_500), "gs": 180},
        {"n": 60, "step_s": 10, "from": beyond, "to": final, "alt": (6_500, 6_000), "gs": 200},
        {"n": 30, "step_s": 10, "from": final, "to": SVSE, "alt": (6_000, 3_100), "gs": 150},
    ]
    tr = _flight("2025-11-29T00:40:00Z", [
        *missed,
        {"n": 60, "step_s": 10, "from": SVSE, "to": SVSE, "alt": None, "gs": 10},  # 10 min on the ground
        {"n": 60, "step_s": 10, "from": SVSE, "to": final, "alt": (3_100, 6_000), "gs": 200},  # out again
        *missed,
        {"n": 10, "step_s": 10, "from": SVSE, "to": SVSE, "alt": None, "gs": 20},
    ])
    legs = tr.legs()
    assert len(legs) == 2
    second_low = 160 + 60 + 60 + 29  # the lowest sample of the second missed approach
    assert [[g.index for g in leg.go_arounds] for leg in legs] == [[29], [second_low]]
    assert all(leg.landing.airport == "SVSE" for leg in legs)
    assert legs[1].takeoff.airport == "SVSE"


def test_touch_and_go_is_reported_and_stays_one_leg() -> None:
    final = _towards(SVSE, SVMI, 10)
    away = _towards(SVSE, SVMI, -10)
    tr = _flight("2025-11-29T01:00:00Z", [
        {"n": 20, "step_s": 10, "from": final, "to": SVSE, "alt": (5_000, 3_000), "gs": 140},
        {"n": 4, "step_s": 5, "from": SVSE, "to": _towards(SVSE, SVMI, -1), "alt": None, "gs": 110},  # 15 s roll
        {"n": 20, "step_s": 10, "from": _towards(SVSE, SVMI, -1.5), "to": away, "alt": (3_100, 5_000), "gs": 150},
        {"n": 20, "step_s": 10, "from": away, "to": SVSE, "alt": (5_000, 3_000), "gs": 140},
        {"n": 10, "step_s": 10, "from": SVSE, "to": SVSE, "alt": None, "gs": 20},
    ])
    legs = tr.legs()
    assert len(legs) == 1
    leg = legs[0]
    assert len(leg.touch_and_goes) == 1
    tg = leg.touch_and_goes[0]
    assert tg.kind == "touch_and_go" and tg.airport == "SVSE" and tg.observed
    assert tg.time == tr.data["time"].iloc[20]
    assert tg.sentence.startswith("touch-and-go at SVSE")
    assert leg.landing.time == tr.data["time"].iloc[64]


def test_full_stop_then_departure_is_two_legs() -> None:
    final = _towards(SVSE, SVMI, 10)
    tr = _flight("2025-11-29T01:00:00Z", [
        {"n": 20, "step_s": 10, "from": final, "to": SVSE, "alt": (5_000, 3_000), "gs": 140},
        {"n": 241, "step_s": 10, "from": SVSE, "to": SVSE, "alt": None, "gs": 5},  # 40 min on the ground
        {"n": 20, "step_s": 10, "from": SVSE, "to": final, "alt": (3_100, 6_000), "gs": 160},
    ])
    legs = tr.legs()
    assert len(legs) == 2
    assert legs[0].landing.airport == "SVSE" and legs[1].takeoff.airport == "SVSE"
    assert legs[0].landing.time == tr.data["time"].iloc[20]
    assert legs[1].takeoff.time == tr.data["time"].iloc[261]
    assert legs[0].end_index + 1 == legs[1].start_index
    assert legs[1].landing.sentence.startswith("last seen") and "end of the track" in legs[1].landing.sentence


def test_takeoff_inside_a_gap() -> None:
    out = _towards(SVMI, SVSE, 100)
    tr = _flight("2025-11-28T23:00:00Z", [
        {"n": 10, "step_s": 10, "from": SVMI, "to": SVMI, "alt": None, "gs": 10},
        {"after_s": 900, "n": 30, "step_s": 15, "from": out, "to": _towards(SVMI, SVSE, 200),
         "alt": (15_000, 25_000), "gs": 420},
    ])
    legs = tr.legs()
    assert len(legs) == 1
    e = legs[0].takeoff
    assert not e.observed and e.airport == "SVMI" and e.evidence == "ground"
    assert e.gap_id == "gap-1"
    assert e.sentence == "took off from SVMI between 23:01Z and 23:16Z (not observed: inside a gap of 15 min (gap-1))"
    assert "takeoff_not_observed" in legs[0].flags


def test_helipad_trap_in_a_leg() -> None:
    from tracks.airports import nearest_airports

    heli = nearest_airports(38.78, -76.83, within_km=5000, types=["heliport"]).iloc[0]
    start = (heli["lat"] + 0.3, heli["lon"])
    tr = _flight("2025-06-01T12:00:00Z", [
        {"n": 30, "step_s": 10, "from": start, "to": (heli["lat"], heli["lon"]),
         "alt": (heli["elevation_ft"] + 5_000, heli["elevation_ft"] + 3_000), "gs": 120},
    ])
    leg = tr.legs()[0]
    assert leg.landing.airport == "" and "landed" not in leg.landing.sentence
    assert leg.landing.height_above_airport_ft == pytest.approx(3_000)


def test_low_airborne_gap_splits_without_flags() -> None:
    a = _towards(SVSE, SVMI, 40)
    tr = _flight("2025-11-29T01:00:00Z", [
        {"n": 20, "step_s": 10, "from": a, "to": _towards(SVSE, SVMI, 20), "alt": (9_000, 7_000), "gs": 200},
        {"after_s": 3 * 3600, "n": 20, "step_s": 10, "from": _towards(SVSE, SVMI, 15), "to": a,
         "alt": (6_000, 9_000), "gs": 200},
    ])
    legs = tr.legs()
    assert len(legs) == 2 and legs[0].end_index == 19 and legs[1].start_index == 20
    assert "split_at_gap" in legs[0].flags and not legs[0].landing.observed
    assert legs[0].landing.gap_id == "gap-1" == legs[1].takeoff.gap_id
    # high at both ends: the same gap does not split, but it is long enough to hide a landing
    high = _flight("2025-11-29T01:00:00Z", [
        {"n": 20, "step_s": 10, "from": a, "to": _towards(SVSE, SVMI, 20), "alt": (30_000, 30_000), "gs": 200},
        {"after_s": 3 * 3600, "n": 20, "step_s": 10, "from": _towards(SVSE, SVMI, 15), "to": a,
         "alt": (30_000, 30_000), "gs": 200},
    ])
    one = high.legs()
    assert len(one) == 1 and "landing_may_hide_in_gap" in one[0].flags
    assert "gap-1" in one[0].notes[0]


def test_flag_disagreement_is_reported() -> None:
    a = _towards(SVSE, SVMI, 100)
    tr = _flight("2025-11-29T01:00:00Z", [
        {"n": 20, "step_s": 10, "from": a, "to": _towards(SVSE, SVMI, 80), "alt": (20_000, 20_000), "gs": 300},
        {"n": 20, "step_s": 10, "from": _towards(SVSE, SVMI, 79), "to": _towards(SVSE, SVMI, 60),
         "alt": (20_000, 20_000), "gs": 300, "new_leg": True},
    ])
    legs = tr.legs()
    assert len(legs) == 1
    dis = legs.flag_disagreements
    assert dis["index"].tolist() == [20] and dis["kind"].tolist() == ["flag_without_split"]


def test_ground_only_and_empty_tracks() -> None:
    tr = _flight("2025-11-29T01:00:00Z", [{"n": 5, "step_s": 10, "from": SVSE, "to": SVSE, "alt": None, "gs": 0}])
    legs = tr.legs()
    assert len(legs) == 0 and "on the ground throughout" in legs.notes[-1]
    from tracks.track import Track

    assert len(Track.empty_track().legs()) == 0


def test_corpus_legs_agree_with_readsb_flags(corpus) -> None:
    import tracks

    tr = tracks.load(corpus / "readsb-trace" / "trace_full_ac671b.json")
    legs = tr.legs()
    flagged = np.flatnonzero(tr.data["new_leg"].to_numpy())
    assert [leg.start_index for leg in legs[1:]] == flagged.tolist() == [770, 1332, 1806]
    assert legs.flag_disagreements.empty
    # the legs partition the samples
    assert legs[0].start_index == 0 and legs[-1].end_index == len(tr) - 1
    assert all(a.end_index + 1 == b.start_index for a, b in zip(legs.legs, legs.legs[1:], strict=False))
    s = legs.summary
    assert s["takeoff_airport"].tolist() == ["", "KMSP", "", "KMSP"]
    assert s["landing_airport"].tolist() == ["KMSP", "", "KMSP", "KDEN"]
    # every event names an airport or the nearest one, with a distance
    for leg in legs:
        for e in (leg.takeoff, leg.landing):
            assert (e.airport or e.nearest_airport) and np.isfinite(e.distance_km)
            assert e.distance_km < 40
    # leg 2 ends and leg 3 starts inside the 8.4 h gap: not observed, and the gap is named
    assert legs[1].landing.gap_id == legs[2].takeoff.gap_id != ""
    assert legs[0].landing.observed and legs[3].landing.observed
    assert legs[3].landing.sentence == "landed at KDEN 5 Feb 19:54Z"


def test_leg_track_slices_the_samples() -> None:
    tr = _simple_flight()
    legs = tr.legs()
    sub = legs.track(0)
    assert len(sub) == len(tr) and sub.data["time"].iloc[0] == tr.data["time"].iloc[0]


def test_fr24_zero_altitude_roll_is_on_the_ground() -> None:
    # Flightradar24 has no air/ground flag; it writes 0 ft on the ground, also during the landing roll. SPAR19 at
    # RCSS (2ce4f83f): 100 ft at 143 kt, then 0 ft at 98, 69, 43, 28, 20 kt, all with 0 ft/min
    offsets = [0, 17, 22, 29, 35, 42]
    lats = [25.069963, 25.069521, 25.069439, 25.069393, 25.069347, 25.069313]
    lons = [121.543144, 121.554382, 121.556870, 121.558380, 121.559624, 121.560463]
    tr = make_track(_times("2022-08-02T14:43:32Z", offsets), lats, lons, alt_baro_ft=[100.0, 0, 0, 0, 0, 0],
                    gs_kt=[143.0, 98, 69, 43, 28, 20], vrate_fpm=[-576.0, 0, 0, 0, 0, 0])
    (leg,) = tr.legs()
    assert leg.landing.observed and leg.landing.airport == "RCSS"
    assert leg.landing.time == pd.Timestamp("2022-08-02T14:43:49Z")  # not 14:44:07, the first sample below 40 kt


def test_fr24_zero_altitude_on_final_is_still_airborne() -> None:
    # JL516 (3376ab31) ends on short final at Haneda: 0 ft (FR24 clamps negative pressure altitudes) at 122 kt
    # while descending: not a landing; and a sample at 0 ft, 0 ft/min but 122 kt is not a roll either
    offsets = [0, 8, 18]
    tr = make_track(_times("2024-01-02T08:47:06Z", offsets), [35.536629, 35.541515, 35.544891],
                    [139.807343, 139.803833, 139.801483], alt_baro_ft=[125.0, 0, 0], gs_kt=[122.0, 122, 123],
                    vrate_fpm=[-704.0, -704, 0])
    (leg,) = tr.legs()
    assert not leg.landing.observed and "landing_not_observed" in leg.flags
