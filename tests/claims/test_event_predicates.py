"""Event predicates on hand-made tracks: departed_from, landed_at, visited, event_time_within, altitude_band,
sequence. Each has supported, contradicted and gap cases; answers follow from how the tracks are built."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.claims.builders import SVMI, SVSE, at, path, trip
from tests.helpers import make_track
from tracks.claims import predicates as P
from tracks.claims.verdict import CONTRADICTED, NOT_VERIFIABLE, SUPPORTED, Verdict
from tracks.geo.reach import geodesic_km
from tracks.observation import observe

TZ = "America/Caracas"


# -- departed_from / landed_at -------------------------------------------------------------------------------


def test_departed_from_observed_take_off() -> None:
    t = trip()
    v = P.departed_from(observe(t), airports=["SVMI", "SVFM"], tz=TZ)
    assert v.status == SUPPORTED
    assert v.measured["airport"] == "SVMI" and v.measured["observed"] is True
    assert v.measured["time"] == "2025-11-28T23:05:30Z"  # first airborne sample after the last ground one (300 s)
    assert v.measured["distance_km"] == pytest.approx(0.0, abs=1e-6)  # ground samples sit on the reference point
    # the take-off happened between the last ground and the first airborne sample: an interval, not an instant
    assert (v.measured["time_earliest"], v.measured["time_latest"]) == ("2025-11-28T23:05:00Z", "2025-11-28T23:05:30Z")
    assert ("took off from SVMI between 28 Nov 2025 23:05:00Z (28 Nov 19:05:00 America/Caracas) and 28 Nov 2025 "
            "23:05:30Z (28 Nov 19:05:30 America/Caracas) (between two samples 30 s apart)") in v.sentence
    roles = [s.role for s in v.evidence.samples]
    assert roles == ["take-off: on the ground", "take-off: airborne"]
    assert v.evidence.sources == ()  # hand-made track: no files


def test_departed_from_elsewhere_is_contradicted() -> None:
    v = P.departed_from(observe(trip()), airports=["SVFM"], tz=TZ)  # SVFM is 20.9 km from SVMI
    assert v.status == CONTRADICTED
    assert v.measured["distance_km"] == pytest.approx(float(geodesic_km(*SVMI, 10.48503, -66.84351)), abs=0.01)
    assert "did not take off from SVFM" in v.sentence


def test_departed_from_a_point_uses_within_km() -> None:
    near = (SVMI[0] + 0.027, SVMI[1])  # about 3 km north
    d = float(geodesic_km(*SVMI, *near))
    v = P.departed_from(observe(trip()), point=near, within_km=5.0)
    assert v.status == SUPPORTED and v.measured["distance_km"] == pytest.approx(d, abs=1e-3)
    assert P.departed_from(observe(trip()), point=near, within_km=2.0).status == CONTRADICTED


def test_departure_not_placed_when_track_starts_in_flight() -> None:
    t = path([(0, 9.8, -66.2, 35000.0), (3700, 5.3, -61.9, 35000.0), (4500, *SVSE, None), (4800, *SVSE, None)])
    v = P.departed_from(observe(t), airports=["SVMI"])
    assert v.status == NOT_VERIFIABLE
    assert "first seen" in v.sentence
    assert P.landed_at(observe(t), airports=["SVSE"]).status == SUPPORTED


def test_landed_at_observed_and_elsewhere() -> None:
    t = trip()
    v = P.landed_at(observe(t), airports=["SVSE"], tz=TZ)
    assert v.status == SUPPORTED
    assert v.measured["time"] == at(6000).strftime("%Y-%m-%dT%H:%M:%SZ")  # first ground sample at SVSE
    assert "(28 Nov 20:40:00 America/Caracas)" in v.sentence  # 00:40Z on 29 Nov is 20:40 on 28 Nov in Caracas
    assert v.measured["time_earliest"] == at(5970).strftime("%Y-%m-%dT%H:%M:%SZ")  # the last airborne sample
    assert P.landed_at(observe(t), airports=["SBBV"]).status == CONTRADICTED


@pytest.mark.parametrize(("gap_s", "status"), [(1405.0, CONTRADICTED), (1420.0, NOT_VERIFIABLE)])
def test_stop_hidden_in_a_gap_uses_geoid_corrected_heights(gap_s: float, status: str) -> None:
    """Could a landing at Colombo hide in a gap over it, 20,000 ft GNSS altitude on both sides? It needs
    600 s on the ground plus the descent and climb at 3,000 ft/min from the gap's samples' heights above the
    airport. The geoid lies 97.1 m (319 ft) below the ellipsoid there, so by THE height rule (GNSS altitude less
    the EGM2008 undulation: tracks.airports.heights_above_ft) each sample is 20,289 ft above the field (30 ft):
    1,411.6 s in all. The displayed altitude minus the elevation (19,970 ft) would give 1,398.8 s and call a
    1,405 s gap long enough."""
    t0 = pd.Timestamp("2025-11-29T02:00:00Z")
    s = np.array([0.0, 10.0, 20.0, 20.0 + gap_s, 30.0 + gap_s, 40.0 + gap_s])
    lats = [7.215, 7.2035, 7.192, 7.170, 7.1585, 7.147]  # 1.2 km north, then 1.2 km south of VCBI at the gap
    track = make_track([t0 + pd.Timedelta(seconds=x) for x in s], lats, [79.8841] * 6,
                       alt_geom_ft=[20_000.0] * 6, gs_kt=[250.0] * 6)
    obs = observe(track, start=t0, end=t0 + pd.Timedelta(seconds=s[-1]))  # a period the data spans: no edges
    v = P.landed_at(obs, airports=["VCBI"], tz="UTC")
    assert v.status == status
    if status == NOT_VERIFIABLE:
        assert "could hide a landing there" in v.sentence


def test_landing_hidden_in_a_gap_is_not_verifiable_but_far_airports_are_ruled_out() -> None:
    # cruise south, a 70-minute gap near SVSE, then cruise back north: a stop at SVSE fits in the gap
    t = path([(0, *SVMI, None), (300, *SVMI, None), (1500, 9.8, -66.2, 35000.0), (4800, 5.6, -62.2, 35000.0),
              (9000, 5.6, -62.2, 35000.0), (12300, 9.8, -66.2, 35000.0), (13500, *SVMI, None),
              (13800, *SVMI, None)], drop=[(4800, 9000)])
    v = P.landed_at(observe(t), airports=["SVSE"], tz=TZ)
    assert v.status == NOT_VERIFIABLE
    assert [g.id for g in v.evidence.gaps] == ["gap-1"] and v.evidence.gaps[0].reaches_region is True
    assert "gap-1" in v.sentence
    # Bogotá (SKBO) is about 1,000 km from the gap: no time to get there and back in 70 minutes
    far = P.landed_at(observe(t), airports=["SKBO"])
    assert far.status == CONTRADICTED and far.evidence.gaps == ()


def test_no_samples_is_not_verifiable() -> None:
    t = trip().filter(pd.Series([False] * len(trip())))
    v = P.landed_at(observe(t), airports=["SVSE"])
    assert v.status == NOT_VERIFIABLE and "no data is not no flight" in v.sentence


def test_unobserved_landing_with_ground_evidence_is_supported_with_bounds() -> None:
    t = trip(drop=[(5800, 6100)])  # last airborne sample 5790, first ground sample 6120
    v = P.landed_at(observe(t), airports=["SVSE"])
    assert v.status == SUPPORTED and v.measured["observed"] is False
    assert v.measured["time_earliest"] == at(5790).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert v.measured["time_latest"] == at(6120).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "not observed" in v.sentence


# -- visited ----------------------------------------------------------------------------------------------------


def test_visited_ground_time() -> None:
    t = trip(ground_svse_s=2400)  # 40 min between the first ground sample and the take-off
    ok = P.visited(observe(t), airports=["SVSE"], ground_time=(pd.Timedelta("30min"), pd.Timedelta("50min")))
    assert ok.status == SUPPORTED
    # landing between 5970 and 6000 s, take-off between 8400 and 8430 s: on the ground 2400 to 2460 s
    assert (ok.measured["ground_time_min_s"], ok.measured["ground_time_max_s"]) == (2400.0, 2460.0)
    too_long = P.visited(observe(t), airports=["SVSE"], ground_time=(pd.Timedelta("1h"), None))
    assert too_long.status == CONTRADICTED and "not the claimed at least 1 h 00 min" in too_long.sentence
    assert P.visited(observe(t), airports=["SVMI"]).status == SUPPORTED  # landed at SVMI at the end, still there


def test_visited_ground_time_straddling_a_gap_is_not_verifiable() -> None:
    # landing hidden between 5400 s (airborne) and 6000 s (ground), take-off between 8400 s (ground) and
    # 9000 s (airborne): the stop lasted between 40 and 60 minutes
    t = trip(ground_svse_s=2400, drop=[(5400, 6000), (8400, 9000)])
    v = P.visited(observe(t), airports=["SVSE"], ground_time=(pd.Timedelta("30min"), pd.Timedelta("50min")))
    assert v.status == NOT_VERIFIABLE
    assert v.measured["ground_time_min_s"] == 2400.0 and v.measured["ground_time_max_s"] == 3600.0
    assert P.visited(observe(t), airports=["SVSE"], ground_time=(pd.Timedelta("10min"), pd.Timedelta("2h"))).status == SUPPORTED


# -- event_time_within ----------------------------------------------------------------------------------------


def test_event_time_within_local_window() -> None:
    t = trip()  # landing at SVSE 00:40Z on 29 Nov = 20:40 on 28 Nov in Caracas
    start, end = pd.Timestamp("2025-11-28 20:30", tz=TZ), pd.Timestamp("2025-11-28 21:00", tz=TZ)
    v = P.event_time_within(observe(t), event="landing", airports=["SVSE"], start=start, end=end, tz=TZ)
    assert v.status == SUPPORTED and v.measured["time"] == "2025-11-29T00:40:00Z"
    late = P.event_time_within(observe(t), event="landing", airports=["SVSE"], start=pd.Timestamp("2025-11-29T01:10Z"), end=pd.Timestamp("2025-11-29T01:40Z"))
    assert late.status == CONTRADICTED and late.measured["minutes_outside"] == 30.0
    assert "30 min before the start" in late.sentence
    dep = P.event_time_within(observe(t), event="takeoff", start=at(0), end=at(600))
    assert dep.status == SUPPORTED and dep.measured["airport"] == "SVMI"


def test_event_time_within_straddling_bounds_is_not_verifiable() -> None:
    t = trip(drop=[(5400, 6100)])  # landing somewhere between 5400 s (airborne) and 6120 s (ground)
    v = P.event_time_within(observe(t), event="landing", airports=["SVSE"], start=at(5900), end=at(7000))
    assert v.status == NOT_VERIFIABLE
    assert v.measured["time_earliest"] == at(5400).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert v.measured["time_latest"] == at(6120).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert P.event_time_within(observe(t), event="landing", airports=["SVSE"], start=at(5300), end=at(6200)).status == SUPPORTED


# -- altitude_band -----------------------------------------------------------------------------------------------


def test_altitude_band_all_and_any() -> None:
    t = trip()
    cruise = dict(start=at(1500), end=at(5200))
    v = P.altitude_band(observe(t, **cruise), min_ft=34000, max_ft=36000)
    assert v.status == SUPPORTED and v.measured["min_ft"] == v.measured["max_ft"] == 35000.0
    low = P.altitude_band(observe(t, **cruise), max_ft=30000)
    assert low.status == CONTRADICTED and "35,000 ft" in low.sentence
    assert P.altitude_band(observe(t), min_ft=34000, mode="any").status == SUPPORTED
    high = P.altitude_band(observe(t), min_ft=40000, mode="any")
    assert high.status == CONTRADICTED  # no gap anywhere: the data decides


def test_altitude_band_gap_could_leave_the_band() -> None:
    t = trip(drop=[(2000, 2600)])  # a 10-minute gap at 35,000 ft
    v = P.altitude_band(observe(t, start=at(1500), end=at(5200)), min_ft=34000, max_ft=36000)
    assert v.status == NOT_VERIFIABLE and [g.id for g in v.evidence.gaps] == ["gap-1"]
    # at 500 ft/min the aircraft can stray only 2,500 ft up or down in 10 minutes: the band holds
    v2 = P.altitude_band(observe(t, start=at(1500), end=at(5200)), min_ft=30000, max_ft=40000, max_vrate_fpm=500)
    assert v2.status == SUPPORTED
    up = P.altitude_band(observe(t, start=at(1500), end=at(5200)), min_ft=36000, mode="any")
    assert up.status == NOT_VERIFIABLE
    assert P.altitude_band(observe(t, start=at(1500), end=at(5200)), min_ft=36000, mode="any", max_vrate_fpm=100).status == CONTRADICTED


# -- sequence -----------------------------------------------------------------------------------------------------


def _v(cid: str, status: str, time: str = "", lo: str | None = None, hi: str | None = None) -> Verdict:
    m = {"time": time} if time else {}
    if lo is not None:
        m.update(time_earliest=lo, time_latest=hi)
    return Verdict(claim_id=cid, quote="", predicate="landed_at", status=status, sentence="", measured=m)


def test_sequence_orders_moments() -> None:
    a = _v("a", SUPPORTED, "2025-11-29T00:00:00Z")
    b = _v("b", SUPPORTED, "2025-11-29T01:00:00Z")
    c = _v("c", SUPPORTED, "2025-11-29T02:00:00Z")
    assert P.sequence([a, b, c]).status == SUPPORTED
    wrong = P.sequence([a, c, b])
    assert wrong.status == CONTRADICTED and wrong.measured["out_of_order"] == ["c", "b"]
    fuzzy = _v("f", SUPPORTED, "2025-11-29T01:30:00Z", "2025-11-29T00:30:00Z", "2025-11-29T02:30:00Z")
    overlap = P.sequence([a, fuzzy, c])
    assert overlap.status == NOT_VERIFIABLE and overlap.measured["overlapping"] == ["f", "c"]
    assert P.sequence([a, _v("x", CONTRADICTED), c]).status == CONTRADICTED
    assert P.sequence([a, _v("y", NOT_VERIFIABLE), c]).status == NOT_VERIFIABLE
    with pytest.raises(ValueError, match="no moment"):
        P.sequence([a, _v("z", SUPPORTED)])


def test_every_case_file_predicate_has_one_spec_with_its_function() -> None:
    from tracks.claims import presence, spatial, traffic
    from tracks.claims.params import MOMENT_PREDICATES, PREDICATE_NAMES, PREDICATES

    for name in PREDICATE_NAMES:
        spec = PREDICATES[name]
        module = next(m for m in (P, spatial, presence, traffic) if hasattr(m, name))
        assert spec.function is getattr(module, name) and spec.function.__name__ == name
    assert set(MOMENT_PREDICATES) == {"departed_from", "landed_at", "visited", "approached", "entered", "crossed",
                                      "event_time_within", "present"}
    assert {n for n, s in PREDICATES.items() if s.narrows} == {"stayed_outside", "present", "absent", "altitude_band"}
    assert {n for n, s in PREDICATES.items() if s.subject != "track"} == {"sequence", "traffic_count"}


# -- event_time_within: time without data is not time without events (QA regressions) --------------------------


def test_event_time_within_without_samples_is_not_verifiable() -> None:
    empty = trip().between(at(-7200), at(-3600))
    assert len(empty) == 0
    for kw in ({"event": "takeoff"}, {"event": "landing", "airports": ["SVSE"]}):
        v = P.event_time_within(observe(empty), start=at(-7200), end=at(-3600), **kw)
        assert v.status == NOT_VERIFIABLE, v.sentence
        assert "no data covers the whole period" in v.sentence


def test_event_time_within_window_beyond_the_data_is_not_verifiable() -> None:
    t = trip()  # samples from at(0) (on the ground at SVMI) to at(14400); landing at SVSE at at(6000)
    before = P.event_time_within(observe(t, max_speed_kt=540), event="landing", airports=["SVSE"], start=at(-7200), end=at(-3600))
    assert before.status == NOT_VERIFIABLE  # SVMI-SVSE is ~870 km: reachable at 540 kt in the unseen hour
    assert "without data before the first sample, from the claimed start, 28 Nov 2025 21:00Z, to" in before.sentence
    (edge,) = before.evidence.gaps
    assert (edge.kind, edge.id, edge.start, edge.end) == ("start", "before-first-sample", "2025-11-28T21:00:00Z",
                                                          "2025-11-28T22:00:00Z")
    # during that hour the aircraft was within reach of its first sample, 2 h after the claimed start at the most
    assert edge.reaches_region is True and edge.reach_km == pytest.approx(2 * 540 * 1.852)
    after = P.event_time_within(observe(t), event="takeoff", start=at(15000), end=at(16000))
    assert after.status == NOT_VERIFIABLE and "after the last sample" in after.sentence
    # 60 unseen seconds cannot take the aircraft from SVMI to SVSE: the data decides
    short = P.event_time_within(observe(t, max_speed_kt=540), event="landing", airports=["SVSE"], start=at(-60), end=at(600))
    # the landing happened between 5970 and 6000 s: at least 89.5 minutes after the claimed end
    assert short.status == CONTRADICTED and short.measured["minutes_outside"] == 89.5


def test_sentences_start_with_a_capital_letter() -> None:
    empty = trip().between(at(-7200), at(-3600))
    anon = P.altitude_band(observe(trip()), min_ft=40000, mode="any")
    assert anon.sentence[0].isupper()
    v = P.event_time_within(observe(empty), event="takeoff", start=at(-7200), end=at(-3600))
    assert v.sentence[0].isupper()


# -- unobserved edges of the tested period -----------------------------------------------------------------------


def test_absence_of_an_event_counts_the_edges() -> None:
    # trip(): parked at SVMI from 0 s, parked at SVMI again up to 14400 s. SVVA (Valencia) is 114 km from SVMI.
    t = trip()
    kw = {"airports": ["SVVA"], "tz": TZ}
    # ten minutes after the last sample at 540 kt is 167 km: a landing at SVVA cannot be ruled out
    land = P.landed_at(observe(t, start=at(0), end=at(15000), max_speed_kt=540), **kw)
    assert land.status == NOT_VERIFIABLE
    assert "a landing there could have happened unseen during the 10 min without data after the last sample" \
        in land.sentence
    (edge,) = land.evidence.gaps
    assert (edge.kind, edge.reaches_region, edge.reach_km) == ("end", True, pytest.approx(540 * 1.852 / 6))
    # two minutes (33 km) cannot: the data decides
    short = P.landed_at(observe(t, start=at(0), end=at(14520), max_speed_kt=540), **kw)
    assert short.status == CONTRADICTED
    assert short.sentence.endswith("; the 2 min without data after the last sample is too short to get there.")
    assert [(g.kind, g.reaches_region) for g in short.evidence.gaps] == [("end", False)]
    # the same before the first sample, for a take-off
    dep = P.departed_from(observe(t, start=at(-600), end=at(14400)), **kw)
    assert dep.status == NOT_VERIFIABLE and "before the first sample, from the start of the period" in dep.sentence
    assert P.departed_from(observe(t, start=at(-120), end=at(14400)), **kw).status == CONTRADICTED
    vis = P.visited(observe(t, start=at(-600), end=at(14400)), **kw)
    assert vis.status == NOT_VERIFIABLE
    # an observed event decides whatever the edges ("there exists")
    assert P.landed_at(observe(t, start=at(-36000), end=at(36000)), airports=["SVSE"], tz=TZ).status == SUPPORTED
    # without a period (a direct call): the track's own extent, as before
    assert P.landed_at(observe(t), **kw).status == CONTRADICTED


# -- a landing inferred from the final approach (the track ends before touchdown) ----------------------------------


def _final_approach(gs_kt: float = 120.0, end_km: float = 2.0) -> tuple[object, float]:
    """Straight in to SVMI from the east at `gs_kt`, descending to the airport's elevation (235 ft); the data
    ends `end_km` short of the reference point. Returns the track and its last sample's distance (km)."""
    from pyproj import Geod

    from tests.helpers import make_track

    geod = Geod(ellps="WGS84")
    n = 31
    km_s = gs_kt * 1.852 / 3600.0
    dist = end_km + km_s * 10.0 * np.arange(n)[::-1]  # one sample every 10 s
    lons, lats, _ = geod.fwd(np.full(n, SVMI[1]), np.full(n, SVMI[0]), np.full(n, 90.0), dist * 1000.0)
    times = [at(-300 + 10 * k) for k in range(n)]
    alt = np.linspace(1200.0, 235.0, n)
    track = make_track(times, lats, lons, alt_baro_ft=alt, gs_kt=np.full(n, gs_kt), track_deg=np.full(n, 270.0),
                       on_ground=pd.array([False] * n, dtype="boolean"))
    return track, float(geodesic_km(lats[-1], lons[-1], *SVMI))


