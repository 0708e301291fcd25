"""docs/COMPLIANCE.md rules 1-8, 12, 14, 15, 19 and 22 in a real browser, on the demo site."""

from __future__ import annotations

import time
from typing import Any

from tests.browser.temoin_page import (
    BANNER,
    DIALOG,
    OPTIONAL,
    TAG_COOKIES,
    banner_button,
    click_and_record,
    cookies,
    demo_tags_ran,
    open_preferences,
    stored,
)

DAY = 86400


def test_nothing_before_consent(page: Any, context: Any, demo: Any) -> None:
    """Rules 1 and 12: pages, scrolling, links and waiting set nothing and load no tag."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/demo/")
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(300)
    # No cookie wall: the page's own links work while the banner is up.
    page.get_by_role("link", name="Données personnelles et cookies").click()
    page.wait_for_url("**/demo/politique")
    page.mouse.wheel(0, 4000)
    page.wait_for_timeout(700)
    assert page.is_visible(BANNER)
    assert set(cookies(context)) == {"PHPSESSID"}, "only the strictly necessary cookie"
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    paths = {u.removeprefix(demo.url).split("?")[0] for u in requests}
    assert paths <= {
        "/demo/",
        "/demo/politique",
        "/w/demo.js",
        "/demo/static/demo.css",
        "/static/favicon.svg",
        "/favicon.ico",
    }, paths
    assert demo_tags_ran(page) == []
    assert page.evaluate("window.dataLayer.length") == 1, "only the Consent Mode default"
    assert page.evaluate("typeof window.__tcfapi") == "undefined", "rule 20: no TCF API"


def test_refuse_on_first_layer_is_remembered_and_recorded(
    page: Any, context: Any, demo: Any
) -> None:
    """Rules 2 and 3: « Tout refuser » is a real button beside « Tout accepter »; it sticks."""
    page.goto("/demo/")
    refuse = banner_button(page, "Tout refuser")
    accept = banner_button(page, "Tout accepter")
    assert refuse.evaluate("e => e.tagName") == accept.evaluate("e => e.tagName") == "BUTTON"
    assert refuse.evaluate("(e, a) => e.parentElement === a.parentElement", accept.element_handle())
    body = click_and_record(page, "#temoin .tm-banner [data-action=reject-all]")
    assert body["action"] == "reject_all" and body["source"] == "banner"
    assert body["choices"] == {slug: False for slug in OPTIONAL}
    assert not page.is_visible(BANNER)
    choice = stored(context)
    assert choice is not None and choice["c"] == {slug: 0 for slug in OPTIONAL}
    for path in ("/demo/politique", "/demo/"):
        page.goto(path)
        page.reload()
        assert page.locator("#temoin").count() == 1
        assert not page.is_visible(BANNER), "the refusal is remembered"
        assert demo_tags_ran(page) == []
    assert set(cookies(context)) == {"PHPSESSID", "temoin"}
    log = demo.record(choice["id"])
    assert log["current"]["action"] == "reject_all"
    assert log["current"]["choices"] == {slug: False for slug in OPTIONAL}
    assert len(log["history"]) == 1


def test_accept_all_runs_every_tag_at_once(page: Any, context: Any, demo: Any) -> None:
    """Accepting runs the gated tags and loads the iframes without a reload, and is recorded."""
    page.goto("/demo/")
    changes = page.evaluate_handle(
        "(() => { const seen = []; Temoin.on('change', s => seen.push(s)); return seen })()"
    )
    body = click_and_record(page, "[data-action=accept-all]")
    assert body["action"] == "accept_all" and body["gpc"] is False
    assert body["choices"] == {slug: True for slug in OPTIONAL}
    page.wait_for_function("(window.__temoinDemo || []).length >= 6")
    # The share frames set their cookies when they finish loading, after the page's tags.
    expected = set().union(*(TAG_COOKIES[c] for c in OPTIONAL))
    for _ in range(100):
        if expected <= set(cookies(context)):
            break
        page.wait_for_timeout(100)
    names = set(cookies(context))
    for category in OPTIONAL:
        assert TAG_COOKIES[category] <= names, category
    assert page.evaluate("[...document.querySelectorAll('iframe[data-consent]')].every(f => f.src)")
    assert page.locator(".temoin-ph").count() == 0
    state = changes.evaluate("seen => seen[0]")
    assert state["choices"] == {slug: True for slug in OPTIONAL}
    assert state["consentId"] == stored(context)["id"]
    assert demo.record(state["consentId"])["current"]["action"] == "accept_all"


def test_granular_choice_starts_off_and_records_each_purpose(
    page: Any, context: Any, demo: Any
) -> None:
    """Rule 4: every optional switch starts off, necessary is on and disabled; per purpose."""
    page.goto("/demo/")
    banner_button(page, "Personnaliser").click()
    dialog = page.locator(DIALOG)
    necessary = dialog.locator("input[data-category=necessary]")
    assert necessary.is_checked() and necessary.is_disabled()
    for slug in OPTIONAL:
        assert not dialog.locator(f"input[data-category={slug}]").is_checked(), slug
    assert dialog.locator("input[data-service]:checked").count() == 0
    dialog.get_by_role("switch", name="Mesure d’audience").check()
    # One service of a category: the category shows as mixed.
    dialog.locator("details").nth(1).locator("summary").click()
    dialog.locator("input[data-service=hotjar]").check()
    assert dialog.locator("input[data-category=functional]").evaluate("e => e.indeterminate")
    body = click_and_record(page, "dialog [data-action=save]")
    assert body["action"] == "custom" and body["source"] == "preferences"
    assert body["choices"] == {
        "functional": False,
        "audience": True,
        "sharing": False,
        "advertising": False,
    }
    assert body["services"]["hotjar"] is True and body["services"]["crisp"] is False
    page.wait_for_function("(window.__temoinDemo || []).includes('google-analytics')")
    assert sorted(demo_tags_ran(page)) == ["google-analytics", "hotjar"]
    assert "_ga" in cookies(context) and "_gcl_au" not in cookies(context)
    assert page.evaluate(
        "[Temoin.get('audience'), Temoin.get('functional'), Temoin.get('hotjar')]"
    ) == [True, False, True]
    log = demo.record(body["consent_id"])
    assert log["current"]["choices"]["audience"] is True
    assert log["current"]["services"]["hotjar"] is True


def test_escape_and_close_grant_nothing(page: Any, context: Any) -> None:
    """Rule 5: Escape or the close button leave everything refused and record nothing."""
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    page.goto("/demo/")
    customize = banner_button(page, "Personnaliser")
    customize.click()
    page.locator("dialog input[data-category=audience]").check()
    page.keyboard.press("Escape")
    assert page.locator(DIALOG).count() == 0
    assert page.evaluate("document.activeElement.dataset.action") == "customize"
    customize.click()
    assert not page.locator("dialog input[data-category=audience]").is_checked()
    page.locator("dialog input[data-category=advertising]").check()
    page.get_by_role("button", name="Fermer").click()
    page.goto("/demo/politique")
    page.wait_for_timeout(300)
    assert page.is_visible(BANNER), "still asked"
    assert stored(context) is None and posts == [] and demo_tags_ran(page) == []
    assert page.evaluate("Temoin.state()") is None


def test_withdrawal_deletes_cookies_on_host_and_parent_domain(browser: Any, demo: Any) -> None:
    """Rule 7: reopen from any page, two actions to withdraw, cookies deleted, `withdraw` logged."""
    base = demo.host_url("www.temoin.test")
    context = browser.new_context(base_url=base, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto("/demo/")
        click_and_record(page, "[data-action=accept-all]")
        page.wait_for_function("(window.__temoinDemo || []).includes('google-analytics')")
        # What analytics tags do for real: the same names on the parent domain and a sub-path.
        context.add_cookies(
            [
                {"name": "_ga", "value": "p", "domain": ".temoin.test", "path": "/"},
                {"name": "_ga_XYZ", "value": "p", "domain": ".www.temoin.test", "path": "/"},
                {"name": "_gid", "value": "p", "domain": "www.temoin.test", "path": "/demo"},
            ]
        )
        page.goto("/demo/politique")
        dialog = open_preferences(page)
        box = dialog.locator("input[data-category=audience]")
        assert box.is_checked(), "the stored state is shown"
        box.uncheck()  # action 1
        body = click_and_record(page, "dialog [data-action=save]")  # action 2
        assert body["action"] == "withdraw" and body["choices"]["audience"] is False
        left = [c for c in context.cookies() if c["name"].startswith(("_ga", "_gid"))]
        assert left == [], left
        names = set(cookies(context))
        assert TAG_COOKIES["functional"] <= names and TAG_COOKIES["advertising"] <= names
        assert {"PHPSESSID", "temoin"} <= names
        assert page.evaluate("Temoin.get('audience')") is False
        log = demo.record(body["consent_id"])
        assert [r["action"] for r in log["history"]] == ["accept_all", "withdraw"]
    finally:
        context.close()


def test_withdrawn_iframes_unload_and_show_placeholders_again(page: Any) -> None:
    """Rule 7 (tags stop): a withdrawn share frame is unloaded and its placeholder is back."""
    page.goto("/demo/")
    click_and_record(page, "[data-action=accept-all]")
    assert page.locator(".temoin-ph").count() == 0
    page.evaluate("Temoin.update({sharing: false})")
    assert page.locator(".temoin-ph").count() == 3
    assert page.evaluate(
        "[...document.querySelectorAll('iframe[data-consent]')].every(f => !f.src && f.hidden)"
    )


def test_reopen_from_every_page_link_button_and_api(page: Any) -> None:
    """Rule 7: a link on every page, the floating button and Temoin.show() reopen the choices."""
    for path in ("/demo/", "/demo/politique"):
        page.goto(path)
        open_preferences(page)
        page.keyboard.press("Escape")
    click_and_record(page, "[data-action=reject-all]")
    page.get_by_role("button", name="Cookies", exact=True).click()
    assert page.get_by_role("dialog", name="Paramétrer les cookies").is_visible()
    page.keyboard.press("Escape")
    page.evaluate("Temoin.show()")
    assert page.locator(DIALOG).is_visible()


def test_placeholder_allows_one_service_and_loads_it(page: Any, demo: Any) -> None:
    """Blocked iframes show an accessible placeholder naming the service; its button allows it."""
    page.goto("/demo/")
    holders = page.get_by_role("group")
    assert page.locator(".temoin-ph").count() == 3
    facebook = page.get_by_role("group", name="Facebook")
    assert "Facebook" in facebook.inner_text()
    assert page.evaluate(
        "[...document.querySelectorAll('iframe[data-consent]')].every(f => !f.src)"
    )
    assert holders.count() >= 3
    body = click_and_record(page, ".temoin-ph[aria-label=Facebook] button")
    assert body["source"] == "placeholder" and body["action"] == "custom"
    assert body["services"] == {"facebook": True}, "one service, not the whole category"
    assert body["choices"] == dict.fromkeys(OPTIONAL), "nothing else was asked"
    frame = page.locator("iframe[data-service=facebook]")
    assert frame.get_attribute("src") == "/demo/embed/facebook"
    assert frame.is_visible()
    assert page.locator(".temoin-ph").count() == 2
    assert demo.record(body["consent_id"])["current"]["source"] == "placeholder"


def test_placeholder_answers_no_question_the_banner_asks(
    page: Any, context: Any, demo: Any
) -> None:
    """Rule 22: a service allowed from its placeholder is that decision alone: the banner stays
    and comes back on the next page until answered; the purposes stay unasked, not refused."""
    page.goto("/demo/")
    body = click_and_record(page, ".temoin-ph[aria-label=Facebook] button")
    assert body["choices"] == dict.fromkeys(OPTIONAL) and body["services"] == {"facebook": True}
    assert page.is_visible(BANNER), "the first layer stays"
    assert page.get_by_role("button", name="Cookies", exact=True).count() == 0
    choice = stored(context)
    assert choice["c"] == dict.fromkeys(OPTIONAL) and choice["s"] == {"facebook": 1}
    unasked = "[Temoin.get('audience'), Temoin.get('sharing'), Temoin.get('facebook')]"
    assert page.evaluate(unasked) == [False, False, True]
    assert page.evaluate("Temoin.state().choices") == dict.fromkeys(OPTIONAL)
    # Another service from its placeholder: still nothing else answered.
    body = click_and_record(page, ".temoin-ph[aria-label=LinkedIn] button")
    assert body["services"] == {"facebook": True, "linkedin": True}
    assert body["choices"] == dict.fromkeys(OPTIONAL) and body["consent_id"] == choice["id"]
    page.goto("/demo/politique")
    assert page.is_visible(BANNER), "asked again on the next page"
    assert page.evaluate(unasked) == [False, False, True]
    assert demo_tags_ran(page) == []
    page.goto("/demo/")
    assert page.locator(".temoin-ph").count() == 1, "only Twitter is still blocked"
    # The preferences show what was decided, and nothing more.
    banner_button(page, "Personnaliser").click()
    dialog = page.locator(DIALOG)
    assert dialog.locator("input[data-service=facebook]").is_checked()
    assert not dialog.locator("input[data-service=twitter]").is_checked()
    assert dialog.locator("input[data-category=sharing]").evaluate("e => e.indeterminate")
    assert dialog.locator("input[data-category=audience]:checked").count() == 0
    page.keyboard.press("Escape")
    body = click_and_record(page, "#temoin .tm-banner [data-action=reject-all]")
    assert body["action"] == "reject_all" and body["choices"] == dict.fromkeys(OPTIONAL, False)
    assert not page.is_visible(BANNER)
    assert page.locator(".temoin-ph").count() == 3, "« Tout refuser » refuses them all"
    page.goto("/demo/politique")
    assert not page.is_visible(BANNER), "answered now"
    history = demo.record(choice["id"])["history"]
    assert [(r["source"], r["action"]) for r in history] == [
        ("placeholder", "custom"),
        ("placeholder", "custom"),
        ("banner", "reject_all"),
    ]
    assert history[0]["choices"] == dict.fromkeys(OPTIONAL)


def test_asks_again_after_the_lifetime(page: Any, context: Any) -> None:
    """Rule 14: a choice older than the site's lifetime (182 days) is asked again."""
    start = time.time()
    page.clock.install(time=start)
    page.goto("/demo/")
    click_and_record(page, "[data-action=reject-all]")
    page.clock.set_system_time(start + 181 * DAY)
    page.reload()
    assert not page.is_visible(BANNER), "still valid on day 181"
    page.clock.set_system_time(start + 183 * DAY)
    page.reload()
    assert page.is_visible(BANNER), "asked again after 182 days"
    assert page.evaluate("Temoin.state()") is None
    body = click_and_record(page, "[data-action=accept-all]")
    assert body["consent_id"] == stored(context)["id"]


