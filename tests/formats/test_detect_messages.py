"""What a user reads when a file is not recognised: its type and size, never its content (the file may be a
password file or an environment dump), and one colon per part of the message."""

from __future__ import annotations

from pathlib import Path

import pytest

import tracks


def test_binary_file_is_described_by_type_and_size(tmp_path: Path) -> None:
    p = tmp_path / "garbage.bin"
    p.write_bytes(bytes([0xB9, 0x87, 0xF2, 0xE9, 0x1B, 0x5B, 0x32, 0x4A]) + bytes(range(200, 256)))
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    msg = str(e.value)
    assert f"{p}: cannot tell what format this is (a binary file of 64 bytes)" in msg
    assert "\ufffd" not in msg and "\x1b" not in msg and "b9" not in msg


def test_text_file_is_described_not_quoted(tmp_path: Path) -> None:
    p = tmp_path / "notes.txt"
    p.write_text("root:x:0:0:root:/root:/bin/bash\nsecret=hunter2\n", encoding="utf-8")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    msg = str(e.value)
    assert "cannot tell what format this is (a text file of 47 bytes (2 lines))" in msg
    assert "root" not in msg.replace(str(p), "") and "hunter2" not in msg


def test_altitude_unit_error_has_no_empty_part(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("time,lat,lon,alt\n2025-11-29T01:10:00Z,4.5,-61.1,1000\n")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert f"{p}: column 'alt': the altitude column's name does not say its unit ('alt')" in str(e.value)
