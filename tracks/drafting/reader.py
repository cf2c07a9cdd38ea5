"""Reading an article: plain text, Markdown or a saved HTML page -> numbered paragraphs and the page's metadata.

The article's text as read here is what drafted claims quote: paragraph N (from 1) and character offsets in it.
- Plain text: paragraphs are blocks separated by blank lines, the lines of a block joined by one space; a text
  with no blank line between its lines (one paragraph per line, as pasted from many sites) has one paragraph
  per line.
- Markdown: rendered by markdown-it-py, then read as HTML; its code blocks are not prose: left out and listed in
  ArticleText.code_blocks (a plain text with a closed ``` fence is Markdown).
- HTML: parsed by BeautifulSoup (Python's own html.parser: no network, no scripts run). <script>, <style>,
  <template>, <noscript>, <iframe>, <svg>, <nav>, <footer>, <aside> and <form> are dropped; the paragraphs
  are the page's <p>, <h1>-<h6>, <li>, <blockquote> and <pre> blocks, inside <article> (or <main>) when the
  page has one. Title, publisher, URL and date come from <title> / Open Graph / article: / JSON-LD tags.

Every text is normalised once (Unicode NFC; control characters, zero-width and bidirectional formatting
characters removed; runs of spaces and tabs collapsed to one space), so that offsets count what a reader sees.
Inputs larger than MAX_BYTES, binary files and undecodable bytes are refused with a DraftError.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from tracks.errors import TracksError

#: Largest article accepted, in bytes (a long news page is ~0.5 MB of HTML; a book is not an article).
MAX_BYTES = 5_000_000
#: Most characters of text (after markup is removed) in one article; a longer text is refused.
MAX_TEXT_CHARS = 300_000
#: Most paragraphs kept (a page with more is not one article).
MAX_PARAGRAPHS = 2_000
#: Longest paragraph kept whole, in characters; longer ones are cut at a sentence end near this length.
MAX_PARAGRAPH_CHARS = 20_000
KINDS = ("text", "markdown", "html")

_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_DROP_TAGS = ("script", "style", "template", "noscript", "iframe", "svg", "nav", "footer", "aside", "form",
              "button", "select", "object", "embed", "head")
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")


class DraftError(TracksError, ValueError):
    """An article that cannot be read: names the file and what was expected."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the article's text; `number` counts from 1."""

    number: int
    text: str


@dataclass(frozen=True)
class ArticleText:
    """An article as `tracks draft` reads it: paragraphs plus what the page says about itself ('' if absent)."""

    paragraphs: tuple[Paragraph, ...]
    kind: str  # one of KINDS
    name: str = "<text>"  # the file it came from
    title: str = ""
    publisher: str = ""
    url: str = ""
    published: str = ""  # as the page gives it (ISO 8601 date or time)
    language: str = ""  # as the page declares it (<html lang>), e.g. "es"; "" when it does not
    code_blocks: tuple[str, ...] = ()  # Markdown code blocks not read as prose: "lines 5-7: 'first words'"

    @property
    def text(self) -> str:
        """The paragraphs joined by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs)


def clean_text(text: str) -> str:
    """NFC, invisible characters removed, horizontal whitespace runs made one space, lines stripped."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def read_article(path: str | Path, kind: str | None = None) -> ArticleText:
    """Read an article file (kind from `kind`, else the suffix, else the content); DraftError when it cannot."""
    p = Path(path)
    name = str(p)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise DraftError(f"{name}: {size:,} bytes is too large for an article (at most {MAX_BYTES:,}); "
                             "save the article's page or text alone")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DraftError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise DraftError(f"{name}: is a folder; give the article's file") from None
    except OSError as e:
        raise DraftError(f"{name}: cannot read the file ({e.strerror or e})") from None
    if kind is None:
        suffix = p.suffix.lower()
        kind = {".html": "html", ".htm": "html", ".xhtml": "html", ".md": "markdown", ".markdown": "markdown",
                ".txt": "text"}.get(suffix)
    return parse_article(raw, kind=kind, name=name)


