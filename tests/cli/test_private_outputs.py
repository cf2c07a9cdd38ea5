"""Published outputs never show the user's folders: run the demo, a check and every exporter from a deep
temporary folder and look for that folder's path (and the repository's) in every byte written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from tests.helpers import REPO
from tracks.cli import cli
from tracks.paths import data_dir, public_name

CASE = "venezuela-2025-11"


def _texts(path: Path) -> list[str]:
    """Every text an output holds: its bytes decoded leniently, and for Parquet every string value."""
    texts = [path.read_bytes().decode("utf-8", errors="replace")]
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        texts += [str(v) for col in table.columns for v in col.to_pylist() if isinstance(v, str)]
        texts.append(str(table.schema.metadata))
    return texts


def _invoke(*args: str) -> None:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("home") / "jane.doe" / "Documents" / "Sources-confidential" / "story-0d8373"
    case_dir = root / "case"
    shutil.copytree(data_dir() / "cases" / CASE, case_dir)
    out = root / "published"
    track = str(next(case_dir.glob("*.json")))
    mp = pytest.MonkeyPatch()
    mp.chdir(root)  # the user works from inside their private folder, with absolute and relative paths
    try:
        _invoke("demo", "--out", str(out / "demo"))
        _invoke("check", str(case_dir / "case.yaml"), "--out", str(out / "check"), "--png")
        _invoke("check", "case/case.yaml", "--out", "published/check-relative")
        _invoke("map", track, "-o", str(out / "map.html"), "--png")
        for fmt in ("kml", "geojson", "csv", "parquet"):
            _invoke("export", track, "--to", fmt, "-o", str(out / f"track.{fmt}"))
    finally:
        mp.undo()
    files = sorted(p for p in out.rglob("*") if p.is_file())
    return root, files


def test_every_output_was_written(outputs: tuple[Path, list[Path]]) -> None:
    _, files = outputs
    names = {p.relative_to(p.parents[1]).as_posix() if p.parent.name != "published" else p.name for p in files}
    for expected in ("demo/map.html", "demo/report.md", "demo/report.json", "demo/profile.svg", "check/map.html",
                     "check/report.md", "check/map.png", "check/profile.svg", "check-relative/report.json",
                     "map.html", "map.png", "track.kml", "track.geojson", "track.csv", "track.parquet"):
        assert expected in names, (expected, sorted(names))


def test_no_output_shows_the_users_folders(outputs: tuple[Path, list[Path]]) -> None:
    root, files = outputs
    private = {str(root), str(root.resolve()), root.as_posix(), "jane.doe", "Sources-confidential",
               str(REPO), str(data_dir().resolve().parent)}
    for path in files:
        for text in _texts(path):
            leaks = [p for p in private if p in text]
            assert not leaks, f"{path.name} shows {leaks}"


def test_outputs_still_name_their_sources(outputs: tuple[Path, list[Path]]) -> None:
    _, files = outputs
    by_name = {p.relative_to(p.parents[1]).as_posix(): p for p in files}
    name = "trace_full_0d8373.illustrative.json"
    for key in ("check/map.html", "check/report.md", "check/report.json", "published/map.html",
                "published/track.kml", "published/track.csv"):
        shown = name.replace("_", "\\_") if key.endswith(".md") else name  # Markdown escapes the underscores
        assert shown in by_name[key].read_text(encoding="utf-8"), key
    assert set(pq.read_table(by_name["published/track.parquet"]).column("file").to_pylist()) == {name}


@pytest.mark.parametrize(("path", "base", "expected"), [
    ("/home/jane/story/tracks/a.json", "/home/jane/story", "tracks/a.json"),
    ("/home/jane/other/a.json", "/home/jane/story", "a.json"),
    ("C:\\Users\\jane\\a.json", None, "a.json"),
    ("file:///home/jane/a.json", None, "a.json"),
    ("https://globe.adsbexchange.com/data/traces/73/trace_full_0d8373.json", "/x",
     "https://globe.adsbexchange.com/data/traces/73/trace_full_0d8373.json"),
    ("", "/x", ""),
])
def test_public_name(path: str, base: str | None, expected: str) -> None:
    assert public_name(path, base) == expected


def test_check_result_repr_and_geo_exports_show_no_folders(tmp_path: Path) -> None:
    # what a notebook prints and what a GeoDataFrame / GeoJSON export of a check carries (issue 12)
    import json

    import tracks

    root = tmp_path / "home" / "jane.doe" / "Documents" / "Sources-confidential" / "story-0d8373"
    shutil.copytree(data_dir() / "cases" / CASE, root / "case")
    (root / "case" / "tracks").mkdir()
    name = "trace_full_0d8373.illustrative.json"
    (root / "case" / name).rename(root / "case" / "tracks" / name)
    yaml = root / "case" / "case.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace(f"  - {name}", f"  - tracks/{name}"), encoding="utf-8")
    result = tracks.check(yaml)
    private = (str(root), "jane.doe", "Sources-confidential", str(REPO))
    text = repr(result)
    assert not [p for p in private if p in text], text
    assert text.startswith("<CaseResult: 'Presidential jet") and "0d8373" in text and "8 claims" in text
    assert len(text) < 300
    ev = result.to_geodataframe()
    files = set(ev["file"].dropna())
    assert files == {f"tracks/{name}"}  # relative to the case folder, as in report.json
    geo = json.dumps(result.__geo_interface__, default=str)
    assert not [p for p in private if p in geo] and f"tracks/{name}" in geo
