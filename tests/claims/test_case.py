"""Case files: parsing, time zones, and one validation error per kind of mistake (file, line, message)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from tracks.claims.case import (
    PREDICATE_NAMES,
    RegionRef,
    evaluation_order,
    load_case,
    parse_case,
    parse_time,
)
from tracks.errors import CaseFileError

BASE = """\
title: Test case
timezone: America/Caracas
article: {publisher: Paper, title: Headline, url: "https://example.org/a", published: 2025-11-30, language: en}
aircraft: {icao24: 0D8373, registration: YV2984, type: A319}
window:
  start: 2025-11-28T18:00Z
  end: {local: "2025-11-29 04:00"}
tracks: [track.json]
claims:
  - id: departed
    quote: "departed from Caracas"
    test: {departed_from: [SVMI, SVFM]}
  - id: border
    quote: "flew to the border"
    source: ADS-B Exchange
    test:
      approached: {border: [VE, BR-RR], within_km: 15}
    after: departed
  - id: order
    quote: "in that order"
    test: {sequence: [departed, border]}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "track.json").write_text("{}")
    p = tmp_path / "case.yaml"
    p.write_text(textwrap.dedent(text))
    return p


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `needle`."""
    hits = [i + 1 for i, line in enumerate(textwrap.dedent(text).splitlines()) if needle in line]
    return hits[nth - 1]


def error(tmp_path: Path, text: str) -> CaseFileError:
    p = write(tmp_path, text)
    with pytest.raises(CaseFileError) as info:
        load_case(p)
    assert info.value.path == str(p)
    return info.value


# -- a valid case ------------------------------------------------------------------------------------------


def test_valid_case_is_read_with_typed_values(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, BASE))
    assert case.title == "Test case"
    assert case.aircraft.icao24 == "0d8373"  # normalised to lower case
    assert case.article.published == "2025-11-30"  # as written, not a date object
    assert case.window.start == pd.Timestamp("2025-11-28T18:00Z")
    assert case.window.end == pd.Timestamp("2025-11-29T08:00Z")  # 04:00 in Caracas is 08:00Z
    assert case.timezone == "America/Caracas"
    assert case.track_files == (str(tmp_path / "track.json"),)
    dep, border, order = case.claims
    assert dep.params["airports"] == ("SVMI", "SVFM")  # shorthand form
    assert dep.params["within_km"] == 5.0  # default
    assert border.params["border"] == RegionRef("border", ("VE", "BR-RR"))
    assert border.params["within_km"] == 15.0
    assert border.after == "departed" and border.source == "ADS-B Exchange"
    assert border.line == line_of(BASE, "- id: border")
    assert border.lines["within_km"] == line_of(BASE, "within_km: 15")
    assert order.params["claims"] == ("departed", "border")
    assert [c.id for c in evaluation_order(case)] == ["departed", "border", "order"]


def test_evaluation_order_puts_dependencies_first(tmp_path: Path) -> None:
    text = BASE.replace("""  - id: departed
    quote: "departed from Caracas"
    test: {departed_from: [SVMI, SVFM]}
""", "") + """  - id: departed
    quote: "departed from Caracas"
    test: {departed_from: [SVMI, SVFM]}
"""
    case = load_case(write(tmp_path, text))
    assert [c.id for c in case.claims] == ["border", "order", "departed"]
    assert [c.id for c in evaluation_order(case)] == ["departed", "border", "order"]


def test_region_forms(tmp_path: Path) -> None:
    text = BASE + """  - id: sea
    quote: q
    test: {stayed_outside: {region: {territorial_sea: VE}}}
  - id: sea6
    quote: q
    test: {stayed_outside: {territorial_sea: VE, nm: 6}}
  - id: circle
    quote: q
    test: {entered: {circle: [4.5, -61.1], radius_km: 20}}
  - id: br
    quote: q
    test: {never_entered: BR}
