"""Browser fixtures: Debian's Chromium, driven by Playwright, on the demo site of a live server."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.domain import drafts
from server.domain.demo_site import load_demo
from server.extensions import db
from server.models import Site
from tests.browser.temoin_page import CHROMIUM, CHROMIUM_ARGS
from tests.support.env import need
from tests.support.live import LiveServer

# A real host name with a parent domain, for cookie deletion on parent domains.
HOSTS = "--host-resolver-rules=MAP *.temoin.test 127.0.0.1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder `browser`."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")  # stopped before the scanner drives its own Playwright
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    need(Path(CHROMIUM).exists() or bool(shutil.which("chromium")), f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        need(False, "playwright is not installed")
        raise
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, HOSTS])
        yield chromium
        chromium.close()


class Demo:
    """The demo site on a live server, with helpers that read the consent log through the API."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.url = server.url
        self.app = server.app

    def host_url(self, host: str) -> str:
        """Return the base URL under another host name (resolved to 127.0.0.1), origin allowed."""
        url = f"http://{host}:{self.server.port}"
        with self.app.app_context():
            load_demo([url])
            db.session.commit()
        return url

    def record(self, consent_id: str) -> dict[str, Any]:
        """Return GET /api/v1/sites/demo/consents/<id> (current state and history)."""
        url = f"{self.url}/api/v1/sites/demo/consents/{consent_id}"
        with urllib.request.urlopen(url, timeout=5) as resp:
            return json.loads(resp.read())

    def publish(self, reconsent: bool) -> int:
        """Publish the demo draft as a new version; return its number."""
        with self.app.app_context():
            site = db.session.query(Site).filter_by(key="demo").one()
            if not reconsent:  # an ordinary new version changes something visitors read
                site.texts = {**site.texts, "fr": {**site.texts["fr"], "title": "Vos choix"}}
            version = drafts.publish(site, reconsent=reconsent, actor="browser test")
            db.session.commit()
            number = version.version
        return number


@pytest.fixture
def demo(live_server: LiveServer) -> Demo:
    """The demo site served for this test."""
    return Demo(live_server)


@pytest.fixture
def context(browser: Any, demo: Demo) -> Iterator[Any]:
    """A fresh browser profile (no cookies, no storage) pointed at the demo site, in French."""
    ctx = browser.new_context(
        base_url=demo.url, locale="fr-FR", viewport={"width": 1280, "height": 800}
    )
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A page that fails the test on any uncaught script error."""
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert errors == [], errors
