"""Content-Security-Policy headers: one builder for the admin pages, the preview and the demo."""

from __future__ import annotations


def content_security_policy(nonce: str | None = None, **directives: str) -> str:
    """Build a policy: 'self' by default, no base URI, no plugins.

    With a nonce, scripts and styles need it (or come from the same origin). Directives are
    given as keyword arguments with `_` for `-` (`frame_ancestors="'none'"`).
    """
    rules = {"default-src": "'self'"}
    if nonce:
        rules["script-src"] = rules["style-src"] = f"'self' 'nonce-{nonce}'"
    rules.update({name.replace("_", "-"): value for name, value in directives.items()})
    rules.setdefault("base-uri", "'none'")
    rules.setdefault("object-src", "'none'")
    return "; ".join(f"{name} {value}" for name, value in rules.items())
