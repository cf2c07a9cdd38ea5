"""Reading articles: paragraphs and positions from text, Markdown and HTML; page metadata; hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracks.drafting.reader import MAX_BYTES, DraftError, parse_article, read_article
from tracks.drafting.text import detect_language, sentences

ARTICLES = Path(__file__).parent / "articles"


def test_plain_text_without_blank_lines_has_one_paragraph_per_line() -> None:
    a = parse_article("First line here.\nSecond line, also a paragraph.\n")
    assert [p.text for p in a.paragraphs] == ["First line here.", "Second line, also a paragraph."]
    assert [p.number for p in a.paragraphs] == [1, 2]


def test_plain_text_blocks_are_joined_lines() -> None:
    a = parse_article("Title\n\nA wrapped\nparagraph.\n\n\nAnother one.")
    assert [p.text for p in a.paragraphs] == ["Title", "A wrapped paragraph.", "Another one."]
    assert a.kind == "text"


def test_markdown_is_rendered_and_its_title_kept() -> None:
    a = read_article(ARTICLES / "en_01_b1_los_testigos.md")
    assert a.kind == "markdown"
    assert a.title == "B-1 bombers skirt Venezuela's Los Testigos islands, flight data shows"
    assert a.paragraphs[1].text == "By our OSINT desk — 24 October 2025"  # emphasis markers gone
    md = parse_article("# Head\n\nThe [jet](https://example.org) landed in *Caracas*.\n\n<script>x()</script>",
                       kind="markdown")
    assert md.paragraphs[1].text == "The jet landed in Caracas."
    assert "<script>x()</script>" in md.paragraphs[2].text  # raw HTML in Markdown stays visible text


def test_html_drops_scripts_and_navigation_and_reads_metadata() -> None:
    a = read_article(ARTICLES / "en_02_yv2984_santa_elena.html")
    text = a.text
    assert "Miami" not in text and "dataLayer" not in text and "Subscribe" not in text and "Home" not in text
    assert a.paragraphs[0].text == "Venezuelan government jet lands near Brazilian border"
    assert a.title == "Venezuelan government jet lands near Brazilian border"
    assert a.publisher == "The Example Courier"
    assert a.url == "https://courier.example.com/world/2025/11/29/venezuela-jet-border"
    assert a.published == "2025-11-29T14:05:00Z"
    assert a.language == "en"


def test_invisible_and_control_characters_are_removed_once() -> None:
    a = parse_article("The jet\u200b landed\u202e in\u0007 Caracas\u00a0 at 21:10.\ufeff")
    assert a.paragraphs[0].text == "The jet landed in Caracas at 21:10."


@pytest.mark.parametrize(("name", "data", "message"), [
    ("a.txt", b"\x00\x01\x02binary", "binary data"),
    ("a.txt", b"caf\xe9 au lait", "is not UTF-8"),
    ("a.txt", b"   \n\n  ", "no text found"),
    ("a.html", b"<html><body><script>only()</script></body></html>", "no text found"),
])
def test_unreadable_input_is_a_clear_error(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(DraftError) as info:
        read_article(p)
    assert str(p) in str(info.value) and message in str(info.value)


def test_html_in_a_declared_charset_is_decoded() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Aterrizó en Caracas.</p></body></html>'
    a = parse_article(page.encode("cp1252"), kind="html")
    assert a.paragraphs[0].text == "Aterrizó en Caracas."


def test_enormous_inputs_are_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(DraftError, match="too large"):
        read_article(big)
    with pytest.raises(DraftError, match="more than one article"):
        parse_article("The jet departed from Caracas. " * 20_000)


def test_deeply_nested_markup_reads_or_fails_cleanly() -> None:
    page = "<html><body>" + "<div>" * 20_000 + "<p>The jet landed in Caracas.</p>" + "</div>" * 20_000
    try:
        a = parse_article(page, kind="html")
    except DraftError as e:
        assert "nested too deeply" in str(e)
    else:
        assert a.paragraphs[0].text == "The jet landed in Caracas."


def test_sentences_are_located_exactly_in_their_paragraph() -> None:
    for path in sorted(ARTICLES.glob("*.*")):
        if path.suffix in (".yaml",) or path.name == "PROVENANCE.md":
            continue
        a = read_article(path)
        lang = detect_language(a.text)
        assert lang == path.name.removeprefix("h2_").removeprefix("h_")[:2]
        texts = {p.number: p.text for p in a.paragraphs}
        for s in sentences(a, lang):
            assert texts[s.paragraph][s.start:s.end] == s.text
