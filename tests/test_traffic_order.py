"""Traffic keeps (icao24, time) order: the vectorised order check must never skip a needed sort."""

from __future__ import annotations

import pandas as pd
import pytest

from tracks import schema
from tracks.track import Traffic


def table(icao: list[str], seconds: list[int]) -> pd.DataFrame:
    return schema.conform(pd.DataFrame({
        "time": pd.to_datetime(seconds, unit="s", utc=True), "icao24": icao,
        "lat": [float(i) for i in range(len(icao))], "lon": 0.0, "record": range(len(icao)),
    }))


@pytest.mark.parametrize(("icao", "seconds"), [
    (["aaaaaa", "aaaaaa", "bbbbbb", "bbbbbb"], [5, 1, 2, 3]),  # time out of order within one aircraft
    (["bbbbbb", "aaaaaa", "aaaaaa", "bbbbbb"], [1, 2, 3, 4]),  # aircraft out of order
    (["aaaaaa", "~abcdef", "0d8373", "aaaaaa"], [1, 1, 1, 0]),  # '~' addresses sort last
])
def test_unsorted_input_is_sorted(icao: list[str], seconds: list[int]) -> None:
    t = Traffic(table(icao, seconds))
    d = t.data
    expected = table(icao, seconds).sort_values(["icao24", "time"], kind="stable")
    assert d["icao24"].tolist() == expected["icao24"].tolist()
    assert d["time"].tolist() == expected["time"].tolist()
    assert d["lat"].tolist() == expected["lat"].tolist()


def test_sorted_input_is_kept_with_ties_in_order() -> None:
    t = Traffic(table(["aaaaaa", "aaaaaa", "aaaaaa", "bbbbbb"], [1, 1, 2, 0]))
    assert t.data["lat"].tolist() == [0.0, 1.0, 2.0, 3.0]
