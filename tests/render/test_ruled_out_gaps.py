"""Gaps a verdict checked and ruled out (their ellipse cannot reach the region) are not shown as gaps it
depends on: not in the claim card, not as the map's 'gap a verdict needs' band or label, and report.md names
them in one line instead of a table row each (an FR24 track can have hundreds)."""

from __future__ import annotations

from dataclasses import replace

import tracks
from tests.render.fixtures import case_result, payload_of
from tracks.claims.verdict import GapRef
from tracks.paths import data_dir
from tracks.render.map import render_map, to_html
from tracks.render.report import report_markdown


def _ruled_out(n: int = 1):
    r = case_result()
    g0 = r.verdicts[0].evidence.gaps[0] if r.verdicts[0].evidence.gaps else next(
        g for v in r.verdicts for g in v.evidence.gaps)
    gaps = tuple(replace(g0, id=f"gap-{k + 1}", reaches_region=False) for k in range(n))
    v = replace(r.verdicts[0], evidence=replace(r.verdicts[0].evidence, gaps=gaps))
    others = tuple(replace(w, evidence=replace(w.evidence, gaps=())) for w in r.verdicts[1:])
    return replace(r, verdicts=(v, *others))


def test_gap_ref_matters_unless_ruled_out() -> None:
    g = GapRef("gap-1", "", "", 60.0, 0.0, 0.0, 0.0, 0.0)
    assert g.matters and replace(g, reaches_region=True).matters
    assert not replace(g, reaches_region=False).matters


def test_ruled_out_gap_is_not_drawn_or_carded_as_needed() -> None:
    html = to_html(render_map(_ruled_out()))
    assert "depends on gap-1" not in html
    assert "1 coverage gap checked (gap-1): the aircraft could not have reached the region during them" in html
    p = payload_of(html)
    assert not [e for e in p["evidence"] if e["type"] == "gap"]


def test_needed_gap_is_still_drawn_and_carded() -> None:
    html = to_html(render_map(case_result()))  # the fixture's gap-1 reaches the region
    assert "depends on gap-1" in html
    assert [e for e in payload_of(html)["evidence"] if e["type"] == "gap"]


def test_report_md_summarises_ruled_out_gaps() -> None:
    r = tracks.check(data_dir() / "cases" / "venezuela-2025-11" / "case.yaml")
    v = next(v for v in r.verdicts if v.claim_id == "stayed-in-venezuela")  # gap-1 cannot reach Brazil
    assert [g.matters for g in v.evidence.gaps] == [False]
    # not verifiable for the border data's error band (5.79 km from Brazil against 5.80 km), not for the gap
    assert v.status == "not_verifiable" and "gap-1" not in v.sentence
    md = report_markdown(r)
    section = md[md.index("### 3. stayed-in-venezuela"):md.index("### 4.")]
    assert "| gap-1 |" not in section
    assert "Coverage gaps checked and ruled out (their reachability ellipses cannot reach the region): gap-1." in section
    many = tuple(replace(v.evidence.gaps[0], id=f"gap-{k + 1}") for k in range(321))
    r2 = replace(r, verdicts=tuple(replace(w, evidence=replace(w.evidence, gaps=many)) if w is v else w
                                   for w in r.verdicts))
    assert "gap-1, gap-2, gap-3, gap-4, gap-5 and 316 more." in report_markdown(r2)
