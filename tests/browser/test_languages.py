"""Every built-in language in the page: chosen by <html lang>, its own texts, lang and dir, axe.

The demo site is made to offer every built-in language (default French): turning them on gives
the banner and the purposes their default texts; services and cookies get test texts.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.domain import drafts
from server.domain.drafts import draft_doc, save_draft
from server.extensions import db
from server.models import Site
from server.texts import LANGUAGES, load
from tests.browser.temoin_page import DIALOG

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
FIRST_LAYER = ("accept-all", "reject-all", "customize")


def offer_every_language(app: Any) -> dict[str, Any]:
    """Publish the demo in every built-in language, default French; return its document."""
    with app.app_context():
        site = db.session.query(Site).filter_by(key="demo").one()
        doc = draft_doc(site)
        doc["languages"] = list(LANGUAGES)
        for cat in doc["categories"]:
            for svc in cat["services"]:
                en = svc["texts"]["en"]["description"]
                svc["texts"].update({lang: {"description": f"{en} ({lang})"} for lang in LANGUAGES})
                for ck in svc["cookies"]:
                    purpose = ck["texts"]["en"]["purpose"]
                    ck["texts"].update(
                        {lang: {"purpose": f"{purpose} ({lang})"} for lang in LANGUAGES}
                    )
        saved = save_draft(site, doc, "browser test", "languages")
        drafts.publish(site, reconsent=False, actor="browser test")
        db.session.commit()
    return saved


def open_in(page: Any, lang: str) -> None:
    """Open the demo page with its <html lang> set to `lang`."""

    def retag(route: Any) -> None:
        original = route.fetch()
        body = original.text().replace('<html lang="fr">', f'<html lang="{lang}">', 1)
        route.fulfill(response=original, body=body)

    page.route("**/demo/", retag)
    page.goto("/demo/")


def axe_violations(page: Any) -> Any:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, context={"include": [["#temoin"]]}, options=options)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_in_the_page(page: Any, demo: Any, lang: str) -> None:
    """Texts of that language (not the fallback), lang and dir, equal buttons, 0 axe violations."""
    doc = offer_every_language(demo.app)
    # The demo's own French and English texts; every other language's defaults.
    banner_texts, labels = doc["texts"][lang], load(lang)["widget"]
    audience_name = next(c for c in doc["categories"] if c["slug"] == "audience")["texts"][lang]
    rtl = labels["dir"] == "rtl"
    open_in(page, lang)
    host = page.locator("#temoin")
    assert host.get_attribute("lang") == lang
    assert host.get_attribute("dir") == ("rtl" if rtl else "ltr")
    banner = page.get_by_role("region", name=banner_texts["title"])
    text = banner.inner_text()
    assert banner_texts["withdraw"] in text
    prefix = labels["purposes"].split("{list}")[0]
    assert prefix.strip() in text and audience_name["name"] in text
    buttons = [banner.locator(f"[data-action={a}]") for a in FIRST_LAYER]
    for action, button in zip(FIRST_LAYER, buttons, strict=True):
        assert button.is_visible(), action
        assert button.inner_text() == banner_texts[action.replace("-", "_")], action
    accept, refuse = buttons[0].bounding_box(), buttons[1].bounding_box()
    assert abs(accept["width"] - refuse["width"]) < 0.5 and accept["height"] == refuse["height"]
    # Mirrored: accept comes first in the reading direction.
    assert (accept["x"] > refuse["x"]) if rtl else (accept["x"] < refuse["x"])
    results = axe_violations(page)
    assert results.violations_count == 0, results.generate_report()

    buttons[2].click()
    dialog = page.locator(DIALOG)
    assert dialog.get_by_role("heading", name=banner_texts["preferences_title"]).is_visible()
    assert labels["always_on"] in dialog.inner_text()
    audience = dialog.locator(".tm-cat", has=page.locator("[data-category=audience]"))
    audience.locator("summary").click()  # Google Analytics: _ga, 395 days
    months = labels["month"]
    thirteen = months.get(page.evaluate(f"new Intl.PluralRules('{lang}').select(13)"))
    assert (thirteen or months["other"]).replace("{n}", "13") in dialog.inner_text()
    service = dialog.locator(".tm-svc").first
    side = "Right" if rtl else "Left"
    assert service.evaluate(f"e => getComputedStyle(e).border{side}Width") == "3px"
    results = axe_violations(page)
    assert results.violations_count == 0, results.generate_report()
