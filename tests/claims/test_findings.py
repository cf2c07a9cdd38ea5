"""Issue 11: verdicts a newsroom can publish without re-checking. Each numbered finding of the issue is checked
here on the file that showed it (../shared/corpus, or the bundled case), with the verdict it must now have."""

from __future__ import annotations

import textwrap
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest

import tracks
from tests.claims.builders import at, path
from tests.helpers import REPO
from tracks.claims.verdict import CONTRADICTED, NOT_VERIFIABLE, SUPPORTED
from tracks.observation import observe

CASE_DIR = REPO / "data" / "cases" / "venezuela-2025-11"
BUNDLED = CASE_DIR / "trace_full_0d8373.illustrative.json"


def check(case: Path) -> tracks.claims.result.CaseResult:
    """The case files here name the corpus (outside their folder), as a reader's case would name its downloads."""
    return tracks.check(case, allow_outside=True)


def case_file(tmp_path: Path, head: str, claims: str) -> Path:
    p = tmp_path / "case.yaml"
    p.write_text(textwrap.dedent(head) + "claims:\n" + textwrap.indent(textwrap.dedent(claims), "  "))
    return p


def jl516(tmp_path: Path, corpus: Path, claims: str) -> tracks.claims.result.CaseResult:
    csv = corpus / "fr24-csv" / "xoolive__traffic" / "JL516_3376ab31.csv"
    return check(case_file(tmp_path, f"""\
        title: JL516
        aircraft: {{icao24: 8467d8}}
        window: {{start: 2024-01-02T07:00Z, end: 2024-01-02T08:48Z}}
        tracks: [{{path: {csv}, icao24: 8467d8}}]
        """, claims))


def spar19(tmp_path: Path, corpus: Path, claims: str) -> tracks.claims.result.CaseResult:
    return check(case_file(tmp_path, f"""\
        title: SPAR19
        aircraft: {{icao24: ae503d}}
        window: {{start: 2022-08-02T06:00Z, end: 2022-08-02T14:48:55Z}}
        tracks: [{corpus / "fr24-playback-json" / "2ce4f83f.json"}]
        """, claims))


def ac671b(tmp_path: Path, corpus: Path, claims: str, start: str = "2025-02-04T21:13:42Z",
           end: str = "2025-02-05T19:54:38Z") -> tracks.claims.result.CaseResult:
    return check(case_file(tmp_path, f"""\
        title: N899DN
        aircraft: {{icao24: ac671b}}
        window: {{start: {start}, end: {end}}}
        tracks: [{corpus / "readsb-trace" / "trace_full_ac671b.json"}]
        """, claims))


def bundled(tmp_path: Path, claims: str) -> tracks.claims.result.CaseResult:
    return check(case_file(tmp_path, f"""\
        title: YV2984
        timezone: America/Caracas
        aircraft: {{icao24: 0d8373}}
        window: {{start: 2025-11-28T18:00Z, end: 2025-11-29T08:00Z}}
        tracks: [{BUNDLED}]
        """, claims))


# -- 1. taxiing is not airborne -------------------------------------------------------------------------------------


@pytest.mark.corpus
def test_1_taxiing_samples_without_an_air_ground_flag_are_not_airborne(tmp_path: Path, corpus: Path) -> None:
    # JL516's FR24 CSV gives no air/ground flag; at 07:20-07:25Z its one sample is at RJCC, 0 ft, 0 kt
    r = jl516(tmp_path, corpus, """\
        - id: high
          quote: at least 100 ft from 07:20 to 07:25Z
          test: {altitude_band: {min_ft: 100, start: 2024-01-02T07:20Z, end: 2024-01-02T07:25Z}}
    """)
    v = r.verdict("high")
    assert v.status == NOT_VERIFIABLE and (v.measured["samples"], v.measured["ground_samples"]) == (0, 1)
    assert "1 sample on the ground, inferred from ground speed and altitude, as the legs are" in v.sentence
    assert r.observation is not None and r.observation.ground.source[0] == 1  # inferred, not flagged


@pytest.mark.corpus
def test_1_spar19_taxiing_at_songshan_is_not_airborne(tmp_path: Path, corpus: Path) -> None:
    # SPAR19's playback JSON: 32 samples at 0 ft and 4-15 kt between 14:44 and 14:49Z, all taxiing
    r = spar19(tmp_path, corpus, """\
        - id: high
          quote: at least 100 ft from 14:44 to 14:49Z
          test: {altitude_band: {min_ft: 100, start: 2022-08-02T14:44Z, end: 2022-08-02T14:49Z}}
    """)
    v = r.verdict("high")
    assert v.status == NOT_VERIFIABLE and (v.measured["samples"], v.measured["ground_samples"]) == (0, 32)
    # the legs read the same samples as the ground roll after the landing: one rule, one answer
    assert r.legs["landing_airport"].iloc[-1] == "RCSS"


# -- 2. observed events are intervals -------------------------------------------------------------------------------


