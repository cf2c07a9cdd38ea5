"""SBS-1 / BaseStation: hand-written captures with exactly known merged positions and times."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tracks
from tracks import schema


def msg(tt: int, hexid: str, time: str, *, date: str = "2025/11/29", callsign: str = "", alt: str = "", gs: str = "",
        trk: str = "", lat: str = "", lon: str = "", vr: str = "", sq: str = "", gnd: str = "") -> str:
    """One 22-field MSG line (readsb / dump1090-fa flavour)."""
    return (f"MSG,{tt},1,1,{hexid},1,{date},{time},{date},{time},{callsign},{alt},{gs},{trk},{lat},{lon},{vr},{sq},"
            f"0,0,0,{gnd}")


LINES = [
    msg(1, "0D8373", "01:00:00.000", callsign="VCV2984 "),  # 0
    msg(6, "0D8373", "01:00:00.500", sq="1000"),  # 1
    msg(4, "0D8373", "01:00:01.000", gs="450", trk="130", vr="-64", gnd="0"),  # 2
    msg(3, "0D8373", "01:00:02.000", alt="33000", lat="6.5", lon="-63.25", gnd="0"),  # 3: position
    msg(5, "0D8373", "01:00:03.000", alt="33100"),  # 4
    msg(3, "0D8373", "01:01:30.000", lat="6.6", lon="-63.2", gnd="0"),  # 5: position, numbers too old to carry
    msg(3, "0D8374", "01:00:02.500", alt="12500H", lat="7.0", lon="-64.0", vr="128H"),  # 6: geometric, ground unknown
    msg(2, "0D8374", "01:00:05.000", gs="12", trk="270", lat="10.6", lon="-66.99", gnd="-1"),  # 7: surface
    msg(3, "0D8375", "01:00:06.000", alt="5000"),  # 8: MSG,3 without a position
    "STA,,5,179,400AA5,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM",  # 9: BaseStation status line
    "",  # 10: blank, not a record
    msg(8, "0D8373", "01:00:07.000", gnd="0"),  # 11
]


def write(tmp_path: Path, lines: list[str], name: str = "capture.txt", end: str = "\r\n") -> Path:
    p = tmp_path / name
    p.write_bytes((end.join(lines) + end).encode())
    return p


def ts(iso: list[str]) -> list[pd.Timestamp]:
    return list(pd.to_datetime(iso, utc=True, format="ISO8601"))


def nb(x: object) -> bool | None:
    return None if pd.isna(x) else bool(x)


def test_messages_are_merged_into_positions(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, LINES))
    src = t.sources[0]
    assert src.format == "sbs" and isinstance(t, tracks.Traffic)
    assert (src.records_read, src.records_kept, src.records_rejected) == (11, 4, 7)
    assert src.rejected_reasons == {
        "no position (MSG,1)": 1, "no position (MSG,6)": 1, "no position (MSG,4)": 1, "no position (MSG,5)": 1,
        "no position (MSG,8)": 1, "no position (MSG,3 without latitude/longitude)": 1, "no position (STA line)": 1,
    }
    assert sorted(t.rejected["record"].tolist()) == [0, 1, 2, 4, 8, 9, 11]
    d = t.data
    assert schema.check(d) == []
    assert d["record"].tolist() == [3, 5, 6, 7]
    assert d["icao24"].tolist() == ["0d8373", "0d8373", "0d8374", "0d8374"]
    assert d["time"].tolist() == ts(
        ["2025-11-29T01:00:02Z", "2025-11-29T01:01:30Z", "2025-11-29T01:00:02.5Z", "2025-11-29T01:00:05Z"])
    a, b, c, s = (d.iloc[i] for i in range(4))
    # MSG,3 carries its altitude; callsign (MSG,1), squawk (MSG,6), speed/track/rate (MSG,4) are carried onto it
    assert (a["alt_baro_ft"], a["gs_kt"], a["track_deg"], a["vrate_fpm"]) == (33000.0, 450.0, 130.0, -64.0)
    assert (a["callsign"], a["squawk"], nb(a["on_ground"]), a["source"]) == ("VCV2984", "1000", False, "unknown")
    # 87-89 s later: numbers are too old to carry (max_carry_s=60), identity is carried
    assert pd.isna(b["alt_baro_ft"]) and pd.isna(b["gs_kt"]) and pd.isna(b["vrate_fpm"])
    assert (b["callsign"], b["squawk"]) == ("VCV2984", "1000")
    # readsb "H" suffix = geometric altitude / rate
    assert pd.isna(c["alt_baro_ft"]) and c["alt_geom_ft"] == 12500.0 and c["vrate_fpm"] == 128.0
    assert nb(c["on_ground"]) is None
    # a surface position: on the ground, no altitude, only its own speed/track (not the airborne ones)
    assert nb(s["on_ground"]) is True and pd.isna(s["alt_geom_ft"]) and pd.isna(s["vrate_fpm"])
    assert (s["gs_kt"], s["track_deg"]) == (12.0, 270.0)
    assert not d["stale"].any()
    assert "UTC" in src.note and "local time" in src.note


def test_longer_carry_option(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, LINES), max_carry_s=120)
    b = t["0d8373"].data.iloc[1]
    assert (b["alt_baro_ft"], b["gs_kt"], b["track_deg"]) == (33100.0, 450.0, 130.0)


def test_local_time_option(tmp_path: Path) -> None:
    t = tracks.load(write(tmp_path, LINES), tz="America/Caracas")  # UTC-4: dump1090-fa on a Venezuelan receiver
    assert t["0d8373"].data["time"].tolist() == ts(
        ["2025-11-29T05:00:02Z", "2025-11-29T05:01:30Z"])
    assert "America/Caracas" in t.sources[0].note


def test_daylight_saving_changes(tmp_path: Path) -> None:
    times = ["01:59:00.000", "02:30:00.000", "02:59:00.000", "02:10:00.000", "02:40:00.000", "03:10:00.000"]
    lines = [msg(3, "0D8373", tm, date="2025/10/26", alt="1000", lat="48.0", lon="2.0") for tm in times]
    t = tracks.load(write(tmp_path, lines), tz="Europe/Paris")  # 03:00 CEST -> 02:00 CET: 02:xx happens twice
    assert t.data["time"].tolist() == ts(
        ["2025-10-25T23:59Z", "2025-10-26T00:30Z", "2025-10-26T00:59Z", "2025-10-26T01:10Z", "2025-10-26T01:40Z",
         "2025-10-26T02:10Z"])
    gap = [msg(3, "0D8373", tm, date="2025/03/30", alt="1000", lat="48.0", lon="2.0") for tm in ("01:59:00", "02:30:00", "03:01:00")]
    t2 = tracks.load(write(tmp_path, gap, "spring.txt"), tz="Europe/Paris")  # 02:30 does not exist that night
    assert len(t2) == 2
    assert t2.sources[0].rejected_reasons == {"date/time unreadable, or not existing / ambiguous in Europe/Paris": 1}
    assert t2.rejected["record"].tolist() == [1]


def test_cut_last_line_is_rejected_not_fatal(tmp_path: Path) -> None:
    p = tmp_path / "cut.txt"
    p.write_text("\n".join(LINES[:4]) + "\n" + LINES[5][:40])
    t = tracks.load(p)
    assert t.sources[0].rejected_reasons["incomplete last line (capture cut off)"] == 1
    assert t.data["record"].tolist() == [3]


def test_cut_status_line_is_counted_once(tmp_path: Path) -> None:
    p = tmp_path / "cut.txt"
    p.write_text("\r\n".join(LINES[:4]) + "\r\n" + LINES[9][:40])
    src = tracks.load(p).sources[0]
    assert (src.records_read, src.records_kept, src.records_rejected) == (5, 1, 4)
    assert src.rejected_reasons["incomplete last line (capture cut off)"] == 1


def test_bad_lines_name_the_line(tmp_path: Path) -> None:
    lines = list(LINES)
    lines[4] = lines[4].rsplit(",", 3)[0]
    p = write(tmp_path, lines, end="\n")
    with pytest.raises(tracks.TrackFormatError) as e:
        tracks.load(p)
    assert str(p) in str(e.value) and "line 5" in str(e.value) and "19 fields instead of 22" in str(e.value)
    lines = list(LINES)
    lines[2] = "garbage that is not SBS"
    p2 = write(tmp_path, lines, "garbage.txt")
    with pytest.raises(tracks.TrackFormatError, match="line 3: not a BaseStation line"):
        tracks.load(p2, format="sbs")
    with pytest.raises(tracks.TrackFormatError, match="time zone"):
        tracks.load(write(tmp_path, LINES, "tz.txt"), tz="Mars/Olympus")


def test_unreadable_values_are_rejected_with_the_field(tmp_path: Path) -> None:
    lines = [LINES[0], msg(3, "0D8373", "01:00:02.000", alt="high", lat="6.5", lon="-63.25"),
             msg(3, "XYZ", "01:00:03.000", lat="6.5", lon="-63.25"), LINES[3]]
    t = tracks.load(write(tmp_path, lines))
    assert t.sources[0].rejected_reasons == {"no position (MSG,1)": 1, "unreadable altitude (field 12)": 1,
                                             "bad hex ident (expected 6 hex digits)": 1}
    assert "high" in t.rejected.set_index("record").loc[1, "values"]
    assert t.data["record"].tolist() == [3]
