"""Scanner fixtures: the Témoin server with the demo and a shop site, the fake third-party
world, and the scanner configured to reach them under their real names."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.domain import drafts
from server.domain.sites import apply_draft, create_site
from server.extensions import db
from tests.support.env import need
from tests.support.live import LiveServer
from tests.support.records import CATEGORY_TEXTS

from .world import Served, resolver_rules, shop_app, tracker_app

CHROMIUM = "/usr/bin/chromium"
SHOP_HOST = "shop.test"
TEXTS = {"fr": {"purpose": "Un cookie."}, "en": {"purpose": "A cookie."}}
SVC_TEXTS = {"fr": {"description": "Un service."}, "en": {"description": "A service."}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder `browser`."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _ck(name: str, days: int) -> dict[str, Any]:
    return {"name": name, "lifetime_days": days, "texts": TEXTS}


def _svc(slug: str, name: str, cookies: list[dict[str, Any]]) -> dict[str, Any]:
    return {"slug": slug, "name": name, "texts": SVC_TEXTS, "cookies": cookies}


def shop_categories() -> list[dict[str, Any]]:
    """The shop's declared services: Google Analytics (lifetime too short), Facebook in the
    wrong category, Crisp never observed; Hotjar missing."""
    cats = [
        {"slug": "necessary", "services": [_svc("site", "Shop", [_ck("PHPSESSID", 0)])]},
        {
            "slug": "functional",
            "services": [
                _svc("facebook", "Facebook", [_ck("_fbp", 90)]),
                _svc("crisp", "Crisp", [_ck("crisp-client*", 180)]),
            ],
        },
        {
            "slug": "audience",
            "services": [
                _svc("google-analytics", "Google Analytics", [_ck("_ga", 395), _ck("_ga_*", 395)]),
            ],
        },
        {"slug": "sharing", "services": []},
        {"slug": "advertising", "services": []},
    ]
    return [{**cat, "texts": CATEGORY_TEXTS} for cat in cats]


class World:
    """The servers of one test and the scanner's settings."""

    def __init__(self, server: LiveServer, trackers: Served, shop: Served) -> None:
        self.server = server
        self.app = server.app
        self.trackers = trackers
        self.shop = shop
        self.shop_origin = f"http://{SHOP_HOST}:{shop.port}"
        self.demo_url = f"{server.url}/demo/"


@pytest.fixture(scope="session")
def trackers() -> Iterator[Served]:
    """The fake tracker hosts."""
    served = Served(tracker_app, tls=True)
    yield served
    served.stop()


@pytest.fixture
def world(live_server: LiveServer, trackers: Served) -> Iterator[World]:
    """Témoin (demo + shop sites) on a live server, the shop on its own port."""
    need(Path(CHROMIUM).exists() or bool(shutil.which("chromium")), f"no Chromium at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the machine
        need(False, "playwright is not installed")
    shop = Served(shop_app(live_server.url))
    app = live_server.app
    origin = f"http://{SHOP_HOST}:{shop.port}"
    with app.app_context():
        site = create_site("shop", "Shop", [origin])
        apply_draft(site, {"categories": shop_categories()})
        db.session.flush()
        drafts.publish(site, reconsent=False, actor="test")
        db.session.commit()
        db.session.remove()
    app.config.update(
        CHROMIUM=CHROMIUM,
        SCAN_CHROMIUM_ARGS=[resolver_rules(trackers.port, SHOP_HOST)],
        SCAN_SETTLE_MS=400,
        SCAN_PAGE_SECONDS=8,
        SCAN_TOTAL_SECONDS=120,
    )
    yield World(live_server, trackers, shop)
    shop.stop()
