"""What the domain says, each sentence under a stable key.

The domain speaks English: its messages are those of the admin API and the command line, and
what a scan stores is evidence, kept as it was said. A sentence an admin may read is declared
once, as a `Wording` (its key and its English template, `{name}` for each value); the domain
raises or returns a `Message` (a wording with its values), and the admin says the same key in
its own language (server/admin/messages.py). Text already stored in English (a failed scan's
error, a page's) is recognised again by `recognise`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Message:
    """One sentence of the domain with its values; `str()` says it in English."""

    key: str
    english: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.english.format(**self.values)


@dataclass(frozen=True)
class Wording:
    """A sentence the domain says: a stable key and its English template."""

    key: str
    english: str

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """The names of the template's values, in order."""
        return tuple(_FIELD.findall(self.english))

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """A pattern matching the English sentence with any values (each named group)."""
        parts = _FIELD.split(self.english)
        out = []
        for i, part in enumerate(parts):
            out.append(f"(?P<{part}>.+)" if i % 2 else re.escape(part))
        return re.compile("".join(out), re.S)

    def __call__(self, **values: Any) -> Message:
        if set(values) != set(self.fields):
            raise TypeError(f"{self.key} takes {self.fields}, not {tuple(values)}")
        return Message(self.key, self.english, dict(values))


WORDINGS: dict[str, Wording] = {}


def wording(key: str, english: str) -> Wording:
    """Declare a sentence of the domain under its key (one English text per key)."""
    found = WORDINGS.get(key)
    if found is not None and found.english != english:
        raise ValueError(f"two texts for {key!r}")
    WORDINGS[key] = made = Wording(key, english)
    return made


def recognise(text: str) -> Message | None:
    """Return the message an English text says, when it says one of the declared wordings."""
    # The most literal template first: "x: {a}; later." before "x: {a}".
    ranked = sorted(WORDINGS.values(), key=lambda w: -len(_FIELD.sub("", w.english)))
    for item in ranked:
        found = item.pattern.fullmatch(text)
        if found:
            return Message(item.key, item.english, found.groupdict())
    return None
