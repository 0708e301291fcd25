"""What a route declares about itself: its input, its answers and the errors it can answer.

`@declare(...)` goes right under the route decorator. It stores a `Declaration` on the view
function and returns the very same function (no wrapper: the view runs exactly as before);
`server.http.openapi` reads the declarations from `app.view_functions` to build the OpenAPI
document, so the document cannot drift from the routes. Schemas are the marshmallow schemas
that load and dump the data; the summary is the first paragraph of the view's docstring.
Every error is answered in the one envelope `{code, status, message, errors}` (`ErrorOut`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from marshmallow import Schema, fields

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "temoin_declaration"
JSON = ("application/json",)

# The error statuses a route may declare, and what each means in this API.
ERRORS: dict[int, str] = {
    400: "Malformed request",
    401: "No valid token",
    403: "Origin or token not allowed",
    404: "Unknown site, version or consent",
    409: "Conflicts with what is recorded",
    413: "Body too large",
    415: "Wrong content type",
    422: "Invalid input",
    429: "Rate limited",
    503: "Database unavailable",
}

# A schema: a marshmallow Schema class or instance, or a plain OpenAPI schema object.
SchemaLike = type[Schema] | Schema | Mapping[str, Any]


@dataclass(frozen=True)
class Answer:
    """A success the route answers: its description, and its body (none without a schema)."""

    description: str
    schema: SchemaLike | None = None
    media: tuple[str, ...] = JSON


def ok(schema: SchemaLike, description: str = "OK", media: tuple[str, ...] = JSON) -> Answer:
    """A success with a body."""
    return Answer(description, schema, media)


def empty(description: str) -> Answer:
    """A success without a body (204, 304)."""
    return Answer(description)


@dataclass(frozen=True)
class Body:
    """The request body: its schema and the media types it may be sent as."""

    schema: SchemaLike
    media: tuple[str, ...] = JSON
    required: bool = True
    description: str = ""


@dataclass(frozen=True)
class Declaration:
    """Everything the OpenAPI document says about one view."""

    summary: str
    description: str
    answers: Mapping[int, Answer]
    # status -> its own description, or "" for the API's (ERRORS)
    errors: Mapping[int, str]
    path: Mapping[str, fields.Field] = field(default_factory=dict)
    query: type[Schema] | Schema | None = None
    body: Body | None = None
    security: tuple[str, ...] = ()

    def statuses(self) -> set[int]:
        """Every status the view declares it can answer."""
        return {*self.answers, *self.errors}


def _docstring(view: Callable[..., Any]) -> tuple[str, str]:
    """Split a view's docstring into its first paragraph and the rest."""
    doc = inspect.getdoc(view) or ""
    first, _, rest = doc.partition("\n\n")
    return " ".join(first.split()).removesuffix("."), rest.strip()


def _errors(errors: Iterable[int | tuple[int, str]]) -> dict[int, str]:
    out: dict[int, str] = {}
    for item in errors:
        status, note = item if isinstance(item, tuple) else (item, "")
        if status not in ERRORS:
            raise ValueError(f"{status} is not an error status of this API (see ERRORS).")
        out[status] = note
    return out


def declare(
    *,
    answers: Mapping[int, Answer],
    errors: Iterable[int | tuple[int, str]] = (),
    path: Mapping[str, fields.Field] | None = None,
    query: type[Schema] | Schema | None = None,
    body: Body | None = None,
    bearer: bool = False,
    description: str = "",
) -> Callable[[F], F]:
    """Declare a view's input and answers for the OpenAPI document.

    `answers` maps each success status to an `Answer`; `errors` lists the error statuses
    (a `(status, description)` pair when the API's description of it is not precise enough);
    `path` gives a schema to path parameters that are more than a string (the others are read
    from the URL rule); `query` is the schema that loads the query string; `bearer` says the
    route needs an `Authorization: Bearer` token.
    """
    refused = _errors(errors)
    if not answers or set(answers) & set(refused):
        raise ValueError("Declare at least one success, and no status as both.")

    def mark(view: F) -> F:
        summary, rest = _docstring(view)
        if not summary:
            raise ValueError(f"{view.__name__} needs a docstring: it is the summary.")
        setattr(
            view,
            ATTRIBUTE,
            Declaration(
                summary=summary,
                description=description or rest,
                answers=dict(answers),
                errors=refused,
                path=dict(path or {}),
                query=query,
                body=body,
                security=("bearer",) if bearer else (),
            ),
        )
        return view

    return mark


def declaration(view: Callable[..., Any] | None) -> Declaration | None:
    """Return the declaration stored on a view function, if it has one."""
    return getattr(view, ATTRIBUTE, None)
