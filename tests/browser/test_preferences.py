"""The preferences dialog: switches screen readers announce, one section per category, the keyboard.

Each category is a switch (a native checkbox with role="switch") beside a <details> section whose
summary is the category's title; the section holds its description, services and cookies.
"""

from __future__ import annotations

from typing import Any

from tests.browser.temoin_page import DIALOG, banner_button, click_and_record
from tests.browser.test_languages import axe_violations, offer_every_language, open_in

NAMES = {
    "necessary": "Strictement nécessaires",
    "functional": "Fonctionnalités",
    "audience": "Mesure d’audience",
    "sharing": "Partage sur les réseaux sociaux",
    "advertising": "Publicité personnalisée",
}
# What the focused element is: a switch by its category or service, a summary by its
# category, a button by its action, a link by its text.
FOCUSED = """() => { const e = document.activeElement
  if (e.matches('[role=switch]')) return 'switch:' + (e.dataset.category || e.dataset.service)
  const cat = e.closest('.tm-cat')
  if (e.tagName === 'SUMMARY') return 'summary:' + cat.querySelector('input').dataset.category
  if (e.tagName === 'A') return 'link'
  return e.dataset.action || e.tagName }"""


def open_dialog(page: Any) -> Any:
    page.goto("/demo/")
    banner_button(page, "Personnaliser").click()
    dialog = page.get_by_role("dialog", name="Paramétrer les cookies")
    dialog.wait_for()
    return dialog


def test_each_category_is_a_switch_announced_on_or_off(page: Any) -> None:
    """role=switch, named by its category; a click changes its state; necessary is on, fixed."""
    dialog = open_dialog(page)
    for slug, name in NAMES.items():
        switch = dialog.get_by_role("switch", name=name, exact=True)
        assert switch.get_attribute("data-category") == slug
        assert switch.evaluate("e => e.type") == "checkbox", "a native checkbox"
        assert switch.is_checked() is (slug == "necessary"), slug
        assert switch.is_disabled() is (slug == "necessary"), slug
    assert dialog.get_by_role("checkbox").count() == 0
    audience = dialog.get_by_role("switch", name="Mesure d’audience")
    assert audience.aria_snapshot() == '- switch "Mesure d’audience"'
    audience.click()
    assert audience.aria_snapshot() == '- switch "Mesure d’audience" [checked]'
    necessary = dialog.get_by_role("switch", name="Strictement nécessaires")
    assert necessary.aria_snapshot() == '- switch "Strictement nécessaires" [checked] [disabled]'
    necessary.click(force=True)
    assert necessary.is_checked(), "always active"
    # A service's switch is named by the service; one service on makes its category mixed.
    dialog.locator("details").nth(1).locator("summary").click()
    hotjar = dialog.get_by_role("switch", name="Hotjar", exact=True)
    hotjar.click()
    functional = dialog.get_by_role("switch", name="Fonctionnalités")
    assert hotjar.is_checked() and not functional.is_checked()
    assert functional.evaluate("e => e.indeterminate")
    functional.click()
    assert all(
        dialog.locator(f"input[data-service={s}]").is_checked()
        for s in ("sumome", "hotjar", "crisp", "agilecrm")
    )
    body = click_and_record(page, "dialog [data-action=save]")
    assert body["choices"] == {
        "functional": True,
        "audience": True,
        "sharing": False,
        "advertising": False,
    }


def test_a_switch_is_drawn_as_one_with_a_44px_target_and_a_focus_ring(page: Any) -> None:
    """The 44×24 track sits in a label at least 44×44 (a click anywhere on it toggles), the knob
    moves from start to end, and keyboard focus draws a 3px ring around the track."""
    dialog = open_dialog(page)
    switch = dialog.locator("input[data-category=audience]")
    track = switch.bounding_box()
    assert (track["width"], track["height"]) == (44, 24)
    label = switch.locator("xpath=..")
    target = label.bounding_box()
    assert target["width"] >= 44 and target["height"] >= 44
    style = "e => getComputedStyle(e).appearance"
    assert switch.evaluate(style) == "none"
    knob = "e => getComputedStyle(e).getPropertyValue('--k').trim()"
    assert switch.evaluate(knob) == "10px"
    page.mouse.click(target["x"] + target["width"] / 2, target["y"] + 3)  # on the label, above
    assert switch.is_checked()
    assert switch.evaluate(knob) == "30px"
    # Keyboard focus: from the close button, Tab reaches the necessary summary, then this switch.
    dialog.locator("[data-action=close]").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "switch:functional"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "switch:audience"
    ring = switch.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth] }"
    )
    assert ring == ["solid", "3px"]


