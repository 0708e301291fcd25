"""The widget in the page: Consent Mode, strict CSP, gating details, accessibility, layout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.browser.temoin_page import (
    BANNER,
    DIALOG,
    OPTIONAL,
    banner_button,
    click_and_record,
    demo_tags_ran,
    wait_until,
)

SEVEN = {
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
}
DATA_LAYER = """() => window.dataLayer.map(e => ({
  args: Object.prototype.toString.call(e) === '[object Arguments]',
  value: Array.from(e.length === undefined ? [e] : e),
}))"""


def test_consent_mode_default_first_then_updates(page: Any) -> None:
    """Rule 18: `consent default` first (arguments, 7 types), `update` on decisions and loads."""
    page.goto("/demo/")
    layer = page.evaluate(DATA_LAYER)
    assert len(layer) == 1
    first = layer[0]
    assert first["args"] and first["value"][:2] == ["consent", "default"]
    state = first["value"][2]
    assert set(state) == SEVEN | {"wait_for_update"}
    assert {k: v for k, v in state.items() if k in SEVEN} == {
        k: "granted" if k == "security_storage" else "denied" for k in SEVEN
    }
    click_and_record(page, "[data-action=accept-all]")
    page.wait_for_function("window.dataLayer.some(e => e[0] === 'config')")
    layer = page.evaluate(DATA_LAYER)
    kinds = [e["value"][0] if e["args"] else "object" for e in layer]
    assert layer[1]["value"][:2] == ["consent", "update"]
    assert set(layer[1]["value"][2].values()) == {"granted"}
    assert kinds.index("js") > 1 and kinds.index("config") > 1, "tags after the update"
    page.reload()
    page.wait_for_function("window.dataLayer.some(e => e[0] === 'config')")
    layer = page.evaluate(DATA_LAYER)
    assert [e["value"][:2] for e in layer[:2]] == [["consent", "default"], ["consent", "update"]]
    assert layer[1]["value"][2]["analytics_storage"] == "granted"


def test_refusal_keeps_consent_mode_denied_and_google_tags_off(page: Any) -> None:
    """Rule 18 (basic mode): after refusal no Google tag runs and every update is denied."""
    page.goto("/demo/")
    click_and_record(page, "[data-action=reject-all]")
    page.reload()
    layer = page.evaluate(DATA_LAYER)
    assert len(layer) == 2
    assert layer[1]["value"][2] == {
        k: "granted" if k == "security_storage" else "denied" for k in SEVEN
    }
    assert demo_tags_ran(page) == []


def test_strict_csp_shows_gates_and_activates(page: Any) -> None:
    """Issue 3 point 11: under script/style nonces the widget styles, gates and runs tags."""
    violations: list[str] = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and violations.append(m.text),
    )
    resp = page.goto("/demo/strict")
    assert "nonce-" in resp.headers["content-security-policy"]
    assert "unsafe-inline" not in resp.headers["content-security-policy"]
    page.evaluate(
        "document.addEventListener('securitypolicyviolation', e => "
        "(window.__csp = window.__csp || []).push(e.violatedDirective))"
    )
    banner = page.locator(BANNER)
    assert banner.is_visible()
    assert banner.evaluate("e => getComputedStyle(e).position") == "fixed", "CSS applied"
    assert demo_tags_ran(page) == []
    click_and_record(page, "[data-action=accept-all]")
    wait_until(page, "window.dataLayer.some(e => e[0] === 'config')")
    assert "google-analytics" in demo_tags_ran(page), "external tag ran"
    scripts = page.evaluate(
        """[...document.querySelectorAll('script[data-consent]')].map(s => ({
             type: s.type, nonce: s.nonce, service: s.dataset.service}))"""
    )
    assert all(s["type"] == "" and s["nonce"] for s in scripts), scripts
    order = [s["service"] for s in scripts]
    assert order == ["sumome", "hotjar", "crisp", "agilecrm"] + ["google-analytics"] * 2 + [
        "google-ads"
    ], "attributes and document order kept"
    assert violations == [] and page.evaluate("window.__csp || []") == []


def test_gates_elements_added_later(page: Any) -> None:
    """Issue 3 point 5: tags and frames added after load wait for consent, then run at once."""
    page.goto("/demo/")
    page.evaluate(
        """() => {
          const s = document.createElement('script')
          s.type = 'text/plain'; s.dataset.consent = 'audience'
          s.textContent = 'window.__late = (window.__late || 0) + 1'
          document.body.append(s)
          const f = document.createElement('iframe')
          f.dataset.consent = 'sharing'; f.dataset.src = '/demo/embed/twitter'; f.id = 'late'
          document.body.append(f)
        }"""
    )
    page.wait_for_selector(".temoin-ph >> nth=3")
    assert page.evaluate("window.__late") is None
    assert page.get_attribute("#late", "src") is None
    click_and_record(page, "[data-action=accept-all]")
    page.wait_for_function("window.__late === 1")
    assert page.get_attribute("#late", "src") == "/demo/embed/twitter"
    page.evaluate(
        """() => { const s = document.createElement('script'); s.type = 'text/plain';
                   s.dataset.consent = 'audience'; s.textContent = 'window.__late += 10';
                   document.body.append(s) }"""
    )
    page.wait_for_function("window.__late === 11")


def test_first_layer_informs_and_buttons_are_equal(page: Any) -> None:
    """Rules 6 and 8: purposes named, withdrawal sentence, partner list; accept = refuse."""
    page.goto("/demo/")
    text = page.locator(BANNER).inner_text()
    for name in ("fonctionnalités", "mesure d’audience", "partage", "publicité"):
        assert name in text.lower(), name
    assert "retirer votre consentement à tout moment" in text
    accept, refuse = banner_button(page, "Tout accepter"), banner_button(page, "Tout refuser")
    style = """e => { const s = getComputedStyle(e)
      return [s.fontSize, s.fontWeight, s.backgroundColor, s.color, s.borderWidth, s.padding] }"""
    assert accept.evaluate(style) == refuse.evaluate(style)
    a, r = accept.bounding_box(), refuse.bounding_box()
    assert abs(a["width"] - r["width"]) < 0.5 and a["height"] == r["height"]
    assert page.locator(f"{BANNER} [data-action=accept-all]").count() == 1, "accept offered once"
    page.get_by_role("button", name="Voir la liste des services et partenaires").click()
    dialog = page.locator(DIALOG)
    assert dialog.locator("[data-action=accept-all]").count() == 1
    details = dialog.inner_text()
    for expected in ("Google Analytics", "_ga", "13\u00a0mois", "Hotjar", "PHPSESSID", "session"):
        assert expected in details, expected
    assert dialog.locator("details[open]").count() == dialog.locator("details").count()


def test_light_dom_banner_refusable_by_privacy_tools(page: Any) -> None:
    """Rule 21: one light-DOM host, fixed region with a real « Tout refuser » button; lang set."""
    page.goto("/demo/")
    assert page.evaluate("document.querySelectorAll('#temoin').length") == 1
    assert page.evaluate("document.querySelector('#temoin').shadowRoot") is None
    assert page.get_attribute("#temoin", "lang") == "fr"
    region = page.get_by_role("region", name="Vos choix en matière de cookies")
    assert region.evaluate("e => getComputedStyle(e).position") == "fixed"
    assert "cookies" in region.inner_text()
    assert page.locator("button[data-action=reject-all]", has_text="Tout refuser").is_visible()


def test_english_page_gets_english_texts(page: Any) -> None:
    """Issue 3 point 9: <html lang="en"> selects English texts and sets lang on the root."""

    def english(route: Any) -> None:
        original = route.fetch()
        route.fulfill(response=original, body=original.text().replace('lang="fr"', 'lang="en"'))

    page.route("**/demo/", english)
    page.goto("/demo/")
    assert page.get_attribute("#temoin", "lang") == "en"
    assert page.get_by_role("button", name="Reject all", exact=True).is_visible()
    body = click_and_record(page, "[data-action=reject-all]")
    assert body["language"] == "en"


@pytest.mark.parametrize("layer", ["banner", "preferences"])
def test_axe_finds_no_violation(page: Any, layer: str) -> None:
    """Rule 13: axe-core (wcag2a, wcag2aa, wcag21aa, wcag22aa) reports nothing on either layer."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto("/demo/")
    if layer == "preferences":
        banner_button(page, "Personnaliser").click()
        page.locator(f"{DIALOG} details").first.locator("summary").click()
    options = {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]},
        "resultTypes": ["violations"],
    }
    results = Axe().run(page, context={"include": [["#temoin"], [".temoin-ph"]]}, options=options)
    assert results.violations_count == 0, results.generate_report()