def test_asks_again_after_a_reconsent_version(page: Any, context: Any, demo: Any) -> None:
    """Rule 15: a new version marked `reconsent` asks again; an ordinary new version does not."""
    demo.app.config["WIDGET_MAX_AGE"] = 0
    page.goto("/demo/")
    first = click_and_record(page, "[data-action=accept-all]")
    assert first["policy_version"] == 1
    assert demo.publish(reconsent=False) == 2
    page.reload()
    assert not page.is_visible(BANNER)
    assert page.evaluate("Temoin.get('audience')") is True
    assert demo.publish(reconsent=True) == 3
    page.reload()
    assert page.is_visible(BANNER)
    assert page.evaluate("Temoin.get('audience')") is False, "nothing granted until asked"
    body = click_and_record(page, "[data-action=reject-all]")
    assert body["policy_version"] == 3
    assert body["action"] == "reject_all"
    assert stored(context)["v"] == 3


def test_global_privacy_control(browser: Any, demo: Any) -> None:
    """Rule 19: GPC is no consent; accept all leaves advertising off unless chosen; gpc recorded."""
    context = browser.new_context(base_url=demo.url, locale="fr-FR")
    context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    page = context.new_page()
    try:
        page.goto("/demo/")
        assert page.is_visible(BANNER), "GPC alone decides nothing"
        assert demo_tags_ran(page) == []
        body = click_and_record(page, "[data-action=accept-all]")
        assert body["action"] == "accept_all" and body["gpc"] is True
        assert body["choices"] == {
            "functional": True,
            "audience": True,
            "sharing": True,
            "advertising": False,
        }
        page.wait_for_function("(window.__temoinDemo || []).includes('google-analytics')")
        assert "google-ads" not in demo_tags_ran(page)
        dialog = open_preferences(page)
        assert not dialog.locator("input[data-category=advertising]").is_checked()
        dialog.locator("input[data-category=advertising]").check()
        body = click_and_record(page, "dialog [data-action=save]")
        assert body["action"] == "custom" and body["gpc"] is True
        assert body["choices"]["advertising"] is True
        page.wait_for_function("(window.__temoinDemo || []).includes('google-ads')")
        assert demo.record(body["consent_id"])["current"]["gpc"] is True
    finally:
        context.close()


def test_offline_choice_applies_at_once_and_is_delivered_next_load(
    page: Any, context: Any, demo: Any
) -> None:
    """A choice made offline is applied, queued in localStorage and delivered on a later load."""
    page.goto("/demo/")
    context.set_offline(True)
    page.click("[data-action=accept-all]")
    page.wait_for_function("localStorage.getItem('temoin:queue') !== null")
    assert page.evaluate("Temoin.get('audience')") is True
    queued = page.evaluate("JSON.parse(localStorage.getItem('temoin:queue'))")
    assert len(queued) == 1 and queued[0]["body"]["action"] == "accept_all"
    consent_id = stored(context)["id"]
    context.set_offline(False)
    with page.expect_response(lambda r: r.url.endswith("/consents")) as info:
        page.goto("/demo/politique")
    assert info.value.status == 201
    page.wait_for_function("localStorage.getItem('temoin:queue') === null")
    log = demo.record(consent_id)
    assert log["current"]["action"] == "accept_all" and len(log["history"]) == 1
