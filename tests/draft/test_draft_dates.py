"""Issue 15: hostile dates (publication, page metadata, dates in the text) give a clean case file or a clear
error (exit 1), never an internal error (exit 3); history dates do not stretch the window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.cli.test_cli_basic import run
from tracks.claims.case import load_case
from tracks.drafting import draft
from tracks.drafting.dates import FIRST_DAY, LAST_DAY
from tracks.drafting.reader import MAX_PARAGRAPHS, DraftError, parse_article
from tracks.schema import EARLIEST_TIME, LATEST_TIME

JET = "The presidential jet departed from Caracas on Friday, the first such flight since {}."


def page(published: str) -> str:
    return (f'<html><head><meta property="article:published_time" content="{published}"></head>'
            f"<body><p>{JET.format('12 April 2024')}</p></body></html>")


def draft_cli(tmp_path: Path, name: str, content: str, *args: str) -> tuple[int, str, dict]:
    """`tracks draft` through the command line; exit code, stderr and (exit 0) the case, loaded by load_case."""
    article = tmp_path / name
    article.write_text(content, encoding="utf-8")
    track = tmp_path / "trace.json"
    track.write_text("{}")
    case = tmp_path / "case.yaml"
    r = run("draft", str(article), *args, "--tracks", str(track), "-o", str(case))
    assert r.returncode in (0, 1), r.stderr  # never 3 (internal error)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    if r.returncode:
        assert not case.exists()
        return r.returncode, r.stderr, {}
    loaded = load_case(case)
    assert loaded.window is not None
    return 0, r.stderr, yaml.safe_load(case.read_text(encoding="utf-8"))


def window(doc: dict) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(doc["window"]["start"]), pd.Timestamp(doc["window"]["end"])


@pytest.mark.parametrize("since", ["12 April 1976", "3 March 1899", "12 April 1996", "1 January 2300"])
def test_history_dates_in_the_text_are_kept_but_not_used_for_the_window(tmp_path: Path, since: str) -> None:
    code, _, doc = draft_cli(tmp_path, "a.txt", JET.format(since) + "\n", "--published", "2025-12-01")
    assert code == 0
    start, end = window(doc)
    assert start == pd.Timestamp("2025-11-27T18:00-04:00") and end == pd.Timestamp("2025-11-29T12:00-04:00")
    assert start.utcoffset() == end.utcoffset() == dt.timedelta(hours=-4)  # Caracas in 2025, never LMT
    claim = doc["claims"][0]
    assert since in claim["quote"]
    assert any(r.startswith(f"date {since} is long ") and "not used for the window" in r for r in claim["review"])


@pytest.mark.parametrize("published", ["1970-01-01", "2300-01-01", "9999-12-31", "0001-01-01", "2262-04-11"])
def test_publication_date_outside_the_range_is_a_clear_error(tmp_path: Path, published: str) -> None:
    code, err, _ = draft_cli(tmp_path, "a.txt", JET.format("12 April 1976") + "\n", "--published", published)
    assert code == 1
    assert f"publication date '{published}' is outside {FIRST_DAY}..{LAST_DAY}" in err
    assert f"{EARLIEST_TIME:%Y-%m-%d}..{LATEST_TIME:%Y-%m-%d}" in err


@pytest.mark.parametrize("published", ["1970-01-01", "2300-01-01T10:00:00Z", "9999-12-31"])
def test_page_date_outside_the_range(tmp_path: Path, published: str) -> None:
    code, err, _ = draft_cli(tmp_path, "a.html", page(published))
    assert code == 1 and f"the page's publication date '{published}' is outside" in err and "--published" in err
    code, _, doc = draft_cli(tmp_path, "a.html", page(published), "--published", "2025-12-01")
    assert code == 0 and doc["article"]["published"] == "2025-12-01"  # the page's date set aside, and said so
    text = (tmp_path / "case.yaml").read_text(encoding="utf-8")
    assert f"article:  # REVIEW: the page's date '{published}' is outside" in text and "used instead" in text


def test_range_edges_draft_cases_the_parser_accepts() -> None:
    for day in (FIRST_DAY, LAST_DAY):
        d = draft("The jet took off from Caracas yesterday at 00:05 UTC and landed in Bogota at 23:55 UTC. "
                  "Colombian airspace was closed last week.", published=day)
        assert d.published == day  # draft() validates the YAML with the case parser
    with pytest.raises(DraftError, match="outside"):
        draft("The jet departed from Caracas.", published=FIRST_DAY - dt.timedelta(days=1))


def test_event_times_on_a_daylight_saving_change_cover_both_clocks() -> None:
    for day, clock, lo, hi in (("9 March 2025", "02:30", "06:20", "07:40"),  # skipped hour
                               ("2 November 2025", "01:30", "05:20", "06:40")):  # repeated hour
        d = draft(f"On {day} the jet departed from New York. It landed in New York at {clock} local time.",
                  published="2025-11-10")
        test = next(c.proposal for c in d.claims if c.predicate == "event_time_within")
        assert (test.params["start"][-6:], test.params["end"][-6:]) == (f"{lo}Z", f"{hi}Z")
        assert any("daylight-saving change" in r for r in test.review)


def test_window_and_dates_across_a_midnight_clock_change() -> None:
    d = draft("On 7 September 2025 the jet departed from Santiago.", published="2025-09-10")  # no 00:00 that day
    assert "start: 2025-09-06T18:00-04:00" in d.yaml and "end: 2025-09-08T12:00-03:00" in d.yaml
    d = draft("On 29 February the jet departed from Caracas.", published="2024-03-10")
    assert "start: 2024-02-28T18:00-04:00" in d.yaml


def test_too_many_paragraphs_names_the_paragraph_limit() -> None:
    with pytest.raises(DraftError, match=f"{MAX_PARAGRAPHS:,} paragraphs or more") as e:
        parse_article("The jet departed from Caracas.\n\n" * (MAX_PARAGRAPHS + 10))
    assert "characters" not in str(e.value)
