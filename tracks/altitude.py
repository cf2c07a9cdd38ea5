"""Which of a sample's two altitudes a consumer uses: the two rules, written once (feet; NaN when unknown).

- `displayed_ft`: the **barometric** altitude, else the geometric one. Pressure altitude is what trackers,
  controllers and pilots show (flight levels), so every sentence, verdict, map label, profile and evidence
  sample states this one.
- `height_ft`: the **geometric** (GNSS) altitude, else the barometric one. A height above the ellipsoid is
  the third coordinate of exported geometries (GeoJSON, KML) and the better shape of a climb or descent;
  heights above an airport come from `tracks.airports.amsl_altitudes_ft` (geoid-corrected), not from here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

Rows = np.ndarray | Sequence[int] | int | None


def _first_known(frame: pd.DataFrame, first: str, then: str, rows: Rows) -> np.ndarray:
    a = frame[first].to_numpy(float)
    b = frame[then].to_numpy(float)
    if rows is not None:
        idx = np.atleast_1d(np.asarray(rows, dtype=np.int64))
        a, b = a[idx], b[idx]
    return np.where(np.isfinite(a), a, b)


def displayed_ft(frame: pd.DataFrame, rows: Rows = None) -> np.ndarray:
    """The displayed altitude (ft) of every sample, or of `rows` (positions): barometric, else geometric."""
    return _first_known(frame, "alt_baro_ft", "alt_geom_ft", rows)


def displayed_ft_at(frame: pd.DataFrame, row: int) -> float:
    """The displayed altitude (ft) of the sample at position `row`; NaN when it has neither altitude."""
    return float(displayed_ft(frame, row)[0])


def height_ft(frame: pd.DataFrame, rows: Rows = None) -> np.ndarray:
    """The height (ft) of every sample, or of `rows` (positions): geometric, else barometric."""
    return _first_known(frame, "alt_geom_ft", "alt_baro_ft", rows)
