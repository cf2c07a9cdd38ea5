"""Regenerate docs/demo-map.png: run the bundled demo case and photograph its map in headless Chromium.

    python scripts/screenshot_demo.py            # needs Debian's chromium (apt-get install chromium)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(out: Path = REPO / "docs" / "demo-map.png") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "tracks", "demo", "--out", tmp], check=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.route("http*://**", lambda route: route.abort())
            page.goto((Path(tmp) / "map.html").as_uri())
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
