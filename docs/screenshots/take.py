"""Take the README screenshots of the widget from Chromium on the demo site.

The banner and the preferences dialog in French, English, German and Arabic (the demo is made to
offer German and Arabic too: their banner and purpose texts are the built-in defaults), the
three layouts, and the dark variant.

Run: python docs/screenshots/take.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from bench.bench_widget import serve  # noqa: E402
from tests.browser.temoin_page import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SIZE = {"width": 1200, "height": 760}
# The texts of the one section the preferences screenshots open (Google Analytics and its
# cookies); the other services, closed, keep their English texts in German and Arabic.
AUDIENCE = {
    "de": {
        "description": "Reichweitenmessung.",
        "_ga": "Unterscheidet die Besucher.",
        "_ga_*": "Speichert den Zustand der Sitzung.",
        "_gid": "Unterscheidet die Besucher 24 Stunden lang.",
    },
    "ar": {
        "description": "قياس الجمهور.",
        "_ga": "يميّز بين الزوار.",
        "_ga_*": "يحفظ حالة الجلسة.",
        "_gid": "يميّز بين الزوار لمدة 24 ساعة.",
    },
}


def offer_german_and_arabic(app: Any) -> None:
    """Publish the demo in German and Arabic too."""
    from server.domain import drafts
    from server.domain.drafts import draft_doc, save_draft
    from server.extensions import db
    from server.models import Site

    with app.app_context():
        site = db.session.query(Site).filter_by(key="demo").one()
        doc = draft_doc(site)
        doc["languages"] = [*doc["languages"], *AUDIENCE]
        for cat in doc["categories"]:
            for svc in cat["services"]:
                for lang, own in AUDIENCE.items():
                    ga = svc["slug"] == "google-analytics"
                    text = own["description"] if ga else svc["texts"]["en"]["description"]
                    svc["texts"][lang] = {"description": text}
                    for ck in svc["cookies"]:
                        purpose = own[ck["name"]] if ga else ck["texts"]["en"]["purpose"]
                        ck["texts"][lang] = {"purpose": purpose}
        save_draft(site, doc, "screenshots", "languages")
        drafts.publish(site, reconsent=False, actor="screenshots")
        db.session.commit()


def shoot(browser: Any, base: str, name: str, lang: str = "fr", **options: Any) -> None:
    """Write NAME.png of the banner, and preferences-LANG.png when `prefs` is asked."""
    look, prefs = options.get("look", ""), options.get("prefs")
    scheme = options.get("scheme", "light")
    page = browser.new_page(locale="fr-FR", viewport=SIZE, color_scheme=scheme)

    def retag(route: Any) -> None:
        original = route.fetch()
        body = original.text().replace('<html lang="fr">', f'<html lang="{lang}">', 1)
        route.fulfill(response=original, body=body)

    page.route("**/demo/*", retag)
    page.goto(base + "/demo/" + (f"?look={look}" if look else ""))
    page.locator("#temoin .tm-banner").wait_for()
    page.screenshot(path=str(HERE / f"{name}.png"))
    if prefs:
        page.click("#temoin [data-action=customize]")
        dialog = page.locator("#temoin dialog")
        dialog.locator("input[data-category=functional]").check()
        dialog.locator(".tm-cat", has=page.locator("[data-category=audience]")).locator(
            "summary"
        ).click()
        dialog.locator("input[data-category=functional]").focus()
        page.screenshot(path=str(HERE / f"{prefs}.png"))
    page.close()


def main() -> None:
    """Write the PNGs next to this script."""
    from playwright.sync_api import sync_playwright

    base, server = serve()
    try:
        offer_german_and_arabic(server.app.app)  # type: ignore[attr-defined]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for lang in ("fr", "en", "de", "ar"):
                shoot(browser, base, f"banner-{lang}", lang, prefs=f"preferences-{lang}")
            shoot(browser, base, "layout-box", look="box")
            shoot(browser, base, "layout-modal", look="modal")
            shoot(browser, base, "dark-fr", scheme="dark", prefs="dark-preferences-fr")
            browser.close()
    finally:
        server.shutdown()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
