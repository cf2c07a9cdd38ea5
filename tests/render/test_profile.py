"""The profile chart: altitude (baro and geometric) and ground speed against time, gaps shaded, events and
cited samples marked, UTC and local time labels; the same SVG in the map, report.md and notebooks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

import tracks
from tests.helpers import make_track
from tests.render.fixtures import XSS_SCRIPT, XSS_TAG, case_result, cruise_track
from tracks.render.inputs import map_input
from tracks.render.map import build_payload
from tracks.render.profile import UNITS, Profile, plot_profile, profile_svg
from tracks.wording import zone

NS = {"s": "http://www.w3.org/2000/svg"}


def _flight() -> tracks.Track:
    """10:00Z to 11:40Z, one sample a minute; climbs to 30,000 ft, no data 10:40-11:00 (a 20 min gap)."""
    t = pd.date_range("2025-11-29T10:00Z", "2025-11-29T11:40Z", freq="60s")
    keep = ~((t > pd.Timestamp("2025-11-29T10:40Z")) & (t < pd.Timestamp("2025-11-29T11:00Z")))
    t = t[keep]
    n = len(t)
    alt = np.minimum(np.arange(n) * 1000.0, 30_000.0)
    return make_track(t, np.linspace(5, 6, n), np.linspace(-64, -63, n), alt_baro_ft=alt,
                      alt_geom_ft=alt + 500, gs_kt=np.full(n, 400.0), callsign="TEST1")


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_series_break_at_the_gap_and_the_gap_is_shaded() -> None:
    tr = _flight()
    root = _parse(profile_svg(tr, tz=zone("America/Caracas")))
    plot = root.find(".//s:svg[@class='tm-profile-plot']", NS)
    t0, t1 = float(plot.get("data-t0")), float(plot.get("data-t1"))
    assert t0 == tr.start.value / 1e9 and t1 == tr.stop.value / 1e9
    for key in ("baro", "geom", "gs"):
        d = plot.find(f"s:path[@class='tm-series-{key}']", NS).get("d")
        assert d.count("M") == 2, key  # the pen is lifted across the gap: nothing drawn where nothing was seen
    rects = plot.findall("s:rect[@class='tm-nodata']", NS)
    assert len(rects) == 1
    x = float(rects[0].get("x"))
    w = float(rects[0].get("width"))
    gap_start = pd.Timestamp("2025-11-29T10:40Z").value / 1e9
    assert x == pytest.approx((gap_start - t0) / (t1 - t0) * UNITS, abs=0.01)
    assert w == pytest.approx(20 * 60 / (t1 - t0) * UNITS, abs=0.01)
    assert "no data for 20 min" in ET.tostring(rects[0], encoding="unicode")


def test_altitude_scale_and_the_highest_point() -> None:
    root = _parse(profile_svg(_flight(), height=190))
    plot = root.find(".//s:svg[@class='tm-profile-plot']", NS)
    plot_h = float(plot.get("height"))
    d = plot.find("s:path[@class='tm-series-baro']", NS).get("d")
    ys = [float(v) for v in re.findall(r"[ML][\d.]+ ([\d.]+)", d)]
    # 0..30,000 ft on a 0..40,000 ft axis (4 steps of 10k): 30,000 ft is 3/4 of the way up the padded plot
    assert max(ys) == pytest.approx(plot_h - 4, abs=0.1)
    assert min(ys) == pytest.approx(plot_h - 4 - 0.75 * (plot_h - 8), abs=0.1)
    texts = [t.text for t in root.iter(f"{{{NS['s']}}}text")]
    assert "40k ft" in texts and "0 ft" in texts and "400 kt" in texts


def test_time_axis_in_utc_and_local() -> None:
    texts = [t.text for t in _parse(profile_svg(_flight(), tz=zone("America/Caracas"))).iter(f"{{{NS['s']}}}text")]
    assert "10:30 UTC" in texts and "06:30 local" in texts and "11:00 UTC" in texts and "07:00 local" in texts
    assert not any("local" in (t or "") for t in
                   (x.text for x in _parse(profile_svg(_flight())).iter(f"{{{NS['s']}}}text")))


def test_events_and_cited_samples_are_marked_where_they_happened() -> None:
    tr = _flight()
    t0, t1 = tr.start.value / 1e9, tr.stop.value / 1e9
    events = pd.DataFrame({"kind": ["takeoff", "crossing"],
                           "time": pd.to_datetime(["2025-11-29T10:00Z", "2025-11-29T10:20Z"], utc=True),
                           "lat": [5.0, 5.2], "lon": [-64, -63.8], "label": ["took off " + XSS_TAG, "entered BR"],
                           "observed": [True, True]})
    cited = [("2025-11-29T10:30:00Z", 30_000.0, "closest " + XSS_SCRIPT)]
    svg = profile_svg(tr, events=events, cited=cited)
    root = _parse(svg)  # well-formed: the hostile labels are escaped
    assert XSS_TAG not in svg and XSS_SCRIPT not in svg
    lines = {ln.get("class"): float(ln.get("x1")) for ln in root.iter(f"{{{NS['s']}}}line")
             if (ln.get("class") or "").startswith("tm-event")}
    assert lines["tm-event tm-event-takeoff"] == pytest.approx(0.0)
    assert lines["tm-event tm-event-crossing"] == pytest.approx((20 * 60) / (t1 - t0) * UNITS, abs=0.01)
    dots = root.findall(".//s:g[@class='tm-cited']/s:path", NS)
    assert dots and dots[0].get("d").startswith(f"M{30 * 60 / (t1 - t0) * UNITS:.2f} ")


def test_decimation_keeps_peaks_of_a_long_track() -> None:
    n = 200_000
    t = pd.Timestamp("2025-11-29T00:00Z") + pd.to_timedelta(np.arange(n), unit="s")
    alt = np.full(n, 10_000.0)
    alt[123_457] = 35_000.0  # one spike must survive
    tr = make_track(t, np.zeros(n), np.zeros(n), alt_baro_ft=alt)
    root = _parse(profile_svg(tr))
    d = root.find(".//s:path[@class='tm-series-baro']", NS).get("d")
    points = re.findall(r"[ML]([\d.]+) ([\d.]+)", d)
    assert len(points) < 5 * UNITS
    ys = [float(y) for _, y in points]
    assert min(ys) < 0.3 * max(ys)  # the 35,000 ft spike is drawn


def test_no_altitude_or_speed_says_so() -> None:
    tr = make_track(["2025-11-29T00:00Z", "2025-11-29T00:01Z"], [0, 1], [0, 1])
    assert "no altitude or ground speed in the data" in profile_svg(tr)


def test_plot_profile_of_a_track_and_of_a_case_result(tmp_path) -> None:
    p = _flight().plot_profile(timezone="America/Caracas")
    assert isinstance(p, Profile) and p._repr_svg_() == p.svg and "06:30 local" in p.svg
    assert tracks.plot_profile(_flight(), timezone="America/Caracas").svg == p.svg
    r = case_result()
    svg = plot_profile(r).svg
    assert "landing" in svg and "tm-cited" in svg and "local" in svg  # events, cited samples, the case's zone
    assert r.plot_profile().svg == svg  # in a notebook: result.plot_profile()
    cited = re.findall(r'<g class="tm-cited"><title>([^<]*)</title>', svg)
    assert cited and len(cited) == len(set(cited))  # a sample several verdicts cite is marked once
    out = p.save(tmp_path / "p.svg")
    assert _parse(out.read_text()).tag == f"{{{NS['s']}}}svg"


def test_profile_and_map_name_an_unseen_start_and_end_first_seen_and_last_seen() -> None:
    tr = cruise_track()
    svg = plot_profile(tr)._repr_svg_()
    assert re.findall(r'class="tm-event-label"[^>]*>([^<]*)<', svg) == ["first seen", "last seen"]
    labels = [m["label"] for m in build_payload(map_input(tr))["markers"]]
    assert any("First seen: 10:00 UTC" in x for x in labels) and any("Last seen: 11:59 UTC" in x for x in labels)
    assert not any("Take-off" in x or "Landing" in x for x in labels)
