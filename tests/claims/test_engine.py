"""tracks.check end to end: `after`, errors naming the case file's line, the bundled case, reports."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

import tracks
from tests.claims.builders import at, trip, write_trace
from tests.helpers import REPO
from tracks.claims.result import CaseResult
from tracks.claims.verdict import CONTRADICTED, NOT_VERIFIABLE, SUPPORTED
from tracks.errors import CaseFileError
from tracks.render.report import ILLUSTRATIVE_BANNER, report_dict, write_outputs
from tracks.wording import duration, km

CASE_DIR = REPO / "data" / "cases" / "venezuela-2025-11"
HEAD = """\
title: Trip <script>alert(1)</script>
timezone: America/Caracas
aircraft: {icao24: 0d8373, registration: YV2984}
window: {start: 2025-11-28T22:00Z, end: 2025-11-29T04:00Z}
tracks: [trip.json]
claims:
"""


def make_case(tmp_path: Path, claims: str, *, illustrative: bool = False) -> Path:
    write_trace(trip(), str(tmp_path / "trip.json"), illustrative=illustrative)
    p = tmp_path / "case.yaml"
    p.write_text(HEAD + textwrap.dedent(claims))
    return p


# -- after / sequence -------------------------------------------------------------------------------------------


def test_after_restricts_the_samples(tmp_path: Path) -> None:
    case = make_case(tmp_path, """\
      - id: out
        quote: left Caracas
        test: {departed_from: SVMI}
      - id: there
        quote: landed in Santa Elena
        test: {landed_at: SVSE}
        after: out
      - id: again-from-caracas
        quote: then left Caracas again
        test: {departed_from: SVMI}
        after: there
      - id: from-santa-elena
        quote: then left Santa Elena
        test: {departed_from: SVSE}
        after: there
      - id: back
        quote: came back
        test: {landed_at: [SVMI, SVFM]}
        after: there
      - id: order
        quote: in that order
        test: {sequence: [out, there, back]}
      - id: again-before-back
        quote: left Caracas again before coming back
        test: {departed_from: SVMI}
        after: there
        before: back
    """)
    r = tracks.check(case)
    status = {v.claim_id: v.status for v in r.verdicts}
    # again-from-caracas: the data ends at 03:00Z, parked at SVMI, and the window runs to 04:00Z: a take-off
    # from SVMI in that unseen hour can be neither seen nor ruled out (no data is not no flight). Up to the
    # landing back in Caracas (before: back), the data decides.
    assert status == {"out": SUPPORTED, "there": SUPPORTED, "again-from-caracas": NOT_VERIFIABLE,
                      "from-santa-elena": SUPPORTED, "back": SUPPORTED, "order": SUPPORTED,
                      "again-before-back": CONTRADICTED}
    again = r.verdict("again-from-caracas")
    assert "the 1 h 00 min without data after the last sample, from 29 Nov 2025 03:00Z" in again.sentence
    assert "to the window end, 29 Nov 2025 04:00Z" in again.sentence
    (edge,) = again.evidence.gaps
    assert (edge.kind, edge.start, edge.end, edge.reaches_region) == ("end", "2025-11-29T03:00:00Z",
                                                                       "2025-11-29T04:00:00Z", True)
    assert r.verdict("back").measured["time"] == "2025-11-29T02:55:00Z"  # touchdown at 6000 + 2400 + 5700 s
    assert any("after claim 'there'" in n for n in r.verdict("back").notes)
    assert [v.claim_id for v in r.verdicts] == ["out", "there", "again-from-caracas", "from-santa-elena", "back", "order",
                                                "again-before-back"]


def test_after_a_claim_without_a_moment_is_not_verifiable(tmp_path: Path) -> None:
    case = make_case(tmp_path, """\
      - id: bogota
        quote: landed in Bogota
        test: {landed_at: SKBO}
      - id: then
        quote: then flew home
        test: {landed_at: SVMI}
        after: bogota
      - id: order
        quote: in that order
        test: {sequence: [bogota, then]}
    """)
    r = tracks.check(case)
    assert r.verdict("bogota").status == CONTRADICTED
    then = r.verdict("then")
    assert then.status == NOT_VERIFIABLE and "which is contradicted" in then.sentence
    assert r.verdict("order").status == CONTRADICTED


def test_before_restricts_the_samples(tmp_path: Path) -> None:
    # trip(): take-off SVMI 300 s, touchdown SVSE 6000 s, take-off SVSE 8400 s, touchdown SVMI 14100 s
    case = make_case(tmp_path, """\
      - id: out
        quote: left Caracas
        test: {departed_from: SVMI}
      - id: there
        quote: landed in Santa Elena
        test: {landed_at: SVSE}
        after: out
      - id: back
        quote: came back
        test: {landed_at: SVMI}
        after: there
      - id: first-stop
        quote: its first stop was Santa Elena
        test: {landed_at: SVSE}
        before: back
      - id: left-se-early
        quote: left Santa Elena before landing there
        test: {departed_from: SVSE}
        after: out
        before: there
      - id: home-between
        quote: landed in Caracas between leaving and Santa Elena
        test: {landed_at: SVMI}
        after: out
        before: there
      - id: inverted
        quote: q
        test: {landed_at: SVSE}
        after: back
        before: out
    """)
    r = tracks.check(case)
    status = {v.claim_id: v.status for v in r.verdicts}
    assert status == {"out": SUPPORTED, "there": SUPPORTED, "back": SUPPORTED, "first-stop": SUPPORTED,
                      "left-se-early": CONTRADICTED, "home-between": CONTRADICTED, "inverted": NOT_VERIFIABLE}
    assert r.verdict("first-stop").measured["time"] == "2025-11-29T00:40:00Z"
    notes = r.verdict("left-se-early").notes
    assert notes[0] == "tested on samples from 2025-11-28T23:05:00Z on (after claim 'out')"  # the last ground sample
    assert notes[1] == "tested on samples up to 2025-11-29T00:40:00Z (before claim 'there')"
    inverted = r.verdict("inverted")
    assert ("from the moment of claim 'back'" in inverted.sentence and "to the moment of claim 'out'" in inverted.sentence
            and "there is no period to test" in inverted.sentence)
    assert [v.claim_id for v in r.verdicts][-1] == "inverted"
    doc = report_dict(r)
    early = next(c for c in doc["claims"] if c["id"] == "left-se-early")
    assert (early["after"], early["before"]) == ("out", "there")
    from tracks.render.report import report_markdown

    assert "`departed_from: within_km=5, airports=[SVSE]; after out; before there`" in report_markdown(r)


def test_before_a_claim_without_a_moment_is_not_verifiable(tmp_path: Path) -> None:
    case = make_case(tmp_path, """\
      - id: bogota
        quote: landed in Bogota
        test: {landed_at: SKBO}
      - id: then
        quote: left Caracas before that
        test: {departed_from: SVMI}
        before: bogota
    """)
    then = tracks.check(case).verdict("then")
    assert then.status == NOT_VERIFIABLE and "tested before claim 'bogota', which is contradicted" in then.sentence
    assert "no moment to end at" in then.sentence and then.measured == {"before": "bogota"}


def test_a_period_keeps_the_sample_after_a_gap_spanning_its_end() -> None:
    from tracks.observation import observe

    t = trip(drop=[(4990, 5800)])  # a gap from 4980 s to 5820 s (samples every 30 s)
    cut = observe(t).period(None, at(5400))
    assert cut.times.iloc[-1] == at(5820) and cut.in_period().sum() == len(cut) - 1  # the gap is not lost
    assert observe(t).period(None, at(3990)).times.iloc[-1] == at(3990)  # no gap there: nothing added


def _circle_beside_the_climb_out() -> tuple[float, float]:
    """The centre of a 1 km circle 3 km to the side of trip()'s straight climb-out at 645 s (between the samples
    at 630 and 660 s): the track passes 2 km from its edge and never enters it."""
    from tests.claims.builders import SVMI

    frac = (645 - 300) / 1200  # trip(): SVMI at 300 s to (9.8, -66.2) at 1500 s, linear in lat/lon
    lat = SVMI[0] + frac * (9.8 - SVMI[0])
    lon = SVMI[1] + frac * (-66.2 - SVMI[1])
    geod = Geod(ellps="WGS84")
    az, _, _ = geod.inv(SVMI[1], SVMI[0], -66.2, 9.8)
    clon, clat, _ = geod.fwd(lon, lat, az + 90.0, 3000.0)
    return clat, clon


def test_an_observed_segment_across_the_period_start_is_not_unobserved_time(tmp_path: Path) -> None:
    # the window starts at 23:10:40Z, between the samples at 23:10:30 and 23:11:00 (30 s apart: observed), and
    # ends with the data; the track passes 2 km from a small circle. The 20 s before the first sample in the
    # window are not unobserved: the sample before the window start sees the aircraft across them.
    lat, lon = _circle_beside_the_climb_out()
    claims = f"""\
      - id: near
        quote: passed near the circle
        test: {{approached: {{region: {{circle: [{lat:.6f}, {lon:.6f}], radius_km: 1}}, within_km: 5}}}}
      - id: never
        quote: never flew over the circle
        test: {{never_entered: {{circle: [{lat:.6f}, {lon:.6f}], radius_km: 1}}}}
      - id: never-after
        quote: never flew over it after passing near it
        test: {{never_entered: {{circle: [{lat:.6f}, {lon:.6f}], radius_km: 1}}}}
        after: near
    """
    case = make_case(tmp_path, claims)
    case.write_text(case.read_text().replace("window: {start: 2025-11-28T22:00Z, end: 2025-11-29T04:00Z}",
                                             "window: {start: 2025-11-28T23:10:40Z, end: 2025-11-29T03:00Z}"))
    r = tracks.check(case)
    assert r.track.data["time"].iloc[0] == at(660) and r.track.data["time"].iloc[-1] == at(14400)
    assert r.verdict("near").status == SUPPORTED
    # it was already within 5 km when the window began (2 km from the circle at 645 s): the moment of 'near' is the
    # first sample in the window, and it may have come within 5 km at any time since the window start
    m = r.verdict("near").measured
    assert (m["time"], m["time_earliest"], m["time_latest"]) == ("2025-11-28T23:11:00Z", "2025-11-28T23:10:40Z",
                                                                 "2025-11-28T23:11:00Z")
    for cid in ("never", "never-after"):  # neither the window start nor the 'after' moment opens an edge
        v = r.verdict(cid)
        assert v.status == SUPPORTED, v.sentence
        assert not [g for g in v.evidence.gaps if g.is_edge]
    # the same window on data that starts at 23:11:00Z: the 20 s before it are unobserved, and at the speed
    # bound the aircraft could have covered the 2 km to the circle in them
    write_trace(trip(drop=[(-1.0, 650.0)]), str(tmp_path / "trip.json"))
    r = tracks.check(case)
    v = r.verdict("never")
    assert v.status == NOT_VERIFIABLE and "without data before the first sample, from the window start" in v.sentence
    (edge,) = [g for g in v.evidence.gaps if g.is_edge]
    assert edge.kind == "start" and edge.duration_s == pytest.approx(20.0) and edge.reaches_region


# -- errors that need the data (airports, regions) still name the case file's line ---------------------------------


def test_unknown_airport_names_the_line(tmp_path: Path) -> None:
    case = make_case(tmp_path, """\
      - id: x
        quote: q
        test: {landed_at: ZZZZ}
    """)
    with pytest.raises(CaseFileError) as info:
        tracks.check(case)
    e = info.value
    assert e.path == str(case) and e.line == (HEAD + "  - id: x\n    quote: q\n").count("\n") + 1
    assert "unknown airport code 'ZZZZ'" in e.problem and e.key == "claims[0].test.landed_at.airports"


def test_unknown_region_names_the_line(tmp_path: Path) -> None:
    case = make_case(tmp_path, """\
      - id: x
        quote: q
        test: {never_entered: {region: Narnia}}
    """)
    with pytest.raises(CaseFileError) as info:
        tracks.check(case)
    assert info.value.line == HEAD.count("\n") + 3 and "unknown region 'Narnia'" in info.value.problem


def test_aircraft_missing_from_the_files(tmp_path: Path) -> None:
    case = make_case(tmp_path, """\
      - id: x
        quote: q
        test: {landed_at: SVSE}
    """)
    case.write_text(case.read_text().replace("icao24: 0d8373, registration: YV2984", "icao24: abcdef"))
    r = tracks.check(case)
    assert r.verdict("x").status == NOT_VERIFIABLE and len(r.track) == 0
    assert any("no samples of abcdef" in n for n in r.notes)


# -- reports --------------------------------------------------------------------------------------------------------


def test_reports_are_written_escaped_and_labelled(tmp_path: Path) -> None:
    case = make_case(tmp_path, """\
      - id: x
        quote: "landed <b>there</b> | really"
        test: {landed_at: SVSE}
    """, illustrative=True)
    r = tracks.check(case)
    out = tmp_path / "out"
    paths = write_outputs(r, out)
    names = [p.name for p in paths]
    assert names[:2] == ["report.json", "report.md"]
    doc = json.loads((out / "report.json").read_text())
    assert {"case", "claims", "sources", "tool"} <= set(doc)
    assert set(doc["case"]) >= {"title", "article", "aircraft", "window"}
    (claim,) = doc["claims"]
    assert {"id", "quote", "status", "sentence", "measured", "evidence"} <= set(claim)
    assert claim["quote"] == "landed <b>there</b> | really"  # JSON keeps the text as written
    src = doc["sources"][0]
    assert src["path"] == "trip.json" and len(src["sha256"]) == 64 and src["format"] == "readsb-trace"
    assert src["records"] == len(r.track) and doc["tool"]["name"] == "tracks"
    assert doc["illustrative"] is True and any("ILLUSTRATIVE" in n for n in claim["notes"])
    md = (out / "report.md").read_text()
    assert ILLUSTRATIVE_BANNER in md
    assert "<script>" not in md and "&lt;script&gt;" in md and "<b>" not in md and "\\|" in md
    if "map.html" in names:
        html = (out / "map.html").read_text()
        assert "<script>alert(1)</script>" not in html


def test_reports_hold_no_absolute_paths(tmp_path: Path) -> None:
    # the case is given by its absolute path and names a track file outside its folder by an absolute path:
    # neither may leak the user's folders into a report meant to be published
    data = tmp_path / "home" / "someone" / "data"
    data.mkdir(parents=True)
    write_trace(trip(), str(data / "trip.json"))
    case_dir = tmp_path / "home" / "someone" / "cases"
    case_dir.mkdir()
    case = case_dir / "case.yaml"
    case.write_text(HEAD.replace("tracks: [trip.json]", f"tracks: [{data / 'trip.json'}]") + textwrap.dedent("""\
      - id: x
        quote: q
        test: {landed_at: SVSE}
    """))
    r = tracks.check(case.resolve(), allow_outside=True)  # the data folder is beside the case folder
    out = tmp_path / "out"
    write_outputs(r, out)
    text = (out / "report.json").read_text() + (out / "report.md").read_text()
    assert "someone" not in text and str(tmp_path) not in text
    doc = json.loads((out / "report.json").read_text())
    assert doc["case"]["path"] == "case.yaml"
    assert doc["sources"][0]["path"] == "trip.json"
    assert {s["file"] for s in doc["claims"][0]["evidence"]["samples"]} == {"trip.json"}
    assert doc["claims"][0]["evidence"]["sources"][0]["path"] == "trip.json"


def test_report_json_is_deterministic(tmp_path: Path) -> None:
    case = make_case(tmp_path, """\
      - id: x
        quote: q
        test: {landed_at: SVSE}
    """)
    a = report_dict(tracks.check(case))
    b = report_dict(tracks.check(case))
    assert a == b


# -- the bundled case -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> CaseResult:
    return tracks.check(CASE_DIR / "case.yaml")


@pytest.fixture(scope="module")
def generator() -> object:  # the scripts/make_illustrative_track.py module
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import make_illustrative_track as gen
    finally:
        sys.path.pop(0)
    return gen


def test_generator_reproduces_the_bundled_file(generator) -> None:
    doc = generator.build()
    assert generator.dumps(doc) == (CASE_DIR / "trace_full_0d8373.illustrative.json").read_text()
    assert doc["illustrative"] is True and "ILLUSTRATIVE" in doc["note"]


def test_bundled_case_verdicts(bundled) -> None:
    r = bundled
    assert r.illustrative
    assert {v.claim_id: v.status for v in r.verdicts} == {
        # the closest approach to Brazil (5.79 km) is inside the border data's 5.80 km error band (finding 6)
        "departed-caracas": SUPPORTED, "reached-border": SUPPORTED, "stayed-in-venezuela": NOT_VERIFIABLE,
        "landed-santa-elena": SUPPORTED, "landed-around-2110-local": SUPPORTED,
        "about-40-min-on-the-ground": SUPPORTED, "returned-caracas": SUPPORTED, "in-that-order": SUPPORTED,
    }
    assert all(any("ILLUSTRATIVE" in n for n in v.notes) for v in r.verdicts)


def test_bundled_case_times_follow_the_generator(bundled, generator) -> None:
    r = bundled
    touchdown = generator.SVSE_TOUCHDOWN
    landed = pd.Timestamp(r.verdict("landed-santa-elena").measured["time"])
    assert abs((landed - touchdown).total_seconds()) <= 5  # first ground sample after the simulated touchdown
    m = r.verdict("about-40-min-on-the-ground").measured
    assert m["ground_time_min_s"] <= generator.SVSE_GROUND_S + 10 and m["ground_time_max_s"] >= generator.SVSE_GROUND_S - 10
    assert m["ground_time_max_s"] - m["ground_time_min_s"] <= 20  # the two events' intervals: a few seconds each
    assert r.verdict("departed-caracas").measured["airport"] == "SVMI"
    assert r.verdict("returned-caracas").measured["airport"] == "SVMI"
    # the only coverage gap is the one the generator puts over the Gran Sabana, with a stale point after it
    (gap,) = r.gaps.to_dict(orient="records")
    km_per_s = 450 * 1.852 / 3600
    expected_s = (generator.GAP_KM[1] - generator.GAP_KM[0]) / km_per_s
    assert abs(gap["duration_s"] - expected_s) < 30
    assert bool(r.track.data["stale"].iloc[int(gap["end_index"])])


def test_bundled_case_closest_approach_to_the_border(bundled, generator) -> None:
    """The engine's closest approach equals a brute-force geodesic minimum over the generator's points."""
    from tracks.geo.regions import border

    line = shapely.segmentize(border("VE", "BR-RR").geometry, 0.002)  # vertices every ~200 m
    blon, blat = np.asarray(line.coords).T if line.geom_type == "LineString" else np.vstack(
        [np.asarray(g.coords) for g in line.geoms]).T
    pts = np.array([(p[1], p[2]) for p in generator.build()["trace"]])
    near = pts[(np.abs(pts[:, 0] - 4.5) < 0.5)]  # only the SVSE area can be close
    geod = Geod(ellps="WGS84")
    best = np.inf
    for lat, lon in near:
        _, _, d = geod.inv(np.full(len(blon), lon), np.full(len(blat), lat), blon, blat)
        best = min(best, float(np.min(d)) / 1000)
    v = bundled.verdict("reached-border")
    assert v.measured["distance_km"] == pytest.approx(best, abs=0.05)
    assert v.measured["distance_km"] < 15 and v.measured["tolerance_km"] > 0
    stayed = bundled.verdict("stayed-in-venezuela")
    # tested from the take-off to the landing back in Caracas (after / before): no unobserved edge, one gap
    assert [(g.id, g.reaches_region) for g in stayed.evidence.gaps] == [("gap-1", False)]


def test_bundled_never_entered_over_the_whole_window_is_not_verifiable(tmp_path: Path) -> None:
    """Without after / before, 'never entered Brazil' covers the whole window: 5 h 47 min before the first sample
    and 4 h 50 min after the last, when the aircraft (parked in Caracas, ~770 km from Brazil) could have flown
    there unseen. The claim is then not verifiable and names both edges: the reason the case file scopes it."""
    text = (CASE_DIR / "case.yaml").read_text()
    scoped = "    after: departed-caracas\n    before: returned-caracas\n"
    assert text.count(scoped) == 1
    case = tmp_path / "case.yaml"
    case.write_text(text.replace(scoped, "").replace("- trace_full_0d8373.illustrative.json",
                                                     f"- {CASE_DIR / 'trace_full_0d8373.illustrative.json'}"))
    r = tracks.check(case, allow_outside=True)
    v = r.verdict("stayed-in-venezuela")
    assert v.status == NOT_VERIFIABLE
    first, last = r.track.data["time"].iloc[0], r.track.data["time"].iloc[-1]
    edges = [g for g in v.evidence.gaps if g.is_edge]
    assert [(g.kind, g.id, g.bound) for g in edges] == [("start", "before-first-sample", "the window start"),
                                                        ("end", "after-last-sample", "the window end")]
    assert (pd.Timestamp(edges[0].start), pd.Timestamp(edges[0].end)) == (r.case.window.start, first)
    assert (pd.Timestamp(edges[1].start), pd.Timestamp(edges[1].end)) == (last, r.case.window.end)
    assert all(g.reaches_region for g in edges)
    vmax_km_s = r.gaps["max_speed_kt"].iloc[0] * 1.852 / 3600
    assert edges[0].reach_km == pytest.approx((first - r.case.window.start).total_seconds() * vmax_km_s, rel=1e-3)
    assert "without data before the first sample, from the window start, 28 Nov 2025 18:00Z" in v.sentence
    assert "after the last sample" in v.sentence and "to the window end, 29 Nov 2025 08:00Z" in v.sentence
    from tracks.render.report import report_markdown

    md = report_markdown(r)
    row = f"| before-first-sample | 2025-11-28T18:00:00Z | {edges[0].end} | {duration(edges[0].duration_s)} | yes " \
          f"(anywhere within {km(edges[0].reach_km)} of the first sample) |"
    assert row in md
    doc = report_dict(r)
    (claim,) = [c for c in doc["claims"] if c["id"] == "stayed-in-venezuela"]
    assert [(g["id"], g["kind"], g["bound"]) for g in claim["evidence"]["gaps"] if g["kind"] != "gap"] == [
        ("before-first-sample", "start", "the window start"), ("after-last-sample", "end", "the window end")]


def test_bundled_case_report(bundled, tmp_path: Path) -> None:
    write_outputs(bundled, tmp_path)
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["case"]["window"]["start"] == "2025-11-28T18:00:00Z"
    assert doc["sources"][0]["path"] == "trace_full_0d8373.illustrative.json"
    assert doc["sources"][0]["illustrative"] is True
    assert [c["id"] for c in doc["claims"]] == [c.id for c in bundled.case.claims]
    md = (tmp_path / "report.md").read_text()
    assert md.count("ILLUSTRATIVE") >= 2 and "| departed-caracas |" in md
    assert "**Test:** `approached: border=border:VE|BR-RR, within_km=15; after departed-caracas`" in md


def test_user_region_file_border_and_crossing_times(tmp_path: Path) -> None:
    boxes = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "NORTH", "name": "North box"},
         "geometry": shapely.geometry.mapping(shapely.box(-70.0, 7.0, -58.0, 12.0))},
        {"type": "Feature", "properties": {"code": "SOUTH", "name": "South box"},
         "geometry": shapely.geometry.mapping(shapely.box(-70.0, 2.0, -58.0, 7.0))},
    ]}
    (tmp_path / "boxes.geojson").write_text(json.dumps(boxes))
    case = make_case(tmp_path, """\
      - id: over
        quote: crossed into the south
        test: {crossed: {border: [NORTH, SOUTH], from: NORTH}}
      - id: when
        quote: crossed around 00:03Z
        test: {event_time_within: {event: crossing, border: [NORTH, SOUTH], start: 2025-11-29T00:00Z,
               end: 2025-11-29T00:10Z}}
      - id: into
        quote: entered the south box
        test: {entered: SOUTH}
      - id: never
        quote: never went south
        test: {never_entered: SOUTH}
    """)
    case.write_text(case.read_text().replace("tracks: [trip.json]", "tracks: [trip.json]\nregions: [boxes.geojson]"))
    r = tracks.check(case)
    # the outbound leg runs linearly from 9.8 N (1500 s) to 5.3 N (5200 s): 7 N at 1500 + 3700 * 2.8 / 4.5 s
    expected = pd.Timestamp("2025-11-28T23:00:00Z") + pd.Timedelta(seconds=1500 + 3700 * 2.8 / 4.5)
    over = r.verdict("over")
    assert over.status == SUPPORTED and over.measured["crossings"][0]["from"] == "NORTH"
    assert abs((pd.Timestamp(over.measured["time"]) - expected).total_seconds()) < 2.0
    assert len(over.measured["crossings"]) == 1  # the way back crosses from SOUTH, which "from: NORTH" leaves out
    assert r.verdict("when").status == SUPPORTED
    assert r.verdict("into").status == SUPPORTED and r.verdict("never").status == CONTRADICTED
    assert {getattr(x, "code", "") for x in r.regions} >= {"NORTH|SOUTH", "SOUTH"}
    kinds = set(r.events["kind"])
    assert {"takeoff", "landing", "crossing"} <= kinds


def test_user_line_where_an_area_is_needed(tmp_path: Path) -> None:
    line = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "ROAD"},
            "geometry": {"type": "LineString", "coordinates": [[-70, 7], [-58, 7]]}}]}
    (tmp_path / "line.geojson").write_text(json.dumps(line))
    case = make_case(tmp_path, """\
      - id: x
        quote: q
        test: {entered: ROAD}
      - id: y
        quote: q
        test: {approached: {region: ROAD, within_km: 1}}
    """)
    case.write_text(case.read_text().replace("tracks: [trip.json]", "tracks: [trip.json]\nregions: [line.geojson]"))
    with pytest.raises(CaseFileError, match="region ROAD is a LineString, and entered needs an area"):
        tracks.check(case)
    case.write_text(case.read_text().replace("test: {entered: ROAD}", "test: {approached: {region: ROAD, within_km: 5}}"))
    r = tracks.check(case)
    assert r.verdict("y").status == SUPPORTED and r.verdict("y").measured["distance_km"] < 0.01  # it crosses 7 N


def test_time_inside_counts_the_unobserved_window_edges(tmp_path: Path) -> None:
    # the trip spends about 4 h inside Venezuela between 23:00Z and 03:00Z; the window adds 1 h unseen before
    # the first sample (on the ground at SVMI, in Venezuela): "at least 4 h 30 min" is then not ruled out
    case = make_case(tmp_path, """\
      - id: long
        quote: spent at least four and a half hours in Venezuela
        test: {time_inside: {region: VE, at_least: 4h30m}}
    """)
    v = tracks.check(case).verdicts[0]
    assert v.status == NOT_VERIFIABLE, v.sentence
    assert "before the first sample" in v.sentence
    assert v.measured["seconds_max"] >= 4.5 * 3600


def test_spar19_window_past_the_data(tmp_path: Path, corpus: Path) -> None:
    """QA: SPAR19 (FR24 playback) data ends at 14:48:55Z, the window at 16:00Z. 'Approached China within
    100 km' was contradicted; 71 unseen minutes at the speed bound reach far more than the 148 km to China."""
    case = tmp_path / "case.yaml"
    case.write_text(textwrap.dedent(f"""\
        title: SPAR19
        aircraft: {{icao24: ae503d}}
        window: {{start: 2022-08-02T06:00Z, end: 2022-08-02T16:00Z}}
        tracks: [{corpus / "fr24-playback-json" / "2ce4f83f.json"}]
        claims:
          - id: china
            quote: approached China
            test: {{approached: {{region: CN, within_km: 100}}}}
          - id: china-before-landing
            quote: approached China before landing in Taipei
            test: {{approached: {{region: CN, within_km: 100}}}}
            before: taipei
          - id: taipei
            quote: landed at Songshan
            test: {{landed_at: RCSS}}
    """))
    r = tracks.check(case, allow_outside=True)  # the corpus is read in place
    assert r.track.data["time"].iloc[-1] == pd.Timestamp("2022-08-02T14:48:55Z")
    v = r.verdict("china")
    assert v.status == NOT_VERIFIABLE and v.measured["distance_km"] > 100
    assert "the 1 h 11 min without data after the last sample, from 2 Aug 2022 14:48Z to the window end, " \
           "2 Aug 2022 16:00Z, it could have come within 100 km" in v.sentence
    start_edge, end_edge = [g for g in v.evidence.gaps if g.is_edge]
    assert start_edge.reaches_region is False and end_edge.reaches_region is True  # Kuala Lumpur is far from China
    assert r.verdict("taipei").status == SUPPORTED
    # up to the landing in Taipei the data decides: no edge after it
    before = r.verdict("china-before-landing")
    assert before.status == CONTRADICTED, before.sentence
    assert [g.reaches_region for g in before.evidence.gaps if g.is_edge] == [False]
    from tracks.render.report import report_markdown

    md = report_markdown(r)
    section = md[md.index("### 2. china-before-landing"):md.index("### 3.")]
    assert "Unobserved edges of the tested period checked and ruled out (too short to reach the region from the " \
           "first / last sample): before-first-sample (1 h 36 min from 2022-08-02T06:00:00Z to 2022-08-02T07:36:06Z)." \
        in section


