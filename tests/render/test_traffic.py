"""Maps of many aircraft: one colour per aircraft, names, a list with show/hide, labels that do not pile up,
old snapshot positions (readsb lastPosition) left off and counted, gaps per aircraft."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import tracks
from tests.helpers import make_track
from tests.render.fixtures import XSS_TAG, payload_of
from tracks import schema
from tracks.cli import cli
from tracks.render.content import PERMANENT_GAP_LABELS, track_name
from tracks.render.drawgaps import drawn_gaps
from tracks.render.inputs import map_input
from tracks.render.map import build_payload, render_map, to_html
from tracks.render.traffic import PALETTE, aircraft_rows, names, old_snapshot_rows
from tracks.track import Traffic

NOW_S = 1764378600.0  # 2025-11-29T01:10:00Z


def _traffic(n_aircraft: int, n: int = 50, gap_at: int | None = None) -> Traffic:
    frames = []
    for k in range(n_aircraft):
        t = pd.Timestamp("2025-11-29T00:00Z") + pd.to_timedelta(np.arange(n) * 10.0, unit="s")
        if gap_at is not None:
            t = t.where(np.arange(n) < gap_at, t + pd.Timedelta(minutes=10 + k))
        frames.append(pd.DataFrame({"time": t, "icao24": f"{0xabc000 + k:06x}", "lat": np.linspace(0, 1, n) + k,
                                    "lon": np.linspace(0, 1, n), "callsign": f"CS{k}", "file": "x.json",
                                    "record": np.arange(n)}))
    return Traffic(schema.conform(pd.concat(frames, ignore_index=True)))


def test_every_aircraft_gets_its_colour_name_and_index() -> None:
    tr = _traffic(20)
    p = build_payload(map_input(tr))
    assert [t["idx"] for t in p["tracks"]] == list(range(20))
    assert [t["colour"] for t in p["tracks"]] == [PALETTE[k % len(PALETTE)] for k in range(20)]
    assert [t["name"] for t in p["tracks"]] == [f"CS{k} · {0xabc000 + k:06x}" for k in range(20)]
    assert p["colourBy"] == "aircraft" and p["aircraftLabels"] is True
    assert sum(t["n"] for t in p["tracks"]) == len(tr)
    one = build_payload(map_input(_traffic(1)))
    assert one["colourBy"] == "altitude" and "colour" not in one["tracks"][0]  # one aircraft: altitude colours


def test_names_are_the_tracks_own_names() -> None:
    frames = [make_track(["2025-11-29T00:00Z", "2025-11-29T00:01Z", "2025-11-29T00:02Z"], [0, 1, 2], [0, 1, 2],
                         icao24=icao, callsign=calls, registration=regs).data
              for icao, calls, regs in (("abc001", ["A1", "A1", "B2"], [None, "YV1", None]),
                                        ("abc002", [None, None, None], ["", "", ""]),
                                        ("abc003", ["X", "Y", "Y"], ["R", "R", "S"]))]
    tr = Traffic(pd.concat(frames, ignore_index=True))
    starts, _ = aircraft_rows(tr.data)
    assert names(tr.data, starts) == [track_name(t) for t in tr] == ["A1 · YV1 · abc001", "abc002", "Y · R · abc003"]


def test_gaps_are_per_aircraft_and_labels_are_shared_across_the_map() -> None:
    tr = _traffic(30, gap_at=25)
    starts, _ = aircraft_rows(tr.data)
    drawn = drawn_gaps(tr.data, 60, starts=starts)
    assert np.flatnonzero(drawn).tolist() == [50 * k + 24 for k in range(30)]  # no gap between two aircraft
    p = build_payload(map_input(tr))
    assert all(len(t["gaps"]) == 2 for t in p["tracks"])
    labelled = [(t["idx"], j) for t in p["tracks"] for j in t["gapLabels"]]
    assert len(labelled) == PERMANENT_GAP_LABELS  # the longest gaps of the map, not twelve per aircraft
    assert {i for i, _ in labelled} == set(range(30 - PERMANENT_GAP_LABELS, 30))  # aircraft k waits 10 + k min


def _snapshot(tmp_path: Path) -> Path:
    doc = {"now": NOW_S, "aircraft": [
        {"hex": "0d8373", "type": "adsb_icao", "flight": "VCV2984", "lat": 6.5, "lon": -63.2, "seen_pos": 1.0},
        {"hex": "0d8374", "type": "adsb_icao", "lastPosition":
            {"lat": 6.0, "lon": -63.0, "seen_pos": 200.0}},  # 3 min 20 s old: drawn
        {"hex": "0d8375", "type": "adsb_icao", "flight": XSS_TAG, "lastPosition":
            {"lat": 4.0, "lon": -61.0, "seen_pos": 950_000.0}},  # 11 days old: left off
    ]}
    path = tmp_path / "aircraft.json"
    path.write_text(json.dumps(doc))
    return path


def test_old_snapshot_positions_are_left_off_and_counted(tmp_path: Path) -> None:
    tr = tracks.load(_snapshot(tmp_path))
    assert len(tr) == 3  # the loader keeps every position, at its own time
    assert old_snapshot_rows(tr, 300).tolist() == [False, False, True]
    assert old_snapshot_rows(tr, 1_000_000).sum() == 0
    inp = map_input(tr)
    assert len(inp.aircraft) == 2
    assert "1 position left off the map: older than 5 min before the time of their snapshot file" in inp.notes[0]
    html = to_html(render_map(tr))
    assert "1 position left off the map" in html
    assert [t["n"] for t in payload_of(html)["tracks"]] == [1, 1]
    html = to_html(render_map(tr, max_position_age_s=1_000_000))
    assert "left off the map" not in html and len(payload_of(html)["tracks"]) == 3
    # tracks that are not snapshots keep every sample, whatever its age
    old = make_track(["2025-11-01T00:00Z", "2025-11-29T00:00Z"], [0, 1], [0, 1])
    assert old_snapshot_rows(old, 300).sum() == 0


def test_cli_max_position_age(tmp_path: Path) -> None:
    path = _snapshot(tmp_path)
    r = CliRunner().invoke(cli, ["map", str(path), "-o", str(tmp_path / "m.html")])
    assert r.exit_code == 0, r.output
    assert len(payload_of((tmp_path / "m.html").read_text())["tracks"]) == 2
    r = CliRunner().invoke(cli, ["map", str(path), "-o", str(tmp_path / "all.html"), "--max-position-age", "1e9"])
    assert r.exit_code == 0, r.output
    assert len(payload_of((tmp_path / "all.html").read_text())["tracks"]) == 3
    r = CliRunner().invoke(cli, ["map", str(path), "-o", str(tmp_path / "x.html"), "--max-position-age", "-1"])
    assert r.exit_code == 2


def test_the_aircraft_list_has_every_aircraft_with_its_colour_and_a_show_hide_box() -> None:
    html = to_html(render_map(_traffic(40)))
    boxes = html.count('class="tm-ac"')
    assert boxes == 40
    assert f'style="background:{PALETTE[1]}"></i><b>CS1 · abc001</b>' in html
    assert 'name="tm-colour" value="altitude"' in html


@pytest.mark.corpus
def test_global_aircraft_json(corpus) -> None:
    tr = tracks.load(corpus / "readsb-aircraft-json" / "ANG13T__ADSB-Spoof-Detector" / "aircraft.json.gz")
    inp = map_input(tr)
    old = old_snapshot_rows(tr, 300)
    assert 0 < old.sum() <= 321  # lastPosition rows (321) older than 5 min; regular ADS-C positions stay
    assert tr.data["stale"].to_numpy()[old].all()
    p = build_payload(inp)
    assert len(p["tracks"]) == tr.data.loc[~old, "icao24"].nunique()
    first = min(t["t0"] for t in p["tracks"])
    last = max(t["t0"] + t["t"][-1] for t in p["tracks"])
    assert last - first <= 3600  # ADS-C positions (up to 40 min old), not the 11 days lastPosition rows span
    assert tr.data["time"].max() - tr.data["time"].min() > pd.Timedelta(days=10)
    assert p["aircraftLabels"] is False  # thousands: names on hover and in the list, not on the map
