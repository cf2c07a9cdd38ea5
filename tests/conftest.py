"""Shared fixtures: the real-file corpus (required in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import CORPUS


def _required(var: str) -> bool:
    return os.environ.get(var, "") not in ("", "0") or os.environ.get("CI", "") == "true"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus; skipped only when absent on a developer machine, a failure in CI."""
    if not CORPUS.is_dir():
        if _required("TRACKS_REQUIRE_CORPUS"):
            pytest.fail(f"the shared corpus is required in CI but {CORPUS} does not exist")
        pytest.skip(f"{CORPUS} not present")
    return CORPUS
