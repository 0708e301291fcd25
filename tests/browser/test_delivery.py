"""Delivering records: every decision reaches the log exactly once, whatever the network does.

Each scenario makes decisions in Chromium, gets in the way of their delivery (503s, a tab
closed mid-flush, two tabs, a lost answer), lets the queue drain, and then counts the
records in the database: one per decision, each under the event_id the widget made.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import ConsentRecord
from tests.support.live import LiveServer

CONSENTS = "**/api/v1/sites/demo/consents"
# Five decisions in a row: a grant, a withdrawal, two custom choices, a withdrawal.
DECISIONS = [
    "Temoin.acceptAll()",
    "Temoin.rejectAll()",
    "Temoin.update({audience: true})",
    "Temoin.update({sharing: true})",
    "Temoin.rejectAll()",
]
QUEUED = "JSON.parse(localStorage.getItem('temoin:queue') || '[]')"


def records(demo: Any) -> list[ConsentRecord]:
    """Every record of the log, in chain order."""
    with demo.app.app_context():
        rows = list(db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.seq)))
        db.session.remove()
    return rows


def new_page(context: Any, errors: list[str]) -> Any:
    """A page of the context whose uncaught script errors are collected."""
    pg = context.new_page()
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    return pg


def posted(page: Any, bodies: list[dict[str, Any]]) -> None:
    """Collect the body of every consent POST the page sends."""
    page.on(
        "request",
        lambda r: (
            r.method == "POST"
            and r.url.endswith("/consents")
            and bodies.append(json.loads(r.post_data))
        ),
    )


def unavailable(origin: str) -> Any:
    """A route answering the recording endpoint 503, readable by the page."""

    def handler(route: Any) -> None:
        route.fulfill(
            status=503,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": origin},
            body=json.dumps(
                {"code": "unavailable", "status": 503, "message": "down", "errors": {}}
            ),
        )

    return handler


def queue_while_down(context: Any, base: str, errors: list[str]) -> list[str]:
    """Make the five decisions while the server answers 503; return their event ids."""
    context.route(CONSENTS, unavailable(base))
    page = new_page(context, errors)
    bodies: list[dict[str, Any]] = []
    posted(page, bodies)
    page.goto("/demo/")
    for decision in DECISIONS:
        with page.expect_response(lambda r: r.url.endswith("/consents")):
            page.evaluate(decision)
    page.wait_for_function(f"{QUEUED}.length === {len(DECISIONS)}")
    page.close()
    context.unroute(CONSENTS)
    # On a slow machine the page's own flush may already re-send the first record: each
    # decision's event id is counted once, in the order first sent.
    return list(dict.fromkeys(b.get("event_id") for b in bodies))


def drain(page: Any, loads: int = 6) -> None:
    """Load pages until the queue is empty (each load flushes it a second after parsing)."""
    for _ in range(loads):
        page.goto("/demo/politique")
        page.wait_for_timeout(1600)
        if page.evaluate(QUEUED) == []:
            return
    raise AssertionError(f"still queued: {page.evaluate(QUEUED)}")


def report(scenario: str, decisions: int, posts: int, rows: list[ConsentRecord]) -> None:
    """Print the scenario's figures."""
    print(f"\n{scenario}: {decisions} decisions, {posts} POSTs, {len(rows)} records")


def assert_once_each(rows: list[ConsentRecord], event_ids: list[str]) -> None:
    """One record per decision, in the order decided, each under its own event_id."""
    assert len(rows) == len(DECISIONS), [(r.action, r.event_id) for r in rows]
    assert [r.action for r in rows] == ["accept_all", "withdraw", "custom", "custom", "withdraw"]
    assert len(set(event_ids)) == len(DECISIONS) and None not in event_ids, event_ids
    assert [r.event_id for r in rows] == event_ids


def test_503s_then_recovery(context: Any, demo: Any) -> None:
    """Records refused with 503 wait; the next loads deliver them once the server recovers."""
    errors: list[str] = []
    ids = queue_while_down(context, demo.url, errors)
    failures = {"left": 2}  # the server is still down for the first two re-sends

    def recovering(route: Any) -> None:
        if failures["left"]:
            failures["left"] -= 1
            unavailable(demo.url)(route)
        else:
            route.continue_()

    context.route(CONSENTS, recovering)
    page = new_page(context, errors)
    bodies: list[dict[str, Any]] = []
    posted(page, bodies)
    drain(page)
    rows = records(demo)
    report("503s then recovery", len(DECISIONS), len(DECISIONS) + len(bodies), rows)
    assert_once_each(rows, ids)
    assert errors == []


