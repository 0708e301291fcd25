"""Request ids, JSON log lines, and the production gunicorn settings serving the app."""

from __future__ import annotations

import io
import json
import logging
import re
import time
import urllib.request
from pathlib import Path

import pytest

from server.logs import JsonFormatter, RequestIdFilter
from tests.support.apps import make_app
from tests.support.gunicorn import Gunicorn

ROOT = Path(__file__).resolve().parent.parent


def test_request_id_is_made_when_absent(client):
    rid = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert client.get("/healthz").headers["X-Request-ID"] != rid


def test_request_id_from_the_caller_is_echoed(client):
    resp = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert resp.headers["X-Request-ID"] == "lb-1234.abc"


@pytest.mark.parametrize("bad", ["has space", "x" * 129, 'quote"', "new\\nline"])
def test_odd_request_ids_are_replaced(client, bad):
    rid = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
    assert rid != bad
    assert re.fullmatch(r"[0-9a-f]{32}", rid)


def test_error_responses_carry_the_request_id(client):
    resp = client.get("/api/v1/sites/nope/config", headers={"X-Request-ID": "abc"})
    assert resp.status_code == 404
    assert resp.headers["X-Request-ID"] == "abc"


def test_json_lines_carry_the_request_id(request, tmp_path):
    app = make_app(request, tmp_path, LOG_JSON=True)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    ours = [h for h in root.handlers if h.get_name() == "temoin-json"]
    assert len(ours) == 1
    app.logger.addHandler(handler)
    try:
        with app.test_request_context(headers={"X-Request-ID": "rid-42"}):
            app.preprocess_request()
            app.logger.warning("payment of %s", "café", extra={"site": "shop"})
        app.logger.error("outside a request")
    finally:
        app.logger.removeHandler(handler)
        for h in ours:
            root.removeHandler(h)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "payment of café"
    assert first["request_id"] == "rid-42"
    assert first["level"] == "warning"
    assert first["site"] == "shop"
    assert first["ts"].endswith("+00:00")
    assert "request_id" not in second


def test_gunicorn_serves_the_app_with_the_production_settings(tmp_path):
    server = Gunicorn(
        log=tmp_path / "out.log",
        TEMOIN_DATABASE_URL=f"sqlite:///{tmp_path / 'g.db'}",
        TEMOIN_SECRET_KEY="gunicorn-test",
        TEMOIN_LOG_JSON="true",
        WEB_CONCURRENCY="1",
        TEMOIN_THREADS="2",
    )
    with server:
        req = urllib.request.Request(server.url + "/healthz", headers={"X-Request-ID": "from-test"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert resp.status == 200
            assert resp.headers["X-Request-ID"] == "from-test"
        time.sleep(0.3)
    lines = [json.loads(x) for x in server.output().splitlines() if x.strip()]
    access = [x for x in lines if x.get("logger") == "access"]
    # The readiness polls of the start-up may be logged late on a loaded machine: find ours.
    ours = [x for x in access if x.get("request_id") == "from-test"]
    assert len(ours) == 1, access
    assert ours[0]["status"] == 200
    assert ours[0]["path"] == "/healthz"
    assert any(x.get("logger") == "gunicorn.error" for x in lines)
