"""Real aircraft.json snapshots from ../shared/corpus/readsb-aircraft-json (counts and times from PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import tracks
from tracks import schema


def test_global_aggregator_snapshot(corpus: Path) -> None:
    t = tracks.load(corpus / "readsb-aircraft-json" / "ANG13T__ADSB-Spoof-Detector" / "aircraft.json.gz")
    src = t.sources[0]
    assert isinstance(t, tracks.Traffic)
    assert src.format == "readsb-aircraft-json"
    # 8423 aircraft: 7659 with lat/lon, 321 with only lastPosition (kept, stale), 443 without any position
    # (366 of them carry rr_lat/rr_lon, which are receiver estimates, never positions)
    assert (src.records_read, src.records_kept, src.records_rejected) == (8423, 7980, 443)
    assert src.rejected_reasons == {"no position": 443}
    assert schema.check(t.data) == []
    now = pd.Timestamp(1651363199.612, unit="s", tz="UTC").round("ms")
    fresh = t.data[~t.data["stale"]]
    assert len(fresh) == 7659 and int(t.data["stale"].sum()) == 321
    assert fresh["time"].max() == now  # seen_pos 0
    assert fresh["time"].min() == now - pd.Timedelta(seconds=1973.561)  # an ADS-C position, 33 min old
    assert t.stop == now
    assert int(t.data["on_ground"].sum()) == 1271
    assert set(t.data["source"].unique()) == {"adsb", "other", "adsc", "adsr", "tisb", "mlat", "modes", "unknown"}
    assert (t.data.loc[t.data["stale"], "source"] == "unknown").all()
    assert t.data["icao24"].str.startswith("~").sum() > 0


def test_dump1090_fa_snapshot(corpus: Path) -> None:
    t = tracks.load(corpus / "readsb-aircraft-json" / "r00b__roob1090" / "aircraft.json")
    src = t.sources[0]
    assert src.format == "readsb-aircraft-json"
    assert (src.records_read, src.records_kept, src.records_rejected) == (23, 14, 9)
    assert src.rejected_reasons == {"no position": 9}
    assert schema.check(t.data) == []
    now = pd.Timestamp("2020-02-12T02:55:09.700Z")
    assert t.stop == now and t.start == now - pd.Timedelta(seconds=16.1)
    assert (t.data["source"] == "adsb").all()  # no `type`, and no field listed as MLAT/TIS-B-derived


def test_legacy_snapshot_without_positions(corpus: Path) -> None:
    t = tracks.load(corpus / "readsb-aircraft-json" / "esin__dump1090-exporter" / "aircraft.json")
    src = t.sources[0]
    assert src.format == "readsb-aircraft-json"
    assert (src.records_read, src.records_kept, src.records_rejected) == (4, 0, 4)
    assert src.rejected_reasons == {"no position": 4}
    assert len(t) == 0 and schema.check(t.data) == []
