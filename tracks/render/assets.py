"""Offline assets for self-contained maps.

Leaflet and jQuery come from the `xstatic-leaflet` / `xstatic-jquery` packages and are embedded as `data:` URIs
(folium's default CDN links are replaced per map instance, never on the class). The images that leaflet.css
refers to are inlined too, and source-map comments are dropped, so a saved map asks the network for nothing.
The page's own script is `tracks.render.script.PAGE_JS`; its stylesheet is PAGE_CSS below.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from pathlib import Path
from typing import Any

from xstatic.pkg import jquery as xs_jquery
from xstatic.pkg import leaflet as xs_leaflet

LEAFLET_VERSION: str = str(xs_leaflet.VERSION)
JQUERY_VERSION: str = str(xs_jquery.VERSION)

_SOURCE_MAP = re.compile(rb"\n?//# sourceMappingURL=[^\n]*\n?")
_CSS_URL = re.compile(r"url\((['\"]?)(images/[^)'\"]+\.png)\1\)")


def data_uri(mime: str, data: bytes) -> str:
    """`data:` URI holding `data` base64-encoded."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _leaflet_dir() -> Path:
    return Path(xs_leaflet.BASE_DIR)


def _jquery_dir() -> Path:
    return Path(xs_jquery.BASE_DIR)


def _script_bytes(path: Path) -> bytes:
    """A minified library without its sourceMappingURL comment (nothing may be fetched, not even by devtools)."""
    return _SOURCE_MAP.sub(b"\n", path.read_bytes())


@functools.cache
def leaflet_js_uri() -> str:
    return data_uri("text/javascript", _script_bytes(_leaflet_dir() / "leaflet.js"))


@functools.cache
def jquery_js_uri() -> str:
    return data_uri("text/javascript", _script_bytes(_jquery_dir() / "jquery.min.js"))


@functools.cache
def leaflet_css_text() -> str:
    """leaflet.css with its `images/*.png` references replaced by data: URIs."""
    base = _leaflet_dir()
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    return _CSS_URL.sub(lambda m: f"url({data_uri('image/png', (base / m.group(2)).read_bytes())})", css)


@functools.cache
def leaflet_css_uri() -> str:
    return data_uri("text/css", leaflet_css_text().encode("utf-8"))


def offline_js() -> list[tuple[str, str]]:
    """What to put in `folium.Map.default_js` for a map that needs no network (Leaflet, jQuery)."""
    return [("leaflet", leaflet_js_uri()), ("jquery", jquery_js_uri())]


def offline_css() -> list[tuple[str, str]]:
    """What to put in `folium.Map.default_css`: Leaflet's stylesheet only (no Bootstrap/Font Awesome)."""
    return [("leaflet_css", leaflet_css_uri())]


