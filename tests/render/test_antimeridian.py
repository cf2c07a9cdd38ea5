"""Tracks, regions and gap ellipses across the antimeridian (±180°) are drawn the short way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, Polygon

from tests.helpers import make_track
from tests.render.browser import DESKTOP, browser, close, open_page
from tests.render.fixtures import StandInCase, StandInRegion
from tracks.claims.result import CaseResult
from tracks.claims.verdict import NOT_VERIFIABLE, Evidence, GapRef, Verdict
from tracks.render import wrap
from tracks.render.figure import draw
from tracks.render.inputs import map_input
from tracks.render.map import build_payload, render_map

__all__ = ["browser"]  # the fixture, imported for pytest

NFFN = (-17.755, 177.443)  # Nadi, Fiji
NSFA = (-13.830, -172.008)  # Apia, Samoa


def _crossing_track() -> Any:
    """Nadi to Apia, eastbound across 180°, one sample a minute with a 20-minute gap across the line."""
    n = 120
    f = np.linspace(0, 1, n)
    lat = NFFN[0] + (NSFA[0] - NFFN[0]) * f
    lon = NFFN[1] + (NSFA[1] + 360 - NFFN[1]) * f
    lon = np.where(lon > 180, lon - 360, lon)
    t = pd.Timestamp("2025-11-29T00:00Z") + pd.to_timedelta(np.arange(n), unit="min")
    keep = (f < 0.3) | (f > 0.47)
    return make_track(t[keep], lat[keep], lon[keep], alt_baro_ft=np.full(keep.sum(), 35_000.0))


def _result() -> CaseResult:
    tr = _crossing_track()
    d = tr.data
    i = int(np.flatnonzero(np.diff(d["time"].to_numpy()).astype("timedelta64[s]").astype(int) > 600)[0])
    a, b = d.iloc[i], d.iloc[i + 1]
    dur = (b["time"] - a["time"]).total_seconds()
    gap = GapRef("gap-1", a["time"].isoformat(), b["time"].isoformat(), dur, float(a["lat"]), float(a["lon"]),
                 float(b["lat"]), float(b["lon"]), reaches_region=True, reach_km=dur * 500 * 1.852 / 3600)
    fiji = MultiPolygon([Polygon([(177, -19), (180, -19), (180, -16), (177, -16)]),
                         Polygon([(-180, -17), (-179, -17), (-179, -16), (-180, -16)])])
    v = Verdict("never-entered-fiji-east", "it never flew over the eastern Fiji islands", "never_entered",
                NOT_VERIFIABLE, "During gap-1 it could have.", {}, Evidence(gaps=(gap,), regions=("FJ",)))
    return CaseResult(case=StandInCase(title="Nadi to Apia"), track=tr, verdicts=(v,),
                      regions=(StandInRegion("FJ", "Fiji", "country", fiji),))


def _lons(geometry: dict[str, Any]) -> list[float]:
    def walk(c: Any) -> list[float]:
        return [c[0]] if isinstance(c[0], float | int) else [x for y in c for x in walk(y)]

    return walk(geometry["coordinates"])


def test_the_frame_is_the_pacific_one_only_when_it_is_narrower() -> None:
    assert wrap.frame_centre([np.array([-66.9, -61.1])]) == wrap.ATLANTIC
    assert wrap.frame_centre([np.array([177.4, 179.9, -179.8, -172.0])]) == wrap.PACIFIC
    assert wrap.frame_centre([np.array([170.0, 175.0])], [-175.0]) == wrap.PACIFIC  # a marker east of the line
    assert wrap.frame_centre([np.array([-170.0, 0.0, 170.0])]) == wrap.ATLANTIC  # around the world: as usual
    assert wrap.track(np.array([179.0, -179.0, -178.0]), wrap.PACIFIC).tolist() == [179.0, 181.0, 182.0]


def test_track_regions_markers_and_gap_ellipse_are_drawn_the_short_way() -> None:
    p = build_payload(map_input(_result()))
    lon = np.array(p["tracks"][0]["lon"])
    assert np.abs(np.diff(lon)).max() < 5  # no segment across the world
    assert lon.min() == pytest.approx(NFFN[1], abs=1e-4) and lon.max() == pytest.approx(NSFA[1] + 360, abs=1e-4)
    gap = next(e for e in p["evidence"] if e["type"] == "gap")
    assert abs(gap["latlons"][1][1] - gap["latlons"][0][1]) < 10
    ellipse = next(e for e in p["evidence"] if e["type"] == "ellipse")
    xs = _lons(ellipse["geojson"])
    assert max(xs) - min(xs) < 20 and min(xs) > 170  # one shape around 180°, not two slivers at both ends
    fiji = _lons(p["regions"][0]["geojson"])
    assert min(fiji) >= 177 - 1e-6 and max(fiji) <= 181 + 1e-6  # the eastern islands drawn at 180..181
    land = [x for f in p["basemap"]["land"]["features"] for x in _lons(f["geometry"])]
    assert max(land) > 185 and min(land) < 175  # the land of both sides of the line, in one frame
    assert all(wrap.PACIFIC - 180 <= x <= wrap.PACIFIC + 180 for x in land)


def test_an_ordinary_map_keeps_its_longitudes() -> None:
    from tests.render.fixtures import case_result

    p = build_payload(map_input(case_result()))
    assert max(p["tracks"][0]["lon"]) < -60 and all(m["lon"] < -60 for m in p["markers"])


def test_the_picture_is_drawn_the_short_way() -> None:
    inp = map_input(_result())
    fig = draw(inp, build_payload(inp))
    x0, x1 = fig.axes[0].get_xlim()
    assert x1 - x0 < 40 and x0 > 160


@pytest.mark.browser
def test_in_the_browser_the_view_is_the_short_way(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "pacific.html"
    render_map(_result()).save(str(path))
    loaded = open_page(browser, path, DESKTOP)
    try:
        west, east = loaded.page.evaluate("(() => { const b = window.tracksMap.map.getBounds(); "
                                          "return [b.getWest(), b.getEast()]; })()")
        assert east - west < 60 and west < 180 < east
        loaded.page.screenshot(path=str(tmp_path / "pacific.png"))
        assert loaded.errors == []
    finally:
        close(loaded)
