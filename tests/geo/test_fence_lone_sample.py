"""A lone sample (one sample of an aircraft, or one between two gaps) still counts in the closest approach."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from tracks import schema
from tracks.geo import fence, geodesy


def table(groups: list[list[tuple[float, float]]]) -> pd.DataFrame:
    rows, t0 = [], pd.Timestamp("2025-11-29T01:00:00Z")
    for g, points in enumerate(groups):
        for i, (lat, lon) in enumerate(points):
            rows.append({"time": t0 + pd.Timedelta(seconds=10 * i), "icao24": f"{g:06x}", "lat": lat, "lon": lon})
    return schema.conform(pd.DataFrame(rows))


@pytest.mark.parametrize("where", ["middle", "last"])
def test_lone_sample_is_the_closest(where: str) -> None:
    box = shapely.box(0, 0, 1, 1)
    far = [[(3.0, 0.5), (3.0, 0.6)], [(3.0, 0.7), (3.1, 0.7)]]
    lone = [[(1.5, 0.5)]]  # 0.5 deg north of the box: ~55.3 km
    groups = [far[0], *lone, far[1]] if where == "middle" else [*far, *lone]
    a = fence.closest_approach(table(groups), box)
    assert a.distance_km == pytest.approx(float(geodesy.distance_km(1.5, 0.5, 1.0, 0.5)), abs=0.01)
    assert (a.track_lat, a.track_lon) == pytest.approx((1.5, 0.5))
