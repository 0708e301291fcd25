"""Reading request input the database can store: one JSON object reader, one hygiene check.

Input is refused before it is validated or queued when it could not be stored as given:
a NUL character (PostgreSQL text cannot hold one), a lone surrogate (not valid UTF-8), JSON
nested deeper than allowed, or a name or an integer in the URL that no column could hold.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app, request
from werkzeug.routing import IntegerConverter

from server.http.errors import ApiError

BIGINT_MAX = 2**63 - 1


def storable(text: str) -> bool:
    """Tell whether a string can be stored as text: no NUL, valid UTF-8."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(value: Any, max_depth: int) -> None:
    """Check depth and strings of a parsed JSON value, without recursion."""
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            items = [*node.keys(), *node.values()]
        elif isinstance(node, list):
            items = node
        else:
            if isinstance(node, str) and not storable(node):
                raise ApiError(422, "Text must be valid UTF-8 without NUL characters.")
            continue
        if items and level >= max_depth:
            raise ApiError(400, "The body is nested too deeply.")
        stack.extend((v, level + 1) for v in items)


def read_object(types: tuple[str, ...], max_depth: int | None = None) -> dict[str, Any]:
    """Parse the request body as one JSON object sent with one of `types`."""
    if request.mimetype not in types:
        raise ApiError(415, f"Send JSON as {' or '.join(types)}.")
    raw = request.get_data(cache=False)
    try:
        body = json.loads(raw)
    except RecursionError as exc:
        raise ApiError(400, "The body is nested too deeply.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "The body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    _walk(body, max_depth or int(current_app.config["MAX_JSON_DEPTH"]))
    return body


class BigIntConverter(IntegerConverter):
    """`<int:…>` in routes, bounded to what a 64-bit column holds (404 beyond)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", BIGINT_MAX)
        super().__init__(map, *args, **kwargs)


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_unstorable() -> None:
    """Answer 400 to a query string or form holding a NUL character, and 404 to a URL naming
    something that no row can be named (nothing is stored under such a name)."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and not storable(value):
            raise ApiError(404, "Nothing has such a name: it holds a NUL character.")
    sources = [request.args, request.form] if request.mimetype in FORMS else [request.args]
    for source in sources:
        for key, value in source.items(multi=True):
            if not (storable(key) and storable(value)):
                raise ApiError(400, "Text must be valid UTF-8 without NUL characters.")


def init_app(app: Flask) -> None:
    """Bound integer routes and refuse unstorable query strings and forms."""
    app.url_map.converters["int"] = BigIntConverter
    app.before_request(_refuse_unstorable)
