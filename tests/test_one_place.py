"""One rule, one place (the brief): each domain rule lives in one function or constant that every module calls.

These tests read the package's source as tokens (numbers and strings, not comments or docstrings' prose) and
fail when a rule is written again somewhere else.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import REPO
from tracks import units

PACKAGE = REPO / "tracks"


def _tokens(path: Path) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


# -- units -------------------------------------------------------------------------------------------------------

#: Numbers that are unit definitions (the foot, the nautical mile, the statute mile, their ratios, and the
#: spherical Earth radii a copy would use instead of tracks.geo.geodesy).
UNIT_NUMBERS = {0.3048, 1852.0, 1.852, 1609.344, 1.609344, 3.28084, 1.94384, 196.85, 0.514444, 6371.0, 6371.0088,
                6378.137, 111.32}
UNIT_HOMES = {PACKAGE / "units.py", PACKAGE / "geo" / "geodesy.py"}


def _number(text: str) -> float:
    import ast

    value = ast.literal_eval(text)
    return float(value) if isinstance(value, int | float) else float("nan")


def test_unit_factors_are_written_only_in_tracks_units() -> None:
    found = []
    for path in _sources():
        if path in UNIT_HOMES:
            continue
        for tok in _tokens(path):
            if tok.type == tokenize.NUMBER and _number(tok.string) in UNIT_NUMBERS:
                found.append(f"{path.relative_to(REPO)}:{tok.start[0]}: {tok.string}")
    assert not found, "unit factors written outside tracks/units.py (import them from tracks.units):\n" + "\n".join(found)


def test_unit_definitions_are_exact() -> None:
    assert units.m_to_ft(0.3048) == 1.0 and units.ft_to_m(1.0) == 0.3048
    assert units.m_to_ft(53.0) == 53 / 0.3048  # what the FlightAware KML conformance test expects, to the bit
    assert units.ms_to_kt(1852.0 / 3600.0) == pytest.approx(1.0, rel=1e-15)
    assert units.kt_to_ms(1.0) == pytest.approx(1852.0 / 3600.0, rel=1e-15)
    assert units.kt_to_km_s(3600.0) == pytest.approx(1.852, rel=1e-15)
    assert units.ms_to_fpm(0.3048 / 60.0) == pytest.approx(1.0, rel=1e-15)
    assert units.nm_to_km(12.0) == pytest.approx(22.224, rel=1e-15) and units.km_to_nm(1.852) == 1.0
    assert units.KM_PER_MI == 1.609344 and units.M_PER_MI == 1609.344


def test_unit_functions_work_in_place_on_arrays() -> None:
    metres = np.array([0.0, 0.3048, 3048.0, np.nan])
    out = units.m_to_ft(metres, out=metres)
    assert out is metres
    np.testing.assert_array_equal(metres[:3], [0.0, 1.0, 10000.0])
    assert np.isnan(metres[3])


# -- the ICAO address --------------------------------------------------------------------------------------------


def test_the_icao_address_rule_is_written_only_in_tracks_schema() -> None:
    """The address pattern, hex-digit checks and the unknown address 000000 are written in tracks/schema.py
    only (readers, case files, fetch and the aircraft database import them)."""
    found = []
    for path in _sources():
        if path == PACKAGE / "schema.py":
            continue
        for tok in _tokens(path):
            if path == PACKAGE / "fetch" / "archive.py" and "0123456789abcdef" in tok.string:
                continue  # archive.py tells sha256-like file names (8+ hex digits) apart, not addresses
            if tok.type != tokenize.STRING or tok.string.lstrip("rRfF")[:1] not in "\"'":
                continue  # bytes literals (b"0123456789abcdef" encodes numbers as hex) are not checks
            text = tok.string
            if "0-9a-f]{6}" in text or "0-9a-fA-F]{6}" in text or "0123456789abcdef" in text or \
                    text.strip("rRfF").strip("\"'") == "000000":
                found.append(f"{path.relative_to(REPO)}:{tok.start[0]}: {text}")
    assert not found, "ICAO address rule written outside tracks/schema.py:\n" + "\n".join(found)


@pytest.mark.parametrize(("text", "code"), [
    ("0d8373", "0d8373"), (" 0D8373 ", "0d8373"), ("0x0d8373", "0d8373"), ("~1A2B3C", "~1a2b3c"),
    ("d8373", None), ("0d83733", None), ("0d837g", None), ("~~1a2b3c", None), ("", None), (None, None), (123456, None),
])
def test_parse_icao24(text: object, code: str | None) -> None:
    from tracks.schema import is_icao_hex, parse_icao24

    assert parse_icao24(text) == code
    assert is_icao_hex(code) is (code is not None)


@pytest.mark.parametrize(("text", "code"), [
    ("ae", "ae"), ("0D8", "0d8"), (" 0xAE ", "ae"), ("0d8373", "0d8373"), ("~1A", "~1a"), ("~", "~"),
    ("zz", None), ("", None), ("0d83733", None), ("a e", None), ("~~1", None), (None, None), (12, None),
])
def test_parse_icao_prefix(text: object, code: str | None) -> None:
    from tracks.schema import parse_icao24, parse_icao_prefix

    assert parse_icao_prefix(text) == code
    if code is not None and len(code.lstrip("~")) == 6:
        assert parse_icao24(text) == code  # a whole address is its own prefix


# -- no hidden global state --------------------------------------------------------------------------------------


def test_no_pool_or_thread_is_made_at_import() -> None:
    """Thread and process pools, threads and Dask clients belong to the call that needs them: no module makes
    one in a statement that runs at import (a module-level assignment or call)."""
    import ast

    makers = ("Executor", "Pool", "Thread", "Client", "LocalCluster")
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call):
                    fn = node.func
                    name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
                    if name.endswith(makers):
                        found.append(f"{path.relative_to(REPO)}:{node.lineno}: {name}(...)")
    assert not found, "pools or threads made at import:\n" + "\n".join(found)


def test_every_gc_pause_is_scoped() -> None:
    """gc.disable() only inside tracks.loader.gc_paused (a context manager that restores the collector in a
    finally clause); everything else pauses the collector with `with gc_paused():`."""
    calls = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if "gc.disable()" in line or "gc.freeze()" in line or "gc.set_threshold(" in line:
                calls.append((path.relative_to(REPO).as_posix(), n))
    assert [p for p, _ in calls] == ["tracks/loader.py"]
    loader_text = (PACKAGE / "loader.py").read_text(encoding="utf-8")
    body = loader_text.split("def gc_paused()", 1)[1].split("\ndef ", 1)[0]
    assert "gc.disable()" in body and "finally:" in body and "gc.enable()" in body.split("finally:", 1)[1]
