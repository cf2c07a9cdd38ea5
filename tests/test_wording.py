"""One formatter for every sentence, note, report and map label: times, durations, distances, heights."""

from __future__ import annotations

import pandas as pd
import pytest

from tracks import wording
from tracks.render import fmt

CARACAS = wording.zone("America/Caracas")


@pytest.mark.parametrize(("seconds", "text"), [(0.2, "0.2 s"), (4.0, "4 s"), (4.04, "4 s"), (45, "45 s"), (89.6, "90 s"), (119.4, "119 s"), (150, "3 min"),
                                               (14 * 60 + 10, "14 min"), (3600, "1 h 00 min"), (65 * 60, "1 h 05 min"),
                                               (8.4 * 3600, "8 h 24 min"), (2 * 3600 + 5 * 60, "2 h 05 min"),
                                               (3 * 86400 + 4 * 3600, "3 d 4 h"), (float("nan"), "?")])
def test_duration(seconds: float, text: str) -> None:
    assert wording.duration(seconds) == text


def test_article_follows_the_spoken_number() -> None:
    assert wording.a_an("8 h 24 min") == "an 8 h 24 min"
    assert wording.a_an("11 min") == "an 11 min" and wording.a_an("12 min") == "a 12 min"


def test_distances_and_heights() -> None:
    assert wording.km(12.44) == "12.4 km" and wording.km(2.14) == "2.1 km" and wording.km(1234.4) == "1,234 km"
    assert wording.km(float("nan")) == "an unknown distance"
    assert wording.km_pair(5.79, 5.8) == ("5.79 km", "5.80 km")
    assert wording.km_pair(5.7912, 5.7918) == ("5.791 km", "5.792 km")
    assert wording.at_most(5.8004, 5.8) and not wording.at_most(5.8006, 5.8)
    assert wording.feet(3104) == "3,100 ft" and wording.feet(420) == "400 ft"
    assert wording.height_above_airport(600) == "600 ft above the airport"
    assert wording.height_above_airport(-120) == "at about the airport's elevation"
    assert wording.latlon(4.555, -61.15) == "4.555°N 61.150°W"


def test_times_in_sentences_and_on_the_map() -> None:
    t = pd.Timestamp("2025-11-29T01:09:59Z")
    assert wording.clock(t) == "01:09Z" and wording.clock(t, with_date=True) == "29 Nov 01:09Z"
    assert wording.when(t, "America/Caracas") == "29 Nov 2025 01:09Z (28 Nov 21:09 America/Caracas)"
    assert wording.when(t, "UTC", seconds=True) == "29 Nov 2025 01:09:59Z"
    assert wording.when(pd.NaT, "UTC") == "an unknown time"
    assert wording.time_both("2025-11-29T01:10:00Z", CARACAS) == "29 Nov 2025 01:10:00 UTC (28 Nov 21:10 local)"
    assert wording.time_short(pd.Timestamp("2025-11-29T01:10:00Z"), CARACAS) == "01:10 UTC · 21:10 local"
    assert wording.time_both("2025-11-29T01:10:00Z", None) == "29 Nov 2025 01:10:00 UTC"
    assert wording.time_both("", CARACAS) == ""
    # a naive time is taken as UTC, an offset is converted
    assert wording.time_short("2025-11-28T21:10:00-04:00", None) == "01:10 UTC"


def test_zone_label_and_unknown_zones() -> None:
    assert wording.zone_label(CARACAS, pd.Timestamp("2025-11-29T01:10:00Z").to_pydatetime()) == \
        "America/Caracas (UTC−04:00)"
    assert wording.zone("Not/AZone") is None
    assert wording.zone("UTC") is None
    assert wording.zone_label(None) == ""


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


def test_time_inside_seconds_are_durations_on_the_map_and_in_the_report() -> None:
    """time_inside measures `seconds` and `seconds_max`. The map's copy of the value rule knew only keys ending
    in '_s' and showed '3.6e+03'; the report's copy showed '3600 s (60.0 min)' for one and '5400.5' for the
    other. Both now word them as every duration is worded."""
    from tracks.render.report import _fmt_value

    assert fmt.measured_value("seconds", 3600.0, None) == "1 h 00 min" == _fmt_value("seconds", 3600.0)
    assert fmt.measured_value("seconds_max", 5400.5, None) == "1 h 30 min" == _fmt_value("seconds_max", 5400.5)
    assert fmt.measured_label("seconds_max") == "time max" and fmt.measured_label("seconds") == "time"
    assert _fmt_value("closest_distance_km", 9.4012) == "9.40 km" == fmt.measured_value("closest_distance_km", 9.4012, None)


def test_no_other_module_words_durations_or_times() -> None:
    # one rule, one place: the old copies are gone
    import tracks.airports
    import tracks.claims.evidence
    import tracks.claims.times
    import tracks.legs

    for mod, names in ((tracks.airports, ("fmt_time", "fmt_km", "fmt_ft", "fmt_height", "_fmt_gap")),
                       (tracks.legs, ("_fmt_duration",)), (tracks.claims.times, ("format_time",)),
                       (fmt, ("zone", "time_both", "to_utc")), (tracks.claims.evidence, ("km", "when", "a_an"))):
        for name in names:
            defined = getattr(mod, name, None)
            assert defined is None or getattr(defined, "__module__", "") == "tracks.wording", (mod.__name__, name)


def test_day_ranges_words_runs_of_consecutive_days() -> None:
    from tracks.wording import day_ranges

    assert day_ranges([]) == ""
    assert day_ranges(["2025-11-09"]) == "2025-11-09"
    days = ["2025-11-01", "2025-11-02", "2025-11-03", "2025-11-09", "2025-12-31", "2026-01-01"]
    assert day_ranges(days[::-1]) == ("2025-11-01..2025-11-03 (3 days), 2025-11-09, "
                                      "2025-12-31..2026-01-01 (2 days)")
    long = [d.date().isoformat() for d in pd.date_range("1980-01-01", "2025-11-13")]
    assert day_ranges(long) == f"1980-01-01..2025-11-13 ({len(long):,} days)"