"""
    case = load_case(write(tmp_path, text))
    assert case.claim("sea").params["region"] == RegionRef("territorial_sea", ("VE", 12.0))
    assert case.claim("sea6").params["region"] == RegionRef("territorial_sea", ("VE", 6.0))
    assert case.claim("circle").params["region"] == RegionRef("circle", (4.5, -61.1, 20.0))
    assert case.claim("br").params["region"].label == "BR"
    assert case.claim("sea").params["region"].label == "VE-sea-12nm"


def test_durations_and_ranges(tmp_path: Path) -> None:
    text = BASE + """  - id: ground
    quote: q
    test: {visited: {airports: SVSE, ground_time: {at_least: 30 min, at_most: "1h"}}}
  - id: inside
    quote: q
    test: {time_inside: {region: VE, at_least: "00:40:00"}}
  - id: traffic
    quote: q
    test:
      traffic_count:
        region: VE
        baseline: {start: 2025-11-14T00:00Z, end: 2025-11-21T00:00Z}
        period: {start: 2025-11-30T00:00Z, end: 2025-12-03T00:00Z}
        at_most_ratio: 0.25
        exclude_icao24: [0d8]
"""
    case = load_case(write(tmp_path, text))
    assert case.claim("ground").params["ground_time"] == (pd.Timedelta(minutes=30), pd.Timedelta(hours=1))
    assert case.claim("ground").params["airports"] == ("SVSE",)
    assert case.claim("inside").params["at_least"] == pd.Timedelta(minutes=40)
    tc = case.claim("traffic").params
    assert tc["baseline"].start == pd.Timestamp("2025-11-14T00:00Z")
    assert tc["exclude_icao24"] == ("0d8",)


# -- time zones --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2025-11-29T01:10Z", "2025-11-29T01:10:00Z"),
        ("2025-11-28T21:10-04:00", "2025-11-29T01:10:00Z"),
        ("2025-11-28 21:10 America/Caracas", "2025-11-29T01:10:00Z"),
        ("2025-11-28 22:10 America/Sao_Paulo", "2025-11-29T01:10:00Z"),  # Brasília time, UTC-3
        ("2025-11-29 01:10 UTC", "2025-11-29T01:10:00Z"),
        ("2025-07-01 12:00 Europe/London", "2025-07-01T11:00:00Z"),  # summer time, UTC+1
        ("2025-12-01 12:00 Europe/London", "2025-12-01T12:00:00Z"),
    ],
)
def test_parse_time_converts_to_utc(text: str, utc: str) -> None:
    assert parse_time(text) == pd.Timestamp(utc)


def test_local_time_uses_the_given_zone() -> None:
    assert parse_time("2025-11-28 21:10", default_tz="America/Caracas") == pd.Timestamp("2025-11-29T01:10Z")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-11-28 21:10", "has no time zone"),
        ("2025-11-28", "a date without a time of day"),
        ("21:10", "cannot read"),
        ("yesterday at ten", "cannot read"),
        ("2025-11-28 21:10 Mars/Olympus", "unknown time zone"),
        ("2025-11-28T21:10-04:00 America/Caracas", "both an offset and a zone name"),
        ("2025-11-02 01:30 America/New_York", "is ambiguous"),  # clocks went back: 01:30 happened twice
        ("2025-03-09 02:30 America/New_York", "does not exist"),  # clocks went forward
    ],
)
def test_parse_time_refuses_what_it_cannot_place(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_time(text)


def test_naive_window_time_is_refused_with_the_fix(tmp_path: Path) -> None:
    text = BASE.replace("start: 2025-11-28T18:00Z", "start: 2025-11-28 18:00")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "start: 2025-11-28 18:00")
    assert e.key == "window.start"
    assert "has no time zone" in e.problem and "America/Caracas" in e.problem and "-04:00" in e.problem


def test_local_time_without_any_zone_is_refused(tmp_path: Path) -> None:
    text = BASE.replace("timezone: America/Caracas\n", "")
    e = error(tmp_path, text)
    assert e.key == "window.end" and e.line == line_of(text, "end: {local:")
    assert "needs 'tz'" in e.problem


def test_local_form_with_explicit_zone(tmp_path: Path) -> None:
    text = BASE.replace('end: {local: "2025-11-29 04:00"}', 'end: {local: "2025-11-29 05:00", tz: America/Sao_Paulo}')
    assert load_case(write(tmp_path, text)).window.end == pd.Timestamp("2025-11-29T08:00Z")


# -- validation errors: one per kind of mistake -------------------------------------------------------------


def test_number_expected(tmp_path: Path) -> None:
    text = BASE.replace("within_km: 15", "within_km: ten")
    e = error(tmp_path, text)
    assert str(e) == f"{tmp_path / 'case.yaml'}:{line_of(text, 'within_km: ten')}: " \
        "claims[1].test.approached.within_km: expected a number, got 'ten'"


def test_unknown_predicate_lists_the_known_ones(tmp_path: Path) -> None:
    text = BASE.replace("approached:", "approches:")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "approches:")
    assert "unknown predicate 'approches'" in e.problem and "did you mean 'approached'?" in e.problem
    assert all(name in e.problem for name in PREDICATE_NAMES)


def test_unknown_key_suggests_the_near_match(tmp_path: Path) -> None:
    text = BASE.replace("within_km: 15", "within_kms: 15")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "within_kms")
    assert e.key == "claims[1].test.approached.within_kms"
    assert "unknown key 'within_kms'; did you mean 'within_km'?" in e.problem


def test_unknown_top_level_key(tmp_path: Path) -> None:
    text = BASE.replace("window:", "windw:")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "windw:")
    assert "did you mean 'window'?" in e.problem


def test_duplicate_claim_ids(tmp_path: Path) -> None:
    text = BASE.replace("- id: order", "- id: departed")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "- id: departed", nth=2)
    assert f"duplicate claim id 'departed' (first used on line {line_of(text, '- id: departed')})" in e.problem


def test_after_names_an_unknown_claim(tmp_path: Path) -> None:
    text = BASE.replace("after: departed", "after: departure")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "after: departure")
    assert "unknown claim id 'departure'; did you mean 'departed'?" in e.problem


def test_sequence_names_an_unknown_claim(tmp_path: Path) -> None:
    text = BASE.replace("[departed, border]", "[departed, borders]")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "borders]")
    assert e.key == "claims[2].test.sequence[1]"
    assert "unknown claim id 'borders'" in e.problem


def test_cycle_through_after(tmp_path: Path) -> None:
    text = BASE.replace("""    test: {departed_from: [SVMI, SVFM]}
