"""The favicon: served at /favicon.ico (browsers ask for it) and linked from every page."""

from __future__ import annotations

import re

import pytest

ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+)"')


def test_favicon_ico_is_served(client):
    with client.get("/favicon.ico") as resp:
        assert resp.status_code == 200
        assert resp.mimetype == "image/x-icon"
        assert resp.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
        assert "max-age=604800" in resp.headers["Cache-Control"]


@pytest.mark.parametrize("page", ["/demo/", "/demo/politique", "/demo/strict", "/admin/login"])
def test_pages_link_an_icon_that_is_served(client, demo, page):
    html = client.get(page).get_data(as_text=True)
    links = ICON_LINK.findall(html)
    assert "/favicon.ico" in links and "/static/favicon.svg" in links, links
    for href in links:
        with client.get(href) as resp:
            assert resp.status_code == 200, href
    with client.get("/static/favicon.svg") as resp:
        assert resp.mimetype == "image/svg+xml" and b"<svg" in resp.data