def test_keyboard_only(page: Any) -> None:
    """Rule 13: reach, open, toggle, trap, close and decide with the keyboard alone."""
    page.goto("/demo/")
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.dataset.action || ''"))
        if seen[-1] == "customize":
            break
    assert seen[:4] == ["services", "accept-all", "reject-all", "customize"], "banner first"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Paramétrer les cookies")
    assert dialog.get_attribute("aria-modal") == "true"
    in_dialog = "!!document.activeElement.closest('#temoin dialog')"
    assert page.evaluate(in_dialog), "focus moved in"
    inside, toggled = [], False
    for _ in range(20):
        page.keyboard.press("Tab")
        inside.append(page.evaluate(in_dialog))
        if not toggled and page.evaluate("document.activeElement.dataset.category") == "audience":
            page.keyboard.press("Space")
            toggled = True
    assert all(inside), "focus stays in the dialog"
    assert page.locator("dialog input[data-category=audience]").is_checked()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(in_dialog)
    page.keyboard.press("Escape")
    assert page.locator(DIALOG).count() == 0
    assert page.evaluate("document.activeElement.dataset.action") == "customize", "focus restored"
    assert page.evaluate("Temoin.state()") is None
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "reject-all"
    with page.expect_response(lambda r: r.url.endswith("/consents")) as info:
        page.keyboard.press("Enter")
    assert info.value.status == 201
    assert page.evaluate("Temoin.state().choices") == {slug: False for slug in OPTIONAL}


