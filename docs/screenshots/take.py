"""Take the README screenshots of the widget (French) from Chromium on the demo site.

Run: python docs/screenshots/take.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from bench.bench_widget import serve  # noqa: E402
from tests.browser.temoin_page import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def main() -> None:
    """Write banner-fr.png and preferences-fr.png next to this script."""
    from playwright.sync_api import sync_playwright

    base, server = serve()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(locale="fr-FR", viewport={"width": 1200, "height": 760})
            page.goto(base + "/demo/")
            page.locator("#temoin .tm-banner").wait_for()
            page.screenshot(path=str(HERE / "banner-fr.png"))
            page.click("#temoin [data-action=customize]")
            page.locator("#temoin dialog details").nth(2).locator("summary").click()
            page.screenshot(path=str(HERE / "preferences-fr.png"))
            browser.close()
    finally:
        server.shutdown()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
