"""`tracks draft` on sentences an acceptance reviewer found it missed: a place named after a clock time, an airport
named by its ICAO or IATA code, and Markdown code blocks (not the article's prose)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cli.test_cli_basic import run
from tests.draft.test_draft import assert_valid, by_predicate, claims
from tracks.drafting import DraftError, draft

PUBLISHED = "2025-12-05"


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "The jet landed around 21:10 local time at Santa Elena de Uairén."),
    ("es", "El avión aterrizó alrededor de las 21:10 hora local en Santa Elena de Uairén."),
    ("pt", "O avião pousou por volta das 21h10, horário local, em Santa Elena de Uairén."),
])
def test_a_place_after_a_clock_time_is_the_landing_place(lang: str, sentence: str, tmp_path: Path) -> None:
    """The ':' of '21:10' used to end the verb's reach for its place: no landed_at, and a time without a zone."""
    d = draft(sentence, published=PUBLISHED, language=lang)
    assert_valid(d, tmp_path)
    [landed] = by_predicate(d, "landed_at")
    assert landed["test"]["landed_at"]["airports"] == ["SVSE"]
    assert "Santa Elena de Uairén" in landed["why"]
    [when] = by_predicate(d, "event_time_within")
    window = when["test"]["event_time_within"]
    assert window["airports"] == ["SVSE"]
    assert window["start"] == {"local": "2025-12-05 20:40", "tz": "America/Caracas"}
    assert yaml.safe_load(d.yaml)["timezone"] == "America/Caracas"
    assert "Not drafted" not in d.yaml


def test_a_clock_time_does_not_carry_the_reach_past_the_sentence_mark() -> None:
    """A '.' or ':' that is not inside a number still ends the place's reach."""
    d = draft("The jet landed shortly after 21:10. Reporters at Caracas saw it.", published=PUBLISHED,
              language="en")
    assert not by_predicate(d, "landed_at")


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "The jet landed at SVMI on 3 December."),
    ("es", "El avión aterrizó en SVMI el 3 de diciembre."),
    ("pt", "O avião pousou em SVMI no dia 3 de dezembro."),
])
def test_an_icao_code_in_the_text_is_the_airport(lang: str, sentence: str, tmp_path: Path) -> None:
    d = draft(sentence, published=PUBLISHED, language=lang)
    assert_valid(d, tmp_path)
    [landed] = by_predicate(d, "landed_at")
    assert landed["test"]["landed_at"]["airports"] == ["SVMI"]
    assert "'SVMI' -> ICAO code of Maiquetia" in landed["why"]  # the words that led to it
    assert "review" not in landed
    assert yaml.safe_load(d.yaml)["timezone"] == "America/Caracas"


def test_an_iata_code_is_the_airport_with_a_review_note(tmp_path: Path) -> None:
    d = draft("The jet departed from CCS and landed at SVSE on 3 December.", published=PUBLISHED,
              language="en")
    assert_valid(d, tmp_path)
    [dep] = by_predicate(d, "departed_from")
    assert dep["test"]["departed_from"]["airports"] == ["SVMI"]
    assert "'CCS' -> IATA code of Maiquetia" in dep["why"]
    assert any("IATA code" in r for r in dep["review"])
    [landed] = by_predicate(d, "landed_at")
    assert landed["test"]["landed_at"]["airports"] == ["SVSE"]


@pytest.mark.parametrize("sentence", [
    "The jet landed at ZZZZ on 3 December.",  # four capitals that are no ICAO code
    "The jet landed at NASA on 3 December.",
    "The jet landed in USA on 3 December.",   # a country's alpha-3 code (also an IATA code in North Carolina)
])
def test_capitals_that_are_no_airport_code_are_never_placed(sentence: str) -> None:
    with pytest.raises(DraftError, match="no checkable claim"):
        draft(sentence, published=PUBLISHED, language="en")


ARTICLE_WITH_CODE = """# Jet lands in Caracas

The jet landed at Caracas on 3 December.

```
The jet landed at Bogotá on 3 December.
```

    The jet landed at Lima on 3 December.

It stayed about 40 minutes on the ground, the `flight` log shows.
"""


