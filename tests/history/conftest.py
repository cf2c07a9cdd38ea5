"""Small generated history (benchmarks/history_gen.py) shared by the history tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from benchmarks import history_gen

START, CLOSURE = date(2025, 11, 27), date(2025, 11, 29)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[date, list[history_gen.Flight]]]:
    """Three days (two before the closure, one after) of regional traffic plus 40 filler traces a day, in
    the adsb.lol release layout split into ~256 KiB parts, and OpenSky hourly CSV for hours 10 and 11."""
    out = tmp_path_factory.mktemp("gen")
    truth = history_gen.generate(out, START, 3, CLOSURE, filler_per_day=40, seed=3, part_size=256 << 10,
                                 opensky_hours=[10, 11], scale=0.5)
    return out, truth


@pytest.fixture(scope="session")
def dataset(generated: tuple[Path, dict], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tracks.history import ingest

    into = tmp_path_factory.mktemp("ds") / "history"
    ingest([str(generated[0] / "adsblol")], into, jobs=2, progress=False)
    return into
