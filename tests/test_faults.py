"""PostgreSQL going away: the API answers 503 quickly, loses nothing, and recovers by itself.

Each test runs its own PostgreSQL server (initdb in a temporary folder, a free port), so
stopping it disturbs nothing else on the machine.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from server import create_app
from server.domain.chainwriter import Pending, writer
from server.domain.errors import Unavailable
from server.domain.verify import verify_chain
from server.extensions import db
from server.models import ConsentRecord, Site
from tests.support.env import need
from tests.support.gunicorn import Gunicorn
from tests.support.live import LiveServer
from tests.support.pgserver import PgServer, find_bindir
from tests.support.records import choice_body, make_site

pytestmark = pytest.mark.postgres
ORIGIN = "https://shop.test"
BOUND = 5.0  # seconds: the limit for an answer while the database is down


@pytest.fixture(scope="module")
def own_pg() -> Iterator[PgServer]:
    """A PostgreSQL server of this module's own."""
    bindir = find_bindir()
    need(bindir is not None, "PostgreSQL's initdb and pg_ctl are not installed")
    assert bindir is not None
    server = PgServer(bindir).init()
    server.start()
    yield server
    server.destroy()


@pytest.fixture
def pg_url(own_pg: PgServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated database on our server, holding the published site `shop`."""
    name = "t_" + request.node.name.lower()[:40].replace("[", "_").replace("]", "")
    url = own_pg.create_database(name)
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "faults"})
    with app.app_context():
        upgrade()
        make_site("shop", origins=[ORIGIN])
        db.session.remove()
        db.engine.dispose()
    yield url
    if not (own_pg.data / "postmaster.pid").exists():
        own_pg.start()  # a failed test may leave it stopped; the next test needs it


@dataclass
class Answer:
    status: int
    seconds: float
    body: dict[str, Any]
    headers: dict[str, str]


def call(base: str, method: str, path: str, body: Any = None) -> Answer:
    """Send one request over real HTTP and time it (a hang shows as a 30 s timeout)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Origin": ORIGIN, "Content-Type": "application/json"}
    started = time.monotonic()
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        resp = conn.getresponse()
        raw = resp.read()
        status, hdrs = resp.status, {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    elapsed = time.monotonic() - started
    data = (
        json.loads(raw)
        if raw and hdrs.get("content-type", "").startswith("application/json")
        else {}
    )
    return Answer(status, elapsed, data, hdrs)


CONSENTS = "/api/v1/sites/shop/consents"
CONFIG = "/api/v1/sites/shop/config"


def check_database(url: str, acknowledged: list[str]) -> int:
    """Assert every acknowledged hash is stored and the chain verifies; return the row count."""
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "faults"})
    with app.app_context():
        stored = set(db.session.scalars(select(ConsentRecord.hash)))
        assert set(acknowledged) <= stored, "a consent answered 201 is missing"
        site = db.session.scalar(select(Site).where(Site.key == "shop"))
        result = verify_chain(site)
        assert result.ok, result.problems
        count = db.session.scalar(select(func.count()).select_from(ConsentRecord)) or 0
        assert result.checked == count
        db.session.remove()
        db.engine.dispose()
    return count


def live_app(url: str) -> Flask:
    return create_app(
        {
            "DATABASE_URL": url,
            "TESTING": True,
            "SECRET_KEY": "faults",
            "RATELIMIT_ENABLED": False,
            "CONFIG_CACHE_SECONDS": 0.0,
        }
    )


def test_503_fast_while_stopped_then_recovers_without_restart(own_pg, pg_url):
    app = live_app(pg_url)
    server = LiveServer(app).start()
    try:
        first = call(server.url, "POST", CONSENTS, choice_body())
        assert first.status == 201
        assert call(server.url, "GET", CONFIG).status == 200

        own_pg.stop()
        down = [
            call(server.url, "POST", CONSENTS, choice_body()),
            call(server.url, "GET", CONFIG),
            call(server.url, "GET", "/readyz"),
            call(server.url, "POST", CONSENTS, choice_body()),
        ]
        print("\nanswers while down (s):", [round(a.seconds, 3) for a in down])
        for answer in down:
            assert answer.status == 503
            assert answer.body["code"] == "unavailable"
            assert answer.seconds < BOUND
        assert down[0].headers["retry-after"]
        assert call(server.url, "GET", "/healthz").status == 200  # the process itself lives

        own_pg.start()
        again = call(server.url, "POST", CONSENTS, choice_body())
        assert again.status == 201
        assert call(server.url, "GET", "/readyz").status == 200
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()
    assert check_database(pg_url, [first.body["hash"], again.body["hash"]]) == 2


def _load(base: str, stop: threading.Event, out: list[tuple[float, Answer]]) -> None:
    while not stop.is_set():
        try:
            answer = call(base, "POST", CONSENTS, choice_body())
        except OSError as exc:  # a refused or reset connection would be a failure of the server
            answer = Answer(-1, 0.0, {"error": repr(exc)}, {})
        out.append((time.monotonic(), answer))


