"""What the domain refuses, and why: each error names a kind the delivery layers translate."""

from __future__ import annotations

from typing import Any

from server.domain.wording import Message


class DomainError(Exception):
    """A request the domain refuses; `errors` names each field that is wrong.

    `message` is the English sentence (the APIs answer it); when the domain declared it as a
    wording, `said` keeps its key and values so the admin can say it in its own language.
    """

    def __init__(self, message: str | Message, errors: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.said = message if isinstance(message, Message) else None
        self.errors = errors or {}


class Invalid(DomainError):
    """The input breaks a rule (the HTTP API answers 422)."""


class NotFound(DomainError):
    """What the input names does not exist (404)."""


class Conflict(DomainError):
    """The input contradicts what is stored (409)."""


class Unavailable(DomainError):
    """The database or the consent log cannot answer now; nothing was stored (503)."""


# What a client is told while the database cannot be reached.
DATABASE_DOWN = "The database is unavailable; try again shortly."
