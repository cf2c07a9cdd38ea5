"""Sentences with their positions, and the article's language.

Sentences come from pysbd (rule-based, offline), one paragraph at a time; pysbd has English and Spanish
rules but none for Portuguese, which is segmented with the Spanish ones (the same abbreviations matter: "Sr.",
"Dr.", "EUA." does not end a sentence either way), with character offsets into the paragraph: `paragraph.text[start:end] == sentence.text` always holds.
The language is the one whose common words are most frequent in the text (a vote over three fixed word lists),
unless the page declares one of the three or the caller gives it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from tracks.drafting.reader import ArticleText

#: Languages `tracks draft` reads.
LANGUAGES = ("en", "es", "pt")

_COMMON = {
    "en": "the of and to in was that with for on from by at it is as were had has after",
    "es": "el la los las del y que en por con para una fue según tras desde al se sus pero",
    "pt": "o a os as do da dos das e que em no na com para um uma foi segundo após pelo pela não",
}
_PYSBD = {"pt": "es"}  # pysbd has no Portuguese rules
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Sentence:
    """One sentence: paragraph number (from 1), offsets in the paragraph's text, and the text itself."""

    paragraph: int
    start: int
    end: int
    text: str
    index: int  # position in the article, from 0


def detect_language(text: str) -> str:
    """'en', 'es' or 'pt': the language whose common words are most frequent in `text` (English on a tie)."""
    words = Counter(w.lower() for w in _WORD.findall(text[:50_000]))
    scores = {lang: sum(words[w] for w in set(common.split())) for lang, common in _COMMON.items()}
    return max(LANGUAGES, key=lambda lang: (scores[lang], lang == "en"))


@cache
def _segmenter(language: str) -> object:
    import pysbd

    return pysbd.Segmenter(language=_PYSBD.get(language, language), clean=False, char_span=True)


def sentences(article: ArticleText, language: str) -> list[Sentence]:
    """Every sentence of the article, in order, located in its paragraph."""
    seg = _segmenter(language)
    out: list[Sentence] = []
    for p in article.paragraphs:
        pos = 0
        for span in seg.segment(p.text):  # type: ignore[attr-defined]
            piece = span.sent.strip()
            if not piece:
                continue
            start = p.text.find(piece, pos)
            if start < 0:  # pysbd changed the text (it should not with clean=False): fall back to its span
                start, piece = span.start, p.text[span.start:span.end].strip()
            end = start + len(piece)
            pos = end
            out.append(Sentence(p.number, start, end, piece, len(out)))
    return out
