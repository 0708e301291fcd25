"""One JSON error envelope for every failure: {code, status, message, errors}."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from server.domain.errors import (
    DATABASE_DOWN,
    Conflict,
    DomainError,
    Invalid,
    NotFound,
    Unavailable,
)
from server.extensions import db

log = logging.getLogger("temoin")
# Paths whose errors are HTML pages: prefix -> the page of an HTTP error no route answered.
PAGES = "temoin_error_pages"

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An error answered to the client with the JSON envelope."""

    def __init__(
        self, status: int, message: str, errors: dict[str, Any] | None = None, code: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or {}
        self.code = code or CODES.get(status, "error")


# What each refusal of the domain answers over HTTP.
STATUS: dict[type[DomainError], int] = {
    Invalid: 422,
    NotFound: 404,
    Conflict: 409,
    Unavailable: 503,
}


def status_of(err: DomainError) -> int:
    """Return the HTTP status a refusal of the domain answers."""
    return next((s for kind, s in STATUS.items() if isinstance(err, kind)), 422)


def envelope(status: int, message: str, errors: Any = None, code: str = "") -> Response:
    """Build the JSON error response."""
    resp = jsonify(
        code=code or CODES.get(status, "error"),
        status=status,
        message=message,
        errors=errors or {},
    )
    resp.status_code = status
    return resp


def _api_error(err: ApiError) -> Response:
    return envelope(err.status, err.message, err.errors, err.code)


def _domain_error(err: DomainError) -> Response:
    resp = envelope(status_of(err), err.message, err.errors)
    if isinstance(err, Unavailable):
        resp.headers["Retry-After"] = "5"
    return resp


def _validation_error(err: ValidationError) -> Response:
    return envelope(422, "The request is invalid.", err.normalized_messages())


def copy_headers(err: HTTPException, resp: Response) -> Response:
    """Give a response the headers an HTTP error carries (Allow, Retry-After...), not its type."""
    for key, value in err.get_headers() or []:
        if key.lower() not in ("content-type", "content-length"):
            resp.headers[key] = value
    return resp


def error_pages(app: Flask, prefix: str, page: Callable[[HTTPException], Any]) -> None:
    """Answer the HTTP errors of paths under prefix that no route matched (an unknown
    address, a method it does not take), and a database outage there (503), with page(err)
    instead of the JSON envelope."""
    app.extensions.setdefault(PAGES, {})[prefix.rstrip("/")] = page


def _page_of(path: str) -> Callable[[HTTPException], Any] | None:
    """Return the error page of the prefix `path` is under, if one was registered."""
    for prefix, page in current_app.extensions.get(PAGES, {}).items():
        if path == prefix or path.startswith(prefix + "/"):
            return page
    return None


def _http_error(err: HTTPException) -> Any:
    page = _page_of(request.path)
    if page is not None:
        return page(err)
    return copy_headers(err, envelope(err.code or 500, err.description or err.name))


def _db_unavailable(err: Exception) -> Any:
    db.session.rollback()
    log.warning("database unavailable: %s", type(err).__name__)
    page = _page_of(request.path)
    if page is not None:  # an admin page: said as one, in the admin's language
        return page(ServiceUnavailable(DATABASE_DOWN, retry_after=5))
    resp = envelope(503, DATABASE_DOWN)
    resp.headers["Retry-After"] = "5"
    return resp


def _dbapi_error(err: DBAPIError) -> Any:
    if err.connection_invalidated or isinstance(err, OperationalError):
        return _db_unavailable(err)
    raise err


def register(app: Flask) -> None:
    """Register the envelope for every error the app can raise."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(ValidationError, _validation_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _db_unavailable)
    app.register_error_handler(PoolTimeout, _db_unavailable)
    app.register_error_handler(DBAPIError, _dbapi_error)