""", """    test: {departed_from: [SVMI, SVFM]}
    after: border
""")
    e = error(tmp_path, text)
    assert "depend on each other in a cycle: departed -> border -> departed" in e.problem
    assert e.line == line_of(text, "- id: departed")


def test_longer_cycle(tmp_path: Path) -> None:
    text = BASE.replace("""    test: {departed_from: [SVMI, SVFM]}
""", """    test: {departed_from: [SVMI, SVFM]}
    after: landed
""") + """  - id: landed
    quote: q
    test: {landed_at: SVSE}
    after: border
"""
    e = error(tmp_path, text)
    assert "cycle: departed -> landed -> border -> departed" in e.problem


def test_claim_after_itself(tmp_path: Path) -> None:
    text = BASE.replace("after: departed", "after: border")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "- id: border")
    assert "refers to itself" in e.problem


def test_test_with_two_predicates(tmp_path: Path) -> None:
    text = BASE.replace("test: {departed_from: [SVMI, SVFM]}", "test: {departed_from: [SVMI], landed_at: [SVSE]}")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "landed_at: [SVSE]")
    assert "exactly one predicate" in e.problem and "departed_from, landed_at" in e.problem


def test_missing_required_parameter(tmp_path: Path) -> None:
    text = BASE.replace("within_km: 15", "")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "approached:")
    assert "approached needs 'within_km'" in e.problem


def test_conflicting_parameters(tmp_path: Path) -> None:
    text = BASE.replace("border: [VE, BR-RR], within_km: 15", "border: [VE, BR-RR], region: BR, within_km: 15")
    e = error(tmp_path, text)
    assert "takes only one of 'region', 'border'" in e.problem


def test_missing_top_level_key(tmp_path: Path) -> None:
    text = BASE.replace("tracks: [track.json]\n", "")
    e = error(tmp_path, text)
    assert e.line == 1 and "missing required key 'tracks'" in e.problem


def test_missing_track_file(tmp_path: Path) -> None:
    text = BASE.replace("tracks: [track.json]", "tracks: [nothere.json, '*.csv']")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "nothere.json") and e.key == "tracks[0]"
    assert "no file matches 'nothere.json'" in e.problem and str(tmp_path) in e.problem


def test_glob_and_directory_track_entries(tmp_path: Path) -> None:
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "b.json").write_text("{}")
    text = BASE.replace("tracks: [track.json]", "tracks: ['*.json', more]")
    case = load_case(write(tmp_path, text))
    assert case.track_files == (str(tmp_path / "track.json"), str(tmp_path / "more" / "b.json"))


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = BASE.replace('quote: "in that order"', 'quote: "in that order')
    e = error(tmp_path, text)
    assert "not valid YAML" in e.problem and e.line is not None
    assert e.line >= line_of(text, 'quote: "in that order')


def test_duplicate_mapping_key(tmp_path: Path) -> None:
    text = BASE.replace("  start: 2025-11-28T18:00Z\n", "  start: 2025-11-28T18:00Z\n  start: 2025-11-28T19:00Z\n")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "start: 2025-11-28T19:00Z")
    assert f"duplicate key 'start' (first given on line {line_of(text, 'start: 2025-11-28T18:00Z')})" in e.problem


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("icao24: 0D8373", "icao24: 0D837", "icao24: 0D837", "expected 6 hex digits"),
        ("timezone: America/Caracas", "timezone: Venezuela/Caracas", "timezone:", "unknown time zone"),
        ("start: 2025-11-28T18:00Z", "start: 2025-11-29T09:00Z", "end: {local:", "end (2025-11-29T08:00:00Z) is before start"),
        ("within_km: 15", "within_km: -3", "within_km: -3", "expected a number >= 0"),
        ("[VE, BR-RR]", "[VE, VE]", "[VE, VE]", "two different regions"),
        ("[VE, BR-RR]", "[VE]", "[VE]", "expected two region codes"),
        ("departed_from: [SVMI, SVFM]", "departed_from: [SVMI, 'S V']", "'S V'", "airport code"),
        ("departed_from: [SVMI, SVFM]", "departed_from: {point: [95, -66]}", "point: [95", "latitude must be within"),
        ("departed_from: [SVMI, SVFM]", "departed_from: {}", "departed_from: {}", "needs one of 'airports', 'point'"),
        ("[departed, border]", "[departed]", "[departed]", "at least two claim ids"),
        ("test: {departed_from: [SVMI, SVFM]}", "test: departed_from", "test: departed_from", "expected a mapping with one predicate"),
    ],
)
def test_value_errors(tmp_path: Path, old: str, new: str, needle: str, message: str) -> None:
    text = BASE.replace(old, new)
    assert text != BASE
    e = error(tmp_path, text)
    assert e.line == line_of(text, needle)
    assert message in e.problem


@pytest.mark.parametrize(
    ("test", "message"),
    [
        ("{time_inside: {region: VE, at_least: 40}}", "the bare number 40"),
        ("{time_inside: {region: VE, at_least: soon}}", "expected a duration"),
        ("{time_inside: {region: VE}}", "needs at least one of 'at_least', 'at_most'"),
        ("{altitude_band: {min_ft: 30000, max_ft: 20000}}", "max_ft is below min_ft"),
        ("{altitude_band: {min_ft: 1000, mode: some}}", "unknown value 'some'"),
        ("{event_time_within: {event: landing, region: BR, start: 2025-11-29T00:00Z, end: 2025-11-29T02:00Z}}",
         "placed with 'airports' or 'point'"),
        ("{event_time_within: {event: crossing, start: 2025-11-29T00:00Z, end: 2025-11-29T02:00Z}}", "needs 'region' or 'border'"),
        ("{event_time_within: {event: landing, airports: SVSE, start: 2025-11-29T00:00Z}}", "needs 'end'"),
        ("{crossed: {border: [VE, BR-RR], from: BR}}", "one side of the border: VE or BR-RR"),
        ("{entered: {circle: [4, -61]}}", "a circle needs 'radius_km'"),
        ("{entered: {border: [VE, BR], nm: 3}}", "'nm' does not go with 'border'"),
        ("{traffic_count: {region: VE, baseline: {start: 2025-11-01T00:00Z, end: 2025-11-02T00:00Z}, "
         "period: {start: 2025-11-03T00:00Z, end: 2025-11-04T00:00Z}}}", "at least one of 'at_most_ratio'"),
    ],
)
def test_parameter_errors(tmp_path: Path, test: str, message: str) -> None:
    text = BASE + f"""  - id: extra
    quote: q
    test: {test}