def parse_article(data: str | bytes, *, kind: str | None = None, name: str = "<text>") -> ArticleText:
    """Read an article from text or bytes (UTF-8; HTML may declare another charset)."""
    if kind is not None and kind not in KINDS:
        raise DraftError(f"{name}: unknown article kind {kind!r} (expected one of {', '.join(KINDS)})")
    if len(data) > MAX_BYTES:
        raise DraftError(f"{name}: {len(data):,} characters is too large for an article (at most {MAX_BYTES:,})")
    if isinstance(data, bytes):
        if b"\x00" in data[:8192]:
            raise DraftError(f"{name}: binary data, not an article (expected plain text, Markdown or HTML)")
        text = _decode(data, name, html=kind == "html" or (kind is None and _looks_html(data[:4096].decode(
            "latin-1"))))
    else:
        text = data
    if "\x00" in text:
        raise DraftError(f"{name}: contains NUL characters; not an article (expected plain text, Markdown or HTML)")
    if kind is None:
        kind = "html" if _looks_html(text[:4096]) else "markdown" if _looks_markdown(text) else "text"
    try:
        if kind == "html":
            article = _from_html(text, name, "html")
        elif kind == "markdown":
            article = _from_markdown(text, name)
        else:
            article = None
    except RecursionError:
        raise DraftError(f"{name}: markup nested too deeply to read (expected an article's page)") from None
    if article is None:
        article = ArticleText(_numbered(_text_paragraphs(clean_text(text))), "text", name)
    if not article.paragraphs:
        raise DraftError(f"{name}: no text found (expected an article in plain text, Markdown or HTML)")
    size = sum(len(p.text) for p in article.paragraphs)
    if size > MAX_TEXT_CHARS:
        raise DraftError(f"{name}: {size:,} characters of text is more than one article (at most "
                         f"{MAX_TEXT_CHARS:,}); give the article alone")
    if len(article.paragraphs) >= MAX_PARAGRAPHS:  # _numbered keeps MAX_PARAGRAPHS: reaching it means more
        raise DraftError(f"{name}: {MAX_PARAGRAPHS:,} paragraphs or more is more than one article (fewer than "
                         f"{MAX_PARAGRAPHS:,}); give the article alone")
    return article


def _decode(raw: bytes, name: str, html: bool) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        if html:
            from bs4 import UnicodeDammit

            dammit = UnicodeDammit(raw, is_html=True)
            if dammit.unicode_markup is not None and dammit.declared_html_encoding:
                return dammit.unicode_markup
        raise DraftError(f"{name}: byte {e.start} is not UTF-8 (expected UTF-8 text, or an HTML page that declares "
                         "its charset); convert the file to UTF-8") from None


def _looks_html(head: str) -> bool:
    return bool(re.search(r"<!doctype html|<html[\s>]|<body[\s>]|<p[\s>]|<article[\s>]", head, re.IGNORECASE))


def _looks_markdown(text: str) -> bool:
    head = text[:20_000]
    return bool(re.search(r"^#{1,6} \S|\[[^\]\n]+\]\([^)\s]+\)|^\s*[*-] \S.*\n\s*[*-] \S|"
                          r"^ {0,3}(`{3,}|~{3,})[^\n]*\n(?:.*\n)*? {0,3}\1\s*$", head, re.MULTILINE))


def _text_paragraphs(text: str) -> list[str]:
    lines = text.split("\n")
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    if len(blocks) == 1 and len(blocks[0]) > 1:  # no blank lines at all: one paragraph per line
        return blocks[0]
    return [" ".join(b) for b in blocks]


def _numbered(texts: list[str]) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    for t in texts:
        t = t.strip()
        if not t:
            continue
        while len(t) > MAX_PARAGRAPH_CHARS:  # cut at the last sentence end before the limit (or at the limit)
            cut = max(t.rfind(". ", 0, MAX_PARAGRAPH_CHARS), t.rfind("\n", 0, MAX_PARAGRAPH_CHARS))
            cut = cut + 1 if cut > MAX_PARAGRAPH_CHARS // 2 else MAX_PARAGRAPH_CHARS
            out.append(Paragraph(len(out) + 1, t[:cut].strip()))
            t = t[cut:].strip()
        if len(out) >= MAX_PARAGRAPHS:
            break
        out.append(Paragraph(len(out) + 1, t))
    return tuple(out[:MAX_PARAGRAPHS])


