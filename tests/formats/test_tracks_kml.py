"""Our own KML (tracks export --to kml): folders per aircraft and leg, gaps as breaks, and a lossless round trip
through tracks.load on every corpus file."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tracks
from tests.helpers import CORPUS, make_track
from tracks.export import export
from tracks.segments import gap_mask
from tracks.track import Track

CORPUS_FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "PROVENANCE.md") if CORPUS.is_dir() else []
COMPARED = [c for c in tracks.schema.COLUMN_NAMES if c not in ("file", "record")]


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_round_trip_on_every_corpus_track(path: Path, corpus: Path, tmp_path: Path) -> None:
    table = tracks.load(path)
    out = export(table, tmp_path / "export.kml")
    back = tracks.load(out)
    assert back.sources[0].format == "tracks-kml"
    assert type(back) is type(table)
    pd.testing.assert_frame_equal(back.data[COMPARED], table.data[COMPARED])  # same aircraft, samples, columns
    # the same aircraft with the same gaps (the shared gap rule, aircraft by aircraft)
    assert sorted(back.data["icao24"].unique()) == sorted(table.data["icao24"].unique())
    groups_a = table.data.groupby("icao24", sort=True).indices
    groups_b = back.data.groupby("icao24", sort=True).indices
    for key, rows in groups_a.items():
        if len(rows) > 1:
            assert (gap_mask(table.data.iloc[rows]) == gap_mask(back.data.iloc[groups_b[key]])).all()
    if isinstance(table, Track):
        assert (back.icao24, back.callsign, back.registration) == (table.icao24, table.callsign, table.registration)
        pd.testing.assert_frame_equal(back.gaps().frame, table.gaps().frame)
    assert back.data["record"].tolist() == list(range(len(back)))  # rows now come from the KML
    assert back.data["file"].eq(str(out)).all() if len(back) else True


def test_folders_per_leg_and_gaps_as_breaks(corpus: Path, tmp_path: Path) -> None:
    t = tracks.load(corpus / "readsb-trace" / "trace_full_ac671b.json")
    text = export(t, tmp_path / "ac671b.kml").read_text()
    legs = t.legs()
    for leg in legs:
        assert f"<Folder><name>{leg.leg_id}: " in text
    assert '<Data name="icao24"><value>ac671b</value></Data>' in text
    assert '<Data name="registration"><value>N899DN</value></Data>' in text
    gaps = gap_mask(t.data)
    # one gx:Track per observed run: the runs between gaps, also cut where a leg folder starts or ends
    n_tracks = text.count("<gx:Track>")
    assert n_tracks >= int(gaps.sum()) + 1
    assert text.count("<styleUrl>#gap</styleUrl>") == int(gaps.sum())
    assert "no data for 8 h 23 min" in text
    # no gx:Track joins two samples across a gap
    for block in re.findall(r"<gx:Track>(.*?)</gx:Track>", text, flags=re.S):
        times = pd.to_datetime(re.findall(r"<when>(.*?)</when>", block), utc=True)
        sub = t.data[t.data["time"].isin(times)].reset_index(drop=True)
        assert len(sub) == len(times)
        assert len(sub) < 2 or not gap_mask(sub).any()


def test_hostile_text_is_escaped_and_read_back_unchanged(tmp_path: Path) -> None:
    hostile = 'VCV</value></Data><Placemark>&"'
    t = make_track(["2025-11-29T01:00:00.123456789Z", "2025-11-29T01:00:30.000000000Z"], [4.0, 4.1], [-61.0, -61.1],
                   callsign=hostile, registration="YV<2984>", alt_baro_ft=[np.nan, 9100.0])
    out = export(t, tmp_path / "h.kml")
    assert hostile not in out.read_text()
    back = tracks.load(out)
    pd.testing.assert_frame_equal(back.data[COMPARED], t.data[COMPARED])
    assert back.data["time"].iloc[0].nanosecond == 789


def test_control_characters_cannot_break_the_xml(tmp_path: Path) -> None:
    t = make_track(["2025-11-29T01:00:00Z", "2025-11-29T01:00:30Z"], [4.0, 4.1], [-61.0, -61.1],
                   callsign="VCV\x01\x1f2984")
    back = tracks.load(export(t, tmp_path / "c.kml"))
    assert back.callsign == "VCV\ufffd\ufffd2984" and len(back) == 2