_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def json_for_script(obj: Any) -> str:
    """JSON text that is safe inside a <script> element.

    `<`, `>` and `&` become \\u003c, \\u003e, \\u0026 so that neither `</script>` nor `<!--` can appear;
    NaN/Infinity are refused (they are not JSON).
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _SCRIPT_UNSAFE_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group(0)], text)


#: The page's stylesheet: title bar, map | claims panel, footer; legend, labels and slider inside the map.
PAGE_CSS = """
html, body { height: 100%; margin: 0; }
body {
  display: grid; height: 100vh; overflow: hidden;
  grid-template-columns: minmax(0, 1fr) minmax(300px, 400px);
  grid-template-rows: auto minmax(0, 1fr) auto;
  grid-template-areas: "header header" "map panel" "footer footer";
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
  color: #1d232a; background: #fff;
}
.folium-map { grid-area: map; width: 100% !important; height: 100% !important; min-height: 280px; }
body .leaflet-container { background: #cfe0ec; font: inherit; font-size: 12px; }
.tm-header { grid-area: header; border-bottom: 1px solid #d0d7de; }
.tm-banner {
  padding: 8px 16px; font-size: 15px; color: #4a2c00; border-bottom: 3px solid #b26a00;
  background: repeating-linear-gradient(45deg, #fff3cd, #fff3cd 14px, #ffe08a 14px, #ffe08a 28px);
}
.tm-titlebar { display: flex; align-items: center; gap: 16px; padding: 8px 16px; flex-wrap: wrap; }
.tm-titles { flex: 1 1 420px; min-width: 0; }
.tm-title { font-size: 19px; margin: 0; line-height: 1.25; }
.tm-subtitle { font-size: 13px; color: #57606a; margin-top: 2px; }
.tm-summary { display: flex; gap: 10px; flex-wrap: wrap; }
.tm-count { font-size: 13px; white-space: nowrap; }
.tm-badge {
  display: inline-block; padding: 2px 9px; border-radius: 999px; color: #fff; font-weight: 700;
  font-size: 12px; letter-spacing: .02em; white-space: nowrap;
}
.tm-badge-supported { background: #1a7f37; }
.tm-badge-contradicted { background: #c62828; }
.tm-badge-not_verifiable { background: #9a6700; }
.tm-panel { grid-area: panel; overflow-y: auto; border-left: 1px solid #d0d7de; padding: 10px 12px; background: #f6f8fa; }
.tm-panel-head { display: flex; align-items: center; justify-content: space-between; }
.tm-panel h2 { font-size: 16px; margin: 4px 0; }
.tm-hint { font-size: 12px; color: #57606a; margin: 2px 0 10px; }
.tm-reset { font: inherit; font-size: 12px; padding: 3px 8px; border: 1px solid #afb8c1; border-radius: 6px; background: #fff; cursor: pointer; }
.tm-claim {
  display: block; background: #fff; border: 1px solid #d0d7de; border-left: 6px solid #8c959f; border-radius: 6px;
  padding: 9px 11px; margin: 0 0 10px; cursor: pointer; font-size: 13px; line-height: 1.4;
}
.tm-claim:hover, .tm-claim:focus { box-shadow: 0 1px 6px rgba(0,0,0,.18); outline: none; }
.tm-claim.tm-active { box-shadow: 0 0 0 3px #ffab00; }
.tm-claim-supported { border-left-color: #1a7f37; }
.tm-claim-contradicted { border-left-color: #c62828; }
.tm-claim-not_verifiable { border-left-color: #9a6700; }
.tm-track { cursor: default; }
.tm-claim-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.tm-claim-id { font-size: 11px; color: #6e7781; font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.tm-quote { margin: 7px 0 2px; font-size: 14px; font-style: italic; font-family: Georgia, "DejaVu Serif", serif; overflow-wrap: anywhere; }
.tm-claim-source { font-size: 12px; color: #57606a; }
.tm-sentence { margin: 6px 0; font-weight: 600; overflow-wrap: anywhere; }
.tm-measured { display: grid; grid-template-columns: fit-content(45%) minmax(0, 1fr); gap: 1px 10px; margin: 4px 0; font-size: 12px; }
.tm-measured dt { color: #57606a; }
.tm-measured dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.tm-notes { margin: 4px 0 0; padding-left: 18px; font-size: 12px; color: #57606a; }
.tm-description { font-size: 13px; margin: 0 0 10px; white-space: pre-line; }
.tm-case-notes { background: #fff8e1; border: 1px solid #e8d9a8; border-radius: 6px; padding: 6px 10px; margin: 0 0 10px; font-size: 12px; }
.tm-case-notes ul { margin: 3px 0 0; padding-left: 18px; }
.tm-show { margin-top: 5px; font-size: 12px; color: #0969da; font-weight: 600; }
.tm-footer {
  grid-area: footer; border-top: 1px solid #d0d7de; padding: 6px 16px; font-size: 12px; color: #424a53;
  max-height: 20vh; overflow-y: auto; background: #fff;
}
.tm-footer a { color: #0969da; }
.tm-meta span + span::before { content: ""; }
.tm-sources ul { display: inline; margin: 0; padding: 0; }
.tm-sources li { display: inline; margin-right: 14px; }
.tm-sources code { font-size: 11px; color: #57606a; overflow-wrap: anywhere; }
.tm-file { font-weight: 600; }
.tm-illus { color: #b26a00; text-transform: uppercase; }
.tm-legend { background: #fff; padding: 5px 8px; max-height: 40vh; overflow-y: auto; font-size: 11px; line-height: 1.25; width: 292px; }
.tm-legend summary { font-weight: 700; cursor: pointer; }
.tm-leg-title { margin: 3px 0 2px; color: #424a53; }
.tm-alts { display: flex; flex-wrap: wrap; gap: 2px 6px; margin-bottom: 4px; }
.tm-alt { white-space: nowrap; }
.tm-alt i { display: inline-block; width: 16px; height: 8px; margin-right: 3px; border-radius: 2px; vertical-align: middle; box-shadow: 0 0 0 1px rgba(0,0,0,.35); }
.tm-leg-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1px 6px; }
.tm-leg-row { display: flex; align-items: center; gap: 4px; min-height: 18px; }
.tm-leg-sym { flex: 0 0 26px; display: flex; justify-content: center; }
.tm-leg-sym svg { max-width: 26px; max-height: 16px; }
.tm-country span, .tm-gap-label span {
  position: absolute; transform: translate(-50%, -50%); white-space: nowrap; pointer-events: none;
}
.tm-country span { color: #8a8177; font-size: 13px; letter-spacing: .18em; text-transform: uppercase; font-weight: 600;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.tm-gap-label span { background: #37474f; color: #fff; font-size: 11px; font-weight: 600; padding: 1px 5px; border-radius: 3px; }
.leaflet-tooltip.tm-label { font-size: 12px; font-weight: 600; padding: 2px 6px; border: 0; box-shadow: 0 1px 3px rgba(0,0,0,.35); }
.leaflet-tooltip.tm-distance { font-size: 12px; font-weight: 700; color: #bf360c; border: 1px solid #e65100; padding: 1px 5px; }
.tm-icon { background: none; border: 0; }
.tm-icon svg { display: block; filter: drop-shadow(0 1px 1px rgba(0,0,0,.45)); }
.tm-inferred { opacity: .55; }
.tm-hl svg { filter: drop-shadow(0 0 3px #ffab00) drop-shadow(0 0 3px #ffab00); }
.tm-slider { background: #fff; padding: 6px 8px; display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; align-items: center; width: min(440px, 55vw); }
.tm-play { font-size: 14px; width: 30px; height: 26px; border: 1px solid #afb8c1; border-radius: 4px; background: #f6f8fa; cursor: pointer; padding: 0; }
.tm-range { width: 100%; margin: 0; }
.tm-readout { grid-column: 1 / 3; font-size: 12px; font-variant-numeric: tabular-nums; color: #24292f; }
.tm-watermark { position: absolute; top: 10px; left: 50%; transform: translateX(-50%); z-index: 1000; pointer-events: none;
  background: rgba(255, 224, 138, .92); color: #4a2c00; font-weight: 700; padding: 4px 10px; border: 2px solid #b26a00;
  font-size: 13px; white-space: nowrap; }
@media (max-width: 820px) {
  body { height: auto; overflow: auto; grid-template-columns: 1fr; grid-template-rows: auto 62vh auto auto;
         grid-template-areas: "header" "map" "panel" "footer"; }
  .tm-panel { border-left: 0; border-top: 1px solid #d0d7de; }
  .tm-footer { max-height: none; }
}
"""