def test_landing_inferred_from_the_final_approach_is_bounded_in_time() -> None:
    t, d = _final_approach()
    last = at(0)
    latest = last + pd.Timedelta(seconds=d / (60.0 * 1.852 / 3600.0))  # at half the last ground speed, 60 kt
    v = P.landed_at(observe(t), airports=["SVMI"], tz=TZ)
    assert v.status == SUPPORTED and v.measured["evidence"] == "final_approach" and v.measured["observed"] is False
    assert pd.Timestamp(v.measured["time_earliest"]) == last
    assert abs((pd.Timestamp(v.measured["time_latest"]) - latest).total_seconds()) <= 0.001
    assert any(n.startswith(f"landing inferred from final approach at {d:.1f} km from SVMI, 235 ft, 120 kt")
               for n in v.notes), v.notes
    # the same landing in event_time_within: decided when the bound lies inside / outside the claimed period
    inside = P.event_time_within(observe(t), event="landing", airports=["SVMI"], start=at(-60), end=at(120), tz=TZ)
    assert inside.status == SUPPORTED, inside.sentence
    assert inside.measured["time_latest"] == v.measured["time_latest"]
    assert any(n.startswith("landing inferred from final approach") for n in inside.notes)
    straddles = P.event_time_within(observe(t), event="landing", airports=["SVMI"], start=at(-60), end=at(30), tz=TZ)
    assert straddles.status == NOT_VERIFIABLE  # the touchdown may be after 00:00:30 (latest about 00:01:00)
    before = P.event_time_within(observe(t), event="landing", airports=["SVMI"], start=at(-250), end=at(-100), tz=TZ)
    assert before.status == CONTRADICTED  # the data covers that period: on approach throughout, no landing


