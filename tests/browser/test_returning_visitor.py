"""A returning visitor: a stored choice runs and loads every kind of gated element on every
page view (reload, next page, new tab), and the frames really load from the live server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.temoin_page import BANNER, click_and_record, demo_tags_ran, wait_until

SHARE = ["facebook", "twitter", "linkedin"]
# A tag and a frame the page adds after it is parsed (a single-page app does that).
ADD_LATER = """service => {
  const s = document.createElement('script')
  s.type = 'text/plain'; s.dataset.consent = 'audience'
  s.textContent = 'window.__late = (window.__late || 0) + 1'
  document.body.append(s)
  const f = document.createElement('iframe')
  f.dataset.consent = 'sharing'; f.dataset.service = service; f.id = 'late'
  f.dataset.src = '/demo/embed/' + service + '?late'
  document.body.append(f)
}"""


def watch_requests(page: Any) -> list[str]:
    """Collect the paths (with query) of every request the page makes from now on."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append("/" + r.url.split("/", 3)[3]))
    return seen


def frame_shows_its_page(page: Any, selector: str) -> str:
    """Wait until the iframe shows the live server's share button; return the frame's URL."""
    frame = page.locator(selector)
    frame.content_frame.get_by_role("button").wait_for(timeout=5000)
    return frame.element_handle().content_frame().url


def frame_is_blank(page: Any, selector: str) -> bool:
    """The iframe has loaded nothing."""
    return page.locator(selector).element_handle().content_frame().url == "about:blank"


def next_page(page: Any) -> None:
    """Go to another page, then back home by its link."""
    page.goto("/demo/politique")
    page.get_by_role("link", name="Accueil", exact=True).click()
    page.wait_for_url("**/demo/")


def view_again(page: Any, how: str) -> tuple[Any, list[str], list[str]]:
    """Show /demo/ again as a returning visitor does; return the page, its requests, its errors."""
    view, errors = page, []
    if how == "new-tab":
        view = page.context.new_page()
        view.on("pageerror", lambda exc: errors.append(str(exc)))
    seen = watch_requests(view)
    if how == "reload":
        view.reload()
    elif how == "next-page":
        next_page(view)
    else:
        view.goto("/demo/")
    return view, seen, errors


def close_tab(view: Any, page: Any, errors: list[str]) -> None:
    """Close a new tab, failing on its script errors (the `page` fixture checks its own)."""
    if view is not page:
        view.close()
        assert errors == [], errors


@pytest.mark.parametrize("how", ["reload", "next-page", "new-tab"])
def test_accepted_tags_and_frames_load_on_every_later_view(page: Any, how: str) -> None:
    """After « Tout accepter », every later view runs each tag and loads each frame, late too."""
    page.goto("/demo/")
    click_and_record(page, "[data-action=accept-all]")
    for slug in SHARE:
        frame_shows_its_page(page, f".share iframe[data-service={slug}]")
    for _ in range(2):
        view, seen, errors = view_again(page, how)
        assert not view.is_visible(BANNER)
        wait_until(view, "(window.__temoinDemo || []).includes('google-ads')")
        assert "google-analytics" in demo_tags_ran(view), "external tag"
        wait_until(view, "window.dataLayer.some(e => e[0] === 'config')")  # inline tag
        for slug in SHARE:
            url = frame_shows_its_page(view, f".share iframe[data-service={slug}]")
            assert url.endswith(f"/demo/embed/{slug}"), url
            assert f"/demo/embed/{slug}" in seen, f"{slug}: no request made"
        assert view.locator(".temoin-ph").count() == 0
        view.evaluate(ADD_LATER, "twitter")
        wait_until(view, "window.__late === 1")
        assert frame_shows_its_page(view, "#late").endswith("/demo/embed/twitter?late")
        assert "/demo/embed/twitter?late" in seen
        close_tab(view, page, errors)


@pytest.mark.parametrize("how", ["reload", "next-page", "new-tab"])
def test_frame_allowed_from_its_placeholder_loads_on_every_later_view(page: Any, how: str) -> None:
    """A service allowed from its placeholder loads on later views; the others stay blocked."""
    page.goto("/demo/")
    click_and_record(page, ".temoin-ph[aria-label=Facebook] button")
    frame_shows_its_page(page, ".share iframe[data-service=facebook]")
    for _ in range(2):
        view, seen, errors = view_again(page, how)
        url = frame_shows_its_page(view, ".share iframe[data-service=facebook]")
        assert url.endswith("/demo/embed/facebook") and "/demo/embed/facebook" in seen
        assert view.locator(".temoin-ph").count() == 2
        view.evaluate(ADD_LATER, "facebook")
        assert frame_shows_its_page(view, "#late").endswith("/demo/embed/facebook?late")
        for slug in ("twitter", "linkedin"):
            assert frame_is_blank(view, f".share iframe[data-service={slug}]"), slug
        blocked = ("/demo/embed/twitter", "/demo/embed/linkedin")
        assert not [path for path in seen if path.startswith(blocked)]
        assert demo_tags_ran(view) == [] and view.evaluate("window.__late") is None
        close_tab(view, page, errors)