"""
    e = error(tmp_path, text)
    assert e.line == line_of(text, f"test: {test[:20]}")
    assert e.key is not None and e.key.startswith("claims[3].test")
    assert message in e.problem


def test_empty_and_missing_files(tmp_path: Path) -> None:
    e = error(tmp_path, "")
    assert "empty" in e.problem
    with pytest.raises(CaseFileError, match="no such file"):
        load_case(tmp_path / "absent.yaml")


def test_not_a_mapping_at_top(tmp_path: Path) -> None:
    e = error(tmp_path, "- a\n- b\n")
    assert e.line == 1 and "expected a mapping of case keys" in e.problem


def test_parse_case_names_text_without_a_file() -> None:
    with pytest.raises(CaseFileError, match="<case>"):
        parse_case("title: x\n")


def test_after_needs_a_claim_with_a_moment(tmp_path: Path) -> None:
    text = BASE + """  - id: stayed
    quote: q
    test: {never_entered: BR}
  - id: later
    quote: q
    test: {landed_at: SVMI}
    after: stayed
"""
    e = error(tmp_path, text)
    assert e.line == line_of(text, "after: stayed")
    assert "claim 'stayed' (never_entered) has no moment in time" in e.problem


def _archive_with(tmp_path: Path, body: bytes) -> tuple[Path, str]:
    import hashlib
    import os

    from tracks.fetch.archive import Archive

    arch = Archive(tmp_path / "archive")
    fd, temp = arch.new_temp()
    os.write(fd, body)
    os.close(fd)
    sha = hashlib.sha256(body).hexdigest()
    arch.commit(temp, name="trace_full_0d8373.json", url="https://example.org/trace_full_0d8373.json",
                source="adsbx", key="adsbx:0d8373:2025-11-29", retrieved_at="2025-12-01T10:00:00Z", status=200,
                size=len(body), sha256=sha)
    return arch.root, sha


def test_archived_fetch_as_track_entry(tmp_path: Path) -> None:
    _, sha = _archive_with(tmp_path, b'{"icao": "0d8373", "timestamp": 0, "trace": []}')
    text = BASE.replace("tracks: [track.json]", f"tracks: [{{archived: '{sha[:12]}', archive: archive}}]")
    case = load_case(write(tmp_path, text))
    (spec,) = case.tracks
    assert spec.url == "https://example.org/trace_full_0d8373.json"
    assert spec.retrieved_at == "2025-12-01T10:00:00Z"
    assert Path(spec.files[0]).read_bytes() == b'{"icao": "0d8373", "timestamp": 0, "trace": []}'


def test_archived_fetch_unknown_reference(tmp_path: Path) -> None:
    _archive_with(tmp_path, b"{}")
    text = BASE.replace("tracks: [track.json]", "tracks: [{archived: 'ffffffffffff', archive: archive}]")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "archived:") and "no archived fetch matches 'ffffffffffff'" in e.problem


def test_border_given_where_an_area_is_needed(tmp_path: Path) -> None:
    text = BASE + """  - id: x
    quote: q
    test: {never_entered: {border: [VE, BR]}}
