"""Helpers for tests: repository paths and small tracks with exactly known answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tracks import schema
from tracks.track import Track

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"

def make_track(
    times: list[str] | pd.DatetimeIndex,
    lats: list[float] | np.ndarray,
    lons: list[float] | np.ndarray,
    **columns: object,
) -> Track:
    """A Track from plain lists; times are ISO strings in UTC ("2025-11-29T01:00:00Z")."""
    n = len(lats)
    frame = pd.DataFrame(
        {
            "time": pd.to_datetime(list(times), utc=True),
            "icao24": columns.pop("icao24", "0d8373"),
            "lat": np.asarray(lats, dtype=float),
            "lon": np.asarray(lons, dtype=float),
            "record": np.arange(n),
            "file": "test",
            **columns,
        }
    )
    return Track(schema.conform(frame))