def test_markdown_code_blocks_are_not_drafted_and_are_named(tmp_path: Path) -> None:
    d = draft(ARTICLE_WITH_CODE, published=PUBLISHED)
    assert d.article.kind == "markdown"
    assert_valid(d, tmp_path)
    assert [c["test"] for c in claims(d).values()] == [
        {"landed_at": {"airports": ["SVMI", "SVFM"]}},
        {"visited": {"airports": ["SVMI", "SVFM"], "ground_time": {"at_least": "30 min", "at_most": "50 min"}}}]
    assert [p.text for p in d.article.paragraphs] == [
        "Jet lands in Caracas", "The jet landed at Caracas on 3 December.",
        "It stayed about 40 minutes on the ground, the flight log shows."]  # inline code stays prose
    assert "# - lines 5-7: 'The jet landed at Bogotá on 3 December.'" in d.yaml  # nothing silently dropped
    assert "# - line 9: 'The jet landed at Lima on 3 December.'" in d.yaml


def test_plain_text_with_a_closed_fence_is_markdown() -> None:
    d = draft("The jet landed at Caracas on 3 December.\n\n```\nThe jet landed at Bogotá on 3 December.\n```\n",
              published=PUBLISHED)
    assert d.article.kind == "markdown"
    assert [p.text for p in d.article.paragraphs] == ["The jet landed at Caracas on 3 December."]
    assert [c["id"] for c in claims(d).values()] == ["landed-caracas"]


def test_an_unclosed_fence_loses_no_paragraph() -> None:
    """CommonMark makes everything after a fence that is never closed code: a stray ``` is read as text."""
    d = draft("# Jet\n\n```\nThe jet landed at Caracas on 3 December.\n\nIt stayed about 40 minutes on the ground.\n",
              published=PUBLISHED)
    assert d.article.code_blocks == ()
    assert [next(iter(c["test"])) for c in claims(d).values()] == ["landed_at", "visited"]


def test_an_article_that_is_all_code_names_its_code_blocks() -> None:
    with pytest.raises(DraftError, match=r"1 Markdown code block\(s\) not read as prose"):
        draft("# Jet\n\n```\nThe jet landed at Caracas on 3 December.\n```\n", published=PUBLISHED)


def test_cli_draft_of_a_markdown_file_skips_its_code(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text(ARTICLE_WITH_CODE, encoding="utf-8")
    out = tmp_path / "case.yaml"
    r = run("draft", str(article), "--published", PUBLISHED, "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "Bogotá" not in yaml.safe_load(text)["claims"].__repr__()
    assert "'The jet landed at Lima on 3 December.'" in text


def test_many_code_blocks_are_counted_not_all_listed() -> None:
    blocks = "".join(f"```\nThe jet landed at Bogotá, block {i}.\n```\n\n" for i in range(60))
    d = draft(f"# Jet\n\nThe jet landed at Caracas on 3 December.\n\n{blocks}", published=PUBLISHED)
    assert len(d.article.code_blocks) == 60
    assert d.yaml.count("# - lines ") == 50 and "# - and 10 more" in d.yaml
    assert [c["id"] for c in claims(d).values()] == ["landed-caracas"]


@pytest.mark.parametrize(("source", "paragraphs", "code"), [
    ("```\nA\n```\n```\nB\n\nC", ["``` B", "C"], ["lines 3-5: 'A'"]),  # the second fence is never closed
    ("````\nA\n```\nB\n````\n\nD", ["D"], ["lines 3-7: 'A ``` B'"]),  # a shorter fence does not close a longer
    ("~~~\nA\n```\n\nD", ["~~~ A ```", "D"], []),  # nor one of the other character
    ("> ```\n> quoted code\n> ```\n\nE", ["E"], ["lines 3-5: 'quoted code'"]),
])
def test_fences_are_paired_as_commonmark_pairs_them(source: str, paragraphs: list[str], code: list[str]) -> None:
    from tracks.drafting.reader import parse_article

    a = parse_article(f"# T\n\n{source}")
    assert [p.text for p in a.paragraphs][1:] == paragraphs
    assert list(a.code_blocks) == code
