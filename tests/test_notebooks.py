"""The walkthrough notebooks: committed with outputs, run top to bottom offline, and their conclusions checked.

scripts/make_notebooks.py defines every notebook's cells. Cells tagged "verdict" print what a notebook
concludes (verdicts, crossing and landing times, what a gap allows); each notebook is executed here and the
text of those cells must equal the committed output. When a change to `tracks` changes a conclusion on
purpose, refresh the committed outputs with `python scripts/make_notebooks.py --execute` and commit them.
"""

from __future__ import annotations

import copy
import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

from tests.helpers import REPO

NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
REFRESH = "python scripts/make_notebooks.py --execute"
MAX_BYTES = 3_000_000


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_notebooks", REPO / "scripts" / "make_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_notebooks_are_the_ones_the_script_writes() -> None:
    mk = script()
    assert [p.name for p in NOTEBOOKS] == sorted(mk.NOTEBOOK_CELLS)
    for p in NOTEBOOKS:
        committed = nbformat.read(p, as_version=4)
        expected = mk.build(p.name, mk.NOTEBOOK_CELLS[p.name])
        assert [c.source for c in committed.cells] == [c.source for c in expected.cells], (
            f"{p.name} differs from scripts/make_notebooks.py: run `{REFRESH} {p.name[:1]}` and commit it")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_with_outputs_small_enough(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    missing = [c.id for c in code if not c.get("outputs") and script().VERDICT_TAG in c.metadata.get("tags", [])]
    assert not missing, f"verdict cells without committed outputs: {missing}; run `{REFRESH}`"
    assert any(c.get("outputs") for c in code), f"{path.name} is committed without outputs; run `{REFRESH}`"
    assert not [o for c in code for o in c.get("outputs", []) if o.output_type == "error"]
    assert path.stat().st_size < MAX_BYTES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs_show_no_private_folders(path: Path) -> None:
    # a committed notebook is published: its outputs (printed text, reprs, warnings, HTML) never show the folders
    # of whoever ran it (issue 12: a check result's repr, a TqdmWarning and a temporary dataset path did)
    mk = script()
    home = [str(Path.home()) + "/"] if Path.home() != Path("/") else []
    assert {str(REPO), "/tmp/", "/work/", *home} <= set(mk.private_folders())
    leaks = mk.private_outputs(nbformat.read(path, as_version=4))
    assert not leaks, f"{path.name}: outputs show private folders {leaks}; print names, not paths, and run `{REFRESH}`"


def test_maps_and_plots_visible_without_running() -> None:
    # a repository viewer shows PNG images, not the interactive map's JavaScript: the case study and the real
    # exports each carry static pictures, and the interactive map as well
    for name in ("1-case-study.ipynb", "5-real-exports.ipynb"):
        nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        assert any("image/png" in o.get("data", {}) for o in outputs), name
        assert any("leaflet" in o.get("data", {}).get("text/html", "").lower() for o in outputs), name


def test_corpus_is_read_not_copied() -> None:
    nb = nbformat.read(NOTEBOOK_DIR / "5-real-exports.ipynb", as_version=4)
    assert any('"shared" / "corpus"' in c.source for c in nb.cells if c.cell_type == "code")
    assert not any(p.suffix in (".kml", ".csv", ".gz", ".parquet") for p in NOTEBOOK_DIR.rglob("*"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_its_conclusions_match_the_committed_ones(path: Path, corpus: Path) -> None:
    mk = script()
    committed = nbformat.read(path, as_version=4)
    fresh = copy.deepcopy(committed)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    mk.execute(fresh)
    errors = [o for c in fresh.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    want, got = mk.verdict_outputs(committed), mk.verdict_outputs(fresh)
    assert want, f"{path.name} has no verdict cell"
    changed = {k: "\n".join(difflib.unified_diff(want[k].splitlines(), got.get(k, "").splitlines(), "committed",
                                                 "now", lineterm="")) for k in want if got.get(k) != want[k]}
    assert not changed, (f"{path.name}: conclusions changed in cells {sorted(changed)}:\n"
                         + "\n".join(changed.values())
                         + f"\nIf the change is right, run `{REFRESH} {path.name[:1]}` and commit the notebook.")


def test_case_study_shows_verdict_sentences_in_full() -> None:
    # a DataFrame cuts text at 50 characters ("YV2984 came within 5.8 km of the Venezuela–Ror..."): the sentences
    # are what a reporter quotes, so the notebook prints them
    nb = nbformat.read(NOTEBOOK_DIR / "1-case-study.ipynb", as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "v.sentence" in c.source]
    assert cells and not any("DataFrame" in c for c in cells)
    assert any("print(" in c for c in cells)