"""
    e = error(tmp_path, text)
    assert e.line == line_of(text, "never_entered: {border")
    assert "a border is a line, and never_entered needs an area" in e.problem


# -- before ----------------------------------------------------------------------------------------------------------

WITH_BEFORE = BASE + """  - id: back
    quote: "returned"
    test: {landed_at: SVMI}
    after: departed
  - id: stayed
    quote: "did not enter Brazil"
    test: {never_entered: BR}
    after: departed
    before: back
"""


def test_before_is_read_and_ordered_after_its_claim(tmp_path: Path) -> None:
    text = WITH_BEFORE.replace("  - id: back", "  - id: later\n    quote: q\n    test: {landed_at: SVSE}\n    before: back\n"
                               "  - id: back")
    case = load_case(write(tmp_path, text))
    stayed = case.claim("stayed")
    assert (stayed.after, stayed.before) == ("departed", "back")
    assert stayed.depends_on == ("departed", "back")
    order = [c.id for c in evaluation_order(case)]
    assert order.index("back") < order.index("later") and order.index("back") < order.index("stayed")


def test_before_names_an_unknown_claim(tmp_path: Path) -> None:
    text = WITH_BEFORE.replace("before: back", "before: bak")
    e = error(tmp_path, text)
    assert e.line == line_of(text, "before: bak") and e.key == "claims[4].before"
    assert "unknown claim id 'bak'; did you mean 'back'?" in e.problem


def test_before_needs_a_claim_with_a_moment(tmp_path: Path) -> None:
    text = WITH_BEFORE + """  - id: later
    quote: q
    test: {landed_at: SVMI}
    before: stayed
