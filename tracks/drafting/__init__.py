"""`tracks.draft(text, published=...)` / `tracks draft ARTICLE`: from a news article to a case file of draft claims.

Flow: read the article (reader: text, Markdown, HTML -> numbered paragraphs and page metadata) -> language
(text) -> sentences with positions (pysbd) -> per sentence, the tests its words call for (rules: places via
places, dates and times via dates, words via lexicon) -> ids, links, sequences, aircraft (identity), timezone,
window (assemble) -> YAML, validated by the case parser. Every claim is `draft: true`; see docs/draft.md.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tracks.drafting.assemble import (
    TRACK_PLACEHOLDER,
    Assembled,
    DraftClaim,
    assign,
    fit_clock_changes,
    render,
    timezone_of,
    window_of,
)
from tracks.drafting.dates import usable_dates
from tracks.drafting.identity import Identity, find_identity
from tracks.drafting.reader import ArticleText, DraftError, parse_article, read_article
from tracks.drafting.rules import Context, Proposal, Unmapped, propose
from tracks.drafting.text import LANGUAGES, detect_language, sentences
from tracks.errors import CaseFileError

#: Most claims drafted from one article; more means the input is not one article.
MAX_CLAIMS = 300

__all__ = ["LANGUAGES", "Draft", "DraftClaim", "DraftError", "draft", "draft_file"]


@dataclass(frozen=True)
class Draft:
    """A drafted case: the YAML text and what it was made from."""

    yaml: str
    claims: tuple[DraftClaim, ...]
    unmapped: tuple[Unmapped, ...]
    article: ArticleText
    language: str
    published: dt.date
    identity: Identity

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the case file (UTF-8) whole or not at all (a temporary file renamed into place); its path."""
        p = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.resolve().parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.yaml)
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return p


def _published(value: str | dt.date | None, article: ArticleText) -> tuple[dt.date, str]:
    """The publication date (`value`, else the page's) and, when `value` sets aside a page date that is not one
    tracks draft handles, a note saying so. DraftError naming the value and the range when the date used is not
    a date in FIRST_DAY..LAST_DAY."""
    if value is None or value == "":
        if not article.published:
            raise DraftError(f"{article.name}: no publication date; give it (--published 2025-12-01): relative "
                             "dates such as 'last week' are resolved from it")
        return _day(article.published, f"{article.name}: the page's publication date",
                    "; give the article's date (--published YYYY-MM-DD)"), ""
    if isinstance(value, str):
        day = _day(value, f"{article.name}: publication date", "")
    else:
        day = value.date() if isinstance(value, dt.datetime) else value
        _day(day.isoformat(), f"{article.name}: publication date", "")
    note = ""
    if article.published:
        try:
            _day(article.published, "the page's date", "")
        except DraftError as e:
            note = f"{e}; the date given ({day}) is used instead"
    return day, note


def _day(text: str, what: str, hint: str) -> dt.date:
    """`text` (ISO 8601 date or time) as a date in FIRST_DAY..LAST_DAY; DraftError '<what> <text> is ...' else."""
    import pandas as pd

    from tracks.drafting.dates import DAYS_HANDLED, FIRST_DAY, LAST_DAY

    try:
        ts = pd.Timestamp(str(text).strip())
    except (ValueError, TypeError, OverflowError):
        ts = pd.NaT
    if pd.isna(ts):
        raise DraftError(f"{what} {text!r} is not a date (expected YYYY-MM-DD){hint}")
    day = ts.date()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DraftError(f"{what} {text!r} is outside {DAYS_HANDLED}{hint}")
    return day