@pytest.mark.corpus
def test_2_spar19_landing_between_two_samples_is_an_interval(tmp_path: Path, corpus: Path) -> None:
    # 14:43:32 airborne (100 ft, 143 kt), 14:43:49 on the ground: 'landed by 14:43:40' cannot be decided
    r = spar19(tmp_path, corpus, """\
        - id: by-1443-40
          quote: landed at Songshan by 14:43:40Z
          test: {event_time_within: {event: landing, airports: RCSS, start: 2022-08-02T14:00Z,
                                     end: 2022-08-02T14:43:40Z}}
        - id: by-1444
          quote: landed at Songshan by 14:44Z
          test: {event_time_within: {event: landing, airports: RCSS, start: 2022-08-02T14:00Z, end: 2022-08-02T14:44Z}}
        - id: taipei
          quote: landed at Songshan
          test: {landed_at: RCSS}
    """)
    v = r.verdict("by-1443-40")
    assert v.status == NOT_VERIFIABLE
    assert (v.measured["time_earliest"], v.measured["time_latest"]) == ("2022-08-02T14:43:32Z", "2022-08-02T14:43:49Z")
    assert r.verdict("by-1444").status == SUPPORTED
    m = r.verdict("taipei").measured
    assert (m["time_earliest"], m["time_latest"]) == ("2022-08-02T14:43:32Z", "2022-08-02T14:43:49Z")


@pytest.mark.corpus
def test_2_ac671b_landing_at_minneapolis_is_an_interval(tmp_path: Path, corpus: Path) -> None:
    # 01:12:22.358 airborne, 01:12:26.078 on the ground: 'by 01:12:24' is not verifiable
    r = ac671b(tmp_path, corpus, """\
        - id: by-011224
          quote: landed at Minneapolis by 01:12:24Z
          test: {event_time_within: {event: landing, airports: KMSP, start: 2025-02-05T00:00Z,
                                     end: 2025-02-05T01:12:24Z}}
    """)
    v = r.verdict("by-011224")
    assert v.status == NOT_VERIFIABLE
    lo, hi = pd.Timestamp(v.measured["time_earliest"]), pd.Timestamp(v.measured["time_latest"])
    assert abs((lo - pd.Timestamp("2025-02-05T01:12:22.358Z")).total_seconds()) < 0.002
    assert abs((hi - pd.Timestamp("2025-02-05T01:12:26.078Z")).total_seconds()) < 0.002


# -- 3. the speed bound does not depend on the window -----------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize(("start", "end"), [("2025-02-05T06:20Z", "2025-02-05T14:50Z"),
                                            ("2025-02-04T21:13:42Z", "2025-02-05T19:54:38Z")])
def test_3_never_entered_cuba_does_not_depend_on_the_window(tmp_path: Path, corpus: Path, start: str,
                                                            end: str) -> None:
    r = ac671b(tmp_path, corpus, """\
        - id: cuba
          quote: never entered Cuba
          test: {never_entered: CU}
    """, start, end)
    assert r.observation is not None
    speed = r.observation.speed  # the documented rule: 1.2 x the fastest speed observed (514 kt reported)
    assert (speed.source, speed.fastest_kt, round(speed.kt, 2)) == ("observed", 514.4, 617.28)
    v = r.verdict("cuba")
    assert v.status == NOT_VERIFIABLE
    (gap,) = [g for g in v.evidence.gaps if g.reaches_region]
    assert gap.duration_s > 8 * 3600 and gap.reach_km == pytest.approx(617.28 * 1.852 * gap.duration_s / 3600)


# -- 5. an unseen landing blocks only the airports within its reach -------------------------------------------------


@pytest.mark.corpus
def test_5_landings_out_of_reach_of_the_gap_are_contradicted(tmp_path: Path, corpus: Path) -> None:
    r = ac671b(tmp_path, corpus, """\
        - id: london
          quote: landed at Heathrow
          test: {landed_at: EGLL}
        - id: sao-paulo
          quote: landed at Guarulhos
          test: {landed_at: SBGR}
        - id: seattle
          quote: landed at Seattle
          test: {landed_at: KSEA}
    """)
    for cid in ("london", "sao-paulo"):
        v = r.verdict(cid)
        assert v.status == CONTRADICTED, v.sentence
    # Seattle is within reach of the 8 h 24 min gap, where a landing was not observed: that one stays open
    seattle = r.verdict("seattle")
    assert seattle.status == NOT_VERIFIABLE and "an 8 h 23 min coverage gap" in seattle.sentence


# -- 6. one tolerance rule, one tolerance per boundary ----------------------------------------------------------------


