"""Take the README screenshots of the Scan page: the shop test site (a Google tag that runs
before consent, an undeclared Hotjar cookie) and the demo site (compliant), scanned in
Chromium, on 127.0.0.1 only.

Run: python docs/screenshots/take_scan.py
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from werkzeug.serving import make_server  # noqa: E402

from server import create_app  # noqa: E402
from server.domain import drafts  # noqa: E402
from server.domain.accounts import upsert_admin  # noqa: E402
from server.domain.demo_site import load_demo  # noqa: E402
from server.domain.scan.store import queue_scan, run_scan  # noqa: E402
from server.domain.sites import apply_draft, create_site  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.browser.temoin_page import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.scan.conftest import SHOP_HOST, shop_categories  # noqa: E402
from tests.scan.world import Served, resolver_rules, shop_app, tracker_app  # noqa: E402
from tests.support.env import free_port  # noqa: E402

PASSWORD = "screenshots only"


def main() -> None:
    """Write scan-report.png, scan-proposals.png and scan-demo.png next to this script."""
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="temoin-shots-"))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 't.db'}",
            "SECRET_KEY": "shots",
            "RATELIMIT_ENABLED": False,
            "CONFIG_CACHE_SECONDS": 0.0,
        }
    )
    app.instance_path = str(tmp / "instance")
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    trackers = Served(tracker_app, tls=True)
    shop = Served(shop_app(f"http://127.0.0.1:{port}"))
    app.config.update(SCAN_CHROMIUM_ARGS=[resolver_rules(trackers.port, SHOP_HOST)])
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        site = create_site("shop", "Boutique (test)", [f"http://{SHOP_HOST}:{shop.port}"])
        apply_draft(site, {"categories": shop_categories()})
        db.session.flush()
        drafts.publish(site, reconsent=False, actor="screenshots")
        demo = load_demo([f"http://127.0.0.1:{port}"])
        upsert_admin("editor@shop.test", PASSWORD, {"shop": "editor", "demo": "editor"})
        scan = queue_scan(site, [], 3, "editor@shop.test")
        demo_scan = queue_scan(demo, [f"http://127.0.0.1:{port}/demo/"], 2, "editor@shop.test")
        db.session.commit()
        scan_id, demo_id = scan.id, demo_scan.id
        for one in (scan_id, demo_id):
            run_scan(one, app.config, app.instance_path)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(
                base_url=f"http://127.0.0.1:{port}",
                locale="en-GB",
                viewport={"width": 1280, "height": 900},
            )
            page.goto("/admin/login")
            page.get_by_label("E-mail").fill("editor@shop.test")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/login" not in url)
            page.goto(f"/admin/sites/shop/scans/{scan_id}")
            page.screenshot(path=str(HERE / "scan-report.png"))
            page.locator("#proposals").scroll_into_view_if_needed()
            page.evaluate("document.getElementById('drift').scrollIntoView()")
            page.screenshot(path=str(HERE / "scan-proposals.png"))
            page.goto(f"/admin/sites/demo/scans/{demo_id}")
            page.screenshot(path=str(HERE / "scan-demo.png"), full_page=True)
            browser.close()
    finally:
        server.shutdown()
        trackers.stop()
        shop.stop()


if __name__ == "__main__":
    main()
