"""The HTML map investigators publish: track, borders, evidence and the article's claims side by side.

    >>> m = render_map(result)          # a tracks.claims.result.CaseResult
    >>> m.save("map.html")              # one self-contained file: opens offline, years later
    >>> render_map(track, regions=[tracks.region("VE")], timezone="America/Caracas")

Self-contained by default: Leaflet and jQuery are embedded from the xstatic packages, the basemap is drawn
from the bundled country shapes, and nothing in the page refers to the network (`tiles=True` adds online
OpenStreetMap tiles). Every text from data or a case file is HTML-escaped; the data the page script draws
travels as JSON inside <script type="application/json"> with `<`, `>`, `&` escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from tracks.aircraft import flag_labels
from tracks.claims.result import CaseResult
from tracks.render import assets, basemap, content, page, profile, traffic, wrap
from tracks.render.content import MapInput
from tracks.render.inputs import LEG_EVENTS_MAX_TRACKS, cited_gap_starts, map_input
from tracks.render.progress import bar as progress_bar
from tracks.render.script import PAGE_JS
from tracks.render.simplify import DEFAULT_MAX_POINTS
from tracks.render.style import PAGE_CSS
from tracks.render.traffic import DEFAULT_MAX_POSITION_AGE_S
from tracks.track import Track, Traffic

__all__ = ["DEFAULT_MAX_POINTS", "LEG_EVENTS_MAX_TRACKS", "render_map", "save_map", "to_html"]

#: Height of the profile chart under the map (px).
PROFILE_HEIGHT = 170
#: Maps of up to this many aircraft label each one (callsign) at its last position.
AIRCRAFT_LABELS_MAX = 100

#: Layer names in the layer control, in drawing order (bottom to top).
LAYERS = (
    ("basemap", "Land and country borders"),
    ("regions", "Regions used by the claims"),
    ("borders", "Borders used by the claims"),
    ("track", "Track (colour = altitude)"),
    ("gaps", "Coverage gaps (no data)"),
    ("points", "MLAT / estimated / stale positions"),
    ("evidence", "Claim evidence"),
    ("events", "Take-offs, landings, crossings"),
    ("replay", "Replay position"),
)


class _Raw(Element):
    """Literal HTML. branca's Element would run its text through Jinja, so a quote or callsign containing
    `{{ ... }}` or `{% ... %}` would be evaluated (template injection); this one is inserted as it is."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self._html = html

    def render(self, **kwargs: Any) -> str:
        return self._html


class _PageScript(MacroElement):
    """Calls the page script once the map and its feature groups exist."""

    _template = Template(
        """{% macro script(this, kwargs) %}
tracksMapInit({{ this._parent.get_name() }}, {
{%- for key, fg in this.groups.items() %}{{ key|tojson }}: {{ fg.get_name() }},{% endfor -%}
}, {{ this.data_id|tojson }});
{% endmacro %}"""
    )

    def __init__(self, groups: dict[str, folium.FeatureGroup], data_id: str) -> None:
        super().__init__()
        self._name = "TracksPage"
        self.groups = groups
        self.data_id = data_id


