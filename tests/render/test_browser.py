"""The saved map in a real browser: Debian's headless chromium driven by Playwright, network blocked.

One page load per scenario (module-scoped). Skipped when chromium or Playwright is missing on a developer
machine; a failure when CI=true or TRACKS_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.render.browser import Loaded, browser, close, open_page
from tests.render.fixtures import case_result, flight_track, regions
from tracks.render.map import render_map

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, imported for pytest


def _open(browser: Any, html_path: Path) -> Loaded:
    return open_page(browser, html_path)


def _view(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => { const m = window.tracksMap.map, b = m.getBounds(), c = m.getCenter();
        return {center: [c.lat, c.lng], zoom: m.getZoom(),
                bounds: [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]}; }""")


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def case_page(browser: Any, out_dir: Path) -> Iterator[Loaded]:
    path = out_dir / "case-map.html"
    render_map(case_result()).save(str(path))
    loaded = _open(browser, path)
    yield loaded
    close(loaded)


@pytest.fixture(scope="module")
def xss_page(browser: Any, out_dir: Path) -> Iterator[Loaded]:
    path = out_dir / "xss-map.html"
    render_map(case_result(xss=True, illustrative=True)).save(str(path))
    loaded = _open(browser, path)
    yield loaded
    close(loaded)


def test_loads_offline_without_errors(case_page: Loaded) -> None:
    assert case_page.errors == []
    assert not [u for u in case_page.requests if u.startswith(("http:", "https:"))]
    assert len(case_page.requests) == 1 and case_page.requests[0].startswith("file://")
    page = case_page.page
    assert page.evaluate("typeof L") == "object" and page.evaluate("L.version") == "1.9.3"
    assert page.evaluate("typeof jQuery") == "function"
    # the map actually drew: track paths on the canvas, markers, controls
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    assert page.locator(".tm-icon").count() >= 4  # take-offs and landings
    assert page.locator(".leaflet-control-layers").count() == 1
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".tm-legend").count() == 1 and page.locator(".tm-slider").count() == 1


def test_claims_panel_lists_every_claim_with_its_verdict(case_page: Loaded) -> None:
    r = case_result()
    cards = case_page.page.locator(".tm-claim")
    assert cards.count() == len(r.verdicts)
    for i, v in enumerate(r.verdicts):
        text = cards.nth(i).inner_text()
        assert v.quote in text and v.label in text and v.sentence in text


def test_clicking_a_claim_fits_the_map_to_its_evidence(case_page: Loaded, out_dir: Path) -> None:
    page = case_page.page
    before = _view(page)
    page.locator(".tm-claim").nth(1).click()  # flew-to-border: SVSE and the border 9.4 km south
    page.wait_for_timeout(400)
    after = _view(page)
    assert after["zoom"] > before["zoom"]
    s, w, n, e = after["bounds"]
    assert s < 4.47 < 4.555 < n and w < -61.15 < e  # both ends of the closest-approach line in view
    assert page.locator(".tm-claim.tm-active").get_attribute("data-claim") == "1"
    shot = out_dir / "case-map.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    page.locator(".tm-reset").click()
    page.wait_for_timeout(400)
    assert _view(page)["zoom"] == before["zoom"]
    page.screenshot(path=str(out_dir / "case-map-overview.png"))
    assert case_page.errors == []


def test_time_slider_moves_the_replay_marker_and_says_when_there_is_no_data(case_page: Loaded) -> None:
    page = case_page.page
    read = """(v) => { const r = document.querySelector('.tm-range'); r.value = v;
        r.dispatchEvent(new Event('input')); return document.querySelector('.tm-readout').textContent; }"""
    start = page.evaluate(read, 0)
    assert start.startswith("28 Nov, 23:20:00 UTC · 28 Nov, 19:20 local")
    # 23:55 UTC is inside the 21-min coverage gap (track 23:20 -> 03:30 = 250 min; 35 min in = 140/1000)
    gap = page.evaluate(read, 140)
    assert "no data (gap of 21 min)" in gap
    end = page.evaluate(read, 1000)
    assert end.startswith("29 Nov, 03:30:00 UTC · 28 Nov, 23:30 local")


def test_hostile_text_does_not_execute(xss_page: Loaded, out_dir: Path) -> None:
    page = xss_page.page
    assert page.evaluate("window.__xss") is None
    assert xss_page.dialogs == []
    assert xss_page.errors == []
    assert page.locator("img[src='x']").count() == 0
    # the hostile text is shown as text
    assert "</script><script>window.__xss=1;alert(1)</script>" in page.locator(".tm-claim").first.inner_text()
    assert page.title().startswith("Case </script>")
    assert page.locator(".tm-banner").inner_text().startswith("ILLUSTRATIVE TRACK")
    assert page.locator(".tm-footer a").count() == 0  # the javascript: article URL is not a link
    # hovering and clicking every marker opens its tooltip/popup: still nothing runs
    for i in range(page.locator(".tm-icon").count()):
        page.locator(".tm-icon").nth(i).click(force=True)
    page.locator(".tm-claim").nth(1).click()
    page.wait_for_timeout(200)
    page.screenshot(path=str(out_dir / "xss-map.png"))
    assert page.evaluate("window.__xss") is None and xss_page.dialogs == []


def test_bare_track_map(browser: Any, out_dir: Path) -> None:
    path = out_dir / "track-map.html"
    render_map(flight_track(), regions=regions(), timezone="America/Caracas").save(str(path))
    loaded = _open(browser, path)
    try:
        assert loaded.errors == [] and len(loaded.requests) == 1
        assert loaded.page.locator(".tm-claim").count() == 1  # the track summary card
        assert loaded.page.locator(".tm-track").inner_text().startswith("VCV2984")
    finally:
        close(loaded)