def test_tab_closed_during_the_flush(context: Any, demo: Any) -> None:
    """Closing the tab while a queued record is being re-sent loses nothing."""
    errors: list[str] = []
    ids = queue_while_down(context, demo.url, errors)
    held: list[Any] = []
    # The re-send never gets its answer in this tab.
    context.route(CONSENTS, lambda route: held.append(route))
    page = new_page(context, errors)
    page.goto("/demo/")
    for _ in range(60):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, "one record in flight"
    page.close()
    stored = {
        item["name"]: item["value"]
        for origin in context.storage_state()["origins"]
        for item in origin["localStorage"]
    }
    queued = json.loads(stored.get("temoin:queue", "[]"))
    # The request had left the closed tab: it reaches the server, its answer reaches no one.
    try:
        held[0].continue_()
        reached = "reached the server"
    except Exception:  # Chromium may have dropped it with the tab: also fine
        reached = "dropped with the tab"
    context.unroute(CONSENTS)
    page = new_page(context, errors)
    bodies: list[dict[str, Any]] = []
    posted(page, bodies)
    drain(page)
    rows = records(demo)
    report("tab closed mid-flush", len(DECISIONS), len(DECISIONS) + 1 + len(bodies), rows)
    print(f"queued when the tab closed: {len(queued)}; the request in flight {reached}")
    assert [q["body"].get("event_id") for q in queued] == ids, "all five still queued"
    assert_once_each(rows, ids)
    assert errors == []


@pytest.mark.parametrize("host", ["127.0.0.1", "www.temoin.test"])
def test_two_tabs_flushing_at_once(browser: Any, demo: Any, host: str) -> None:
    """Two tabs of one site flush together: each record is recorded once.

    127.0.0.1 is a secure context, with Web Locks (the second tab waits for the first);
    http://www.temoin.test is not, so both tabs may send a record and its event_id
    makes the second delivery a replay.
    """
    base = demo.url if host == "127.0.0.1" else demo.host_url(host)
    context = browser.new_context(base_url=base, locale="fr-FR")
    errors: list[str] = []
    try:
        ids = queue_while_down(context, base, errors)
        held: list[Any] = []
        answers: list[int] = []
        release = {"now": False}

        def gate(route: Any) -> None:
            if release["now"]:
                route.continue_()
            else:
                held.append(route)

        context.route(CONSENTS, gate)
        first, second = new_page(context, errors), new_page(context, errors)
        for pg in (first, second):
            pg.on("response", lambda r: r.url.endswith("/consents") and answers.append(r.status))
        first.goto("/demo/")
        for _ in range(60):
            if held:
                break
            first.wait_for_timeout(50)
        assert held, "the first tab is flushing"
        second.goto("/demo/")
        second.wait_for_timeout(1500)  # the second tab's flush has started by now
        locks = second.evaluate("!!navigator.locks")
        assert locks is (host == "127.0.0.1")
        release["now"] = True
        for route in held:
            route.continue_()
        for _ in range(100):
            if first.evaluate(QUEUED) == [] and len(records(demo)) == len(DECISIONS):
                break
            first.wait_for_timeout(100)
        second.wait_for_timeout(500)
        rows = records(demo)
        report(f"two tabs ({host})", len(DECISIONS), len(DECISIONS) + len(answers), rows)
        assert_once_each(rows, ids)
        assert answers.count(201) == len(DECISIONS)
        if locks:
            assert answers == [201] * len(DECISIONS), "the second tab waited, then had nothing"
        else:
            assert set(answers) <= {200, 201}, answers
        assert first.evaluate(QUEUED) == [] and second.evaluate(QUEUED) == []
        assert errors == []
    finally:
        context.close()