def build_payload(inp: MapInput, *, max_points: int = DEFAULT_MAX_POINTS, tiles: bool = False,
                  progress: bool = False) -> dict[str, Any]:
    """The JSON-ready description of everything the page script draws.

    progress: show a progress bar on stderr (it appears only when drawing takes more than two seconds).
    """
    events = content.events_markers(inp.events, inp.tz)
    markers, evidence, claims = content.claims_payload(inp.verdicts, events, inp.tz, inp.base)
    keep = content.evidence_times(inp.verdicts, inp.events)
    cited_gaps = cited_gap_starts(inp)
    n_aircraft = len(inp.aircraft)
    with progress_bar(n_aircraft + 1, "drawing the map", "aircraft", progress) as bar:
        if inp.traffic is not None:
            tracks = traffic.payloads(inp.traffic, inp.aircraft, max_gap_s=inp.max_gap_s, max_points=max_points,
                                      progress=lambda k: bar.update(k - bar.n))
            for p, flags, kind in zip(tracks, inp.identities["flags"].tolist(), inp.identities["type_code"].tolist(),
                                      strict=True):
                p["flags"], p["type"] = flag_labels(tuple(f for f in flags.split(",") if f)), kind
        else:
            live = [(o, name) for o, name in zip(inp.observations, inp.names, strict=True) if len(o)]
            total = sum(len(o) for o, _ in live) or 1
            tracks = []
            for o, name in live:
                tracks.append(content.track_payload(
                    o, name=name, keep_times=keep,
                    max_points=max(min(len(o), 200), int(max_points * len(o) / total)),
                    labelled_gap_starts=cited_gaps))
                ident = o.track.identity
                tracks[-1]["flags"], tracks[-1]["type"] = flag_labels(ident.flags), ident.type_code
                bar.update(1)
        if len(tracks) > 1:
            _share_gap_labels(tracks)
        regions = basemap.regions_payload(inp.regions)
        centre = wrap.to_frame(tracks, markers, evidence, claims, regions)  # across ±180 the short way
        pts: list[tuple[float, float]] = [(a, b) for t in tracks for a, b in zip(t["lat"], t["lon"], strict=True)]
        pts += [(m["lat"], m["lon"]) for m in markers]
        payload = {
            "tz": inp.tz.key if inp.tz is not None else "",
            "tiles": tiles,
            "illustrative": inp.illustrative,
            "altClasses": content.alt_classes(),
            "sources": content.source_vocabulary(),
            "icons": page.icons_payload(),
            "tracks": tracks,
            "colourBy": "aircraft" if len(tracks) > 1 else "altitude",
            "aircraftLabels": 1 < len(tracks) <= AIRCRAFT_LABELS_MAX,
            "markers": markers,
            "evidence": evidence,
            "claims": claims,
            "regions": regions,
            "basemap": basemap.basemap_payload(basemap.view_bbox(pts, centre=centre)),
        }
        bar.update(1)
    return payload


