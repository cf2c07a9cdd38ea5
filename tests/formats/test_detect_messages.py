"""What a user reads when a file is not recognised: bytes for binary data (not mojibake or terminal control
characters), the text itself for text, and one colon per part of the message."""

from __future__ import annotations

from pathlib import Path

import pytest

import tracks


def test_binary_file_is_shown_as_bytes(tmp_path: Path) -> None:
    p = tmp_path / "garbage.bin"
    p.write_bytes(bytes([0xB9, 0x87, 0xF2, 0xE9, 0x1B, 0x5B, 0x32, 0x4A]) + bytes(range(200, 256)))
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    msg = str(e.value)
    assert "starts with the bytes b9 87 f2 e9 1b 5b 32 4a c8 c9" in msg
    assert "\ufffd" not in msg and "\x1b" not in msg


def test_text_file_is_quoted_as_text(tmp_path: Path) -> None:
    p = tmp_path / "notes.txt"
    p.write_text("Höhe,Breite\n1,2\n", encoding="utf-8")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert "starts with 'Höhe,Breite\\n1,2\\n'" in str(e.value)


def test_altitude_unit_error_has_no_empty_part(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("time,lat,lon,alt\n2025-11-29T01:10:00Z,4.5,-61.1,1000\n")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert f"{p}: column 'alt': the altitude column's name does not say its unit ('alt')" in str(e.value)