def test_final_approach_without_a_ground_speed_leaves_the_touchdown_open() -> None:
    t, _ = _final_approach()
    t2 = type(t)(t.data.assign(gs_kt=np.nan), t.sources, t.rejected)
    v = P.landed_at(observe(t2), airports=["SVMI"], tz=TZ)
    assert v.status == SUPPORTED and v.measured["time_latest"] == ""  # open: no speed to bound it with
    assert not any(n.startswith("landing inferred") and "within" in n for n in v.notes)
    assert P.event_time_within(observe(t2), event="landing", airports=["SVMI"], start=at(-60), end=at(600), tz=TZ).status == NOT_VERIFIABLE


def test_crossing_interval_rule_is_the_same_for_a_table_and_for_one_row() -> None:
    """A seen crossing lies between its two samples; one inside a coverage gap anywhere in the gap's window
    (claims.measure.crossing_intervals, read by crossing_moment for one row)."""
    from tracks.claims.measure import crossing_intervals, crossing_moment

    ts = [pd.Timestamp(f"2025-11-28T10:{m:02d}:00Z") for m in range(8)]
    table = pd.DataFrame({
        "in_gap": [False, True], "time": [ts[1], ts[5]], "lat": [1.0, float("nan")], "lon": [2.0, float("nan")],
        "before_time": [ts[0], ts[4]], "after_time": [ts[2], ts[6]],
        "window_start": [ts[0], ts[3]], "window_end": [ts[2], ts[7]],
    })
    lo, hi = crossing_intervals(table)
    assert list(lo) == [ts[0], ts[3]] and list(hi) == [ts[2], ts[7]]
    seen, unseen = (crossing_moment(table.iloc[k]) for k in range(2))
    assert (seen.time, seen.earliest, seen.latest, seen.how) == (ts[1], ts[0], ts[2], "between two samples")
    assert (unseen.time, unseen.earliest, unseen.latest, unseen.how) == (ts[7], ts[3], ts[7], "inside a gap")
