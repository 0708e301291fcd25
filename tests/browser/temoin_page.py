"""Helpers shared by the browser tests: what the widget shows and what it stored."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import unquote

from server.config import Defaults
from server.domain.scan.browser import BASE_ARGS

# Debian's Chromium (Playwright cannot download a browser on our CI machines), with the flags
# the scanner starts it with.
CHROMIUM = Defaults.CHROMIUM
CHROMIUM_ARGS = list(BASE_ARGS)
BANNER = "#temoin .tm-banner"
DIALOG = "#temoin dialog"
OPTIONAL = ["functional", "audience", "sharing", "advertising"]
# Cookies the demo's fake tags set, per category (wildcard names as the tags write them).
TAG_COOKIES = {
    "functional": {"__smToken", "_hjSession_demo", "crisp-clientdemo", "_agile_uid"},
    "audience": {"_ga", "_ga_demo", "_gid"},
    "sharing": {"_fbp", "guest_id", "bcookie"},
    "advertising": {"_gcl_au", "IDE"},
}


def cookies(context: Any) -> dict[str, str]:
    """Return the context's cookies by name."""
    return {c["name"]: c["value"] for c in context.cookies()}


def stored(context: Any) -> dict[str, Any] | None:
    """Decode the `temoin` cookie."""
    raw = cookies(context).get("temoin")
    return json.loads(unquote(raw)) if raw else None


def click_and_record(page: Any, selector: str) -> dict[str, Any]:
    """Click and return the JSON body of the consent POST it sends (after the server answered)."""
    with page.expect_response(
        lambda r: r.url.endswith("/consents") and r.request.method == "POST"
    ) as info:
        page.click(selector)
    resp = info.value
    assert resp.status == 201, resp.text()
    return json.loads(resp.request.post_data)


def banner_button(page: Any, name: str) -> Any:
    """The banner's button with this accessible name."""
    return page.get_by_role("region", name="Vos choix en matière de cookies").get_by_role(
        "button", name=name, exact=True
    )


def open_preferences(page: Any) -> Any:
    """Open the preferences from the page's « Gestion des cookies » link; return the dialog."""
    page.get_by_role("link", name="Gestion des cookies", exact=True).first.click()
    dialog = page.get_by_role("dialog", name="Paramétrer les cookies")
    dialog.wait_for()
    return dialog


def demo_tags_ran(page: Any) -> list[str]:
    """The services whose fake tags have run in this page."""
    return page.evaluate("window.__temoinDemo || []")


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Poll a page expression until truthy (works under a CSP without 'unsafe-eval')."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)
