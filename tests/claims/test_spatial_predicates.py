"""Region predicates on hand-made tracks and regions with known geometry.

Two boxes share an edge along latitude 4 N: A (north, 4..5 N) and B (south, 3..4 N), both between 62 W and
61 W; tracks fly along meridian 61.5 W, so distances to the shared border are meridian arcs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from tests.claims.builders import at, path
from tracks.claims import presence as Q
from tracks.claims import spatial as S
from tracks.claims import traffic as T
from tracks.claims.measure import observed_closest
from tracks.claims.verdict import CONTRADICTED, NOT_VERIFIABLE, SUPPORTED
from tracks.geo.reach import geodesic_km
from tracks.geo.regions import Region, border
from tracks.observation import observe
from tracks.track import Traffic

A = Region("AA", "Alpha", shapely.box(-62.0, 4.0, -61.0, 5.0), "country", "test boxes", 0.5)
B = Region("BB", "Beta", shapely.box(-62.0, 3.0, -61.0, 4.0), "country", "test boxes", 0.5)
AB = border(A, B)
LON = -61.5
FL = 30000.0


def straight(lat0: float, lat1: float, seconds: float, step_s: float = 30.0, **kw: object):
    return path([(0, lat0, LON, FL), (seconds, lat1, LON, FL)], step_s, **kw)


def test_border_fixture_is_the_shared_edge() -> None:
    assert AB.kind == "border" and AB.code == "AA|BB"
    edge = shapely.LineString([(-62.0, 4.0), (-61.0, 4.0)])
    assert shapely.hausdorff_distance(AB.geometry, edge) < 1e-4  # border() matches edges within 1 m


# -- approached ------------------------------------------------------------------------------------------------


def test_approached_observed_distance() -> None:
    t = straight(5.5, 4.2, 1300)  # ends 0.2 deg north of the border
    truth = float(geodesic_km(4.2, LON, 4.0, LON))
    v = S.approached(observe(t), border=AB, within_km=30)
    assert v.status == SUPPORTED
    assert v.measured["distance_km"] == pytest.approx(truth, abs=0.01)
    assert v.measured["closest_time"] == at(1300).strftime("%Y-%m-%dT%H:%M:%SZ")
    # the moment of the claim is the first time within 30 km (not the closest approach): latitude 4.0 N + 30 km,
    # between the two samples around it (30 s apart), interpolated along the straight flight
    lat30 = _lat_north_of_4n(30.0)
    t30 = 1300 * (5.5 - lat30) / (5.5 - 4.2)
    assert abs((pd.Timestamp(v.measured["time"]) - at(t30)).total_seconds()) < 0.5
    assert v.measured["time_earliest"] == at(t30 // 30 * 30).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert v.measured["time_latest"] == at(t30 // 30 * 30 + 30).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "first came within the claimed 30 km" in v.sentence and [p.kind for p in v.evidence.points] == [
        "closest", "border", "first_within"]
    assert v.measured["border_lat"] == pytest.approx(4.0) and v.measured["border_lon"] == pytest.approx(LON, abs=1e-6)
    assert v.evidence.lines and v.evidence.regions == ("AA|BB",)
    no = S.approached(observe(t), border=AB, within_km=15)
    assert no.status == CONTRADICTED and "no coverage gap could have brought it closer" in no.sentence


def test_approached_gap_reaches_or_is_ruled_out() -> None:
    # south to 4.6 N, a 10-minute gap, then back north from 4.7 N: the gap's ellipse decides
    t = path([(0, 5.5, LON, FL), (600, 4.6, LON, FL), (1200, 4.7, LON, FL), (1800, 5.5, LON, FL)], 30,
             drop=[(600, 1200)])
    observed = float(geodesic_km(4.6, LON, 4.0, LON))
    fast = S.approached(observe(t, max_speed_kt=540), border=AB, within_km=15)
    assert fast.status == NOT_VERIFIABLE
    assert fast.measured["distance_km"] == pytest.approx(observed, abs=0.01)
    assert [(g.id, g.reaches_region) for g in fast.evidence.gaps] == [("gap-1", True)] and "gap-1" in fast.sentence
    # at 100 kt the aircraft covers 31 km in 10 minutes: it cannot get within 15 km of a border 66 km away
    slow = S.approached(observe(t, max_speed_kt=100), border=AB, within_km=15)
    assert slow.status == CONTRADICTED
    assert [(g.id, g.reaches_region) for g in slow.evidence.gaps] == [("gap-1", False)]


def test_approached_within_the_boundary_tolerance_of_the_claim_is_not_verifiable() -> None:
    # 22.1 km from B against a claimed 25 km: with a boundary accurate to 30 km the answer could go either way
    coarse = Region("BB", "Beta", B.geometry, "country", "coarse", 30.0)
    t = straight(5.5, 4.2, 1300)
    v = S.approached(observe(t), region=coarse, within_km=25)
    assert v.status == NOT_VERIFIABLE and v.measured["within_tolerance"] is True
    assert "closer to the claimed 25 km than the border data can resolve" in v.sentence
    assert "load finer boundaries with a regions: file" in v.sentence
    assert any("positional tolerance" in n for n in v.notes)
    fine = S.approached(observe(t), region=B, within_km=25)  # accurate to 0.5 km: 22.1 km decides
    assert fine.status == SUPPORTED and fine.measured["within_tolerance"] is False
    # far outside the band the data decides, even with the coarse boundary
    assert S.approached(observe(t), region=coarse, within_km=60).status == SUPPORTED


# -- entered / never_entered / stayed_outside --------------------------------------------------------------------


def test_entered_observed_crossing_time() -> None:
    t = straight(4.5, 3.5, 1000, step_s=40)  # crosses 4.0 N half way: t = 500 s, between samples 480 and 520
    v = S.entered(observe(t), region=B)
    assert v.status == SUPPORTED
    crossing = pd.Timestamp(v.measured["time"])
    assert abs((crossing - at(500)).total_seconds()) < 1.0
    (c,) = v.measured["crossings"]
    assert c["direction"] == "entry" and c["in_gap"] is False and c["lat"] == pytest.approx(4.0)
    assert [s.role for s in v.evidence.samples] == ["before the entry", "after the entry"]
    nv = S.never_entered(observe(t), region=B)
    assert nv.status == CONTRADICTED and "entered Beta" in nv.sentence


def test_entry_inside_a_gap_is_certain_but_unobserved() -> None:
    t = straight(4.5, 3.5, 1000, drop=[(300, 700)])  # 4.2 N at 300 s, then 3.8 N at 720 s
    v = S.entered(observe(t), region=B)
    assert v.status == SUPPORTED
    assert v.measured["time_earliest"] == at(300).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert v.measured["time_latest"] == at(720).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert v.measured["crossings"][0]["in_gap"] is True and "unseen" in v.sentence
    assert S.never_entered(observe(t), region=B).status == CONTRADICTED


def test_never_entered_gap_reaches_or_is_ruled_out() -> None:
    t = path([(0, 5.5, LON, FL), (600, 4.6, LON, FL), (1200, 4.7, LON, FL), (1800, 5.5, LON, FL)], 30,
             drop=[(600, 1200)])
    nv = S.never_entered(observe(t, max_speed_kt=540), region=B)
    assert nv.status == NOT_VERIFIABLE and nv.evidence.gaps[0].reaches_region is True
    ok = S.never_entered(observe(t, max_speed_kt=100), region=B)
    assert ok.status == SUPPORTED and ok.evidence.gaps[0].reaches_region is False
    assert "cannot reach it" in ok.sentence
    assert ok.measured["distance_km"] == pytest.approx(float(geodesic_km(4.6, LON, 4.0, LON)), abs=0.01)
    assert S.entered(observe(t, max_speed_kt=100), region=B).status == CONTRADICTED
    assert S.entered(observe(t, max_speed_kt=540), region=B).status == NOT_VERIFIABLE


def test_corner_cut_between_two_outside_samples_counts() -> None:
    # a square C around 4.5 N 61.5 W, 2 km wide; the track passes through it between two samples 22 km apart
    # and 60 s apart (not a gap): only the segment is inside
    c = Region("CC", "Corner", shapely.box(-61.51, 4.49, -61.49, 4.51), "user", "test", 0.0)
    t = path([(0, 4.6, LON, FL), (60, 4.4, LON, FL)], 60)
    assert len(t) == 2 and not S.fence.inside(t, c).any()
    v = S.entered(observe(t), region=c)
    assert v.status == SUPPORTED and abs((pd.Timestamp(v.measured["time"]) - at(27)).total_seconds()) < 1.0
    # the same pass 4 minutes apart is a coverage gap: the path between is not observed
    slow = path([(0, 4.6, LON, FL), (240, 4.4, LON, FL)], 240)
    assert S.entered(observe(slow, max_speed_kt=300), region=c).status == NOT_VERIFIABLE


def test_stayed_outside_only_counts_the_period() -> None:
    t = straight(4.5, 3.5, 1000)  # enters B at 500 s
    assert S.stayed_outside(observe(t, start=at(0), end=at(400)), region=B).status == SUPPORTED
    assert S.stayed_outside(observe(t, start=at(0), end=at(1000)), region=B).status == CONTRADICTED
    assert S.stayed_outside(observe(t), region=B).status == CONTRADICTED


# -- crossed --------------------------------------------------------------------------------------------------


def test_crossed_border_and_direction() -> None:
    t = straight(4.5, 3.5, 1000)
    v = S.crossed(observe(t), border=AB, sides=(A, B))
    assert v.status == SUPPORTED
    (c,) = v.measured["crossings"]
    assert (c["from"], c["to"], c["in_gap"]) == ("AA", "BB", False)
    assert abs((pd.Timestamp(v.measured["time"]) - at(500)).total_seconds()) < 1.0
    assert S.crossed(observe(t), border=AB, sides=(A, B), **{"from": A}).status == SUPPORTED
    wrong_way = S.crossed(observe(t), border=AB, sides=(A, B), **{"from": B})
    assert wrong_way.status == CONTRADICTED


def test_crossed_not_verifiable_when_a_gap_reaches_the_line() -> None:
    t = path([(0, 5.5, LON, FL), (600, 4.3, LON, FL), (1200, 4.35, LON, FL), (1800, 5.5, LON, FL)], 30,
             drop=[(600, 1200)])
    assert S.crossed(observe(t, max_speed_kt=540), border=AB, sides=(A, B)).status == NOT_VERIFIABLE
    assert S.crossed(observe(t, max_speed_kt=60), border=AB, sides=(A, B)).status == CONTRADICTED


# -- time_inside ------------------------------------------------------------------------------------------------


def test_time_inside_observed_and_bounded_by_gaps() -> None:
    # in B from 4.0 N to 3.0 N... then back: 3.8 N turn-around; inside from t=200 to t=1000 (800 s)
    t = path([(0, 4.2, LON, FL), (600, 3.6, LON, FL), (1200, 4.2, LON, FL)], 20)
    v = Q.time_inside(observe(t), region=B, at_least=pd.Timedelta("12 min"))
    assert v.status == SUPPORTED
    assert v.measured["seconds"] == pytest.approx(800.0, abs=1.0) and v.measured["seconds_max"] == v.measured["seconds"]
    assert Q.time_inside(observe(t), region=B, at_least=pd.Timedelta("14 min")).status == CONTRADICTED
    assert Q.time_inside(observe(t), region=B, at_most=pd.Timedelta("14 min")).status == SUPPORTED
    gappy = path([(0, 4.2, LON, FL), (600, 3.6, LON, FL), (1200, 4.2, LON, FL)], 20, drop=[(400, 800)])
    g = Q.time_inside(observe(gappy, max_speed_kt=400), region=B, at_least=pd.Timedelta("12 min"))
    assert g.status == NOT_VERIFIABLE
    assert g.measured["seconds"] == pytest.approx(400.0, abs=1.0)  # 200..400 and 800..1000 observed
    assert g.measured["seconds_max"] == pytest.approx(800.0, abs=1.0)


# -- present / absent --------------------------------------------------------------------------------------------


def test_present_and_absent_with_a_region() -> None:
    t = straight(4.5, 3.5, 1000)
    assert Q.present(observe(t, start=at(0), end=at(1000)), region=B).status == SUPPORTED
    assert Q.absent(observe(t, start=at(0), end=at(1000)), region=B).status == CONTRADICTED
    # observed in A throughout [0, 400], never in B, no gaps: the data decides
    assert Q.present(observe(t, start=at(0), end=at(400)), region=B).status == CONTRADICTED
    assert Q.absent(observe(t, start=at(0), end=at(400)), region=B).status == SUPPORTED


def test_unobserved_edges_of_the_period() -> None:
    t = straight(4.5, 4.4, 300)  # 4.4 N at 300 s, 44 km from B; then no data
    # 10 more minutes at 300 kt reach 93 km: B is within reach after the last sample
    v = Q.absent(observe(t, start=at(0), end=at(900), max_speed_kt=300), region=B)
    assert v.status == NOT_VERIFIABLE and "after the last sample" in v.sentence
    # at 100 kt the aircraft covers 31 km: B (44 km away) is out of reach
    assert Q.absent(observe(t, start=at(0), end=at(900), max_speed_kt=100), region=B).status == SUPPORTED
    seen = Q.present(observe(t, start=at(0), end=at(900)))
    assert seen.status == SUPPORTED and seen.measured["first_seen"] == at(0).strftime("%Y-%m-%dT%H:%M:%SZ")
    none = Q.present(observe(t, start=at(1000), end=at(2000)))
    assert none.status == NOT_VERIFIABLE and "no data is not no flight" in none.sentence
    assert Q.absent(observe(t, start=at(1000), end=at(2000))).status == SUPPORTED  # not seen in these files


# -- crossing times ------------------------------------------------------------------------------------------------


def test_crossing_time_within() -> None:
    t = straight(4.5, 3.5, 1000)
    assert Q.crossing_time_within(observe(t), start=at(400), end=at(600), region=B).status == SUPPORTED
    assert Q.crossing_time_within(observe(t), start=at(400), end=at(600), border=AB, sides=(A, B)).status == SUPPORTED
    late = Q.crossing_time_within(observe(t), start=at(700), end=at(900), region=B)
    assert late.status == CONTRADICTED and late.measured["nearest_crossing"]
    gap = straight(4.5, 3.5, 1000, drop=[(300, 700)])
    assert Q.crossing_time_within(observe(gap), start=at(500), end=at(900), region=B).status == NOT_VERIFIABLE


# -- traffic_count ------------------------------------------------------------------------------------------------


def _aircraft(icao: str, day: str, lat: float) -> pd.DataFrame:
    t0 = pd.Timestamp(f"{day}T12:00Z")
    n = 5
    return pd.DataFrame({"time": [t0 + pd.Timedelta(seconds=30 * i) for i in range(n)], "icao24": icao,
                         "lat": np.full(n, lat), "lon": np.linspace(-61.6, -61.4, n)})


def test_traffic_count_compares_daily_distinct_aircraft() -> None:
    from tracks import schema

    frames = []
    for day in ("2025-11-20", "2025-11-21"):  # baseline: three aircraft in B each day, one elsewhere
        frames += [_aircraft(h, day, 3.5) for h in ("aaa001", "aaa002", "0d8001")] + [_aircraft("aaa009", day, 6.0)]
    frames += [_aircraft("0d8001", "2025-11-30", 3.5), _aircraft("aaa009", "2025-11-30", 6.0)]  # period: one in B
    frames += [_aircraft("aaa009", "2025-12-01", 6.0)]  # a day with data but nobody in B
    data = pd.concat(frames, ignore_index=True)
    data["record"] = np.arange(len(data))
    traffic = Traffic(schema.conform(data))
    from tracks.claims.case import TimeRange

    base = TimeRange(pd.Timestamp("2025-11-20T00:00Z"), pd.Timestamp("2025-11-22T00:00Z"))
    per = TimeRange(pd.Timestamp("2025-11-30T00:00Z"), pd.Timestamp("2025-12-03T00:00Z"))
    v = T.traffic_count(traffic, region=B, baseline=base, period=per, at_most_ratio=0.25)
    assert v.measured["baseline"]["per_day"] == {"2025-11-20": 3, "2025-11-21": 3}
    assert v.measured["period"]["per_day"] == {"2025-11-30": 1, "2025-12-01": 0}
    assert v.measured["period"]["days_without_data"] == ["2025-12-02"]
    assert v.measured["ratio"] == pytest.approx(0.5 / 3, abs=1e-4)
    assert v.status == SUPPORTED
    assert T.traffic_count(traffic, region=B, baseline=base, period=per, at_most_ratio=0.1).status == CONTRADICTED
    domestic_out = T.traffic_count(traffic, region=B, baseline=base, period=per, at_most_per_day=0, exclude_icao24=("0d8",))
    assert domestic_out.status == SUPPORTED and domestic_out.measured["baseline"]["per_day"]["2025-11-20"] == 2
    empty = TimeRange(pd.Timestamp("2025-10-01T00:00Z"), pd.Timestamp("2025-10-03T00:00Z"))
    assert T.traffic_count(traffic, region=B, baseline=empty, period=per, at_most_ratio=0.5).status == NOT_VERIFIABLE


# -- time without data (QA regressions) ------------------------------------------------------------------------


def test_time_inside_without_samples_is_not_verifiable() -> None:
    empty = straight(4.2, 3.6, 600).between(at(5000), at(6000))
    assert len(empty) == 0
    for kw in ({"at_least": pd.Timedelta("5 min")}, {"at_most": pd.Timedelta("5 min")}):
        v = Q.time_inside(observe(empty, start=at(5000), end=at(6000)), region=B, **kw)
        assert v.status == NOT_VERIFIABLE, v.sentence


def test_time_inside_counts_the_unobserved_ends_of_the_period() -> None:
    t = path([(0, 4.2, LON, FL), (600, 3.6, LON, FL), (1200, 4.2, LON, FL)], 20)  # 800 s inside B
    same = Q.time_inside(observe(t, start=at(0), end=at(1200), max_speed_kt=400), region=B, at_least=pd.Timedelta("14 min"))
    assert same.status == CONTRADICTED and same.measured["seconds_max"] == pytest.approx(800.0, abs=1.0)
    # 600 s without data after the last sample (0.2 deg north of B): it could be back inside after d / 400 kt
    reach_s = float(geodesic_km(4.2, LON, 4.0, LON)) / (400 * 1.852 / 3600)
    v = Q.time_inside(observe(t, start=at(0), end=at(1800), max_speed_kt=400), region=B, at_least=pd.Timedelta("14 min"))
    assert v.status == NOT_VERIFIABLE
    assert v.measured["seconds_max"] == pytest.approx(800.0 + 600.0 - reach_s, abs=1.0)
    assert "after the last sample" in v.sentence
    assert Q.time_inside(observe(t, start=at(0), end=at(1800), max_speed_kt=400), region=B, at_most=pd.Timedelta("14 min")).status == NOT_VERIFIABLE
    # too little unseen time to get back into B: the data decides
    assert Q.time_inside(observe(t, start=at(0), end=at(1260), max_speed_kt=400), region=B, at_least=pd.Timedelta("14 min")).status == CONTRADICTED


def test_crossing_time_within_window_beyond_the_data_is_not_verifiable() -> None:
    t = straight(5.5, 4.5, 600)  # in A, 0.5 deg north of the border, for 10 minutes
    later = Q.crossing_time_within(observe(t, max_speed_kt=400), start=at(600), end=at(2400), region=B)
    assert later.status == NOT_VERIFIABLE and "after the last sample" in later.sentence
    assert Q.crossing_time_within(observe(t, max_speed_kt=400), start=at(0), end=at(600), region=B).status == CONTRADICTED


def test_absent_sentence_names_the_unobserved_time() -> None:
    empty = straight(4.2, 3.6, 600).between(at(5000), at(6000))
    v = Q.absent(observe(empty, start=at(5000), end=at(6000)), region=B)
    assert v.status == NOT_VERIFIABLE
    assert "no data covers the whole period, when it could have been there" in v.sentence


def test_an_isolated_sample_between_two_gaps_is_observed() -> None:
    # north in A, a 5-min gap, ONE sample 0.1 deg from the border, another 5-min gap, back north
    t = path([(0, 5.5, LON, FL), (300, 5.0, LON, FL), (600, 4.1, LON, FL), (900, 5.0, LON, FL),
              (1200, 5.5, LON, FL)], 30, drop=[(300, 600), (600, 900)])
    assert (t.data["lat"] == 4.1).sum() == 1
    a = observed_closest(observe(t), B)
    assert a.distance_km == pytest.approx(float(geodesic_km(4.1, LON, 4.0, LON)), abs=0.01)


def test_a_circle_reads_as_one_in_sentences() -> None:
    from tracks.geo.regions import circle

    c = circle(4.0, -61.5, 50.0)
    v = S.never_entered(observe(straight(5.5, 5.0, 600)), region=c)
    assert v.status == SUPPORTED
    assert "stayed outside the 50 km circle around 4.0000, -61.5000: its observed track came no closer than" in v.sentence


def test_not_verifiable_outside_sentence_names_the_aircraft() -> None:
    t = path([(0, 5.5, LON, FL), (600, 4.6, LON, FL), (1200, 4.7, LON, FL), (1800, 5.5, LON, FL)], 30,
             drop=[(600, 1200)])  # a 10-min gap 0.6 deg from B: its ellipse reaches B at 540 kt
    for fn in (S.never_entered, S.entered):
        v = fn(observe(t, max_speed_kt=540), region=B)
        assert v.status == NOT_VERIFIABLE
        assert v.sentence.startswith("Not verifiable: the observed track of ICAO 0d8373 came no closer than"), v.sentence
        assert "a 10 min coverage gap" in v.sentence


def test_gap_durations_take_the_right_article() -> None:
    from tracks.wording import a_an

    assert [a_an(x) for x in ("10 min", "8 h 23 min", "11 min", "18 s", "80 s", "1 h 05 min", "110 min")] == [
        "a 10 min", "an 8 h 23 min", "an 11 min", "an 18 s", "an 80 s", "a 1 h 05 min", "a 110 min"]


# -- distances next to the boundary data's tolerance --------------------------------------------------------------


def _lat_north_of_4n(km_: float) -> float:
    from pyproj import Geod

    _, lat, _ = Geod(ellps="WGS84").fwd(LON, 4.0, 0.0, km_ * 1000.0)
    return float(lat)


@pytest.mark.parametrize(("distance", "tolerance", "within", "words"), [
    (5.79, 5.80, True, ("5.79 km", "5.80 km")),  # one decimal would read '5.8 km ... accurate to 5.8 km'
    (5.81, 5.80, False, ("5.8 km", "")),  # the tolerance is not mentioned: the usual one decimal
    (5.2, 5.8, True, ("5.2 km", "5.8 km")),  # one decimal tells them apart: no extra digits
])
def test_a_distance_within_the_tolerance_cannot_decide_never_entered(distance: float, tolerance: float, within: bool,
                                                                     words: tuple[str, str]) -> None:
    # finding 6: a verdict that would flip anywhere inside the boundary data's error band is not verifiable
    region = Region("BB", "Beta", B.geometry, "country", "test", tolerance)
    t = straight(5.0, _lat_north_of_4n(distance), 600)
    v = S.never_entered(observe(t), region=region)
    assert v.measured["distance_km"] == pytest.approx(distance, abs=0.002)
    assert v.measured["within_tolerance"] is within
    if within:
        assert v.status == NOT_VERIFIABLE
        assert (f"closer to the border than the border data can resolve: the observed track of ICAO 0d8373 came "
                f"within {words[0]} of Beta, and the boundary data is accurate to {words[1]} there") in v.sentence
        assert any(f"within {words[0]} of BB" in n and words[1] in n for n in v.notes), v.notes
    else:
        assert v.status == SUPPORTED
        assert f"no closer than {words[0]} to Beta" in v.sentence
        assert "accura" not in v.sentence and not v.notes


# -- unobserved edges of the tested period (before the first / after the last sample) ------------------------------


def test_approached_counts_the_edges_only_when_the_observed_track_is_too_far() -> None:
    t = straight(5.5, 4.2, 1300)  # last sample 4.2 N, 22.1 km from the border, at 1300 s
    d = float(geodesic_km(4.2, LON, 4.0, LON))
    # 60 s more at 540 kt is 16.7 km: the aircraft could have come within 15 km after the last sample
    v = S.approached(observe(t, max_speed_kt=540, start=at(0), end=at(1360)), border=AB, within_km=15)
    assert v.status == NOT_VERIFIABLE
    assert "without data after the last sample" in v.sentence and "to the end of the period" in v.sentence
    (edge,) = v.evidence.gaps
    assert (edge.kind, edge.id, edge.reaches_region) == ("end", "after-last-sample", True)
    assert edge.reach_km == pytest.approx(540 * 1.852 / 60) and edge.duration_s == 60.0
    assert (edge.start_lat, edge.start_lon) == (edge.end_lat, edge.end_lon) == pytest.approx((4.2, LON))
    # 10 s (2.8 km) cannot bring it from 22.1 km to 15 km: the data decides, and says the edge was checked
    no = S.approached(observe(t, max_speed_kt=540, start=at(0), end=at(1310)), border=AB, within_km=15)
    assert no.status == CONTRADICTED
    assert "no coverage gap, nor the 10 s without data after the last sample, could have brought it closer" in no.sentence
    assert [(g.kind, g.reaches_region) for g in no.evidence.gaps] == [("end", False)]
    # observed within the claimed distance: a "there exists" claim, whatever the edges
    yes = S.approached(observe(t, max_speed_kt=540, start=at(-36000), end=at(36000)), border=AB, within_km=25)
    assert yes.status == SUPPORTED and yes.measured["distance_km"] == pytest.approx(d, abs=0.01)
    assert not yes.evidence.gaps
    # without a period (a direct call), the track's own extent: nothing unobserved at its ends
    assert S.approached(observe(t, max_speed_kt=540), border=AB, within_km=15).status == CONTRADICTED


def test_never_entered_and_entered_with_edges() -> None:
    t = straight(5.5, 4.2, 1300)  # never in B; ends 22.1 km from it
    two_min = {"start": at(0), "end": at(1420)}
    nv = S.never_entered(observe(t, max_speed_kt=540, **two_min), region=B)  # 33 km in 2 min: B within reach
    assert nv.status == NOT_VERIFIABLE and "could have entered unseen during the 2 min without data after" in nv.sentence
    assert S.entered(observe(t, max_speed_kt=540, **two_min), region=B).status == NOT_VERIFIABLE
    slow = S.never_entered(observe(t, max_speed_kt=100, **two_min), region=B)  # 6 km in 2 min: out of reach
    assert slow.status == SUPPORTED
    assert "the 2 min without data after the last sample is too short to get there" in slow.sentence
    assert S.entered(observe(t, max_speed_kt=100, **two_min), region=B).status == CONTRADICTED
    # an edge before the first sample, 166 km from B: ruled out even at 540 kt for 2 min; both edges named
    both = S.never_entered(observe(t, max_speed_kt=100, start=at(-120), end=at(1420)), region=B)
    assert both.status == SUPPORTED and [g.kind for g in both.evidence.gaps] == ["start", "end"]
    assert "the 2 min without data before the first sample and the 2 min without data after the last sample are " \
           "too short to get there" in both.sentence


def test_stayed_outside_period_beyond_the_samples() -> None:
    t = straight(4.5, 3.5, 1000)  # enters B at 500 s; first sample 4.5 N, 55 km from B
    # ten minutes before the first sample at 540 kt: 167 km, B within reach
    v = S.stayed_outside(observe(t, start=at(-600), end=at(400), max_speed_kt=540), region=B)
    assert v.status == NOT_VERIFIABLE and "before the first sample, from the start of the period" in v.sentence
    assert S.stayed_outside(observe(t, start=at(-600), end=at(400), max_speed_kt=100), region=B).status == SUPPORTED


def test_crossed_counts_the_edges() -> None:
    t = straight(5.5, 4.5, 600)  # in A, ends 55 km north of the border
    v = S.crossed(observe(t, max_speed_kt=540, start=at(0), end=at(900)), border=AB, sides=(A, B))
    assert v.status == NOT_VERIFIABLE and "after the last sample" in v.sentence
    no = S.crossed(observe(t, max_speed_kt=540, start=at(0), end=at(610)), border=AB, sides=(A, B))
    assert no.status == CONTRADICTED and "nor the 10 s without data after the last sample" in no.sentence
