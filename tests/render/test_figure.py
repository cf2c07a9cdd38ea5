"""The static map picture (PNG, matplotlib): what it shows, its size, and `--png` on the command line."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.collections import PathCollection

import tracks
from tests.render.fixtures import case_result, cruise_track
from tests.render.test_traffic import _traffic
from tracks.cli import cli
from tracks.paths import data_dir
from tracks.render import progress
from tracks.render.figure import DPI, SIZE_IN, WATERMARK, draw, save_png
from tracks.render.inputs import map_input
from tracks.render.map import build_payload, save_map

BUNDLED = data_dir() / "cases" / "venezuela-2025-11" / "case.yaml"


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_the_picture_shows_title_verdicts_labels_gaps_and_the_illustrative_warning() -> None:
    r = case_result(illustrative=True)
    inp = map_input(r)
    payload = build_payload(inp)
    fig = draw(inp, payload)
    texts = [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]
    joined = "\n".join(texts)
    assert r.case.title in joined
    assert "✓ supported × 2" in joined and "✗ contradicted × 1" in joined and "? not verifiable × 1" in joined
    assert "ILLUSTRATIVE TRACK — not a recording" in joined
    assert "SVSE Santa Elena de Uairen" in joined and "Landing: 01:11 UTC · 21:11 local" in joined
    assert "9.4 km" in joined  # the closest-approach line's label
    assert "trace_full_0d8373.json sha256 9f2c9f2c9f2c9f2c" in joined and "/home/reporter" not in joined
    ax = fig.axes[0]
    dashed = [c for c in ax.collections if c.get_linestyle() and c.get_linestyle()[0][1] is not None]
    assert len(dashed) == 1 and len(dashed[0].get_segments()) == len(payload["tracks"][0]["gaps"]) // 2


def test_save_map_writes_html_and_png_from_one_payload(tmp_path: Path) -> None:
    paths = save_map(case_result(), tmp_path / "m.html", png_path=tmp_path / "m.png")
    assert [p.name for p in paths] == ["m.html", "m.png"]
    assert _png_size(tmp_path / "m.png") == (int(SIZE_IN[0] * DPI), int(SIZE_IN[1] * DPI))


def test_png_option_of_check_and_map(tmp_path: Path) -> None:
    case = data_dir() / "cases" / "venezuela-2025-11" / "case.yaml"
    r = CliRunner().invoke(cli, ["check", str(case), "--out", str(tmp_path / "c"), "--png"])
    assert r.exit_code == 0, r.output
    assert _png_size(tmp_path / "c" / "map.png") == (1800, 1200)
    md = (tmp_path / "c" / "report.md").read_text()
    assert "](map.png)" in md and "](profile.svg)" in md
    assert (tmp_path / "c" / "profile.svg").read_text().startswith("<svg")
    track = next((case.parent).glob("*.json"))
    r = CliRunner().invoke(cli, ["map", str(track), "-o", str(tmp_path / "t.html"), "--png"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "t.html").exists() and _png_size(tmp_path / "t.png") == (1800, 1200)
    r = CliRunner().invoke(cli, ["check", str(case), "--out", str(tmp_path / "n")])
    assert not (tmp_path / "n" / "map.png").exists()
    assert "](map.png)" not in (tmp_path / "n" / "report.md").read_text()


def _boxes(fig: Any) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]], Any, Any]:
    """(figure texts, map texts) as (text, window extent with its rounded box) after drawing, the figure's and
    the map's extents (pixels). The ILLUSTRATIVE watermark across the picture is meant to cross things: left out."""
    from matplotlib.transforms import Bbox

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()

    def box(t: Any) -> Any:
        b = t.get_window_extent(renderer)
        patch = t.get_bbox_patch()
        return Bbox.union([b, patch.get_window_extent(renderer)]) if patch is not None else b

    ax = fig.axes[0]
    on_fig = [(t.get_text(), box(t)) for t in fig.texts if t.get_visible() and t.get_text() != WATERMARK]
    on_map = [(t.get_text(), box(t)) for t in ax.texts if t.get_visible()]
    return on_fig, on_map, fig.bbox, ax.get_window_extent(renderer)