def test_categories_are_sections_holding_description_services_and_cookies(page: Any) -> None:
    """Each category is a <details>: its summary is the title (a heading), the switch is outside it;
    opening a section shows the description, the services and their cookies with their lifetimes."""
    dialog = open_dialog(page)
    sections = dialog.locator("details")
    assert sections.count() == len(NAMES)
    assert dialog.locator("details[open]").count() == 0, "calm: every section closed"
    assert dialog.locator("summary [role=switch], summary input").count() == 0
    for i, name in enumerate(NAMES.values()):
        summary = sections.nth(i).locator("summary")
        assert summary.get_by_role("heading", level=3).inner_text() == name
    assert "Toujours actif" in sections.nth(0).locator("summary").inner_text()
    audience = dialog.locator(".tm-cat", has=page.locator("[data-category=audience]"))
    switch = audience.locator("input[data-category=audience]")
    audience.locator("summary").click()
    assert audience.locator("details").get_attribute("open") == ""
    assert not switch.is_checked(), "opening the section leaves the switch alone"
    text = audience.locator("details").inner_text()
    for expected in ("visiteurs utilisent le site", "Google Analytics", "_ga", "13\u00a0mois"):
        assert expected in text, expected
    assert audience.get_by_role("heading", level=4, name="Google Analytics").is_visible()
    assert audience.get_by_role("link", name="Politique de confidentialité").is_visible()
    switch.click()
    assert switch.is_checked() and audience.locator("details[open]").count() == 1
    necessary = dialog.locator(".tm-cat", has=page.locator("[data-category=necessary]"))
    necessary.locator("summary").click()
    cookie = necessary.locator("li", has_text="PHPSESSID")
    assert "session" in cookie.inner_text()
    audience.locator("summary").click()
    assert audience.locator("details[open]").count() == 0 and switch.is_checked()


def test_keyboard_walk_through_the_dialog(page: Any) -> None:
    """Tab: close, then each category's switch before its title (necessary's is fixed); Space and
    Enter turn a switch on and off and open and close a section; Escape grants nothing."""
    dialog = open_dialog(page)
    assert page.evaluate(FOCUSED) == "close"
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    assert seen == [
        "summary:necessary",
        "switch:functional",
        "summary:functional",
        "switch:audience",
        "summary:audience",
        "switch:sharing",
        "summary:sharing",
        "switch:advertising",
        "summary:advertising",
        "reject-all",
        "accept-all",
        "save",
    ]
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "close", "the focus stays in the dialog"
    audience = dialog.locator("input[data-category=audience]")
    audience.focus()
    page.keyboard.press("Space")
    assert audience.is_checked()
    page.keyboard.press("Enter")
    assert not audience.is_checked()
    page.keyboard.press("Enter")
    assert audience.is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "summary:audience"
    page.keyboard.press("Enter")
    assert dialog.locator("details[open]").count() == 1
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "switch:google-analytics", "into the open section"
    assert dialog.locator("input[data-service=google-analytics]").is_checked()
    page.keyboard.press("Space")
    assert not audience.is_checked()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert dialog.locator("details[open]").count() == 0
    page.keyboard.press("Escape")
    assert page.locator(DIALOG).count() == 0
    assert page.evaluate("Temoin.state()") is None, "Escape granted nothing"


def test_right_to_left_switches_are_on_at_the_left(page: Any, demo: Any) -> None:
    """In Arabic the dialog is mirrored: the switch is at the right of its title, its knob on the
    left when on, cookie names still read left to right; axe finds nothing, every section open."""
    offer_every_language(demo.app)
    open_in(page, "ar")
    page.locator("#temoin [data-action=services]").click()
    dialog = page.locator(DIALOG)
    switch = dialog.locator("input[data-category=audience]")
    title = dialog.locator(".tm-cat", has=page.locator("[data-category=audience]")).locator("h3")
    assert switch.bounding_box()["x"] > title.bounding_box()["x"]
    assert switch.evaluate("e => getComputedStyle(e).transform") == "matrix(-1, 0, 0, 1, 0, 0)"
    assert dialog.locator("details[open]").count() == len(NAMES)
    # A cookie's name reads left to right in the right-to-left text: _ga_*, not *_ga_.
    code = dialog.locator("code", has_text="_ga_*")
    assert code.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert code.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    results = axe_violations(page)
    assert results.violations_count == 0, results.generate_report()


def test_axe_finds_nothing_with_every_section_open(page: Any) -> None:
    page.goto("/demo/")
    page.get_by_role("button", name="Voir la liste des services et partenaires").click()
    dialog = page.locator(DIALOG)
    assert dialog.locator("details[open]").count() == len(NAMES)
    dialog.locator("input[data-service=hotjar]").check()
    results = axe_violations(page)
    assert results.violations_count == 0, results.generate_report()
