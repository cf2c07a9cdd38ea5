"""Progress bars come from tracks.progress only, and make no warning in a notebook without ipywidgets: tqdm.auto's
"IProgress not found" warning names tqdm's install folder and was saved into committed notebook outputs."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.helpers import REPO

NOTEBOOK_WITHOUT_IPYWIDGETS = """
import sys, types, warnings
sys.modules["ipykernel.zmqshell"] = types.ModuleType("ipykernel.zmqshell")  # as inside a Jupyter kernel
import IPython
class ZMQInteractiveShell: pass
IPython.get_ipython = lambda: ZMQInteractiveShell()
sys.modules["ipywidgets"] = None  # not installed
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    {make_bar}
print([f"{{w.category.__name__}}: {{w.message}}" for w in seen])
"""


def _warnings(make_bar: str) -> str:
    code = NOTEBOOK_WITHOUT_IPYWIDGETS.format(make_bar=make_bar)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_no_warning_in_a_notebook_without_ipywidgets() -> None:
    assert "TqdmWarning" in _warnings("from tqdm.auto import tqdm")  # what the notebooks used to show
    assert _warnings("from tracks.progress import bar; bar(total=3, disable=True).close()") == "[]"


def test_progress_bars_are_made_in_one_place() -> None:
    importers = [p.relative_to(REPO).as_posix() for p in (REPO / "tracks").rglob("*.py") if p.name != "progress.py"
                 and re.search(r"^\s*(from|import) tqdm", p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert importers == [], "make progress bars with tracks.progress.bar"
