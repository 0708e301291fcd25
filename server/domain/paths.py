"""Paths into nested documents: the one `flatten`, for form field names and for diffs."""

from __future__ import annotations

from typing import Any


def _nested_list(obj: Any, readable: bool) -> bool:
    if not isinstance(obj, list) or not obj:
        return False
    if readable:
        return all(isinstance(item, dict) for item in obj)
    return any(isinstance(item, dict | list) for item in obj)


def _label(item: dict[str, Any], index: int) -> tuple[str, dict[str, Any]]:
    key = "slug" if "slug" in item else "name" if "name" in item else ""
    if not key:
        return str(index), item
    return str(item[key]), {k: v for k, v in item.items() if k != key}


def flatten(obj: Any, path: str = "", *, readable: bool = False) -> dict[str, Any]:
    """Flatten nested dicts and lists into {path: value}.

    By default paths are the admin's form field names (`categories.0.name`); a list of plain
    values (such as marshmallow's messages) is one value and empty dicts vanish. `readable`
    paths name list items by their slug or name (`categories[audience].services[ga].name`),
    for diffs and the audit log: an empty dict or list is a value, an item with nothing but
    its name is `∅`, and an empty document has no path at all.
    """
    if readable and not path and not obj:
        return {}
    out: dict[str, Any] = {}
    if isinstance(obj, dict) and (obj or not readable):
        for key, value in obj.items():
            out.update(flatten(value, f"{path}.{key}" if path else str(key), readable=readable))
        return out
    if not _nested_list(obj, readable):
        return {path: obj}
    for i, item in enumerate(obj):
        if not readable:
            out.update(flatten(item, f"{path}.{i}" if path else str(i)))
            continue
        label, rest = _label(item, i)
        name = f"{path}[{label}]"
        out.update(flatten(rest, name, readable=True) if rest else {name: "∅"})
    return out