def test_6_stayed_in_venezuela_is_not_verifiable_inside_the_error_band(tmp_path: Path) -> None:
    r = tracks.check(CASE_DIR / "case.yaml")
    stayed, reached = r.verdict("stayed-in-venezuela"), r.verdict("reached-border")
    assert stayed.status == NOT_VERIFIABLE
    assert ("closer to the border than the border data can resolve: the observed track of YV2984 came within 5.79 km "
            "of Brazil, and the boundary data is accurate to 5.80 km there; load finer boundaries") in stayed.sentence
    # the same border point carries the same tolerance in both claims
    assert stayed.measured["tolerance_km"] == reached.measured["tolerance_km"] == 5.8
    assert (stayed.measured["distance_km"], reached.measured["distance_km"]) == (pytest.approx(5.79, abs=0.005),) * 2
    # far from the claimed 15 km the distance decides, wherever the border lies within 5.8 km
    assert reached.status == SUPPORTED and "than the border data can resolve" not in reached.sentence


# -- 7. the moment of "came within X km" ------------------------------------------------------------------------------


def test_7_the_moment_of_approached_is_the_first_time_within_the_distance(tmp_path: Path) -> None:
    r = bundled(tmp_path, """\
        - id: departed
          quote: left Caracas
          test: {departed_from: [SVMI, SVFM]}
        - id: reached-border
          quote: flew to the Roraima border
          test: {approached: {border: [VE, BR-RR], within_km: 15}}
          after: departed
        - id: landed-svse
          quote: landed in Santa Elena
          test: {landed_at: SVSE}
          after: departed
        - id: returned
          quote: returned to Caracas
          test: {landed_at: [SVMI, SVFM]}
          after: landed-svse
        - id: in-order
          quote: departed, reached the border, landed in Santa Elena, returned
          test: {sequence: [departed, reached-border, landed-svse, returned]}
    """)
    assert r.verdict("in-order").status == SUPPORTED, r.verdict("in-order").sentence
    v = r.verdict("reached-border")
    first, closest = pd.Timestamp(v.measured["time"]), pd.Timestamp(v.measured["closest_time"])
    landed = pd.Timestamp(r.verdict("landed-svse").measured["time_earliest"])
    assert first < landed < closest  # the closest approach is a taxi sample at SVSE, after the landing
    assert "first came within the claimed 15 km" in v.sentence and "at the closest" in v.sentence


# -- 8. the gap rule in one place ---------------------------------------------------------------------------------


def test_8_one_check_computes_gaps_and_ground_state_once(tmp_path: Path) -> None:
    from tracks import airborne, observation, segments
    from tracks.geo import track_arrays
    from tracks.render.report import write_outputs

    with mock.patch.object(observation, "segment_causes", wraps=segments.segment_causes) as causes, \
            mock.patch.object(observation, "ground_state", wraps=airborne.ground_state) as ground, \
            mock.patch.object(track_arrays, "gap_mask", wraps=segments.gap_mask) as fence_gaps:
        r = tracks.check(CASE_DIR / "case.yaml")
        write_outputs(r, tmp_path / "out")
    assert (causes.call_count, ground.call_count, fence_gaps.call_count) == (1, 1, 0)
    assert (tmp_path / "out" / "map.html").is_file()


def test_8_a_period_keeps_the_gap_of_re_sent_positions_across_its_start() -> None:
    # fresh positions every 10 s until 100 s, then the exporter re-sends that position (stale) every 10 s until
    # 190 s, then a fresh one at 200 s: from 160 s on more than 60 s have passed without a fresh position, so
    # 160 -> 170 ... 190 -> 200 s are gaps ("resent") though their samples are 10 s apart. A period starting at
    # 195 s keeps the sample at 190 s and its gap: the rule is applied to the whole track, not to 2-row slices.
    t = path([(0, 5.0, -61.0, 30000.0), (200, 5.2, -61.0, 30000.0)], 10.0)
    d = t.data.copy()
    resent = (d["time"] > at(100)) & (d["time"] < at(200))
    d.loc[resent, ["lat", "lon"]] = d.loc[d["time"] == at(100), ["lat", "lon"]].to_numpy()[0]
    d.loc[resent, "stale"] = True
    t = tracks.Track(d)
    obs = observe(t)
    assert list(obs.gaps.frame["cause"]) == ["resent"] * 4 and obs.gaps.frame["start_time"].iloc[0] == at(160)
    view = obs.period(at(195), None)
    assert view.times.iloc[0] == at(190) and list(view.gaps.frame["gap_id"]) == ["gap-4"]
    from tracks.segments import gap_mask

    assert not gap_mask(t.data.iloc[19:21])[0]  # the same two rows alone look observed: the old engine's mistake
    assert not view.edges  # the aircraft's time before 195 s is a gap, not an unobserved edge


# -- 9. tracks info says what it counts -------------------------------------------------------------------------------


@pytest.mark.corpus
def test_9_info_says_which_gaps_it_counts(corpus: Path) -> None:
    from click.testing import CliRunner

    from tracks.cli import cli

    out = CliRunner().invoke(cli, ["info", str(corpus / "readsb-trace" / "trace_full_ac671b.json")]).output
    assert ("coverage gaps: 80 (28 longer than 60 s without a sample; 52 of 15–52 s after the exporter's stale "
            "flag), longest 8 h 23 min") in out
    assert "gaps over 60 s" not in out
