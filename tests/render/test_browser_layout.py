"""The published map as readers open it: on a phone (390x844) and a wide screen (1400x900), in headless
chromium with the network blocked; keyboard use, print, the profile chart linked to the time slider, and
hostile text in every field. Screenshots go to the test's tmp folder (and TRACKS_SCREENSHOTS when set)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.render.browser import DESKTOP, PHONE, Loaded, browser, close, open_page
from tests.render.fixtures import XSS_SCRIPT, case_result
from tracks.render.map import render_map

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, imported for pytest

SIZES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("layout")


@pytest.fixture(scope="module")
def case_html(out_dir: Path) -> Path:
    path = out_dir / "case-map.html"
    render_map(case_result(illustrative=True)).save(str(path))
    return path


def _shot(page: Any, out_dir: Path, name: str, **kw: Any) -> Path:
    path = out_dir / f"{name}.png"
    page.screenshot(path=str(path), **kw)
    keep = os.environ.get("TRACKS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    assert path.stat().st_size > 10_000
    return path


@pytest.fixture(params=sorted(SIZES), scope="module")
def page_at(request: pytest.FixtureRequest, browser: Any, case_html: Path) -> Iterator[tuple[str, Loaded]]:
    size = request.param
    loaded = open_page(browser, case_html, SIZES[size], touch=size == "phone")
    yield size, loaded
    close(loaded)


def _box(page: Any, selector: str, nth: int = 0) -> dict[str, float]:
    return page.locator(selector).nth(nth).bounding_box()


def _inside(box: dict[str, float], top: float, bottom: float, width: float) -> bool:
    return box["y"] >= top - 0.5 and box["y"] + box["height"] <= bottom + 0.5 and box["x"] >= -0.5 \
        and box["x"] + box["width"] <= width + 0.5


def test_every_verdict_and_sentence_is_readable_after_at_most_one_tap(page_at: tuple[str, Loaded],
                                                                      out_dir: Path) -> None:
    size, loaded = page_at
    page, vp = loaded.page, SIZES[size]
    _shot(page, out_dir, f"{size}-first-view")
    taps = 0
    if size == "phone":
        assert not page.locator(".tm-panel").is_visible()  # the map first; the claims one tap away
        page.locator("#tm-tab-claims").tap()
        taps += 1
        page.wait_for_timeout(200)
        assert page.locator("#tm-tab-claims").get_attribute("aria-selected") == "true"
    assert taps <= 1
    panel = _box(page, ".tm-panel")
    header = _box(page, ".tm-header")
    visible_panel = min(panel["y"] + panel["height"], vp["height"]) - max(panel["y"], 0)
    # the panel takes the screen: at least 70 % of a phone's height, the whole height under the title bar wide
    assert visible_panel >= (0.7 * vp["height"] if size == "phone" else vp["height"] - header["height"] - 250)
    _shot(page, out_dir, f"{size}-claims")
    r = case_result(illustrative=True)
    cards = page.locator(".tm-claim")
    assert cards.count() == len(r.verdicts)
    for i, v in enumerate(r.verdicts):
        card = cards.nth(i)
        card.scroll_into_view_if_needed()
        page.wait_for_timeout(50)
        top = _box(page, ".tm-header")["y"] + _box(page, ".tm-header")["height"] if size == "phone" else 0
        for part, text in ((".tm-badge", v.label), (".tm-sentence", v.sentence)):
            el = card.locator(part).first
            assert text in el.inner_text()
            assert el.is_visible()
            assert _inside(el.bounding_box(), top, vp["height"], vp["width"]), (size, v.claim_id, part)
    _shot(page, out_dir, f"{size}-last-claim")
    assert loaded.errors == []
    assert [u for u in loaded.requests if not u.startswith("file:")] == []


def test_phone_banner_is_one_line_with_details_on_tap_and_the_legend_starts_closed(browser: Any, case_html: Path,
                                                                                   out_dir: Path) -> None:
    loaded = open_page(browser, case_html, PHONE, touch=True)
    try:
        page = loaded.page
        banner = page.locator(".tm-banner")
        assert banner.bounding_box()["height"] <= 40
        assert banner.inner_text().startswith("ILLUSTRATIVE TRACK")
        assert not page.locator(".tm-legend details").evaluate("d => d.open")
        map_box = _box(page, ".folium-map")
        assert map_box["height"] >= 0.5 * PHONE["height"]  # the map, not the page furniture, fills the phone
        assert _box(page, ".tm-profile")["height"] >= 120
        page.locator(".tm-banner summary").tap()
        page.wait_for_timeout(100)
        assert banner.bounding_box()["height"] > 60
        assert "synthetic track made for illustration" in banner.inner_text()
        _shot(page, out_dir, "phone-banner-open")
        page.locator("#tm-tab-claims").tap()
        page.locator("#tm-tab-map").tap()
        page.wait_for_timeout(100)
        assert page.locator(".folium-map").is_visible() and not page.locator(".tm-panel").is_visible()
        assert page.evaluate("window.tracksMap.map.getSize().y") >= 0.4 * PHONE["height"]
        # "show on map" from the claims view goes back to the map, zoomed to the claim
        page.locator("#tm-tab-claims").tap()
        page.locator(".tm-claim").nth(1).locator(".tm-show").tap()
        page.wait_for_timeout(500)
        assert page.locator(".folium-map").is_visible()
        assert page.locator(".tm-claim.tm-active").get_attribute("data-claim") == "1"
        _shot(page, out_dir, "phone-claim-on-map")
        assert loaded.errors == []
    finally:
        close(loaded)


def test_wide_screen_keeps_the_side_panel_open_legend_and_no_tabs(browser: Any, case_html: Path) -> None:
    loaded = open_page(browser, case_html, DESKTOP)
    try:
        page = loaded.page
        assert not page.locator(".tm-tabs").is_visible()
        assert page.locator(".tm-panel").is_visible() and page.locator(".folium-map").is_visible()
        assert page.locator(".tm-legend details").evaluate("d => d.open")
        assert page.locator(".tm-banner").evaluate("d => d.open")
        panel, mp = _box(page, ".tm-panel"), _box(page, ".folium-map")
        assert panel["x"] >= mp["x"] + mp["width"] - 1  # beside the map
        prof = _box(page, ".tm-profile")
        assert prof["y"] >= mp["y"] + mp["height"] - 1 and prof["width"] == pytest.approx(mp["width"], abs=2)
    finally:
        close(loaded)


def test_keyboard_reaches_the_claims_and_shows_one_on_the_map(browser: Any, case_html: Path) -> None:
    loaded = open_page(browser, case_html, DESKTOP)
    try:
        page = loaded.page
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "tm-skip"
        button = page.locator(".tm-claim").nth(2).locator(".tm-show")
        assert button.evaluate("b => b.tagName") == "BUTTON"
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        assert page.locator(".tm-claim.tm-active").get_attribute("data-claim") == "2"
        # verdicts are words, not colour alone: the accessible text of each badge names it
        labels = page.locator(".tm-badge").all_inner_texts()
        assert all(any(w in t for w in ("supported", "contradicted", "not verifiable")) for t in labels)
        assert page.locator(".folium-map").get_attribute("aria-label")
    finally:
        close(loaded)


def test_profile_chart_and_time_slider_move_together(browser: Any, case_html: Path, out_dir: Path) -> None:
    loaded = open_page(browser, case_html, DESKTOP)
    try:
        page = loaded.page
        r = case_result()
        t0, t1 = r.track.start.value / 1e9, r.track.stop.value / 1e9
        plot = page.locator(".tm-profile-plot")
        assert float(plot.get_attribute("data-t0")) == pytest.approx(t0)
        assert float(plot.get_attribute("data-t1")) == pytest.approx(t1)
        # slider -> chart
        page.evaluate("""(v) => { const r = document.querySelector('.tm-range'); r.value = v;
                         r.dispatchEvent(new Event('input')); }""", 500)
        cursor = page.locator(".tm-profile-plot .tm-cursor")
        assert cursor.get_attribute("visibility") == "visible"
        assert float(cursor.get_attribute("x1")) == pytest.approx(500.0, abs=0.01)
        # chart -> slider: a click a quarter of the way along
        box = _box(page, ".tm-profile-svg")
        page.mouse.click(box["x"] + 0.25 * box["width"], box["y"] + box["height"] / 2)
        page.wait_for_timeout(100)
        assert int(page.locator(".tm-range").input_value()) == pytest.approx(250, abs=2)
        assert float(cursor.get_attribute("x1")) == pytest.approx(250.0, abs=2)
        expected = pd.Timestamp((t0 + 0.25 * (t1 - t0)) * 1e9, tz="UTC").floor("min")
        readout = page.locator(".tm-readout").inner_text()
        assert expected.strftime("%H:%M") in readout
        # a drag moves both along
        page.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + 40)
        page.mouse.down()
        page.mouse.move(box["x"] + 0.8 * box["width"], box["y"] + 40, steps=4)
        page.mouse.up()
        assert int(page.locator(".tm-range").input_value()) == pytest.approx(800, abs=2)
        _shot(page, out_dir, "profile-linked")
        assert loaded.errors == []
    finally:
        close(loaded)


def test_print_shows_the_map_the_profile_and_every_claim_with_its_verdict(browser: Any, case_html: Path,
                                                                          out_dir: Path) -> None:
    loaded = open_page(browser, case_html, PHONE)
    try:
        page = loaded.page
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.wait_for_timeout(300)
        for sel in (".folium-map", ".tm-profile", ".tm-panel", ".tm-footer"):
            assert page.locator(sel).is_visible(), sel
        for sel in (".tm-tabs", ".tm-show", ".leaflet-control-zoom", ".tm-range"):
            assert not page.locator(sel).first.is_visible(), sel
        assert page.locator(".tm-banner").evaluate("d => d.open")
        assert page.locator(".tm-claim").count() == len(case_result().verdicts)
        assert page.locator(".tm-badge-contradicted").first.inner_text().endswith("contradicted")
        _shot(page, out_dir, "print", full_page=True)
        pdf = out_dir / "print.pdf"
        page.pdf(path=str(pdf))
        assert pdf.stat().st_size > 20_000
        assert loaded.errors == []
    finally:
        close(loaded)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_hostile_text_in_every_field_does_not_execute(browser: Any, out_dir: Path, size: str) -> None:
    path = out_dir / f"xss-{size}.html"
    render_map(case_result(xss=True, illustrative=True)).save(str(path))
    loaded = open_page(browser, path, SIZES[size], touch=size == "phone")
    try:
        page = loaded.page
        act = (lambda loc: loc.tap()) if size == "phone" else (lambda loc: loc.click())
        if size == "phone":
            act(page.locator(".tm-banner summary"))
            act(page.locator("#tm-tab-claims"))
        assert XSS_SCRIPT in page.locator(".tm-claim").first.inner_text()
        assert page.locator(".tm-footer a").count() == 0  # the javascript: article URL is not a link
        if size == "phone":
            act(page.locator(".tm-claim").nth(1).locator(".tm-show"))
        else:
            act(page.locator(".tm-claim").nth(1))
        page.wait_for_timeout(300)
        for i in range(page.locator(".tm-icon").count()):  # every popup and tooltip opened
            page.locator(".tm-icon").nth(i).dispatch_event("click")
            page.locator(".tm-icon").nth(i).dispatch_event("mouseover")
        box = _box(page, ".tm-profile-svg")
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.locator(".tm-profile-svg .tm-event").first.hover(force=True)
        page.wait_for_timeout(200)
        _shot(page, out_dir, f"xss-{size}")
        assert page.evaluate("window.__xss") is None
        assert loaded.dialogs == [] and loaded.errors == []
        assert page.locator("img[src='x']").count() == 0
    finally:
        close(loaded)


def _converging_traffic(n_aircraft: int) -> Any:
    """Aircraft flying in from a circle to one point: their last positions (and name labels) crowd together."""
    import numpy as np

    from tracks import schema
    from tracks.track import Traffic

    frames = []
    for k in range(n_aircraft):
        a = 2 * np.pi * k / n_aircraft
        f = np.linspace(0, 1, 40)
        frames.append(pd.DataFrame({
            "time": pd.Timestamp("2025-11-29T00:00Z") + pd.to_timedelta(np.arange(40) * 15 + k, unit="s"),
            "icao24": f"{0xabc000 + k:06x}", "callsign": f"FLT{k:03d}",
            "lat": 5 + 2 * np.sin(a) * (1 - f) + 0.01 * k, "lon": -64 + 2 * np.cos(a) * (1 - f),
            "alt_baro_ft": np.linspace(30_000, 2_000, 40), "file": "many.json", "record": np.arange(40)}))
    return Traffic(schema.conform(pd.concat(frames, ignore_index=True)))


@pytest.mark.parametrize("size", sorted(SIZES))
def test_many_aircraft_one_colour_each_show_hide_and_labels_that_do_not_pile_up(browser: Any, out_dir: Path,
                                                                                size: str) -> None:
    path = out_dir / f"traffic-{size}.html"
    render_map(_converging_traffic(30)).save(str(path))
    loaded = open_page(browser, path, SIZES[size], touch=size == "phone")
    try:
        page = loaded.page
        on_map = """(args) => { const p = window.tracksMap.players[args[0]], m = window.tracksMap.map;
                     return p.colours[args[1]].every(l => m.hasLayer(l)); }"""
        assert page.evaluate("window.tracksMap.players.length") == 30
        colours = page.evaluate("window.tracksMap.players.map(p => p.colours.aircraft[0].options.color)")
        assert len(set(colours[:16])) == 16  # one colour per aircraft (the palette's 16, then again)
        shown = page.locator(".tm-ac-label span")
        boxes = [shown.nth(i).bounding_box() for i in range(shown.count()) if shown.nth(i).is_visible()]
        assert 1 <= len(boxes) < 30  # crowded names are hidden, the others shown
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert (a["x"] + a["width"] <= b["x"] + 0.5 or b["x"] + b["width"] <= a["x"] + 0.5
                        or a["y"] + a["height"] <= b["y"] + 0.5 or b["y"] + b["height"] <= a["y"] + 0.5)
        _shot(page, out_dir, f"traffic-{size}")
        if size == "phone":
            page.locator("#tm-tab-claims").tap()
            assert page.locator("#tm-tab-claims").inner_text().startswith("Aircraft")
        box = page.locator(".tm-ac").nth(3)
        box.click()
        assert page.evaluate("window.tracksMap.players[3].visible") is False
        assert not page.evaluate(on_map, [3, "aircraft"])
        box.click()
        assert page.evaluate(on_map, [3, "aircraft"])
        page.locator('input[name="tm-colour"][value="altitude"]').click()
        assert page.evaluate(on_map, [0, "altitude"]) and not page.evaluate(on_map, [0, "aircraft"])
        page.locator('.tm-ac-all[data-show="0"]').click()
        assert page.evaluate("window.tracksMap.players.every(p => !p.visible)")
        page.locator('.tm-ac-all[data-show="1"]').click()
        assert page.evaluate("window.tracksMap.players.every(p => p.visible)")
        _shot(page, out_dir, f"traffic-{size}-list")
        assert loaded.errors == []
    finally:
        close(loaded)
