"""Track and Traffic built by hand: checked, never guessed; the caller's DataFrame is left untouched."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers import make_track
from tracks.track import Track, Traffic


def frame(**overrides: object) -> pd.DataFrame:
    base = {"time": pd.to_datetime(["2025-11-29T01:00:00Z", "2025-11-29T01:00:10Z"], utc=True),
            "icao24": ["0d8373", "0d8373"], "lat": [4.5, 4.6], "lon": [-61.1, -61.2]}
    base.update(overrides)
    return pd.DataFrame(base)


def test_naive_times_are_refused_not_taken_as_utc() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        Track(frame(time=pd.to_datetime(["2025-11-29T01:00:00", "2025-11-29T01:00:10"])))
    with pytest.raises(ValueError, match="'2025-11-28 21:00' has no time zone"):
        Track(frame(time=["2025-11-28 21:00", "2025-11-28 21:00:10"]))
    with pytest.raises(ValueError, match="no time zone"):
        Track(frame(time=[1764378000, 1764378010]))


def test_times_with_offsets_are_converted_to_utc() -> None:
    t = Track(frame(time=["2025-11-28T21:00:00-04:00", "2025-11-29T01:00:10Z"]))
    assert t.data["time"].tolist() == list(pd.to_datetime(["2025-11-29T01:00:00Z", "2025-11-29T01:00:10Z"], utc=True))


def test_impossible_positions_and_bad_addresses_are_refused() -> None:
    with pytest.raises(ValueError, match="lat null or outside"):
        Track(frame(lat=[95.0, 4.6]))
    with pytest.raises(ValueError, match="icao24 not lowercase 6-hex"):
        Traffic(frame(icao24=["0D8373", "zzz"]))


def test_the_callers_frame_is_not_modified() -> None:
    f = frame(time=["2025-11-29T01:00:10Z", "2025-11-29T01:00:00Z"])  # unsorted, strings
    before = f.copy()
    t = Track(f)
    assert t.data["time"].is_monotonic_increasing
    pd.testing.assert_frame_equal(f, before)


def test_verbs_keep_the_type_and_sources() -> None:
    t = make_track(["2025-11-29T01:00:00Z", "2025-11-29T01:00:10Z", "2025-11-29T01:00:20Z"], [1, 2, 3], [1, 2, 3])
    sub = t.between("2025-11-29T01:00:05Z", "2025-11-29T01:00:20Z")
    assert isinstance(sub, Track) and len(sub) == 2
    assert len(t.query("lat > 5")) == 0 and isinstance(t.query("lat > 5"), Track)
    with pytest.raises(ValueError, match="no time zone"):
        t.between("2025-11-29 01:00", "2025-11-29 02:00")