def _share_gap_labels(tracks: list[dict[str, Any]]) -> None:
    """With several aircraft, the permanent 'no data' labels go to the longest gaps of the whole map (and the
    gaps verdicts cite), not to a dozen per aircraft: hundreds of labels would pile up."""
    longest = sorted(((t["gaps"][2 * k + 1], i, t["gaps"][2 * k]) for i, t in enumerate(tracks)
                      for k in range(len(t["gaps"]) // 2)), reverse=True)[:content.PERMANENT_GAP_LABELS]
    keep: dict[int, set[int]] = {}
    for dur, i, seg in longest:
        if dur >= content.MIN_LABELLED_GAP_S:
            keep.setdefault(i, set()).add(int(seg))
    for i, t in enumerate(tracks):
        t["gapLabels"] = sorted(keep.get(i, set()))


def render_map(
    result: CaseResult | Track | Traffic,
    *,
    regions: Sequence[Any] = (),
    tiles: bool = False,
    timezone: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    max_gap_s: float | None = None,
    max_position_age_s: float = DEFAULT_MAX_POSITION_AGE_S,
    progress: bool = False,
) -> folium.Map:
    """A folium map of a case result (track, evidence, claims panel) or of a bare Track/Traffic.

    regions: extra regions to draw (a CaseResult brings its own). tiles: add online OpenStreetMap tiles (the
    page then needs the network for them; everything else stays embedded). timezone: IANA zone for local
    times (default: the case's). max_points: samples drawn per map (display only; evidence samples and gap
    ends are always drawn). max_gap_s: coverage-gap threshold in seconds (default: the case's, else 60).
    max_position_age_s: bare tracks only: positions of a snapshot file (aircraft.json) older than this before
    the snapshot's time are left off and counted in the notes. progress: a progress bar on stderr for maps
    that take more than two seconds.
    """
    inp = map_input(result, regions, timezone, max_gap_s, max_position_age_s)
    return page_map(inp, build_payload(inp, max_points=max_points, tiles=tiles, progress=progress), tiles=tiles)


def save_map(
    result: CaseResult | Track | Traffic,
    html_path: str | Path | None,
    *,
    png_path: str | Path | None = None,
    regions: Sequence[Any] = (),
    tiles: bool = False,
    timezone: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    max_gap_s: float | None = None,
    max_position_age_s: float = DEFAULT_MAX_POSITION_AGE_S,
    progress: bool = False,
) -> list[Path]:
    """Write the HTML map and/or its static picture (PNG, `tracks.render.figure`) from one drawing payload.

    Arguments as for `render_map`. Returns the paths written (HTML first).
    """
    inp = map_input(result, regions, timezone, max_gap_s, max_position_age_s)
    payload = build_payload(inp, max_points=max_points, tiles=tiles, progress=progress)
    written = []
    if html_path is not None:
        page_map(inp, payload, tiles=tiles).save(str(html_path))
        written.append(Path(html_path))
    if png_path is not None:
        from tracks.render.figure import save_png

        written.append(save_png(inp, payload, png_path, progress=progress))
    return written


def page_map(inp: MapInput, payload: dict[str, Any], *, tiles: bool = False) -> folium.Map:
    """The folium map of an already built payload (`build_payload`) with its page around it."""
    m = folium.Map(location=[0, 0], zoom_start=2, tiles=None, prefer_canvas=True, control_scale=False,
                   world_copy_jump=False, zoom_snap=0.25)
    m.default_js = assets.offline_js()  # per instance: never the class-level CDN lists
    m.default_css = assets.offline_css()
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap tiles (online)", overlay=False,
                         control=True).add_to(m)

    groups = {key: folium.FeatureGroup(name=name, show=True, control=key != "replay") for key, name in LAYERS}
    for fg in groups.values():
        fg.add_to(m)

    uid = m.get_name()
    data_id, legend_id = f"tracks-data-{uid}", f"tracks-legend-{uid}"
    payload["legendId"] = legend_id
    figure = m.get_root()
    figure.title = content.esc(page.title_of(inp))
    figure.header.add_child(_Raw(f"<style>{PAGE_CSS}</style>"), name="tracks_css")
    figure.header.add_child(_Raw(f"<script>{PAGE_JS}</script>"), name="tracks_js")
    figure.html.add_child(_Raw(page.header_html(inp)), name="tracks_header")
    figure.html.add_child(_Raw(page.panel_html(inp)), name="tracks_panel")
    if len(payload["tracks"]) == 1:  # one aircraft: its profile under the map, linked to the time slider
        figure.html.add_child(_Raw(page.profile_html(profile.profile_of(inp, width="100%", height=PROFILE_HEIGHT,
                                                                        standalone=False))),
                              name="tracks_profile")
    alt_used = {c for t in payload["tracks"] for c in set(t["cls"])}
    figure.html.add_child(_Raw(page.legend_html(legend_id, page.present_flags(inp, payload), alt_used,
                                                by_aircraft=payload["colourBy"] == "aircraft")),
                          name="tracks_legend")
    figure.html.add_child(_Raw(page.footer_html(inp)), name="tracks_footer")
    figure.html.add_child(_Raw(f'<script type="application/json" id="{data_id}">'
                                  f"{assets.json_for_script(payload)}</script>"), name="tracks_data")
    folium.LayerControl(collapsed=True, position="topright").add_to(m)  # first: above the legend
    _PageScript(groups, data_id).add_to(m)
    return m


def to_html(m: folium.Map) -> str:
    """The complete HTML document of a map (what `m.save(path)` writes)."""
    return m.get_root().render()
