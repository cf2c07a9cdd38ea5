"""Driving Debian's headless chromium with Playwright for the map's browser tests (network blocked).

Import `browser` (a module-scoped fixture: one chromium per test module) and call `open_page`. Skipped when
chromium or Playwright is missing on a developer machine; a failure when CI=true or TRACKS_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}


def _required() -> bool:
    return os.environ.get("CI", "") == "true" or os.environ.get("TRACKS_REQUIRE_BROWSER", "") not in ("", "0")


def _missing(reason: str) -> None:
    if _required():
        pytest.fail(f"browser tests are required here (CI / TRACKS_REQUIRE_BROWSER) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not exe:
        _missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Loaded:
    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_page(browser: Any, html_path: Path, viewport: dict[str, int] | None = None, *,
              touch: bool = False) -> Loaded:
    """Load a saved map with every request except the file itself aborted; record console errors and dialogs."""
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 860}, has_touch=touch,
                                  is_mobile=touch)
    page = context.new_page()
    out = Loaded(page)
    page.on("console", lambda m: out.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: out.errors.append(str(e)))

    def on_dialog(d: Any) -> None:
        out.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: out.requests.append(r.url))
    target = html_path.resolve().as_uri()
    page.route("**/*", lambda route: route.continue_() if route.request.url == target else route.abort())
    page.goto(target, wait_until="load")
    page.wait_for_function("() => window.tracksMap !== undefined", timeout=10_000)
    page.wait_for_timeout(150)
    return out


def close(loaded: Loaded) -> None:
    ctx = loaded.page.context
    loaded.page.close()
    ctx.close()