def _inside(b: Any, frame: Any) -> bool:
    return frame.x0 - 0.5 <= b.x0 and b.x1 <= frame.x1 + 0.5 and frame.y0 - 0.5 <= b.y0 and b.y1 <= frame.y1 + 0.5


def _assert_readable(fig: Any) -> list[str]:
    """No text leaves the picture (map labels: the map) or covers another; the title, key and sources keep off
    the map. Returns the texts."""
    on_fig, on_map, frame, axes = _boxes(fig)
    for text, b in on_fig:
        assert _inside(b, frame), f"{text!r} leaves the picture: {b} outside {frame}"
        assert not b.overlaps(axes), f"{text!r} covers the map"
    for text, b in on_map:
        assert _inside(b, axes), f"{text!r} is cut at the map's edge: {b} outside {axes}"
    both = on_fig + on_map
    for i, (a, ba) in enumerate(both):
        for b, bb in both[i + 1:]:
            assert not ba.overlaps(bb), f"{a!r} and {b!r} overlap: {ba} and {bb}"
    return [t for t, _ in both]


def test_the_bundled_case_picture_has_no_text_over_text_or_outside() -> None:
    inp = map_input(tracks.check(BUNDLED))
    fig = draw(inp, build_payload(inp))
    texts = _assert_readable(fig)
    assert "✓ supported × 7   ? not verifiable × 1" in texts
    assert any(t.startswith("SVSE Santa Elena de Uairen\nLanding:") for t in texts)
    assert any(t.startswith("SVMI Maiquetia, Caracas\nTake-off:") for t in texts)


def test_a_long_title_wraps_beside_the_verdict_counts() -> None:
    r = case_result(illustrative=True)
    r = replace(r, case=replace(r.case, title="A very long headline " * 8 + "(28/29 Nov 2025)"))
    inp = map_input(r)
    fig = draw(inp, build_payload(inp))
    _assert_readable(fig)
    title = next(t for t in fig.texts if t.get_text().startswith("A very long"))
    assert "\n" in title.get_text() and title.get_text().replace("\n", " ") == r.case.title.strip()


def test_labels_in_the_right_part_of_the_map_go_to_the_left_of_their_point() -> None:
    inp = map_input(cruise_track())
    fig = draw(inp, build_payload(inp))
    texts = _assert_readable(fig)
    last = next(t for t in fig.axes[0].texts if t.get_text().startswith("last seen"))
    assert last.get_horizontalalignment() == "right" and last.get_text() in texts  # whole, not cut at the edge


def test_one_scatter_for_all_the_aircraft_of_a_snapshot() -> None:
    inp = map_input(_traffic(300, n=1))
    fig = draw(inp, build_payload(inp))
    dots = [c for c in fig.axes[0].collections if isinstance(c, PathCollection) and c.get_gid() != "land"]
    assert len(dots) == 1 and len(dots[0].get_offsets()) == 300
    assert len(np.unique(dots[0].get_facecolors(), axis=0)) > 1  # still one colour per aircraft


def test_markers_of_one_style_are_one_scatter() -> None:
    inp = map_input(case_result())
    payload = build_payload(inp)
    fig = draw(inp, payload)
    styles = {(m["kind"], m["observed"]) for m in payload["markers"]}
    samples = any(e["type"] == "sample" for e in payload["evidence"])
    dots = [c for c in fig.axes[0].collections if isinstance(c, PathCollection) and c.get_gid() != "land"]
    assert len(payload["markers"]) > len(styles) and len(dots) == len(styles) + samples


def test_the_picture_shows_progress_when_slow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    inp = map_input(case_result())
    payload = build_payload(inp)
    monkeypatch.setattr(progress, "DELAY_S", 0.0)
    save_png(inp, payload, tmp_path / "m.png", progress=True)
    assert "drawing the picture" in capsys.readouterr().err
    save_png(inp, payload, tmp_path / "m.png")
    assert "drawing the picture" not in capsys.readouterr().err
