"""Fault tests: hostile servers and files through the real entry points (the `tracks` command in a subprocess,
a real HTTP server on 127.0.0.1). Every test here carries the `fault` marker: `pytest -m fault` runs them alone;
the default run includes them."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import REPO

DEMO = REPO / "data" / "cases" / "venezuela-2025-11"
TRACE = DEMO / "trace_full_0d8373.illustrative.json"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/fault/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.fault)


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_kib: int  # peak resident memory of the child's own address space (VmHWM)


RUNNER = r"""
import atexit, os, resource, sys
limit = int(sys.argv[1])
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
def peak_kib():
    # VmHWM: the peak of this program's own address space. getrusage's ru_maxrss is kept across fork + exec, so it
    # would report the pytest worker's peak when that is larger (a big worker made a small bomb look 720 MB).
    with open("/proc/self/status") as fh:
        return int(next(line.split()[1] for line in fh if line.startswith("VmHWM:")))
atexit.register(lambda: os.write(2, b"\n@peak_kib=%d\n" % peak_kib()))
sys.argv = ["tracks", *sys.argv[2:]]
from tracks.cli import main
main()
"""
PEAK = "\n@peak_kib="


def tracks_cli(*args: str, cwd: Path | None = None, memory_limit: int = 0, env: dict[str, str] | None = None,
               timeout: float = 120) -> Run:
    """Run `tracks ARGS` in a fresh Python process (optionally under an address-space limit, bytes) and return
    its exit code, output and peak resident memory."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKS_MAX_UNPACK")}
    full_env.update({"PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})})
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(memory_limit), *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    err, _, peak = proc.stderr.rpartition(PEAK)
    if not _:
        err, peak = proc.stderr, "0"
    return Run(proc.returncode, proc.stdout, err.strip(), int(peak.strip() or 0))


def write_case(folder: Path, body: str, *, track: Path | None = TRACE, name: str = "case.yaml") -> Path:
    """A case file in `folder` with the demo's track copied beside it (unless `track` is None)."""
    folder.mkdir(parents=True, exist_ok=True)
    if track is not None:
        (folder / "t.json").write_bytes(track.read_bytes())
    p = folder / name
    p.write_text(body, encoding="utf-8")
    return p


BASE_CASE = """title: hostile case
aircraft: {icao24: 0d8373}
window: {start: 2025-11-28T18:00Z, end: 2025-11-29T08:00Z}
tracks: [t.json]
claims:
  - id: a
    quote: q
    test: {never_entered: BR}
"""
