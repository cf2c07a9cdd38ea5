"""Times in UTC and the case's local zone; durations and measured values with their units."""

from __future__ import annotations

import pandas as pd
import pytest

from tracks.render import fmt

CARACAS = fmt.zone("America/Caracas")


def test_times_are_shown_in_utc_and_local() -> None:
    assert fmt.time_both("2025-11-29T01:10:00Z", CARACAS) == "29 Nov 2025 01:10:00 UTC (28 Nov 21:10 local)"
    assert fmt.time_short(pd.Timestamp("2025-11-29T01:10:00Z"), CARACAS) == "01:10 UTC · 21:10 local"
    assert fmt.time_both("2025-11-29T01:10:00Z", None) == "29 Nov 2025 01:10:00 UTC"
    assert fmt.time_both("", CARACAS) == ""
    # a naive time is taken as UTC, an offset is converted
    assert fmt.time_short("2025-11-28T21:10:00-04:00", None) == "01:10 UTC"


def test_zone_label_and_unknown_zones() -> None:
    assert fmt.zone_label(CARACAS, pd.Timestamp("2025-11-29T01:10:00Z").to_pydatetime()) == \
        "America/Caracas (UTC−04:00)"
    assert fmt.zone("Not/AZone") is None
    assert fmt.zone("UTC") is None
    assert fmt.zone_label(None) == ""


@pytest.mark.parametrize(("seconds", "text"), [(45, "45 s"), (89.6, "90 s"), (119.4, "119 s"), (150, "3 min"), (14 * 60 + 10, "14 min"),
                                                (2 * 3600 + 5 * 60, "2 h 05 min"), (3 * 86400 + 4 * 3600, "3 d 4 h")])
def test_duration(seconds: float, text: str) -> None:
    assert fmt.duration(seconds) == text


def test_measured_values_carry_their_units() -> None:
    assert fmt.measured_label("closest_distance_km") == "closest distance"
    assert fmt.measured_value("closest_distance_km", 9.4012, None) == "9.40 km"
    assert fmt.measured_value("distance_km", 197.04, None) == "197.0 km"
    assert fmt.measured_value("gap_s", 1260.0, None) == "21 min"
    assert fmt.measured_value("alt_ft", 37012.4, None) == "37,012 ft"
    assert fmt.measured_value("inside", True, None) == "yes"
    assert fmt.measured_value("samples", 12345, None) == "12,345"
    assert fmt.measured_value("landing_time", "2025-11-29T01:10:00+00:00", CARACAS) == \
        "29 Nov 2025 01:10:00 UTC (28 Nov 21:10 local)"
    assert fmt.measured_value("airports", ["SVMI", "SVFM"], None) == "SVMI, SVFM"
    assert fmt.measured_value("x_km", float("nan"), None) == "—"
