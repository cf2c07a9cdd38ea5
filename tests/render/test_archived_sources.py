"""A track fetched into the evidence archive is cited with its URL and retrieval time in every report, as
docs/case-format.md promises: report.json, report.md's sources table and the map's footer. The URL is someone
else's text: escaped, shown as text, never a link."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

import tracks
from tracks.fetch.archive import Archive
from tracks.paths import data_dir
from tracks.render.report import write_outputs
from tracks.wording import retrieved

CASE_DIR = data_dir() / "cases" / "venezuela-2025-11"
TRACK = "trace_full_0d8373.illustrative.json"
WHEN = "2025-12-01T10:00:00Z"


def _archived_case(folder: Path, url: str) -> Path:
    """The bundled case with its track read from an evidence archive (as `tracks fetch` leaves it) at `url`."""
    folder.mkdir(parents=True)
    body = (CASE_DIR / TRACK).read_bytes()
    arch = Archive(folder / "archive")
    fd, temp = arch.new_temp()
    os.write(fd, body)
    os.close(fd)
    sha = hashlib.sha256(body).hexdigest()
    arch.commit(temp, name=TRACK, url=url, source="adsbx", key="adsbx:0d8373:2025-11-29", retrieved_at=WHEN,
                status=200, size=len(body), sha256=sha)
    text = (CASE_DIR / "case.yaml").read_text(encoding="utf-8")
    text = text.replace(f"  - {TRACK}", f"  - {{archived: '{sha[:16]}', archive: archive}}")
    assert "archived:" in text
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    return folder / "case.yaml"


def _outputs(folder: Path, url: str) -> tuple[dict, str, str]:
    result = tracks.check(_archived_case(folder, url))
    write_outputs(result, folder / "out")
    return (json.loads((folder / "out" / "report.json").read_text(encoding="utf-8")),
            (folder / "out" / "report.md").read_text(encoding="utf-8"),
            (folder / "out" / "map.html").read_text(encoding="utf-8"))


def _footer(page: str) -> str:
    m = re.search(r'<footer class="tm-footer">.*?</footer>', page, re.S)
    assert m, "the map has no footer"
    return m.group(0)


def test_retrieved_words() -> None:
    assert retrieved("https://example.org/t.json", WHEN) == "retrieved from https://example.org/t.json on 1 Dec 2025 10:00:00Z"
    assert retrieved("https://example.org/t.json") == "retrieved from https://example.org/t.json"
    assert retrieved("", "") == ""


def test_report_and_map_cite_an_archived_files_url_and_retrieval_time(tmp_path: Path) -> None:
    url = "https://globe.adsbexchange.com/data/traces/73/trace_full_0d8373.json"
    doc, md, page = _outputs(tmp_path / "case", url)
    (src,) = doc["sources"]
    assert (src["url"], src["retrieved_at"]) == (url, WHEN)
    row = next(line for line in md.splitlines() if "trace" in line and "`" + src["sha256"] + "`" in line)
    assert "retrieved from https://globe.adsbexchange.com/data/traces/73/trace\\_full\\_0d8373.json on 1 Dec 2025 10:00:00Z" in row
    footer = _footer(page)
    assert f"retrieved from {url} on 1 Dec 2025 10:00:00Z" in footer
    assert f'href="{url}"' not in footer  # the URL is cited as text, not a link
    assert str(tmp_path) not in md + page  # the archive's folder stays out


@pytest.mark.parametrize("url", ["javascript:alert(1)//<img src=x onerror=alert(2)>",
                                 'https://example.org/"><script>alert(3)</script>|x*y_[z](javascript:alert(4))'])
def test_a_hostile_url_is_escaped_text(tmp_path: Path, url: str) -> None:
    _, md, page = _outputs(tmp_path / "case", url)
    footer = _footer(page)
    assert "<img" not in footer and "<script" not in footer and "href=" not in footer
    assert "&lt;" in footer and "retrieved from" in footer
    row = next(line for line in md.splitlines() if "retrieved from" in line)
    assert "<img" not in row and "<script" not in row
    assert not re.search(r"(?<!\\)\]\(", row)  # no unescaped '](': never a Markdown link
    assert row.count("|") - row.count("\\|") == 6  # the URL's '|' does not add a column to the sources table
