"""Offline assets for self-contained maps.

Leaflet and jQuery come from the `xstatic-leaflet` / `xstatic-jquery` packages and are embedded as `data:` URIs
(folium's default CDN links are replaced per map instance, never on the class). The images that leaflet.css
refers to are inlined too, and source-map comments are dropped, so a saved map asks the network for nothing.
The page's own script is `tracks.render.script.PAGE_JS`; its stylesheet is `tracks.render.style.PAGE_CSS`.
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
