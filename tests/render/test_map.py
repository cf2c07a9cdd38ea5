"""The rendered map: offline by default, every claim in the panel, evidence drawn, text escaped, size bounded."""

from __future__ import annotations

import re
from dataclasses import replace

import folium
import numpy as np
import pandas as pd
import pytest

from tests.helpers import make_track
from tests.render.fixtures import (
    SVMI,
    SVSE,
    XSS_SCRIPT,
    XSS_TAG,
    big_track,
    case_result,
    flight_track,
    payload_of,
    regions,
)
from tracks import wording
from tracks.claims.result import CaseResult
from tracks.claims.verdict import Evidence, GeoPoint, Sample, Verdict
from tracks.render.content import claims_payload, finish_labels, marker
from tracks.render.map import render_map, to_html
from tracks.segments import gap_mask
from tracks.track import Traffic

RESOURCE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""", re.I)


@pytest.fixture(scope="module")
def case_html() -> str:
    return to_html(render_map(case_result()))


@pytest.fixture(scope="module")
def xss_html() -> str:
    return to_html(render_map(case_result(xss=True)))


def test_returns_a_folium_map_and_saves(tmp_path) -> None:
    m = render_map(case_result())
    assert isinstance(m, folium.Map)
    out = tmp_path / "map.html"
    m.save(str(out))
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_default_output_needs_no_network(case_html: str) -> None:
    # the article link is the only http(s) text in the page, and it is a link, not a resource
    assert RESOURCE.findall(case_html.replace('href="https://news.example.org/2025/11/30/jet"', "")) == []
    assert re.findall(r"https?://[^\s\"'<>]+", case_html) == ["https://news.example.org/2025/11/30/jet"]
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", case_html)
    links = re.findall(r"<link[^>]*\bhref=\"([^\"]*)\"", case_html)
    assert len(scripts) == 2 and all(s.startswith("data:text/javascript;base64,") for s in scripts)
    assert len(links) == 1 and links[0].startswith("data:text/css;base64,")
    for cdn in ("jsdelivr", "cdnjs", "code.jquery", "bootstrap", "fontawesome", "openstreetmap"):
        assert cdn not in case_html.lower()


def test_without_an_article_url_there_is_no_http_at_all() -> None:
    r = case_result()
    r = replace(r, case=replace(r.case, article=replace(r.case.article, url="")))
    html = to_html(render_map(r))
    assert "http://" not in html and "https://" not in html


def test_tiles_option_adds_online_tiles_and_keeps_leaflet_embedded() -> None:
    html = to_html(render_map(case_result(), tiles=True))
    assert "tile.openstreetmap.org" in html
    assert "cdn.jsdelivr.net" not in html
    assert payload_of(html)["tiles"] is True


def test_claims_panel_lists_every_claim_with_its_verdict(case_html: str) -> None:
    r = case_result()
    cards = re.findall(r'<article class="tm-claim tm-claim-(\w+)" data-claim="(\d+)"', case_html)
    assert cards == [(v.status, str(i)) for i, v in enumerate(r.verdicts)]
    for v in r.verdicts:
        assert v.quote in case_html and v.sentence in case_html
    assert case_html.count('class="tm-badge tm-badge-supported"') == 2 + 1  # two cards + the summary
    for symbol, label in (("✗", "contradicted"), ("?", "not verifiable"), ("✓", "supported")):
        # the verdict in words; the symbol repeats it for the eye and is hidden from screen readers
        assert (f'<span aria-hidden="true">{symbol}</span> <span class="tm-sr">verdict: </span>{label}</span>'
                in case_html)
    # measured values with units, gaps a verdict depends on
    assert "<dt>closest</dt><dd>9.40 km</dd>" in case_html
    assert "depends on gap-1: no data for 21 min" in case_html


def test_case_notes_are_listed_in_the_panel() -> None:
    r = replace(case_result(), notes=("cleaning removed 3 sample value(s)", "<b>not bold</b>"))
    html = to_html(render_map(r))
    assert "<li>cleaning removed 3 sample value(s)</li>" in html
    assert "<li>&lt;b&gt;not bold&lt;/b&gt;</li>" in html


def test_clicking_a_claim_has_its_evidence_bounds(case_html: str) -> None:
    p = payload_of(case_html)
    r = case_result()
    assert [c["status"] for c in p["claims"]] == [v.status for v in r.verdicts]
    for c, v in zip(p["claims"], r.verdicts, strict=True):
        assert c["bounds"] == [[round(a, 5), round(b, 5)] for a, b in v.evidence.latlons()]
    assert p["claims"][1]["regions"] == ["border:VE|BR-RR"]


def test_gaps_are_the_shared_definition_with_durations(case_html: str) -> None:
    track = case_result().track
    t = payload_of(case_html)["tracks"][0]
    assert t["n"] == t["shown"] == len(track)  # small track: nothing simplified
    mask = gap_mask(track.data)
    secs = track.data["time"].astype("int64").to_numpy() / 1e9
    expected = [[float(i), round(secs[i + 1] - secs[i], 1)] for i in np.flatnonzero(mask)]
    got = np.asarray(t["gaps"]).reshape(-1, 2).tolist()
    assert got == expected
    assert any(d > 20 * 60 for _, d in got)  # the 21-min gap on the way out
    assert len(got) >= 2  # ... and the ground stop (samples 9.5 min apart)


def test_mlat_estimated_and_stale_samples_are_marked(case_html: str) -> None:
    track = case_result().track
    p = payload_of(case_html)
    t = p["tracks"][0]
    names = [p["sources"][c] for c in t["src"]]
    assert names == track.data["source"].astype(str).tolist()
    assert names.count("mlat") == 25 and names.count("estimated") == 1
    assert t["stale"] == np.flatnonzero(track.data["stale"].to_numpy()).tolist() != []


def test_altitude_classes_colour_the_track(case_html: str) -> None:
    track = case_result().track
    t = payload_of(case_html)["tracks"][0]
    ground = track.data["on_ground"].fillna(False).to_numpy()
    cls = np.asarray(t["cls"])
    assert (cls[ground] == 1).all()
    alt = track.data["alt_baro_ft"].to_numpy()
    assert (cls[(alt >= 30_000) & (alt < 40_000)] == 7).all()
    assert (cls[(~ground) & (alt < 1_000)] == 2).all()


def test_events_and_evidence_markers_with_utc_and_local_times(case_html: str) -> None:
    p = payload_of(case_html)
    kinds = sorted(m["kind"] for m in p["markers"])
    assert kinds == ["border", "closest", "landing", "landing", "takeoff", "takeoff"]
    svmi = [m for m in p["markers"] if (m["lat"], m["lon"]) == SVMI and m["label"]]
    assert len(svmi) == 1  # take-off and landing at SVMI share one label
    assert svmi[0]["label"] == ("<b>SVMI Maiquetia, Caracas</b><br>Take-off: 23:20 UTC · 19:20 local<br>"
                                "Landing: 03:30 UTC · 23:30 local")
    assert "landed at SVMI 29 Nov 03:30Z" in next(m["tip"] for m in p["markers"] if m["kind"] == "landing"
                                                  and (m["lat"], m["lon"]) == SVMI)
    # the verdict's take-off point merged into the event marker, tied to claim 0
    takeoff = next(m for m in p["markers"] if m["kind"] == "takeoff" and (m["lat"], m["lon"]) == SVMI)
    assert takeoff["claims"] == [0]
    line = next(e for e in p["evidence"] if e["type"] == "line")
    assert line["latlons"] == [[SVSE[0], SVSE[1]], [4.47, SVSE[1]]]
    assert line["label"] == "9.4 km"  # 0.085 degree of latitude at 4.5 N, geodesic
    assert "America/Caracas (UTC−04:00)" in case_html


def test_marker_labels_for_unknown_places_and_unobserved_events() -> None:
    tz = wording.zone("America/Caracas")
    ms = finish_labels([
        marker("landing", 1.0, 2.0, "2025-11-29T01:10:00Z", "last seen near a farm strip", tz, observed=False),
        marker("crossing", 3.0, 4.0, "2025-11-29T02:00:00Z", "entered BR", tz),
        marker("airport", 5.0, 6.0, "", "SBBV", tz),
    ])
    # not 'Landing (not observed): 01:10': the landing happened later, somewhere nobody saw
    assert ms[0]["label"] == ("<b>last seen near a farm strip</b><br>"
                              "Last seen: 01:10 UTC · 21:10 local")
    assert "not observed" in ms[0]["tip"] and ms[0]["observed"] is False
    assert ms[1]["label"] == "<b>Border crossing</b> entered BR<br>02:00 UTC · 22:00 local"
    assert ms[2]["label"] == "<b>SBBV Atlas Brasil Cantanhede, Boa Vista</b><br>airport named in a claim"
    assert all(set(m) == {"kind", "lat", "lon", "observed", "label", "tip", "claims"} for m in ms)


def test_unobserved_event_at_a_place_keeps_its_kind_and_first_seen_says_so() -> None:
    tz = wording.zone("UTC")
    ms = finish_labels([
        marker("landing", 35.54, 139.80, "2024-01-02T08:47:23Z", "landed at RJTT after 08:47Z (last seen on final "
               "approach 2.1 km out; touchdown not observed: the end of the track)", tz, observed=False),
        marker("takeoff", 18.0, -88.0, "2025-02-04T21:13:42Z", "first seen 31 km from MZPB at 32,000 ft, 21:13Z "
               "(take-off not observed: the start of the track)", tz, observed=False),
    ])
    assert ms[0]["label"].endswith("Landing (not observed): 08:47 UTC")
    assert ms[1]["label"].endswith("First seen: 21:13 UTC") and "Take-off" not in ms[1]["label"]
    assert "the time is that of the nearest sample" not in ms[1]["tip"]  # the sentence says why: track start


def test_closest_approaches_at_one_place_share_a_marker_labelled_with_the_distance() -> None:
    tz = wording.zone("America/Caracas")
    r = case_result()
    events = [marker("closest", SVSE[0], SVSE[1], "2025-11-29T01:11:00Z", "flew-to-border: closest to VE|BR-RR", tz),
              marker("closest", SVSE[0], SVSE[1], "2025-11-29T01:11:00Z", "stayed-out: closest to BR", tz)]
    markers, _, _ = claims_payload(r.verdicts, events, tz)
    closest = [m for m in markers if m["kind"] == "closest"]
    assert len(closest) == 1
    assert closest[0]["label"] == "<b>Closest approach</b> 9.4 km<br>01:11 UTC · 21:11 local"
    assert "closest to VE|BR-RR" in closest[0]["tip"] and "closest to BR" in closest[0]["tip"]
    assert closest[0]["claims"] == [1]


def test_regions_and_highlighted_borders(case_html: str) -> None:
    p = payload_of(case_html)
    got = {r["code"]: r["border"] for r in p["regions"]}
    assert got == {"BR-RR": False, "border:VE|BR-RR": True, "VE": False}
    border = next(r for r in p["regions"] if r["border"])
    assert border["geojson"]["type"] == "LineString"


def test_footer_has_sources_tool_case_and_article(case_html: str) -> None:
    footer = case_html[case_html.index('<footer class="tm-footer">'):]
    assert "trace_full_0d8373.json" in footer and "sha256 " + "9f2c" * 16 in footer
    assert "/home/reporter/secret" not in case_html  # basenames only: no private paths in a published map
    assert "tracks 0.1.0" in footer and "Leaflet 1.9.3" in footer
    assert "YV2984 to Santa Elena de Uairén and back" in footer
    assert ('<a href="https://news.example.org/2025/11/30/jet" target="_blank" rel="noopener noreferrer nofollow">'
            "The Daily Example — “Presidential jet flies to the Brazilian border”</a> (2025-11-30)") in footer


def test_illustrative_banner_only_for_illustrative_tracks(case_html: str) -> None:
    assert "class=\"tm-banner\"" not in case_html
    html = to_html(render_map(case_result(illustrative=True)))
    assert '<details class="tm-banner" open><summary><b>ILLUSTRATIVE TRACK — not a recording.</b>' in html
    assert "synthetic track for the docs" in html
    assert payload_of(html)["illustrative"] is True


def test_every_text_from_data_is_escaped(xss_html: str) -> None:
    assert XSS_TAG not in xss_html and "<img src=x" not in xss_html
    assert XSS_SCRIPT not in xss_html and "<script>window.__xss" not in xss_html
    assert "javascript:" not in xss_html.replace("text/javascript", "")
    assert "&lt;img src=x onerror=&quot;window.__xss=1;alert(1)&quot;&gt;" in xss_html  # shown, as text
    assert "&lt;/script&gt;&lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;" in xss_html
    assert re.search(r"<title>Case &lt;/script&gt;", xss_html)
    # the payload decodes back to escaped HTML (what the script hands to Leaflet)
    p = payload_of(xss_html)
    assert p["tracks"][0]["name"].startswith("&lt;img src=x")
    assert all("<img" not in m["label"] and "</script" not in m["label"] for m in p["markers"])


def test_template_syntax_in_data_is_text_not_evaluated() -> None:
    jinja = "{{ 7*7 }} {% for x in 'ab' %}[{{ x }}]{% endfor %} {# c #}"
    r = case_result()
    r = replace(r, case=replace(r.case, title="T " + jinja),
                verdicts=(replace(r.verdicts[0], quote=jinja, claim_id="{{ this }}"), *r.verdicts[1:]),
                track=flight_track(callsign="{{ 6*6 }}"))
    html = to_html(render_map(r))
    assert f"“{jinja}”" in html.replace("&#x27;", "'")
    assert f"<title>T {jinja}".replace("'", "&#x27;") in html
    assert "{{ this }}" in html and "{{ 6*6 }}" in html
    assert "49" not in html.split('class="tm-quote"')[1][:80]


def test_bare_track_and_traffic() -> None:
    track = flight_track()
    html = to_html(render_map(track, regions=regions(), timezone="America/Caracas"))
    assert "Track of VCV2984 · YV2984 · 0d8373" in html
    assert "No claims were checked" in html
    p = payload_of(html)
    assert len(p["regions"]) == 3
    # take-offs and landings come from tracks.legs; unobserved ones say so and name no airport of their own
    labels = sorted(m["label"] for m in p["markers"] if m["label"])
    assert labels == [
        "<b>SVSE Santa Elena de Uairen</b><br>Landing: 01:11 UTC · 21:11 local<br>Take-off: 01:50 UTC · 21:50 local",
        "<b>took off from SVMI before 28 Nov 23:20Z</b><br>Take-off (not observed): 23:20 UTC · 19:20 local<br>"
        "Landing (not observed): 03:30 UTC · 23:30 local",
    ]
    assert [m["observed"] for m in p["markers"] if m["kind"] == "takeoff"] == [False, True]
    other = make_track(["2025-11-29T00:00:00Z", "2025-11-29T00:00:30Z"], [5.0, 5.1], [-62.0, -62.1],
                       icao24="abc123")
    traffic = Traffic(pd.concat([track.data, other.data], ignore_index=True), track.sources)
    p = payload_of(to_html(render_map(traffic)))
    assert sorted(t["n"] for t in p["tracks"]) == [2, len(track)]
    with pytest.raises(TypeError, match="CaseResult, Track or Traffic"):
        render_map("track.json")  # type: ignore[arg-type]


def test_empty_track_renders() -> None:
    html = to_html(render_map(make_track([], [], [])))
    assert payload_of(html)["tracks"] == []


def test_a_case_without_samples_and_evidence_with_missing_coordinates_renders() -> None:
    r = case_result()
    nan = float("nan")
    bad = Verdict("nowhere", "it went somewhere", "approached", "not_verifiable", "No sample of the aircraft.",
                  evidence=Evidence(samples=(Sample("2025-11-29T01:00:00Z", nan, nan, alt_ft=nan),),
                                    points=(GeoPoint("closest", nan, -61.0, "", "closest"),),
                                    lines=(((nan, nan), (4.5, -61.0)),)))
    r = replace(r, track=make_track([], [], []), verdicts=(*r.verdicts, bad), events=r.events.iloc[:0])
    html = to_html(render_map(r))
    p = payload_of(html)
    assert p["tracks"] == [] and p["claims"][-1]["bounds"] == [[4.5, -61.0]]  # only the finite point
    assert "No sample of the aircraft." in html


def test_simplification_keeps_every_evidence_sample() -> None:
    track = big_track(300_000)
    d = track.data
    cited = [12_345, 150_001, 299_998]
    samples = tuple(Sample(time=d["time"].iloc[i].isoformat(), lat=float(d["lat"].iloc[i]),
                           lon=float(d["lon"].iloc[i]), role="cited") for i in cited)
    base = case_result()
    v = Verdict("x", "q", "approached", "supported", "s", evidence=Evidence(samples=samples))
    events = base.events.iloc[:0]
    r = CaseResult(case=base.case, track=track, verdicts=(v,), events=events)
    html = to_html(render_map(r, max_points=5_000))
    t = payload_of(html)["tracks"][0]
    assert t["n"] == 300_000 and t["shown"] <= 5_000
    secs = d["time"].astype("int64").to_numpy() / 1e9 - t["t0"]
    shown = set(np.round(t["t"], 1).tolist())
    for i in cited:
        assert round(secs[i], 1) in shown
    mask = gap_mask(d)
    for i in np.flatnonzero(mask):  # both ends of every gap
        assert round(secs[i], 1) in shown and round(secs[i + 1], 1) in shown
    assert len(t["gaps"]) // 2 == int(mask.sum())


@pytest.mark.slow
def test_a_million_samples_render_under_ten_megabytes() -> None:
    html = to_html(render_map(big_track(1_000_000)))
    assert len(html.encode("utf-8")) < 10_000_000
    t = payload_of(html)["tracks"][0]
    assert t["n"] == 1_000_000 and t["shown"] <= 60_000


def test_many_aircraft_share_the_point_budget_and_the_panel_lists_them_compactly() -> None:
    frames = []
    for a in range(50):
        k = np.arange(2000)
        frames.append(pd.DataFrame({
            "time": pd.to_datetime(pd.Timestamp("2025-11-29T00:00Z").value + k * 4_000_000_000, utc=True),
            "icao24": f"{a:06x}", "lat": 5 + a * 0.05 + np.sin(k / 50) * 0.2, "lon": -64 + k * 1e-3,
            "record": k, "file": "many.json"}))
    from tracks import schema

    traffic = Traffic(schema.conform(pd.concat(frames, ignore_index=True)))
    html = to_html(render_map(traffic, max_points=5_000))
    p = payload_of(html)
    assert len(p["tracks"]) == 50
    assert sum(t["shown"] for t in p["tracks"]) <= 50 * 200  # at least 200 each, never the 100,000 samples
    assert "<h2>Aircraft (50)</h2>" in html and html.count('<li><label><input type="checkbox" class="tm-ac"') == 50


def test_the_bundled_case_renders_with_every_verdict_and_its_evidence() -> None:
    import tracks
    from tests.helpers import REPO

    result = tracks.check(REPO / "data" / "cases" / "venezuela-2025-11" / "case.yaml")
    html = to_html(render_map(result))
    cards = re.findall(r'<article class="tm-claim tm-claim-(\w+)"', html)
    assert cards == [v.status for v in result.verdicts]
    assert ('<details class="tm-banner" open>' in html) == result.track.illustrative
    p = payload_of(html)
    assert p["tracks"][0]["n"] == len(result.track)
    labels = [m["label"] for m in p["markers"] if m["label"]]
    assert any(lbl.startswith("<b>SVSE Santa Elena de Uairen</b><br>Landing: ") for lbl in labels)
    assert any(lbl.startswith("<b>Closest approach</b> ") and " km<br>" in lbl for lbl in labels)
    assert {r["border"] for r in p["regions"]} == {True, False}  # the VE|BR-RR border and Brazil
    assert RESOURCE.findall(html) == []
