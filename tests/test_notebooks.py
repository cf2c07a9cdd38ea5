"""The walkthrough notebooks run top to bottom offline; a failing cell fails the suite."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.helpers import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_four_numbered_notebooks() -> None:
    assert [p.name[:2] for p in NOTEBOOKS] == ["1-", "2-", "3-", "4-"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []


def test_case_study_shows_verdict_sentences_in_full() -> None:
    # a DataFrame cuts text at 50 characters ("YV2984 came within 5.8 km of the Venezuela–Ror..."): the sentences
    # are what a reporter quotes, so the notebook prints them
    nb = nbformat.read(REPO / "notebooks" / "1-case-study.ipynb", as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "v.sentence" in c.source]
    assert cells and not any("DataFrame" in c for c in cells)
    assert any("print(" in c for c in cells)
