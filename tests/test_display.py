"""Notebook displays (_repr_html_) of Track, Traffic and check results: content, escaping, drawings."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

import tracks
from tests.helpers import REPO, make_track
from tracks import display

HOSTILE = '<script>window.__x=1</script>"><img src=x onerror=alert(1)>'
T = ["2025-11-29T01:00:00Z", "2025-11-29T01:00:30Z", "2025-11-29T01:01:00Z", "2025-11-29T01:11:00Z",
     "2025-11-29T01:11:30Z"]


def hostile_track() -> tracks.Track:
    return make_track(T, [4.0, 4.1, 4.2, 4.6, 4.7], [-61.0, -61.1, -61.2, -61.6, -61.7], callsign=HOSTILE,
                      registration=HOSTILE, alt_baro_ft=[9000.0, 9100.0, 9200.0, 9500.0, 9600.0])


def test_track_display_escapes_hostile_text_and_names_identity_gaps_and_legs() -> None:
    h = hostile_track()._repr_html_()
    assert "<script>" not in h and "<img" not in h and "onerror=alert(1)>" not in h
    assert "&lt;script&gt;window.__x=1&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in h
    assert "address block of Venezuela (0d8000-0dffff)" in h
    assert "1 longer than 60 s; longest 10 min" in h
    assert "Legs (" in h and "<svg" in h


def test_route_and_profile_show_gaps_as_gaps() -> None:
    t = hostile_track()
    route = display.route_svg([t])
    assert route.count('stroke-dasharray="4 3"') == 1  # the one gap: dashed, straight
    assert route.count("<polyline") == 2  # the observed runs on either side of it
    profile = display.profile_svg(t)
    assert profile.count("<rect") == 1 and "no data for 10 min" in profile
    assert profile.count("<polygon") == 2


def test_a_million_points_draw_as_a_few_thousand_vertices() -> None:
    n = 1_000_000
    rng = np.random.default_rng(3)
    t = pd.date_range("2025-01-01", periods=n, freq="s", tz="UTC")
    lat = 10 + 0.5 * np.sin(np.linspace(0, 1500 * 2 * np.pi, n)) + rng.normal(0, 1e-4, n)  # 1,500 zigzags
    lon = np.linspace(-66, -60, n)
    track = tracks.Track(tracks.schema.conform(pd.DataFrame({"time": t, "icao24": "0d8373", "lat": lat, "lon": lon,
                                                             "alt_baro_ft": 30000.0})))
    route = display.route_svg([track])
    vertices = sum(len(m.split()) for m in re.findall(r'points="([^"]*)"', route))
    assert 1000 < vertices <= display.MAX_VERTICES + 2  # the zigzags stay visible, within the budget
    profile = display.profile_svg(track)
    assert len(profile) < 50_000  # one envelope point per pixel column, not per sample


def test_traffic_and_result_displays() -> None:
    a = hostile_track()
    b = make_track(T[:2], [10.0, 10.1], [-66.0, -66.1], icao24="ac671b", callsign="DAL1812")
    traffic = tracks.Traffic(pd.concat([a.data, b.data], ignore_index=True))
    h = traffic._repr_html_()
    assert "<script>" not in h and "&lt;script&gt;" in h
    assert "United States" in h and "Venezuela" in h and "DAL1812" in h
    result = tracks.check(REPO / "data" / "cases" / "venezuela-2025-11" / "case.yaml")
    r = result._repr_html_()
    assert "ILLUSTRATIVE TRACK" in r and "military / government" in r
    for v in result.verdicts:
        assert display.esc(v.sentence) in r and display.esc(v.claim_id) in r
