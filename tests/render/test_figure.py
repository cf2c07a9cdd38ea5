"""The static map picture (PNG, matplotlib): what it shows, its size, and `--png` on the command line."""

from __future__ import annotations

import struct
from pathlib import Path

from click.testing import CliRunner

from tests.render.fixtures import case_result
from tracks.cli import cli
from tracks.paths import data_dir
from tracks.render.figure import DPI, SIZE_IN, draw
from tracks.render.inputs import map_input
from tracks.render.map import build_payload, save_map


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
