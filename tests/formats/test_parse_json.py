"""RawFile.json parses with orjson where it gives what json gives, and with json elsewhere (issue 13)."""

from __future__ import annotations

import json

import pytest

from tracks.errors import TrackFormatError
from tracks.formats.base import RawFile, parse_json


@pytest.mark.parametrize("text", [
    b'{"icao": "0d8373", "trace": [[0.5, 10.25, -66.5, 30000, null, true, "ground"]], "timestamp": 1764374400}',
    b"[NaN, Infinity, -Infinity]",  # json reads these; orjson refuses them
    b"123456789012345678901234567890",  # beyond 64 bits: json keeps the integer, orjson would give a float
    b"[-9223372036854775809, 18446744073709551616]",
    b'"\\ud800"',  # a lone surrogate: json keeps it, orjson refuses it
    b"1e400",
    b'{"a": 1, "a": 2}',
])
def test_values_are_those_of_json(text: bytes) -> None:
    got, want = parse_json(text), json.loads(text)
    assert repr(got) == repr(want) and type(got) is type(want)


@pytest.mark.parametrize("text", [b"[1,]", b'{"trace": [1, 2', b'"\x00"', b"\xff\xfe"])
def test_errors_are_those_of_json(text: bytes) -> None:
    with pytest.raises(Exception) as want:
        json.loads(text)
    with pytest.raises(type(want.value)) as got:
        parse_json(text)
    assert str(got.value) == str(want.value)


def test_a_truncated_file_names_line_and_column() -> None:
    raw = RawFile(path="t.json", data=b'{"trace": [[1,\n 2', sha256="", size=0)
    with pytest.raises(TrackFormatError, match="line 2 column 3"):
        raw.json()
