"""Safe, namespace-agnostic XML helpers for KML and GPX.

Parsing uses defusedxml over the standard library's expat: a document that declares entities or refers to
external ones is refused whatever its encoding (UTF-8, UTF-16, ...), which closes the entity-expansion ("billion
laughs") and external-entity attacks. KML and GPX never need either.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import defusedxml
import defusedxml.ElementTree as SafeET

from tracks.errors import TrackFormatError
from tracks.formats.base import RawFile


def root_name(raw: RawFile) -> str:
    """Local name of the first element in the first 4 KiB ('' when there is none), for sniffing."""
    head = raw.head
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a byte order mark: read the head as text
        head = head[:len(head) // 2 * 2].decode("utf-16", "replace").encode("utf-8", "replace")
    m = re.search(rb"<(?![?!])(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)", head)
    return m.group(1).decode("ascii", "replace") if m else ""


def parse(raw: RawFile, expected: str) -> ET.Element:
    """The document's root element; TrackFormatError naming line and column for malformed XML."""
    try:
        return SafeET.fromstring(raw.data)
    except defusedxml.DefusedXmlException as e:
        raise TrackFormatError(raw.path, f"the XML declares or uses entities ({type(e).__name__}); refused for "
                               "safety", expected=f"{expected} without a DTD") from None
    except ET.ParseError as e:
        line, col = e.position
        msg = str(e).split(":")[0]
        raise TrackFormatError(raw.path, f"invalid XML: {msg}", where=f"line {line} column {col}",
                               expected=f"complete, well-formed {expected} (the file may be truncated)") from None
    except (ValueError, LookupError, RecursionError) as e:  # unsupported encodings, absurd nesting
        raise TrackFormatError(raw.path, f"unreadable XML ({type(e).__name__}: {e})",
                               expected=f"{expected} in UTF-8") from None


def local(tag: object) -> str:
    """Tag name without its namespace ('{http://www.opengis.net/kml/2.2}when' -> 'when')."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(elem: ET.Element, name: str) -> list[ET.Element]:
    """Direct children called `name` (any namespace)."""
    return [c for c in elem if local(c.tag) == name]


def child(elem: ET.Element, name: str) -> ET.Element | None:
    """The first direct child called `name` (any namespace), or None."""
    for c in elem:
        if local(c.tag) == name:
            return c
    return None


def descendants(elem: ET.Element, name: str) -> Iterator[ET.Element]:
    """All descendants called `name` (any namespace), in document order."""
    for e in elem.iter():
        if e is not elem and local(e.tag) == name:
            yield e


def text_of(elem: ET.Element | None) -> str | None:
    """Stripped text of an element (None when absent or empty)."""
    if elem is None or elem.text is None:
        return None
    t = elem.text.strip()
    return t or None


def path_text(elem: ET.Element, *names: str) -> str | None:
    """Text of the element reached by following direct children `names` (any namespace)."""
    cur: ET.Element | None = elem
    for n in names:
        if cur is None:
            return None
        cur = child(cur, n)
    return text_of(cur)
