"""Liveness and readiness probes."""

from __future__ import annotations

import threading
from contextlib import nullcontext

from flask import Blueprint, Flask, Response, current_app, jsonify
from sqlalchemy import text

from server.database import WATCHDOG
from server.domain.schemas import HealthOut
from server.extensions import db
from server.http.declare import declare, ok
from server.http.errors import ApiError

bp = Blueprint("health", __name__)
# /readyz answers within this many seconds, whatever the database does.
READY_SECONDS = 1.5
PROBE = "temoin_ready_probe"


@bp.get("/healthz")
@declare(answers={200: ok(HealthOut)})
def healthz() -> Response:
    """Answer while the process is alive."""
    return jsonify(status="ok")


class Probe:
    """One readiness check at a time, in a thread of its own, waited for a bounded time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def ready(self, app: Flask) -> bool:
        """Tell whether the database answered `SELECT 1` within READY_SECONDS."""
        if not self.lock.acquire(blocking=False):
            return False  # the previous check is still waiting: not ready
        answered = threading.Event()
        outcome: list[bool] = []

        def check() -> None:
            try:
                with app.app_context():
                    dog = app.extensions.get(WATCHDOG)
                    with dog.bound(READY_SECONDS) if dog else nullcontext():
                        db.session.execute(text("SELECT 1"))
                    outcome.append(True)
            except Exception:  # any failure to reach the database means not ready
                outcome.append(False)
            finally:
                with app.app_context():
                    db.session.remove()
                answered.set()
                self.lock.release()

        threading.Thread(target=check, name="temoin-ready-probe", daemon=True).start()
        return answered.wait(READY_SECONDS) and outcome == [True]


@bp.get("/readyz")
@declare(answers={200: ok(HealthOut)}, errors=(503,))
def readyz() -> Response:
    """Answer ok only while the database answers `SELECT 1` in time (READY_SECONDS)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    probe = app.extensions.setdefault(PROBE, Probe())
    if not probe.ready(app):
        raise ApiError(503, "The database is unavailable.")
    return jsonify(status="ok")
