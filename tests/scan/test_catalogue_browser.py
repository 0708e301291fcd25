"""Adding Google Analytics 4, Hotjar, YouTube and Facebook from the catalogue takes four
actions in the admin; once published, the banner lists them with their cookies."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.accounts import upsert_admin
from server.domain.sites import create_site
from server.extensions import db
from tests.browser.temoin_page import CHROMIUM_ARGS

from .world import Served, shop_app

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_four_services_in_four_actions_then_the_banner_lists_them(world, browser):
    page_site = Served(shop_app(world.server.url, key="fresh"))
    origin = f"http://127.0.0.1:{page_site.port}"
    with world.app.app_context():
        create_site("fresh", "Fresh", [origin])
        upsert_admin("editor@fresh.test", PASSWORD, {"fresh": "editor"})
        db.session.commit()
        db.session.remove()
    ctx = browser.new_context(base_url=world.server.url, locale="en-GB")
    admin = ctx.new_page()
    admin.goto("/admin/login")
    admin.get_by_label("E-mail").fill("editor@fresh.test")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url("**/admin/sites/fresh/")
    admin.goto("/admin/sites/fresh/catalogue")
    actions = 0
    for name in ("Google Analytics 4", "Hotjar", "YouTube", "Meta Pixel"):
        admin.get_by_role("button", name=f"Add {name}", exact=True).click()
        admin.wait_for_load_state()
        actions += 1
    assert actions == 4
    assert admin.locator(".ok", has_text="In the draft").count() == 4
    admin.goto("/admin/sites/fresh/")
    admin.get_by_role("button", name="Publish version 1").click()
    admin.wait_for_load_state()
    # A visitor's view: the preferences list each service with its cookies.
    visitor = browser.new_context(locale="fr-FR").new_page()
    visitor.goto(origin + "/contact")
    visitor.locator('#temoin [data-action="customize"]').click()
    dialog = visitor.locator("#temoin dialog")
    dialog.wait_for()
    text = dialog.text_content()  # services and cookies sit in collapsed sections
    for expected in (
        "Google Analytics 4",
        "_ga_*",
        "Hotjar",
        "_hjSessionUser_*",
        "YouTube",
        "VISITOR_INFO1_LIVE",
        "Meta Pixel",
        "_fbp",
    ):
        assert expected in text, expected
    ctx.close()
    visitor.context.close()
    page_site.stop()
