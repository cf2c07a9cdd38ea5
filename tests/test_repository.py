"""Repository hygiene a newcomer relies on: the README's commands, CI, lint, licences, provenance."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.helpers import REPO


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    test_command = next(b for b in blocks if "pytest" in b)
    ci_lines = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    assert test_command.strip() in ci_lines
    assert any("tracks demo" in b for b in blocks)


def test_ruff_is_clean() -> None:
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", str(REPO / "tracks"), str(REPO / "tests"),
                        str(REPO / "scripts"), str(REPO / "benchmarks")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_licence_and_data_provenance() -> None:
    assert "MIT License" in (REPO / "LICENSE").read_text()
    for folder in ("regions",):
        assert (REPO / "data" / folder / "PROVENANCE.md").is_file(), folder
    for case in (REPO / "data" / "cases").iterdir():
        if case.is_dir():
            assert (case / "PROVENANCE.md").is_file(), case


def test_every_dependency_says_why() -> None:
    import tomllib

    text = (REPO / "pyproject.toml").read_text()
    project = tomllib.loads(text)["project"]
    deps = list(project["dependencies"]) + [d for group in project["optional-dependencies"].values() for d in group]
    assert len(deps) > 10
    for dep in deps:
        line = next(line for line in text.splitlines() if f'"{dep}"' in line)
        assert "#" in line.split(f'"{dep}"', 1)[1], f"{dep} has no comment saying why"


def test_every_package_and_data_folder_is_packaged() -> None:
    """pyproject's explicit `packages` names every Python package under tracks/ and every folder of data/
    (shipped as tracks._data.*, each with its files): a folder left out is missing from the wheel or makes
    setuptools warn on `pip install .`."""
    import tomllib

    conf = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    code = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "tracks").rglob("__init__.py")}
    data = {"tracks._data." + ".".join(d.relative_to(REPO / "data").parts) for d in (REPO / "data").rglob("*")
            if d.is_dir() and all(part.isidentifier() for part in d.relative_to(REPO / "data").parts)}
    assert set(conf["packages"]) == code | data | {"tracks._data"}
    assert conf["package-dir"] == {"tracks._data": "data"}
    assert set(conf["package-data"]) == {"tracks"} | data | {"tracks._data"}