@contextmanager
def sized_page(
    browser: Any, demo: Any, width: int, height: int, phone: bool = False, scale: int = 1
) -> Iterator[Any]:
    """A page in a fresh French profile, its viewport this CSS size (a phone: touch, mobile)."""
    context = browser.new_context(
        base_url=demo.url,
        locale="fr-FR",
        viewport={"width": width, "height": height},
        device_scale_factor=scale,
        is_mobile=phone,
        has_touch=phone,
    )
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [(320, 640, 1), (640, 400, 2)],
    ids=["320px", "200pct-zoom"],
)
def test_small_screens_and_zoom(
    browser: Any, demo: Any, width: int, height: int, scale: int
) -> None:
    """Rule 13: at 320 CSS px and at 200 % zoom (1280×800 → 640×400) both layers fit and work."""
    no_overflow = "e => e.scrollWidth <= e.clientWidth + 1"
    with sized_page(browser, demo, width, height, scale=scale) as page:
        page.goto("/demo/")
        banner = page.locator(BANNER)
        assert banner.evaluate(no_overflow)
        assert banner.bounding_box()["height"] <= height * 0.86, "never a full-screen wall"
        for action in ("accept-all", "reject-all", "customize"):
            button = banner.locator(f"[data-action={action}]")
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= width, action
        banner.locator("[data-action=customize]").click()
        dialog = page.locator(DIALOG)
        box = dialog.bounding_box()
        assert box["width"] <= width and box["height"] <= height
        assert dialog.evaluate(no_overflow)
        save = dialog.locator("[data-action=save]")
        assert save.is_visible()
        dialog.locator("input[data-category=audience]").check()
        body = click_and_record(page, "dialog [data-action=save]")
        assert body["choices"]["audience"] is True