def draft(text: str | bytes | ArticleText, *, published: str | dt.date | None = None, aircraft: str = "",
          language: str | None = None, kind: str | None = None, name: str = "<text>",
          tracks: list[str] | tuple[str, ...] = ()) -> Draft:
    """Draft a case file from an article's text (plain text, Markdown or HTML; English, Spanish or Portuguese).

    `published` (YYYY-MM-DD, else the page's date) resolves relative dates; `aircraft` (hex or registration)
    is put first in the aircraft block; `tracks` are written as the case's track files (paths as they should
    appear in the case file). DraftError when the article cannot be read or holds no checkable claim.
    """
    article = text if isinstance(text, ArticleText) else parse_article(text, kind=kind, name=name)
    if language is not None and language not in LANGUAGES:
        raise DraftError(f"{article.name}: language {language!r} is not one tracks draft reads "
                         f"({', '.join(LANGUAGES)})")
    lang = language or (article.language if article.language in LANGUAGES else detect_language(article.text))
    day, page_note = _published(published, article)
    if page_note:  # the case file's article block gets the date used, and says why
        article = replace(article, published="")
    ctx = Context(lang, day)
    proposals: list[Proposal] = []
    unmapped: list[Unmapped] = []
    claim_dates: list[Any] = []
    set_aside: list[str] = []  # notes on the dates of claim sentences that the window does not use
    for s in sentences(article, lang):
        carried = ctx.last_date
        props, skipped = propose(s, ctx)
        proposals += props
        unmapped += skipped
        if props:
            own, notes = usable_dates(s.text, lang, day)
            claim_dates += own or ([carried] if carried is not None else [])
            set_aside += notes
    if len(proposals) > MAX_CLAIMS:
        raise DraftError(f"{article.name}: {len(proposals)} claims is more than one article makes (at most "
                         f"{MAX_CLAIMS}); give the article alone")
    if not proposals:
        why = f"; {len(unmapped)} sentence(s) about a flight had no test" if unmapped else ""
        why += (f"; {len(article.code_blocks)} Markdown code block(s) not read as prose" if article.code_blocks
                else "")
        raise DraftError(f"{article.name}: no checkable claim about a flight found ({len(article.paragraphs)} "
                         f"paragraph(s) read as {lang}{why}); write the case by hand (docs/case-format.md)")
    claims = assign(proposals)
    tz, tz_notes = timezone_of(proposals, day)
    fit_clock_changes(proposals, tz)
    window, window_notes = window_of(proposals, claim_dates, day, tz, set_aside)
    ident = find_identity([(p.number, p.text) for p in article.paragraphs],
                          [*ctx.countries, *(p.place.country for p in proposals if p.place)], aircraft)
    asm = Assembled(claims, unmapped, tz, window, {"timezone": tz_notes, "window": window_notes,
                                                    "article": [page_note] if page_note else []})
    text_out = render(article, lang, day, ident, asm, list(tracks))
    _validate(text_out, article.name)
    return Draft(text_out, tuple(claims), tuple(unmapped), article, lang, day, ident)


def draft_file(path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None = None,
               tracks: list[str] | tuple[str, ...] = (), **options: Any) -> Draft:
    """Draft from an article file; `tracks` are paths as given on the command line, written relative to
    `output` (the case file's folder) when it is given."""
    article = read_article(path, kind=options.pop("kind", None))
    rel = [_relative(t, output) for t in tracks]
    return draft(article, tracks=rel, **options)


def _relative(track: str, output: str | os.PathLike[str] | None) -> str:
    if output is None:
        return str(track)
    base = Path(output).resolve().parent
    try:
        return os.path.relpath(Path(track).resolve(), base).replace(os.sep, "/")
    except ValueError:
        return str(Path(track).resolve())


def _validate(text: str, name: str) -> None:
    """Parse the drafted YAML with the case parser (track paths swapped for an existing empty file)."""
    from tracks.claims.case import parse_case

    with tempfile.TemporaryDirectory() as tmp:
        stub = Path(tmp) / TRACK_PLACEHOLDER
        stub.write_text("{}")
        lines = [f"tracks: [{stub.name}]" if ln.startswith("tracks:") else ln for ln in text.split("\n")]
        try:
            parse_case("\n".join(lines), str(Path(tmp) / "case.yaml"))
        except CaseFileError as e:  # a bug in the drafting: say so, with the article's name
            raise RuntimeError(f"tracks draft wrote a case file the checker refuses for {name}: {e}") from e
