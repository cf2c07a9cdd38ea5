"""Claims still marked `draft: true`, checked with --allow-drafts, are marked "DRAFT, never reviewed" on the map as
in report.md and report.json: on their card next to the verdict, with what is left to review, and in the title
bar's counts; the reviewed claims are not. On a phone the mark is on screen with the verdict after one tap."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import tracks
from tests.claims.test_drafts_in_cases import case_dir
from tests.render.browser import PHONE, browser, close, open_page
from tracks.claims.case import DRAFT_MARK
from tracks.render.map import render_map, to_html
from tracks.render.report import report_markdown

__all__ = ["browser"]  # the fixture, imported for pytest


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tracks.check(case_dir(tmp_path_factory.mktemp("drafted")), allow_drafts=True)


def _card(html: str, claim_id: str) -> str:
    cards = re.findall(r'<article class="tm-claim .*?</article>', html, re.S)
    return next(c for c in cards if f"</span>{claim_id}</h3>" in c)


def test_the_draft_claim_is_marked_on_its_card_and_in_the_title_bar(drafted: Any) -> None:
    html = to_html(render_map(drafted))
    draft, reviewed = _card(html, "reached-border"), _card(html, "departed-caracas")
    assert f'<span class="tm-draft">{DRAFT_MARK}</span>' in draft and "tm-claim-draft" in draft
    assert "to review: the article gives no distance: within_km 15 is a proposal" in draft
    assert DRAFT_MARK not in reviewed and "tm-claim-draft" not in reviewed and "to review" not in reviewed
    summary = re.search(r'<div class="tm-summary">(.*?)</div>', html, re.S)
    assert summary is not None and f"{DRAFT_MARK}</span> × 1" in summary.group(1)
    # the same words as the report
    assert f"reached-border: supported ({DRAFT_MARK})" in report_markdown(drafted)


def test_a_case_without_drafts_shows_no_mark(drafted: Any) -> None:
    from dataclasses import replace

    reviewed = replace(drafted, case=replace(drafted.case, claims=tuple(replace(c, draft=False)
                                                                          for c in drafted.case.claims)))
    assert DRAFT_MARK not in to_html(render_map(reviewed))


@pytest.mark.browser
def test_on_a_phone_the_mark_is_on_screen_with_the_verdict_after_one_tap(browser: Any, drafted: Any,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "drafted.html"
    render_map(drafted).save(str(path))
    loaded = open_page(browser, path, PHONE, touch=True)
    try:
        page = loaded.page
        page.locator("#tm-tab-claims").tap()
        page.wait_for_timeout(200)
        card = page.locator(".tm-claim-draft")
        assert card.count() == 1
        card.locator(".tm-claim-head").scroll_into_view_if_needed()
        page.wait_for_timeout(100)
        mark, verdict = card.locator(".tm-draft").bounding_box(), card.locator(".tm-badge").bounding_box()
        assert card.locator(".tm-draft").inner_text() == DRAFT_MARK
        for box in (mark, verdict):
            assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert abs(mark["y"] - verdict["y"]) < 40  # next to the verdict, not somewhere down the card
        page.screenshot(path=str(tmp_path / "phone-draft.png"))
        assert loaded.errors == []
    finally:
        close(loaded)