def test_under_load_stop_and_restart_loses_nothing(own_pg, pg_url, tmp_path: Path):
    env = {
        "TEMOIN_DATABASE_URL": pg_url,
        "TEMOIN_SECRET_KEY": "faults",
        "TEMOIN_RATELIMIT_ENABLED": "false",
        "TEMOIN_ACCESS_LOG": "off",
        "WEB_CONCURRENCY": "2",
        "TEMOIN_THREADS": "4",
    }
    results: list[tuple[float, Answer]] = []
    stop = threading.Event()
    with Gunicorn(log=tmp_path / "gunicorn.log", **env) as server:
        threads = [
            threading.Thread(target=_load, args=(server.url, stop, results)) for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        try:
            time.sleep(2)
            stopped_at = time.monotonic()
            own_pg.stop("immediate")  # as a crash would: no clean shutdown
            time.sleep(2)
            starting_at = time.monotonic()
            own_pg.start()
            restarted_at = time.monotonic()
            time.sleep(3)
        finally:
            stop.set()
            for thread in threads:
                thread.join(40)
        log = server.output()

    statuses = [a.status for _, a in results]
    during = [a for t, a in results if stopped_at + 0.5 < t < starting_at]
    after = [a for t, a in results if t > restarted_at + 1]
    acknowledged = [a.body["hash"] for _, a in results if a.status == 201]
    slowest = max(a.seconds for _, a in results)
    print(
        f"\n{len(results)} requests: {statuses.count(201)} × 201, {statuses.count(503)} × 503, "
        f"slowest {slowest:.3f} s; while down: {len(during)}, after restart: {len(after)}"
    )
    assert set(statuses) <= {201, 503}, [a.body for _, a in results if a.status not in (201, 503)]
    assert slowest < BOUND, log[-2000:]
    assert during and all(a.status == 503 for a in during)
    assert after and all(a.status == 201 for a in after)
    rows = check_database(pg_url, acknowledged)
    # A commit can succeed while its answer is lost to the crash: more rows, never fewer.
    assert rows >= len(acknowledged)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port where TCP connections are taken but nothing ever answers (a hung server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(32)  # the kernel completes the handshakes; nobody reads the startup packet
        yield sock.getsockname()[1]


def test_requests_queued_behind_a_failed_connection_get_its_503(silent_server: int):
    """While the leader's connection attempt hangs, the queue grows; none waits for a second.

    Each request queued behind a batch that could not reach the database is answered 503
    when that batch fails, instead of trying a connection of its own, so no answer while
    the database is unreachable waits longer than one connection attempt.
    """
    app = create_app(
        {
            "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{silent_server}/x",
            "TESTING": True,
            "SECRET_KEY": "faults",
            "DB_CONNECT_TIMEOUT": 2,
        }
    )
    finished: dict[int, tuple[float, BaseException | None]] = {}

    def send(n: int) -> None:
        with app.app_context():
            try:
                writer(app).append(Pending(1, "shop", {"n": n}))
                finished[n] = (time.monotonic(), None)
            except BaseException as exc:  # noqa: BLE001 - recorded, asserted below
                finished[n] = (time.monotonic(), exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
        time.sleep(0.4)  # the first leads; the others queue while its attempt hangs
    for thread in threads:
        thread.join(30)
    assert all(isinstance(exc, Unavailable) for _, exc in finished.values()), finished
    first = min(at for at, _ in finished.values())
    last = max(at for at, _ in finished.values())
    assert last - first < 0.5, f"answers spread over {last - first:.2f} s: a second attempt"


def _signal_server(own_pg: PgServer, sig: int) -> None:
    """Send a signal to the postmaster and every backend of our own server."""
    postmaster = int((own_pg.data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(
        ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
    ).stdout.split()
    for pid in [postmaster, *map(int, children)]:
        os.kill(pid, sig)


def test_a_frozen_database_answers_503_in_bounded_time_then_recovers(own_pg, pg_url):
    """SIGSTOP, not a crash: the server holds its connections open and never answers."""
    pool, statement = 2.0, 2.0
    app = create_app(
        {
            "DATABASE_URL": pg_url,
            "TESTING": True,
            "SECRET_KEY": "faults",
            "RATELIMIT_ENABLED": False,
            "CONFIG_CACHE_SECONDS": 0.0,
            "DB_POOL_TIMEOUT": pool,
            "DB_CONNECT_TIMEOUT": 2,
            "DB_STATEMENT_TIMEOUT_MS": int(statement * 1000),
        }
    )
    bound = pool + statement + 1.5  # the README's promise, and the watchdog's grace
    server = LiveServer(app).start()
    replayed = choice_body(event_id=str(uuid.uuid4()))
    try:
        assert call(server.url, "POST", CONSENTS, choice_body()).status == 201
        _signal_server(own_pg, signal.SIGSTOP)
        try:
            frozen = [
                call(server.url, "GET", "/readyz"),
                call(server.url, "POST", CONSENTS, replayed),
                call(server.url, "GET", "/readyz"),
                call(server.url, "GET", CONFIG),
                call(server.url, "POST", CONSENTS, choice_body()),
            ]
        finally:
            _signal_server(own_pg, signal.SIGCONT)
        print("\nanswers while frozen (s):", [round(a.seconds, 3) for a in frozen])
        assert [a.status for a in frozen] == [503] * 5
        assert frozen[0].seconds < 2 and frozen[2].seconds < 2
        assert all(a.seconds < bound for a in frozen)
        # Back: the widget sends the record answered 503 again, with the same event_id.
        deadline = time.monotonic() + 15
        while call(server.url, "GET", "/readyz").status != 200:
            assert time.monotonic() < deadline, "not ready again after SIGCONT"
            time.sleep(0.2)
        again = call(server.url, "POST", CONSENTS, replayed)
        assert again.status in (200, 201)
        fresh = call(server.url, "POST", CONSENTS, choice_body())
        assert fresh.status == 201
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()
    check_database(pg_url, [again.body["hash"], fresh.body["hash"]])
    app = create_app({"DATABASE_URL": pg_url, "TESTING": True, "SECRET_KEY": "faults"})
    with app.app_context():
        ids = db.session.scalars(select(ConsentRecord.event_id)).all()
        assert ids.count(replayed["event_id"]) == 1
        db.session.remove()
        db.engine.dispose()