def _jl516_case(tmp_path: Path, corpus: Path, entry: str) -> Path:
    case = tmp_path / "case.yaml"
    csv = corpus / "fr24-csv" / "xoolive__traffic" / "JL516_3376ab31.csv"
    case.write_text(textwrap.dedent(f"""\
        title: JL516 at Haneda
        aircraft: {{icao24: 8467d8}}
        window: {{start: 2024-01-02T07:00Z, end: 2024-01-02T08:48Z}}
        tracks:
          - {entry.format(csv=csv)}
        claims:
          - id: haneda
            quote: landed at Haneda
            test: {{landed_at: RJTT}}
          - id: when
            quote: landed between 08:45 and 08:50Z
            test: {{event_time_within: {{event: landing, airports: RJTT, start: 2024-01-02T08:45Z,
                                        end: 2024-01-02T08:50Z}}}}
    """))
    return case


def test_fr24_csv_without_an_icao_address(tmp_path: Path, corpus: Path) -> None:
    """QA: an FR24 CSV has no ICAO address (it loads as 000000): a case giving only icao24 found nothing and
    every claim read 'No samples of the aircraft' without saying why."""
    r = tracks.check(_jl516_case(tmp_path, corpus, "{csv}"), allow_outside=True)
    hint = ("file JL516_3376ab31.csv has no ICAO address (its aircraft loads as 000000); add icao24: to its "
            "tracks: entry")
    assert any(n.startswith(hint) for n in r.notes), r.notes
    for v in r.verdicts:
        assert v.status == NOT_VERIFIABLE and any(n.startswith(hint) for n in v.notes)
    # with the address given in the entry, the file's aircraft is the case's
    r = tracks.check(_jl516_case(tmp_path, corpus, "{{path: {csv}, icao24: 8467d8}}"), allow_outside=True)
    assert r.track.icao24 == "8467d8" and len(r.track) > 300
    assert [n[:31] for n in r.notes] == ["speed bound for unobserved time"]  # and nothing about the address
    haneda = r.verdict("haneda")
    assert haneda.status == SUPPORTED and haneda.measured["evidence"] == "final_approach"
    assert haneda.notes[0].startswith("landing inferred from final approach at 2.1 km from RJTT, 0 ft, 123 kt")
    # the landing's time range, 08:47:23Z plus 2.1 km at half of 123 kt, lies inside 08:45-08:50Z
    assert haneda.measured["time_earliest"] == "2024-01-02T08:47:23Z"
    assert pd.Timestamp(haneda.measured["time_latest"]) < pd.Timestamp("2024-01-02T08:49:00Z")
    assert r.verdict("when").status == SUPPORTED


def test_loader_option_the_detected_format_does_not_take(tmp_path: Path, corpus: Path) -> None:
    case = _jl516_case(tmp_path, corpus, "{{path: {csv}, icao24: 8467d8, tz: Asia/Tokyo}}")
    with pytest.raises(CaseFileError) as info:
        tracks.check(case, allow_outside=True)
    e = info.value
    assert e.line == 5 and "JL516_3376ab31.csv is a fr24-csv file, whose reader does not take option(s) 'tz' " \
                          "(it takes: icao24)" in e.problem