def _from_markdown(text: str, name: str) -> ArticleText:
    """Markdown rendered to HTML and read as a page, less its code blocks (``` or ~~~ fenced, or indented by 4
    spaces): code is not the article's prose. They are listed in `code_blocks` so that the draft names them. A
    fence that is never closed is read as text (CommonMark would make the rest of the article code)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})  # raw HTML in Markdown stays text, never markup
    lines = _escape_stray_fences(text.split("\n"))
    for _ in range(3):  # a fence the scan paired but markdown-it left open (inside a container): escape, parse again
        tokens = md.parse("\n".join(lines))
        stray = next((t for t in tokens if t.type == "fence" and t.map and not _closes(lines, t)), None)
        if stray is None:
            break
        escaped = re.sub(r"^([\s>]*)([`~])", r"\1\\\2", lines[stray.map[0]])
        if escaped == lines[stray.map[0]]:  # a fence opened inside a list item: left as code (and listed)
            break
        lines[stray.map[0]] = escaped
    code = [t for t in tokens if t.type in ("fence", "code_block")]
    kept = [t for t in tokens if t.type not in ("fence", "code_block")]
    html = md.renderer.render(kept, md.options, {})
    article = _from_html(html, name, "markdown")
    return replace(article, code_blocks=tuple(_code_label(t.map, t.content) for t in code))


_FENCE_OPEN = re.compile(r"^([\s>]*)(?:(`{3,})[^`]*|(~{3,}).*)$")
_FENCE_CLOSE = re.compile(r"^[\s>]*(`{3,}|~{3,})\s*$")


def _escape_stray_fences(lines: list[str]) -> list[str]:
    """The lines with every fence that no later line can close (a stray ```) escaped ('\\```'), so that it reads as
    text and does not make the rest of the article code. One pass: a closing line is found by its character and
    length, and the longest closer still ahead of each line is known in advance."""
    n = len(lines)
    ahead = {"`": [0] * (n + 1), "~": [0] * (n + 1)}  # longest closing fence of each kind at or after line i
    for i in range(n - 1, -1, -1):
        for ch in ahead:
            ahead[ch][i] = ahead[ch][i + 1]
        m = _FENCE_CLOSE.match(lines[i])
        if m:
            ch = m.group(1)[0]
            ahead[ch][i] = max(ahead[ch][i], len(m.group(1)))
    out = list(lines)
    i = 0
    while i < n:
        m = _FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        marker = m.group(2) or m.group(3)
        if ahead[marker[0]][i + 1] < len(marker):
            out[i] = m.group(1) + "\\" + lines[i][len(m.group(1)):]
            i += 1
            continue
        i += 1
        while i < n and not ((c := _FENCE_CLOSE.match(lines[i])) and c.group(1)[0] == marker[0]
                             and len(c.group(1)) >= len(marker)):
            i += 1
        i += 1
    return out


def _closes(lines: list[str], fence: object) -> bool:
    """Whether a fenced code block's last line is its closing fence (else it ran to the end of the text)."""
    first, end = fence.map  # type: ignore[attr-defined]
    last = re.sub(r"^[\s>]*", "", lines[end - 1]).strip() if first < end - 1 < len(lines) else ""
    marker = fence.markup  # type: ignore[attr-defined]
    return bool(last) and set(last) == {marker[0]} and len(last) >= len(marker)


def _code_label(span: list[int] | None, content: str) -> str:
    """'lines 5-7: "The jet ..."': where a skipped code block is in the source (lines from 1) and how it begins."""
    where = ("a code block" if not span else f"line {span[1]}" if span[1] - span[0] == 1 else
             f"lines {span[0] + 1}-{span[1]}")
    words = clean_text(content).replace("\n", " ").strip()
    return f"{where}: " + (repr(words[:80] + (" ..." if len(words) > 80 else "")) if words else "(empty)")


def _from_html(text: str, name: str, kind: str) -> ArticleText:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    meta = _metadata(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for br in soup.find_all("br"):  # a line break inside a paragraph reads as a space; inline tags as nothing
        br.replace_with(" ")
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = [el for el in root.find_all(_BLOCK_TAGS) if not el.find(_BLOCK_TAGS)]
    texts = [clean_text(el.get_text("")).replace("\n", " ") for el in blocks]
    if not any(texts):  # no paragraph markup: the visible text, one paragraph per line
        texts = _text_paragraphs(clean_text(root.get_text("\n")))
    if kind == "markdown" and not meta["title"]:
        h1 = soup.find("h1")
        meta["title"] = clean_text(h1.get_text(" ")) if h1 else ""
    return ArticleText(_numbered([_SPACES.sub(" ", t) for t in texts]), kind, name, **meta)


def _metadata(soup: object) -> dict[str, str]:
    """title, publisher, url, published and language from the page's head (empty when absent)."""
    def meta(*keys: str) -> str:
        for key in keys:
            for attr in ("property", "name", "itemprop"):
                tag = soup.find("meta", attrs={attr: key})  # type: ignore[attr-defined]
                if tag is not None and tag.get("content"):
                    return clean_text(str(tag["content"])).replace("\n", " ")[:500]
        return ""

    ld = _json_ld(soup)
    title = meta("og:title", "twitter:title", "headline")
    if not title and soup.title is not None:  # type: ignore[attr-defined]
        title = clean_text(soup.title.get_text(" ")).replace("\n", " ")[:500]  # type: ignore[attr-defined]
    title = title or str(ld.get("headline", ""))[:500]
    publisher = meta("og:site_name", "publisher", "application-name")
    pub = ld.get("publisher")
    if not publisher and isinstance(pub, dict):
        publisher = str(pub.get("name", ""))[:200]
    canonical = soup.find("link", attrs={"rel": "canonical"})  # type: ignore[attr-defined]
    url = meta("og:url") or (str(canonical.get("href", "")) if canonical is not None else "") or str(ld.get("url", ""))
    published = (meta("article:published_time", "datePublished", "date", "pubdate", "dc.date", "DC.date.issued")
                 or str(ld.get("datePublished", "")))
    if not published:
        t = soup.find("time", attrs={"datetime": True})  # type: ignore[attr-defined]
        published = str(t["datetime"]) if t is not None else ""
    html = soup.find("html")  # type: ignore[attr-defined]
    lang = str(html.get("lang", "")) if html is not None else ""
    return {"title": title, "publisher": publisher, "url": url[:2000] if re.match(r"https?://", url) else "",
            "published": clean_text(published)[:64], "language": lang.split("-")[0].lower()[:8]}


def _json_ld(soup: object) -> dict[str, object]:
    """The first JSON-LD object of a news article type on the page ({} when none or unreadable)."""
    for tag in soup.find_all("script", attrs={"type": "application/ld+json"}):  # type: ignore[attr-defined]
        try:
            data = json.loads(tag.string or "")
        except (ValueError, RecursionError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and "Article" in str(item.get("@type", "")):
                return item
    return {}
