"""Microsoft UET consent mode and Clarity's consent API, sent by the widget in Chromium for a
site that lists those services (from the catalogue), like Google Consent Mode."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain import drafts
from server.domain.catalogue import add_service
from server.domain.sites import create_site
from server.extensions import db
from tests.browser.temoin_page import CHROMIUM_ARGS

from .world import Served, shop_app


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def ms_site(world: Any) -> Any:
    served = Served(shop_app(world.server.url, key="ms"))
    origin = f"http://127.0.0.1:{served.port}"
    with world.app.app_context():
        site = create_site("ms", "MS", [origin])
        add_service(site, "microsoft-ads", "test")
        add_service(site, "clarity", "test")
        drafts.publish(site, reconsent=False, actor="test")
        db.session.commit()
        db.session.remove()
    yield origin
    served.stop()


SIGNALS = (
    "() => ({uet: window.uetq ? JSON.parse(JSON.stringify(window.uetq)) : null, "
    "clarity: window.clarity ? window.clarity.q.map(a => Array.from(a)) : null})"
)


@pytest.mark.parametrize(
    ("button", "ad", "analytics"),
    [("accept-all", "granted", "granted"), ("reject-all", "denied", "denied")],
)
def test_uet_and_clarity_get_the_visitors_choice(browser, ms_site, button, ad, analytics):
    ctx = browser.new_context(locale="fr-FR")
    page = ctx.new_page()
    page.goto(ms_site + "/contact")
    before = page.evaluate(SIGNALS)
    assert before["uet"] == ["consent", "default", {"ad_storage": "denied"}]
    assert before["clarity"] == [
        ["consentv2", {"ad_Storage": "denied", "analytics_Storage": "denied"}]
    ]
    page.click(f'#temoin [data-action="{button}"]')
    after = page.evaluate(SIGNALS)
    assert after["uet"][3:] == ["consent", "update", {"ad_storage": ad}]
    assert after["clarity"][1] == ["consentv2", {"ad_Storage": ad, "analytics_Storage": analytics}]
    # The next page load repeats the stored choice right after the default.
    page.goto(ms_site + "/legal")
    again = page.evaluate(SIGNALS)
    assert again["uet"][3:] == ["consent", "update", {"ad_storage": ad}]
    ctx.close()
