"""HTML form fields named by dotted paths (`cookies.0.name`) to and from nested documents."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict


def unflatten(form: MultiDict[str, str], skip: tuple[str, ...] = ("csrf_token",)) -> dict[str, Any]:
    """Build a nested document from dotted field names; numbered levels become lists."""
    root: dict[str, Any] = {}
    for name in form:
        if name in skip:
            continue
        node = root
        parts = name.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = form.get(name, "")
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v) for k, v in node.items()}
    if node and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


def flatten(doc: Any, prefix: str = "") -> dict[str, str]:
    """Turn a nested document (or marshmallow's error dict) into dotted field names."""
    out: dict[str, Any] = {}
    if isinstance(doc, dict):
        items = doc.items()
    elif isinstance(doc, list) and any(isinstance(v, dict | list) for v in doc):
        items = enumerate(doc)
    else:
        return {prefix: doc}
    for key, value in items:
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict | list) and not _is_messages(value):
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out


def _is_messages(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


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
        clean = ".".join([first, *(p for p in rest if p not in ("value", "key"))])
        out[clean] = value[0] if isinstance(value, list) and value else str(value)
    return out
