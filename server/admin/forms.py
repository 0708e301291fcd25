"""HTML form fields named by dotted paths (`cookies.0.name`) to and from nested documents."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_babel import gettext
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from server.admin.labels import name as label
from server.admin.messages import say
from server.admin.schemas import INDEX, MAX_ROWS
from server.domain.paths import flatten

MAX_PARTS = 8
BAD_NAME = "Not a field of this form."
LEAF_AND_GROUP = "Sent both as a single field and as a group of fields ({name}.…)."


def unflatten(form: MultiDict[str, str], skip: tuple[str, ...] = ("csrf_token",)) -> dict[str, Any]:
    """Build nested dicts from dotted names (a form schema turns numbered groups into lists)."""
    root: dict[str, Any] = {}
    for name in form:
        if name in skip:
            continue
        parts = name.split(".")
        if len(parts) > MAX_PARTS or not all(parts):
            raise ValidationError({_shown(name): [BAD_NAME]})
        node = root
        for depth, part in enumerate(parts[:-1]):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                group = ".".join(parts[: depth + 1])
                raise ValidationError({group: [LEAF_AND_GROUP.format(name=group)]})
        if parts[-1] in node:
            raise ValidationError({name: [LEAF_AND_GROUP.format(name=name)]})
        node[parts[-1]] = form.get(name, "")
    return root


def _shown(name: str) -> str:
    return name if len(name) <= 80 else name[:80] + "…"


def load_form(schema: Schema) -> dict[str, Any]:
    """Load the posted form into the shape a page expects (raises ValidationError)."""
    return schema.load(unflatten(request.form))


def row_count(values: dict[str, Any], group: str) -> int:
    """Count the rows `group.N.…` to show: one past the highest valid number among `values`."""
    numbers = [
        int(part)
        for name in values
        if name.startswith(group + ".")
        and INDEX.fullmatch(part := name.split(".")[1])
        and int(part) < MAX_ROWS
    ]
    return 1 + max(numbers, default=-1)


def blank(row: Any) -> bool:
    """Tell whether a form row was left entirely empty."""
    if isinstance(row, dict):
        return all(blank(v) for v in row.values())
    if isinstance(row, list):
        return all(blank(v) for v in row)
    return not str(row or "").strip()


def lines(text: str) -> list[str]:
    """Split a textarea into its non-empty lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def words(text: str) -> list[str]:
    """Split a comma- or space-separated field into items."""
    return [w for w in (text or "").replace(",", " ").split() if w]


def errors_of(messages: Any) -> dict[str, str]:
    """Flatten marshmallow messages to {field name: first message}."""
    out = {}
    for name, value in flatten(messages).items():
        # Dict fields nest their messages under "value" (and "key"): name the field itself.
        first, *rest = name.split(".")
        # A nested schema's own message (`cookies.0._schema`) names the group itself.
        clean = ".".join([first, *(p for p in rest if p not in ("value", "key", "_schema"))])
        out[clean] = say(value[0] if isinstance(value, list) and value else value)
    return out


def summary(messages: Any) -> str:
    """Say marshmallow messages in one line: `field: message; …`."""
    return "; ".join(
        gettext("%(field)s: %(message)s", field=label(k), message=v)
        for k, v in errors_of(messages).items()
    )


def query(schema: Schema, status: int = 422, prefix: str = "") -> dict[str, Any]:
    """Load a page's query string, or answer `status` saying what is wrong with it."""
    try:
        return schema.load(request.args.to_dict())
    except ValidationError as err:
        abort(status, prefix + summary(err.messages))
