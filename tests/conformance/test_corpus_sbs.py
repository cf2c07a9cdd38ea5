"""The real SBS-1 excerpt in ../shared/corpus/sbs-basestation (23 lines, 2025-03-19 04:18Z, per PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import tracks
from tracks import schema


def test_readme_excerpt(corpus: Path) -> None:
    t = tracks.load(corpus / "sbs-basestation" / "challenge-data-integration_README_excerpt.sbs.txt")
    src = t.sources[0]
    assert src.format == "sbs" and isinstance(t, tracks.Traffic)
    # 23 MSG lines; the 5 MSG,3 lines are positions, the rest are merged into them
    assert (src.records_read, src.records_kept, src.records_rejected) == (23, 5, 18)
    assert src.rejected_reasons == {"no position (MSG,8)": 6, "no position (MSG,7)": 6, "no position (MSG,4)": 4,
                                    "no position (MSG,5)": 2}
    assert schema.check(t.data) == []
    assert t.start == pd.Timestamp("2025-03-19T04:18:28.917Z") and t.stop == pd.Timestamp("2025-03-19T04:18:29.375Z")
    assert t.icao24s == ["0d0a21", "a1244d", "abfdaf", "ac56ba"]
    abfdaf = t["abfdaf"].data
    assert abfdaf["alt_baro_ft"].tolist() == [18475.0, 18450.0]
    # the MSG,4 velocity line (04:18:28.898) is carried onto both later positions
    assert abfdaf["gs_kt"].tolist() == [437.0, 437.0] and abfdaf["vrate_fpm"].tolist() == [-2176.0, -2176.0]
    assert t["a1244d"].data["gs_kt"].isna().all()  # no velocity message for it in the excerpt
    assert not t.data["on_ground"].fillna(True).any()
