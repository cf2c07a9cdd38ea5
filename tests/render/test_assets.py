"""Leaflet and jQuery are embedded from the xstatic packages; JSON inside <script> cannot break out."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from xstatic.pkg import jquery as xs_jquery
from xstatic.pkg import leaflet as xs_leaflet

from tracks.render import assets


def _decode(uri: str) -> bytes:
    head, _, body = uri.partition(",")
    assert head.endswith(";base64")
    return base64.b64decode(body)


def test_leaflet_and_jquery_are_the_xstatic_files_without_source_maps() -> None:
    leaflet = (Path(xs_leaflet.BASE_DIR) / "leaflet.js").read_bytes()
    jquery = (Path(xs_jquery.BASE_DIR) / "jquery.min.js").read_bytes()
    got = dict(assets.offline_js())
    assert set(got) == {"leaflet", "jquery"}
    lj, jj = _decode(got["leaflet"]), _decode(got["jquery"])
    assert b"sourceMappingURL" not in lj and b"sourceMappingURL" not in jj
    assert lj.strip() == leaflet.replace(b"//# sourceMappingURL=leaflet.js.map", b"").strip()
    assert b'version="' + assets.LEAFLET_VERSION.encode() + b'"' in lj
    assert jj.strip() == jquery.strip().split(b"\n//# sourceMappingURL")[0].strip()


def test_leaflet_css_has_its_images_inlined() -> None:
    css = assets.leaflet_css_text()
    assert "url(images/" not in css
    assert css.count("url(data:image/png;base64,") == 3  # layers.png, layers-2x.png, marker-icon.png
    (name, uri), = assets.offline_css()
    assert name == "leaflet_css" and _decode(uri).decode() == css


def test_json_for_script_cannot_close_the_script_or_open_a_comment() -> None:
    hostile = {"q": "</script><script>alert(1)</script>", "c": "<!-- x", "a": "a & b > c", "ls": "x\u2028y"}
    text = assets.json_for_script(hostile)
    for bad in ("<", ">", "&", "\u2028"):
        assert bad not in text
    assert json.loads(text) == hostile  # still the same data for JSON.parse
