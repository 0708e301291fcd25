"""The three layouts a site chooses, in the page: where each sits, what it leaves of the page, axe,
the keyboard, 320 px and 200 % zoom, no layout shift.

The demo shows its published version in any layout with `/demo/?look=LAYOUT` (server/demo); one
test publishes a layout through the draft, as a site does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from server.domain import drafts
from server.domain.drafts import draft_doc, save_draft
from server.extensions import db
from server.models import Site
from tests.browser.temoin_page import BANNER, DIALOG, click_and_record
from tests.browser.test_languages import axe_violations, offer_every_language
from tests.browser.test_widget_page import UNCOVERED

LAYOUTS = ("bar", "box", "modal")
FIRST_LAYER = ("accept-all", "reject-all", "customize")
# The page's layout shifts, summed as CLS is (none after an input counts).
SHIFTS = """(() => { window.__shift = 0
  new PerformanceObserver(l => l.getEntries().forEach(e => { if (!e.hadRecentInput)
    window.__shift += e.value })).observe({ type: 'layout-shift', buffered: true }) })()"""


@contextmanager
def look_page(
    browser: Any,
    demo: Any,
    layout: str,
    size: tuple[int, int] = (1280, 800),
    scale: int = 1,
    scheme: str = "light",
    phone: bool = False,
    lang: str = "fr",
) -> Iterator[Any]:
    """The demo page in a fresh French profile, its banner in this layout."""
    context = browser.new_context(
        base_url=demo.url,
        locale="fr-FR",
        viewport={"width": size[0], "height": size[1]},
        device_scale_factor=scale,
        color_scheme=scheme,
        is_mobile=phone,
        has_touch=phone,
    )
    context.add_init_script(SHIFTS)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        if lang != "fr":

            def retag(route: Any) -> None:
                original = route.fetch()
                body = original.text().replace('<html lang="fr">', f'<html lang="{lang}">', 1)
                route.fulfill(response=original, body=body)

            page.route("**/demo/?look=*", retag)
        page.goto(f"/demo/?look={layout}")
        page.locator(BANNER).wait_for()
        yield page
    finally:
        context.close()
    assert errors == [], errors


def first_layer_ok(page: Any, width: int) -> None:
    """The three buttons are whole in the viewport and uncovered; accept and refuse are alike."""
    banner = page.locator(BANNER)
    buttons = [banner.locator(f"[data-action={a}]") for a in FIRST_LAYER]
    for action, button in zip(FIRST_LAYER, buttons, strict=True):
        assert button.evaluate(UNCOVERED), action
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, action
        assert box["height"] >= 44, action
    accept, refuse = buttons[0].bounding_box(), buttons[1].bounding_box()
    assert abs(accept["width"] - refuse["width"]) < 0.5 and accept["height"] == refuse["height"]
    style = """e => { const s = getComputedStyle(e)
      return [s.fontSize, s.fontWeight, s.backgroundColor, s.color, s.borderWidth, s.padding] }"""
    assert buttons[0].evaluate(style) == buttons[1].evaluate(style)


BACKGROUND = "e => getComputedStyle(e).backgroundColor"
# The demo's white, and its dark variant derived from it (server/domain/colours.py).
DEMO_BACKGROUND = {"light": "rgb(255, 255, 255)", "dark": "rgb(19, 22, 29)"}


def where(page: Any) -> dict[str, float]:
    return page.locator(BANNER).bounding_box()


# The room the widget leaves below the page: its spacer's height, or nothing.
SPACER = """[...document.body.children].filter(e => e.tagName === 'DIV' && !e.id && !e.className
  && e.style.height).map(e => parseFloat(e.style.height))"""


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_sits_where_it_says(browser: Any, demo: Any, layout: str) -> None:
    """bar: across the bottom; box: the bottom corner at the end of the line, 24em at most;
    modal: the middle of the screen, the page dimmed around it."""
    with look_page(browser, demo, layout) as page:
        box = where(page)
        if layout == "bar":
            assert (box["x"], box["width"]) == (0, 1280) and box["y"] + box["height"] == 800
        elif layout == "box":
            assert box["width"] <= 24 * 15 and box["x"] + box["width"] == 1280 - 16
            assert box["y"] + box["height"] == 800 - 16
        else:
            assert abs(box["x"] + box["width"] / 2 - 640) <= 1
            assert abs(box["y"] + box["height"] / 2 - 400) <= 1
            shadow = page.locator(BANNER).evaluate("e => getComputedStyle(e).boxShadow")
            assert shadow == "rgba(0, 0, 0, 0.6) 0px 0px 0px 1280px", shadow
            # Only a shadow dims the page: what is under it is the page's, not the widget's.
            hit = page.evaluate("document.elementFromPoint(20, 20).closest('#temoin')")
            assert hit is None
        first_layer_ok(page, 1280)
        assert box["height"] <= 800 * 0.48 + 1, "never a wall"


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_axe_finds_nothing_in_each_layout(
    browser: Any, demo: Any, layout: str, scheme: str, lang: str
) -> None:
    """Every layout, light and dark (the demo's dark variant follows the system), in French and
    in Arabic (right to left), both layers."""
    if lang == "ar":
        offer_every_language(demo.app)
    with look_page(browser, demo, layout, scheme=scheme, lang=lang) as page:
        assert page.get_attribute("#temoin", "dir") == ("rtl" if lang == "ar" else "ltr")
        assert page.locator(BANNER).evaluate(BACKGROUND) == DEMO_BACKGROUND[scheme]
        results = axe_violations(page)
        assert results.violations_count == 0, results.generate_report()
        page.locator(f"{BANNER} [data-action=services]").click()
        assert page.locator(f"{DIALOG} details[open]").count() == 5
        results = axe_violations(page)
        assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    ("size", "scale"), [((320, 640), 1), ((640, 400), 2)], ids=["320px", "200pct-zoom"]
)
def test_each_layout_at_320px_and_200pct(
    browser: Any, demo: Any, layout: str, size: tuple[int, int], scale: int
) -> None:
    """At 320 CSS px and at 200 % zoom (1280×800 is then 640×400) the banner fits the width,
    its three buttons are whole and uncovered, and the preferences still fit and save."""
    width, height = size
    with look_page(browser, demo, layout, size, scale) as page:
        banner = page.locator(BANNER)
        assert banner.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        box = where(page)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["height"] <= height * 0.48 + 1
        first_layer_ok(page, width)
        banner.locator("[data-action=customize]").click()
        dialog = page.locator(DIALOG)
        box = dialog.bounding_box()
        assert box["width"] <= width and box["height"] <= height
        assert dialog.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        dialog.locator("input[data-category=audience]").check()
        body = click_and_record(page, "dialog [data-action=save]")
        assert body["choices"]["audience"] is True


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_layout_shift_and_the_end_of_the_page_is_reachable(
    browser: Any, demo: Any, layout: str
) -> None:
    """CLS is 0 from the load to the decision; below the bar and the box the page gets room to
    scroll its last line above them; the modal, in the middle, gets none."""
    with look_page(browser, demo, layout, (390, 844), 2, phone=True) as page:
        page.evaluate("scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_timeout(100)
        footer = page.locator(".site-footer")
        banner_top = where(page)["y"]
        last = footer.bounding_box()
        if layout == "modal":
            assert page.evaluate(SPACER) == []
            assert last["y"] + last["height"] <= 844
        else:
            (room,) = page.evaluate(SPACER)
            assert abs(room - where(page)["height"] - 24) < 1
            assert last["y"] + last["height"] <= banner_top + 1, "the footer scrolls above"
        page.evaluate("scrollTo(0, 0)")
        click_and_record(page, f"{BANNER} [data-action=reject-all]")
        page.wait_for_timeout(200)
        assert page.evaluate("window.__shift") == 0


@pytest.mark.parametrize("layout", LAYOUTS)
def test_keyboard_reaches_the_banner_first_and_escape_decides_nothing(
    browser: Any, demo: Any, layout: str
) -> None:
    """The banner's controls come first; Escape neither closes it nor grants anything; nothing
    holds the focus or the scroll (the modal's page can still be read)."""
    with look_page(browser, demo, layout) as page:
        seen = []
        for _ in range(4):
            page.keyboard.press("Tab")
            seen.append(page.evaluate("document.activeElement.dataset.action || ''"))
        assert seen == ["services", "accept-all", "reject-all", "customize"]
        page.keyboard.press("Escape")
        assert page.locator(BANNER).is_visible() and page.evaluate("Temoin.state()") is None
        page.keyboard.press("Tab")
        assert not page.evaluate("!!document.activeElement.closest('#temoin')"), "the page next"
        page.evaluate("scrollTo(0, 300)")
        assert page.evaluate("scrollY") > 0, "the page scrolls"
        assert page.evaluate("getComputedStyle(document.documentElement).overflow") == "visible"
        assert page.evaluate("getComputedStyle(document.body).overflow") == "visible"


def test_the_bar_at_the_top_leaves_no_room_below(browser: Any, demo: Any) -> None:
    publish_look(demo.app, layout="bar", position="top")
    with look_page(browser, demo, "bar") as page:
        box = where(page)
        assert box["y"] == 0 and box["width"] == 1280
        first_layer_ok(page, 1280)
        page.wait_for_timeout(100)
        assert page.evaluate(SPACER) == []


def test_a_published_layout_reaches_every_page(demo: Any, page: Any) -> None:
    """Chosen in the draft and published: /w/demo.js itself shows the box."""
    publish_look(demo.app, layout="box")
    page.goto("/demo/politique")
    box = page.locator(BANNER).bounding_box()
    assert box["x"] + box["width"] == 1280 - 16 and box["width"] <= 360


def test_in_arabic_the_box_is_in_the_bottom_left_corner(browser: Any, demo: Any) -> None:
    offer_every_language(demo.app)
    with look_page(browser, demo, "box", lang="ar") as page:
        assert page.get_attribute("#temoin", "dir") == "rtl"
        box = where(page)
        assert box["x"] == 16 and box["y"] + box["height"] == 800 - 16
        first_layer_ok(page, 1280)
        results = axe_violations(page)
        assert results.violations_count == 0, results.generate_report()


def publish_look(app: Any, **theme: str) -> None:
    """Change the demo's theme in its draft and publish it."""
    with app.app_context():
        site = db.session.query(Site).filter_by(key="demo").one()
        doc = draft_doc(site)
        doc["theme"] = {**doc["theme"], **theme}
        save_draft(site, doc, "browser test", "settings")
        drafts.publish(site, reconsent=False, actor="browser test")
        db.session.commit()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_dark_variant_reads_well_in_french_and_arabic(
    browser: Any, demo: Any, lang: str
) -> None:
    """With a dark system the banner, its buttons, its switches and the placeholders turn dark;
    text keeps 4.5:1 (axe checks it); in Arabic too, mirrored."""
    if lang == "ar":
        offer_every_language(demo.app)
    with look_page(browser, demo, "box", scheme="dark", lang=lang) as page:
        banner = page.locator(BANNER)
        assert banner.evaluate(BACKGROUND) == DEMO_BACKGROUND["dark"]
        assert banner.evaluate("e => getComputedStyle(e).color") == "rgb(242, 242, 242)"
        assert page.locator(".temoin-ph").first.evaluate(BACKGROUND) == DEMO_BACKGROUND["dark"]
        accept = banner.locator("[data-action=accept-all]")
        assert accept.evaluate("e => getComputedStyle(e).color") == DEMO_BACKGROUND["dark"]
        assert page.evaluate("getComputedStyle(document.querySelector('#temoin')).colorScheme")
        results = axe_violations(page)
        assert results.violations_count == 0, results.generate_report()
        banner.locator("[data-action=services]").click()
        dialog = page.locator(DIALOG)
        assert dialog.evaluate(BACKGROUND) == DEMO_BACKGROUND["dark"]
        dialog.locator("input[data-category=audience]").check()
        results = axe_violations(page)
        assert results.violations_count == 0, results.generate_report()