"""
    e = error(tmp_path, text)
    assert e.line == line_of(text, "before: stayed")
    assert "claim 'stayed' (never_entered) has no moment in time" in e.problem and "'before'" in e.problem


def test_before_itself_and_cycles(tmp_path: Path) -> None:
    text = WITH_BEFORE.replace("test: {landed_at: SVMI}\n    after: departed\n",
                               "test: {landed_at: SVMI}\n    after: departed\n    before: back\n")
    e = error(tmp_path, text)
    assert "refers to itself" in e.problem and e.line == line_of(text, "- id: back")
    # back is after departed; departed before back would need back first: a cycle
    text = BASE.replace("""    test: {departed_from: [SVMI, SVFM]}
""", """    test: {departed_from: [SVMI, SVFM]}
    before: back
""") + """  - id: back
    quote: q
    test: {landed_at: SVMI}
    after: departed
"""
    e = error(tmp_path, text)
    assert "depend on each other in a cycle: departed -> back -> departed" in e.problem


# -- loader options in tracks: entries -----------------------------------------------------------------------------


def test_tracks_entry_with_loader_options(tmp_path: Path) -> None:
    text = BASE.replace("tracks: [track.json]", """tracks:
  - {path: track.json, icao24: 8467D8, callsign: JAL516}
  - path: track.json
    tz: Europe/Paris
    columns: {Alt: alt_baro_ft, Junk: null}
    alt_unit: ft""")
    case = load_case(write(tmp_path, text))
    a, b = case.tracks
    assert dict(a.options) == {"icao24": "8467d8", "callsign": "JAL516"}
    assert dict(b.options) == {"tz": "Europe/Paris", "columns": {"Alt": "alt_baro_ft", "Junk": None}, "alt_unit": "ft"}
    assert b.option_lines["tz"] == line_of(text, "tz: Europe/Paris")
    assert load_case(write(tmp_path, BASE)).tracks[0].options == {}


@pytest.mark.parametrize(("entry", "needle", "problem"), [
    ("{path: track.json, icao: 8467d8}", "icao: 8467d8", "unknown key 'icao'; did you mean 'icao24'?"),
    ("{path: track.json, icao24: JAL516}", "icao24: JAL516", "expected 6 hex digits (e.g. 8467d8), got 'JAL516'"),
    ("{path: track.json, tz: Mars/Olympus}", "tz: Mars", "Mars/Olympus"),
    ("{path: track.json, columns: [Alt]}", "columns: [Alt]", "expected a mapping of the file's column names"),
    ("{path: track.json, format: readsb-trace, icao24: 8467d8}", "icao24: 8467d8",
     "format readsb-trace does not take option 'icao24' (it takes no options; icao24 is for: fr24-csv"),
    ("{path: track.json, format: fr24-csv, tz: UTC}", "tz: UTC", "format fr24-csv does not take option 'tz' "
     "(it takes: icao24;"),
    ("{path: track.json, format: fr24csv}", "format: fr24csv", "unknown format 'fr24csv'; did you mean 'fr24-csv'?"),
])
def test_tracks_entry_option_errors(tmp_path: Path, entry: str, needle: str, problem: str) -> None:
    text = BASE.replace("tracks: [track.json]", f"tracks:\n  - {entry}")
    e = error(tmp_path, text)
    assert e.line == line_of(text, needle)
    assert problem in e.problem, e.problem