PHONES = [(320, 480), (320, 640), (360, 740), (390, 844), (412, 915)]
FIRST_LAYER = ("accept-all", "reject-all", "customize")
# Is the element fully visible: inside the viewport, its centre and corners (3 px in, within
# the rounded border) hit it, nothing covers or clips it?
UNCOVERED = """e => { const r = e.getBoundingClientRect()
  if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false
  return [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 3, r.top + 3],
          [r.right - 3, r.top + 3], [r.left + 3, r.bottom - 3], [r.right - 3, r.bottom - 3]]
    .every(([x, y]) => e.contains(document.elementFromPoint(x, y))) }"""


@pytest.mark.parametrize(
    ("width", "height", "phone"),
    [*((w, h, True) for w, h in PHONES), (640, 360, False), (1280, 800, False)],
    ids=[*(f"{w}x{h}" for w, h in PHONES), "200pct-zoom-1280x720", "desktop"],
)
def test_first_layer_buttons_visible_without_scrolling(
    browser: Any, demo: Any, width: int, height: int, phone: bool
) -> None:
    """Rules 13 and 23: the three first-layer buttons are fully visible without scrolling (the text
    scrolls inside the banner), accept and refuse alike; on a phone the banner covers at most half
    of the screen. 200 % zoom of a 1280×720 window is a 640×360 CSS viewport."""
    with sized_page(browser, demo, width, height, phone, scale=2) as page:
        page.goto("/demo/")
        banner = page.locator(BANNER)
        box = banner.bounding_box()
        if phone:
            assert box["width"] * box["height"] <= 0.5 * width * height, box
        buttons = [banner.locator(f"[data-action={a}]") for a in FIRST_LAYER]
        for _ in range(2):
            assert page.evaluate("scrollY") == 0
            for action, button in zip(FIRST_LAYER, buttons, strict=True):
                assert button.evaluate(UNCOVERED), f"{action} hidden at {width}×{height}"
            accept, refuse = buttons[0].bounding_box(), buttons[1].bounding_box()
            assert abs(accept["width"] - refuse["width"]) < 0.5
            assert accept["height"] == refuse["height"]
            # The text scrolls inside the banner, down to its last line; the buttons stay.
            link = banner.locator("[data-action=services]")
            link.evaluate("e => e.scrollIntoView({block: 'end'})")
            assert link.evaluate(UNCOVERED), "the end of the text is reachable"
        assert banner.bounding_box() == box, "the banner itself does not move"
        banner.locator("[data-action=reject-all]").click()
        assert not page.is_visible(BANNER)


# Does a click anywhere on the element land on it (its centre and eight points around it)?
CLICKABLE = """e => { const r = e.getBoundingClientRect()
  return [0.1, 0.5, 0.9].every(fx => [0.1, 0.5, 0.9].every(fy => e.contains(
    document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height)))) }"""


@pytest.mark.parametrize(
    ("width", "height", "phone"),
    [(1280, 800, False), (320, 640, True), (390, 844, True)],
    ids=["desktop", "320x640", "390x844"],
)
def test_floating_button_leaves_the_end_of_the_page_clickable(
    browser: Any, demo: Any, width: int, height: int, phone: bool
) -> None:
    """Once decided, the floating « Cookies » button covers none of the footer's links."""
    with sized_page(browser, demo, width, height, phone) as page:
        page.goto("/demo/")
        click_and_record(page, "[data-action=reject-all]")
        for path in ("/demo/", "/demo/politique"):
            page.goto(path)
            assert page.get_by_role("button", name="Cookies", exact=True).is_visible()
            page.evaluate("scrollTo(0, document.documentElement.scrollHeight)")
            footer = page.locator(".site-footer")
            for name in ("Politique de confidentialité", "Gestion des cookies"):
                link = footer.get_by_role("link", name=name)
                assert link.is_visible() and link.evaluate(CLICKABLE), f"{name} on {path}"
        footer.get_by_role("link", name="Politique de confidentialité").click(timeout=3000)
        page.wait_for_url("**/demo/politique")
