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
