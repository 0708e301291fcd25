"""Request ids on every response, and one JSON object per log line when LOG_JSON is on.

Each request carries an id: the caller's X-Request-ID when it looks sane (a proxy or load
balancer may set one), otherwise a fresh one. It is echoed in the X-Request-ID response
header and added to every log line written while the request runs, so an access log line,
an application warning and a client's bug report can be matched.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from gunicorn import glogging

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}\Z")
# Attributes every LogRecord has; anything else was passed through `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


def request_id() -> str | None:
    """Return the id of the request being handled, if any."""
    return g.get("request_id") if has_request_context() else None


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    rid = g.get("request_id")
    if rid:
        response.headers[HEADER] = rid
    return response


class RequestIdFilter(logging.Filter):
    """Add the current request id to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach request_id to the record; never drop it."""
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a single line of JSON."""
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid:
            entry["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_handler(stream: Any = None) -> logging.Handler:
    """Return a handler writing JSON lines (to stderr unless told otherwise)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.set_name("temoin-json")
    return handler


def configure_json_logging(level: str = "INFO") -> None:
    """Send the root logger (and so the app's loggers) to stderr as JSON lines, once."""
    root = logging.getLogger()
    if any(h.get_name() == "temoin-json" for h in root.handlers):
        return
    root.addHandler(json_handler())
    root.setLevel(level.upper())


def init_app(app: Flask) -> None:
    """Give every request an id and, when LOG_JSON is set, log as JSON."""
    app.before_request(_start)
    app.after_request(_finish)
    if app.config.get("LOG_JSON"):
        configure_json_logging(str(app.config.get("LOG_LEVEL", "INFO")))
        # Flask's own handler would print the same record a second time, as text.
        app.logger.removeHandler(default_handler)


def access_entry(
    method: str, path: str, status: int, size: int | None, duration: float, **extra: Any
) -> str:
    """Return one access-log line as JSON (used by the gunicorn logger)."""
    entry = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": "info",
        "logger": "access",
        "method": method,
        "path": path,
        "status": status,
        "bytes": size,
        "duration_ms": round(duration * 1000, 2),
    }
    entry.update({k: v for k, v in extra.items() if v not in (None, "", "-")})
    return json.dumps(entry, ensure_ascii=False)


class GunicornJsonLogger(glogging.Logger):
    """gunicorn's logger writing its error log and access log as JSON lines."""

    def setup(self, cfg: Any) -> None:
        """Set up gunicorn's handlers, then make them write JSON."""
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        """Write one JSON access line: method, path, status, size, duration, request id."""
        if not self.access_log_enabled:
            return
        headers = dict((k.lower(), v) for k, v in (resp.headers or []))
        line = access_entry(
            environ.get("REQUEST_METHOD", "-"),
            environ.get("PATH_INFO", "-"),
            int(str(resp.status).split(None, 1)[0]),
            getattr(resp, "sent", None),
            request_time.total_seconds(),
            request_id=headers.get("x-request-id"),
            remote=environ.get("REMOTE_ADDR"),
            user_agent=environ.get("HTTP_USER_AGENT"),
        )
        self.access_log.info(line)
