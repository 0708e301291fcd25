"""The admin in Chromium, against the demo: edit, preview, publish with reconsent, roles, CSRF,
escaping, and the consent log, record, export and charts on data recorded by the real widget."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from server.domain.accounts import upsert_admin
from server.domain.sites import create_site
from server.extensions import db
from tests.browser.temoin_page import (
    BANNER,
    OPTIONAL,
    banner_button,
    click_and_record,
    open_preferences,
    stored,
)

PASSWORD = "browser test password"
XSS = '<img src=x onerror="window.__xss=1"><b>bold</b>'


@pytest.fixture
def admins(demo: Any) -> dict[str, str]:
    """An owner and a viewer of the demo, and the owner of another site."""
    with demo.app.app_context():
        upsert_admin("owner@demo.test", PASSWORD, {"demo": "owner"})
        upsert_admin("viewer@demo.test", PASSWORD, {"demo": "viewer"})
        create_site("elsewhere", "Elsewhere", ["https://elsewhere.test"])
        upsert_admin("owner@elsewhere.test", PASSWORD, {"elsewhere": "owner"})
        db.session.commit()
    return {"owner": "owner@demo.test", "viewer": "viewer@demo.test"}


@pytest.fixture
def admin_page(browser: Any, demo: Any) -> Any:
    """A fresh English-speaking browser profile for the admin; fails on script errors."""
    ctx = browser.new_context(
        base_url=demo.url,
        locale="en-GB",
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    ctx.close()
    assert errors == [], errors


def sign_in(page: Any, email: str) -> None:
    page.goto("/admin/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/sites/demo/")


def add_service(page: Any, category: str, slug: str, name: str, description: str) -> None:
    page.goto("/admin/sites/demo/services")
    page.get_by_role("link", name=f"Add a service to {category}").click()
    page.get_by_label("Slug").fill(slug)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Provider").fill("InnoCraft")
    page.get_by_label("Privacy policy URL").fill("https://matomo.org/privacy-policy/")
    page.get_by_label("Description (French)").fill(description)
    page.get_by_label("Description (English)").fill("Audience measurement.")
    row = page.get_by_role("group", name="Cookie 1")
    row.get_by_label("Cookie name").fill("_pk_id.*")
    row.get_by_label("Lifetime (days)").fill("395")
    row.get_by_label("Purpose (French)").fill("Identifiant du visiteur.")
    row.get_by_label("Purpose (English)").fill("Visitor id.")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url("**/admin/sites/demo/services")


def publish(page: Any, reconsent: bool) -> None:
    page.goto("/admin/sites/demo/")
    if reconsent:
        page.get_by_label("Visitors must choose again").check()
    page.get_by_role("button", name="Publish version").click()
    page.get_by_text("published (sha256").wait_for()


def test_edit_preview_publish_with_reconsent(admin_page, admins, context, page):
    # A visitor decides on version 1.
    page.goto("/demo/")
    click_and_record(page, "#temoin .tm-banner [data-action='accept-all']")
    assert stored(context)["v"] == 1
    page.reload()
    assert not page.is_visible(BANNER)

    admin = admin_page
    sign_in(admin, admins["owner"])
    add_service(admin, "audience", "matomo", "Matomo", "Mesure d'audience respectueuse.")
    assert admin.get_by_role("link", name="Matomo").is_visible()

    # The preview runs the real widget on the draft, in each language.
    admin.goto("/admin/sites/demo/preview")
    for lang, customize, title in (
        ("fr", "Personnaliser", "Paramétrer les cookies"),
        ("en", "Customize", "Cookie settings"),
    ):
        language = {"fr": "French", "en": "English"}[lang]
        selector = f"iframe[title='Widget preview ({language})']"
        # The banner is fixed inside the frame: bring the whole frame into the viewport first.
        admin.locator(selector).evaluate("f => f.scrollIntoView({block: 'start'})")
        frame = admin.frame_locator(selector)
        frame.get_by_role("button", name=customize, exact=True).click()
        dialog = frame.get_by_role("dialog", name=title)
        # One section per category, its services inside (Matomo among the audience's).
        dialog.locator("details summary").first.wait_for()
        assert dialog.locator("details", has_text="Matomo").count() >= 1
        # A decision in the preview is shown, never recorded.
        dialog.locator("[data-action='reject-all']").click()
        frame.locator("#decision").get_by_text('"action":"reject_all"').wait_for()
    assert demo_records(admin) == 1

    publish(admin, reconsent=True)
    assert admin.request.get("/api/v1/sites/demo/config").json()["reconsent_version"] == 2

    # The visitor is asked again and the new service is listed. /w/demo.js may be cached for
    # WIDGET_MAX_AGE seconds: a returning visitor sees version 2 once that expires; here, at once.
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.reload()
    page.wait_for_selector(BANNER)
    assert banner_button(page, "Tout refuser").is_visible()
    dialog = open_preferences(page)
    assert dialog.get_by_text("Matomo").count() >= 1
    assert dialog.get_by_text("Mesure d'audience respectueuse.").count() == 1


def demo_records(admin: Any) -> int:
    resp = admin.request.get("/api/v1/sites/demo/config")
    assert resp.ok
    html = admin.request.get("/admin/sites/demo/").text()
    return int(html.split("<dt>Consent records</dt><dd>")[1].split("<")[0])


def test_viewer_cannot_edit(admin_page, admins):
    sign_in(admin_page, admins["viewer"])
    nav = admin_page.get_by_role("navigation", name="Site")
    assert nav.get_by_role("link", name="Consent log").is_visible()
    assert nav.get_by_role("link", name="Settings & texts").count() == 0
    assert admin_page.get_by_role("button", name="Publish version").count() == 0
    resp = admin_page.goto("/admin/sites/demo/services")
    assert resp.status == 403
    assert admin_page.get_by_role("heading", name="403 — Forbidden").is_visible()
    post = admin_page.request.post("/admin/sites/demo/publish", form={"reconsent": "on"})
    assert post.status in (400, 403)


def test_other_sites_admin_gets_404(admin_page, admins):
    admin_page.goto("/admin/login")
    admin_page.get_by_label("E-mail").fill("owner@elsewhere.test")
    admin_page.get_by_label("Password").fill(PASSWORD)
    admin_page.get_by_role("button", name="Sign in").click()
    admin_page.wait_for_url("**/admin/sites/elsewhere/")
    for url in ("/admin/sites/demo/", "/admin/sites/demo/consents", "/admin/sites/demo/settings"):
        assert admin_page.goto(url).status == 404


def test_posts_without_csrf_are_refused(admin_page, admins, demo):
    sign_in(admin_page, admins["owner"])
    resp = admin_page.request.post("/admin/sites/demo/publish", form={"reconsent": "on"})
    assert resp.status == 400
    # The real form, with its token removed, is refused too and nothing changes.
    admin_page.goto("/admin/sites/demo/settings")
    admin_page.get_by_label("Name", exact=True).fill("Hijacked")
    admin_page.evaluate("document.querySelectorAll('[name=csrf_token]').forEach(e => e.remove())")
    admin_page.get_by_role("button", name="Save the draft").click()
    assert admin_page.get_by_text("The form expired or did not come from this site").is_visible()
    admin_page.goto("/admin/sites/demo/settings")
    assert admin_page.get_by_label("Name", exact=True).input_value() != "Hijacked"
    assert "Hijacked" not in admin_page.request.get("/admin/sites/demo/audit").text()


def test_xss_in_a_description_is_text_in_admin_and_widget(admin_page, admins, page):
    sign_in(admin_page, admins["owner"])
    add_service(admin_page, "audience", "matomo", "Matomo", XSS)
    cell = admin_page.locator("td.desc", has_text="window.__xss")
    assert cell.inner_text() == XSS
    assert admin_page.evaluate("window.__xss") is None
    assert admin_page.locator("td.desc b").count() == 0
    publish(admin_page, reconsent=False)
    admin_page.goto("/admin/sites/demo/versions/2")
    assert admin_page.evaluate("window.__xss") is None

    page.goto("/demo/")
    dialog = open_preferences(page)
    dialog.locator("summary", has_text="audience").click()  # « Mesure d’audience »
    dialog.get_by_text(XSS, exact=True).wait_for()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#temoin img[src='x']").count() == 0


def test_log_record_export_and_charts_show_recorded_data(admin_page, admins, context, page):
    page.goto("/demo/")
    sent = click_and_record(page, "#temoin .tm-banner [data-action='accept-all']")
    consent_id = sent["consent_id"]
    dialog = open_preferences(page)
    click_and_record(dialog.page, "#temoin dialog [data-action='reject-all']")

    admin = admin_page
    sign_in(admin, admins["owner"])
    admin.get_by_role("link", name="Consent log").click()
    rows = admin.locator("table.log tbody tr")
    assert rows.count() == 2
    assert consent_id in rows.nth(0).inner_text() and "Withdrawal" in rows.nth(0).inner_text()
    assert "Accept all" in rows.nth(1).inner_text()

    admin.get_by_label("Action").select_option("accept_all")
    admin.get_by_role("button", name="Filter").click()
    assert admin.locator("table.log tbody tr").count() == 1

    admin.locator("table.log tbody tr a").first.click()
    admin.get_by_role("heading", name="Consent record #1").wait_for()
    history = demo_history(admin, consent_id)
    assert history["history"][0]["hash"] in admin.content()
    assert "matches the stored snapshot" in admin.content()
    assert '"slug": "advertising"' in admin.locator("pre.snapshot").inner_text()

    admin.get_by_role("link", name="Consent log").click()
    admin.get_by_role("button", name="Verify the hash chain").click()
    admin.get_by_text("Intact: 2 records checked").wait_for()

    admin.get_by_role("link", name="Consent log").click()
    with admin.expect_download() as info:
        admin.get_by_role("link", name="Export CSV").click()
    with open(info.value.path(), encoding="utf-8") as fh:
        text = fh.read()
    exported = list(csv.DictReader(io.StringIO(text)))
    assert [r["consent_id"] for r in exported] == [consent_id, consent_id]
    assert [r["action"] for r in exported] == ["accept_all", "withdraw"]

    admin.get_by_role("link", name="Statistics").click()
    charts = admin.locator("svg.chart")
    assert charts.count() == 3
    assert admin.locator("svg.chart rect title", has_text="Accept all 1").count() == 2
    assert admin.locator("svg.chart rect title", has_text="Withdrawal 1").count() == 2
    totals = admin.locator("table.numbers").first.inner_text()
    assert "Total\t2" in totals and "Opt-in audience\t50.0%" in totals


def demo_history(admin: Any, consent_id: str) -> dict[str, Any]:
    resp = admin.request.get(f"/api/v1/sites/demo/consents/{consent_id}")
    assert resp.ok
    return json.loads(resp.text())


# For each statistics table: its box, its scroll container's, and its last header cell's once
# the container is scrolled to the end (what a reader can reach).
TABLE_FIT = """() => [...document.querySelectorAll('table.numbers')].map(t => {
  const box = t.parentElement, last = t.querySelector('thead th:last-child')
  const fits = t.getBoundingClientRect().width <= box.clientWidth + 1
  const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX)
    && box.scrollWidth > box.clientWidth
  box.scrollLeft = box.scrollWidth
  const reached = last.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1
  box.scrollLeft = 0
  return {fits, scrolls, reached, focusable: box.tabIndex === 0, header: last.textContent}
})"""


def test_statistics_tables_fit_or_scroll(admin_page, admins, demo):
    for action, granted in (("accept_all", OPTIONAL), ("reject_all", []), ("custom", OPTIONAL[:1])):
        body = {
            "policy_version": 1, "choices": {c: c in granted for c in OPTIONAL},
            "action": action, "source": "banner", "language": "fr", "page": "/demo/",
            "gpc": False,
        }  # fmt: skip
        resp = admin_page.request.post(
            "/api/v1/sites/demo/consents", data=json.dumps(body),
            headers={"Origin": demo.url, "Content-Type": "application/json"},
        )  # fmt: skip
        assert resp.status == 201, resp.text()
    sign_in(admin_page, admins["owner"])
    for width in (1280, 375):
        admin_page.set_viewport_size({"width": width, "height": 900})
        admin_page.goto("/admin/sites/demo/stats")
        tables = admin_page.evaluate(TABLE_FIT)
        assert len(tables) == 3
        page_width = admin_page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= width, "the page itself scrolls sideways"
        for table in tables:
            assert table["fits"] or (table["scrolls"] and table["focusable"]), (width, table)
            assert table["reached"], (width, table)
        assert [t["header"] for t in tables] == ["Count", "advertising", "advertising"]
        if width == 1280:
            # A wide screen shows every column of the per-day and per-version tables.
            assert all(t["fits"] for t in tables), tables