def test_a_replayed_record_is_recorded_once(context: Any, demo: Any) -> None:
    """The server records a choice but its answer is lost: the re-send is a 200, not a copy."""
    errors: list[str] = []
    lost = {"left": 1}

    def lose_the_answer(route: Any) -> None:
        if lost["left"]:
            lost["left"] -= 1
            route.fetch()  # recorded by the server ...
            unavailable(demo.url)(route)  # ... but the page is told 503
        else:
            route.continue_()

    context.route(CONSENTS, lose_the_answer)
    page = new_page(context, errors)
    page.goto("/demo/")
    with page.expect_response(lambda r: r.url.endswith("/consents")) as first:
        page.evaluate("Temoin.acceptAll()")
    assert first.value.status == 503
    assert len(records(demo)) == 1
    event_id = page.evaluate(QUEUED)[0]["body"].get("event_id")
    with page.expect_response(lambda r: r.url.endswith("/consents"), timeout=5000) as again:
        page.goto("/demo/politique")
    page.wait_for_function(f"{QUEUED}.length === 0")
    rows = records(demo)
    report("replayed request", 1, 2, rows)
    assert len(rows) == 1
    assert again.value.status == 200, again.value.text()
    assert again.value.json()["hash"] == rows[0].hash
    assert event_id and [r.event_id for r in rows] == [event_id]
    assert errors == []


class Blog:
    """Another site of this machine, on its own port, embedding the demo's widget."""

    def __init__(self, consent_server: str) -> None:
        page = (
            '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
            f'<script src="{consent_server}/w/demo.js"></script><title>Blog</title></head>'
            "<body><main><h1>Blog</h1><p>Un billet.</p></main></body></html>"
        ).encode()

        def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [page]

        self.server = LiveServer(app)  # type: ignore[arg-type]  # any WSGI app serves
        self.port = self.server.port

    def __enter__(self) -> Blog:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()


def test_a_page_at_an_origin_the_site_does_not_allow(browser: Any, demo: Any) -> None:
    """The blog is allowed as http://localhost:P but visited as http://127.0.0.1:P.

    Its recordings go cross-origin to the consent server and are refused: the widget says so
    once (no CORS error), the choice applies, nothing is queued or recorded, and the
    refusals are counted for the admin.
    """
    from server.domain.demo_site import load_demo
    from server.models import RefusedOrigin

    with Blog(demo.url) as blog:
        with demo.app.app_context():
            load_demo([f"http://localhost:{blog.port}"])
            db.session.commit()
            db.session.remove()
        visited = f"http://127.0.0.1:{blog.port}"
        context = browser.new_context(base_url=visited, locale="fr-FR")
        errors: list[str] = []
        page = new_page(context, errors)
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text))
        # What the page got for each POST: a status, or "failed" (the browser refused to read it).
        statuses: list[int | str] = []
        page.on(
            "requestfinished",
            lambda r: r.url.endswith("/consents") and statuses.append(r.response().status),
        )
        page.on(
            "requestfailed", lambda r: r.url.endswith("/consents") and statuses.append("failed")
        )
        try:
            page.goto("/")
            for n, decision in enumerate(
                ["document.querySelector('[data-action=accept-all]').click()", "Temoin.rejectAll()"]
            ):
                page.evaluate(decision)
                for _ in range(100):
                    if len(statuses) > n:
                        break
                    page.wait_for_timeout(50)
            page.wait_for_timeout(300)
            assert page.evaluate("Temoin.get('audience')") is False, "the choice still applies"
            queued = page.evaluate(QUEUED)
            page.reload()
            page.wait_for_timeout(1500)  # past the flush
        finally:
            context.close()
    with demo.app.app_context():
        counted = db.session.execute(select(RefusedOrigin.origin, RefusedOrigin.count)).all()
        db.session.remove()
    rows = records(demo)
    report("origin not allowed", 2, 2, rows)
    print(f"console: {[m for m in console if 'Témoin' in m or 'CORS' in m]}; queued: {len(queued)}")
    assert statuses == [403, 403]
    assert not [m for m in console if "CORS" in m], console
    warnings = [m.strip() for m in console if m.startswith("Témoin:")]
    assert warnings == [
        f"Témoin: origin {visited} is not allowed for site demo — add it in the admin"
    ], console
    assert queued == [], "nothing queued"
    assert [tuple(row) for row in counted] == [(visited, 2)]
    assert rows == []
    assert errors == []
