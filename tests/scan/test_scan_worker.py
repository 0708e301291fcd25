"""Through the admin pages in Chromium, with `temoin worker` running the scans: queue, run,
result; the shop's Hotjar proposal accepted into the draft, published, and gone from the next
scan's drift; the web process answering while a scan runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.domain.accounts import upsert_admin
from server.extensions import db
from server.models import Scan
from tests.browser.temoin_page import CHROMIUM_ARGS

PASSWORD = "correct horse battery"


@pytest.fixture
def worker(world: Any, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """`temoin worker` in its own process, on the live server's database and queue."""
    app = world.app
    queue_file = str(tmp_path / "queue.db")
    app.config["QUEUE_FILE"] = queue_file
    app.extensions.pop("temoin_queue", None)
    env = {
        **os.environ,
        "TEMOIN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TEMOIN_SECRET_KEY": "test-secret",
        "TEMOIN_QUEUE_FILE": queue_file,
        "TEMOIN_CHROMIUM": app.config["CHROMIUM"],
        "TEMOIN_SCAN_CHROMIUM_ARGS": json.dumps(list(app.config["SCAN_CHROMIUM_ARGS"])),
        "TEMOIN_SCAN_SETTLE_MS": str(app.config["SCAN_SETTLE_MS"]),
        "TEMOIN_SCAN_PAGE_SECONDS": str(app.config["SCAN_PAGE_SECONDS"]),
        "TEMOIN_CONFIG_CACHE_SECONDS": "0",
    }
    env.pop("TEMOIN_REDIS_URL", None)
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "-c", "from server.cli import cli; cli()", "worker"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:  # pragma: no cover - a stuck worker
        proc.kill()
        proc.wait(5)
    log.close()


@pytest.fixture
def admin(world: Any, browser: Any) -> Iterator[Any]:
    """The shop's editor, signed in, in a browser profile of its own."""
    with world.app.app_context():
        upsert_admin("editor@shop.test", PASSWORD, {"shop": "editor"})
        db.session.commit()
        db.session.remove()
    ctx = browser.new_context(base_url=world.server.url, locale="en-GB")
    page = ctx.new_page()
    page.goto("/admin/login")
    page.get_by_label("E-mail").fill("editor@shop.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/sites/shop/")
    yield page
    ctx.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The test's own Chromium (the admin's), apart from the scanner's."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def run_scan_from_the_page(page: Any, max_pages: str) -> None:
    page.goto("/admin/sites/shop/scans")
    page.get_by_label("Max pages").fill(max_pages)
    page.get_by_role("button", name="Scan now").click()
    page.wait_for_url("**/admin/sites/shop/scans/*")
    page.locator("#verdict, .flash.error").first.wait_for(timeout=120_000)


def test_scan_through_the_admin_and_the_worker_then_accept_publish_rescan(world, worker, admin):
    run_scan_from_the_page(admin, "2")
    assert admin.locator("#verdict").inner_text() == "Verdict: not compliant"
    offences = admin.locator("table.offences").inner_text()
    assert "_ga" in offences and world.shop_origin + "/" in offences
    markup = admin.locator("pre.markup").first.inner_text()
    assert markup.startswith('<script type="text/plain" data-consent="audience"')
    proposal = admin.locator("form.proposal", has_text="_hjSessionUser_*")
    assert proposal.get_by_label("Category").input_value() == "functional"
    assert proposal.get_by_label("Service name").input_value() == "Hotjar"
    proposal.get_by_role("button", name="Add to the draft").click()
    admin.wait_for_url("**#proposals")
    assert "added to the draft" in admin.locator(".flash.ok").inner_text()
    assert (
        "In the draft." in admin.locator("form.proposal", has_text="_hjSessionUser_*").inner_text()
    )
    # Publish as usual, from the site's page.
    admin.goto("/admin/sites/shop/")
    admin.get_by_role("button", name="Publish version 2").click()
    admin.wait_for_load_state()
    assert "Publish version 3" in admin.content(), admin.locator("main").inner_text()
    run_scan_from_the_page(admin, "2")
    drift = admin.locator("#drift ~ *").all_inner_texts()
    assert not any("_hjSessionUser" in text for text in drift), drift
    assert admin.locator("form.proposal", has_text="_hjSessionUser").count() == 0
    with world.app.app_context():
        scans = db.session.query(Scan).order_by(Scan.id).all()
        assert [(s.state, s.policy_version) for s in scans] == [("done", 1), ("done", 2)]
        db.session.remove()
    # The site's page shows the last scan and flags it (not compliant: the Google tag).
    admin.goto("/admin/sites/shop/")
    assert "not compliant" in admin.locator("#last-scan").inner_text()


def test_the_web_process_answers_while_a_scan_runs(world, worker, admin):
    answered: list[int] = []
    running = threading.Event()
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            if running.is_set():
                with urllib.request.urlopen(world.server.url + "/healthz", timeout=10) as resp:
                    answered.append(resp.status)
            time.sleep(0.05)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    admin.goto("/admin/sites/shop/scans")
    admin.get_by_label("Max pages").fill("3")
    admin.get_by_role("button", name="Scan now").click()
    deadline = time.monotonic() + 120
    state = "queued"
    while time.monotonic() < deadline and state in ("queued", "running"):
        with world.app.app_context():
            state = db.session.query(Scan).one().state
            db.session.remove()
        if state == "running":
            running.set()
        time.sleep(0.2)
    stop.set()
    thread.join(15)
    assert state == "done"
    # Requests kept being answered during the scan (their latency is in tests/bench/).
    assert len(answered) >= 10 and set(answered) == {200}


def test_temoin_demo_starts_a_worker_so_the_scan_button_works(tmp_path, browser):
    """`temoin demo` serves, with a worker beside it: the demo's Scan button gives a verdict."""
    import re
    import socket

    from tests.support.env import free_port

    port = free_port()
    env = {
        **os.environ,
        "TEMOIN_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "TEMOIN_QUEUE_FILE": str(tmp_path / "queue.db"),
        "TEMOIN_SCAN_SETTLE_MS": "300",
        "TEMOIN_SCAN_CHROMIUM_ARGS": json.dumps(
            ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
        ),
    }
    env.pop("TEMOIN_REDIS_URL", None)
    log = open(tmp_path / "demo.log", "w+b")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-c", "from server.cli import cli; cli()", "demo", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.3)
        output = ""
        while time.monotonic() < deadline and "worker        running" not in output:
            log.seek(0)
            output = log.read().decode()
            time.sleep(0.2)
        password = re.search(r"admin@demo\.temoin / (\S+)", output).group(1)
        assert "worker        running scans" in output
        ctx = browser.new_context(base_url=f"http://127.0.0.1:{port}", locale="en-GB")
        page = ctx.new_page()
        page.goto("/admin/login")
        page.get_by_label("E-mail").fill("admin@demo.temoin")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/admin/sites/demo/")
        page.goto("/admin/sites/demo/scans")
        page.get_by_label("Pages to visit first").fill(f"http://127.0.0.1:{port}/demo/")
        page.get_by_label("Max pages").fill("1")
        page.get_by_role("button", name="Scan now").click()
        page.locator("#verdict, .flash.error").first.wait_for(timeout=120_000)
        assert page.locator("#verdict").inner_text() == "Verdict: compliant"
        ctx.close()
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait(5)
        log.seek(0)
        output = log.read().decode()
        log.close()
    worker_pid = int(re.search(r"running scans \(process (\d+)\)", output).group(1))
    # The demo stopped its worker on its way out.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and Path(f"/proc/{worker_pid}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{worker_pid}").exists()
