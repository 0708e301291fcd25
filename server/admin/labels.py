"""Names a DPO reads instead of keys and paths: « Google Analytics › cookie _ga › domaine ».

A path is either a form field name (`categories.0.services.1.cookies.2.domain`, or relative
to one service: `cookies.0.lifetime_days`) or a readable path of `domain.paths.flatten`
(`categories[audience].services[google-analytics].cookies[_ga].domain`). `name(path, doc)`
turns either into a translated label, naming categories, services and cookies as the document
does (a category by its name, a service by its name, a cookie by its name). Stored paths (the
audit log's, the diff's) stay as they are: this is only how they are shown.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext, lazy_gettext, ngettext

from server.admin.i18n import language_name

SEPARATOR = " › "
_STEP = re.compile(r"([^.\[\]]+)(?:\[([^\]]*)\])?")

# Words of the vocabulary shown as they are said: roles, actions, sources, positions, audit.
WORDS = {
    "viewer": lazy_gettext("viewer"),
    "recorder": lazy_gettext("recorder"),
    "editor": lazy_gettext("editor"),
    "owner": lazy_gettext("owner"),
    "accept_all": lazy_gettext("Accept all"),
    "reject_all": lazy_gettext("Reject all"),
    "custom": lazy_gettext("Custom choice"),
    "withdraw": lazy_gettext("Withdrawal"),
    "banner": lazy_gettext("banner"),
    "preferences": lazy_gettext("preferences"),
    "placeholder": lazy_gettext("blocked content placeholder"),
    "api": lazy_gettext("API"),
    "bottom": lazy_gettext("bottom"),
    "top": lazy_gettext("top"),
    "bar": lazy_gettext("bar across the screen"),
    "box": lazy_gettext("box in the corner"),
    "modal": lazy_gettext("box in the middle, page dimmed"),
    "never": lazy_gettext("never"),
    "auto": lazy_gettext("when the visitor's system is dark"),
    "always": lazy_gettext("always"),
    "sign in": lazy_gettext("sign-in"),
    "sign in failed": lazy_gettext("failed sign-in"),
    "sign out": lazy_gettext("sign-out"),
    "change password": lazy_gettext("password change"),
    "create admin": lazy_gettext("account created"),
    "create site": lazy_gettext("site created"),
    "set role": lazy_gettext("role changed"),
    "create token": lazy_gettext("token created"),
    "revoke token": lazy_gettext("token revoked"),
    "erase consent": lazy_gettext("consent erased"),
    "publish": lazy_gettext("publication"),
    "edit settings": lazy_gettext("settings edited"),
    "edit categories": lazy_gettext("categories edited"),
    "edit draft": lazy_gettext("draft edited"),
    "edit scan proposal": lazy_gettext("scan proposal added to the draft"),
}

# The fields of a draft, a category, a service and a cookie.
FIELDS = {
    "name": lazy_gettext("name"),
    "site": lazy_gettext("site key"),
    "origins": lazy_gettext("allowed origins"),
    "languages": lazy_gettext("languages"),
    "default_language": lazy_gettext("default language"),
    "lifetime_days": lazy_gettext("lifetime (days)"),
    "theme": lazy_gettext("look"),
    "layout": lazy_gettext("banner layout"),
    "position": lazy_gettext("position of the bar"),
    "primary": lazy_gettext("button colour"),
    "background": lazy_gettext("background colour"),
    "text": lazy_gettext("text colour"),
    "dark": lazy_gettext("dark variant"),
    "dark_primary": lazy_gettext("dark button colour"),
    "dark_background": lazy_gettext("dark background colour"),
    "dark_text": lazy_gettext("dark text colour"),
    "floating_button": lazy_gettext("floating button"),
    "reload_on_withdraw": lazy_gettext("reload on withdrawal"),
    "store_user_agent": lazy_gettext("user agent kept"),
    "slug": lazy_gettext("slug"),
    "required": lazy_gettext("always on"),
    "provider": lazy_gettext("provider"),
    "privacy_url": lazy_gettext("privacy policy URL"),
    "domain": lazy_gettext("domain"),
    "description": lazy_gettext("description"),
    "purpose": lazy_gettext("purpose"),
    "category": lazy_gettext("category"),
    "key": lazy_gettext("key"),
    "owner": lazy_gettext("owner's e-mail"),
    "email": lazy_gettext("e-mail"),
    "role": lazy_gettext("role"),
    "label": lazy_gettext("label"),
    "current_password": lazy_gettext("current password"),
    "new_password": lazy_gettext("new password"),
    "confirm": lazy_gettext("new password again"),
    "from": lazy_gettext("from"),
    "to": lazy_gettext("to"),
    "action": lazy_gettext("action"),
    "version": lazy_gettext("version"),
    "language": lazy_gettext("language"),
    "consent_id": lazy_gettext("consent id"),
    "before": lazy_gettext("page"),
    "format": lazy_gettext("format"),
    "categories": lazy_gettext("categories"),
    "services": lazy_gettext("services"),
    "cookies": lazy_gettext("cookies"),
    "texts": lazy_gettext("texts"),
    "reconsent": lazy_gettext("visitors asked again"),
    "sha256": "sha256",
    "records": lazy_gettext("records"),
    "seqs": lazy_gettext("positions in the log"),
    "erased": lazy_gettext("erased"),
    "revoked": lazy_gettext("revoked"),
}

# The banner's texts, by key.
BANNER = {
    "title": lazy_gettext("title"),
    "description": lazy_gettext("description"),
    "withdraw": lazy_gettext("how to withdraw"),
    "accept_all": lazy_gettext("“accept all” button"),
    "reject_all": lazy_gettext("“reject all” button"),
    "customize": lazy_gettext("“customise” button"),
    "save": lazy_gettext("“save” button"),
    "services_link": lazy_gettext("link to the services"),
    "preferences_title": lazy_gettext("preferences title"),
    "close": lazy_gettext("“close” button"),
}


def word(value: Any) -> str:
    """Say a word of the vocabulary (`accept_all`, `owner`, `edit service ga`) as a DPO does."""
    text = str(value or "")
    if text in WORDS:
        return str(WORDS[text])
    if text.startswith("edit service "):
        return gettext("service %(slug)s edited", slug=text[len("edit service ") :])
    if text.startswith("edit catalogue "):
        return gettext(
            "service %(slug)s added from the catalogue", slug=text[len("edit catalogue ") :]
        )
    if text in BANNER:
        return str(BANNER[text])
    return text


def shown(value: Any) -> str:
    """Show a value of a diff or of the audit log: yes and no, lists as lists."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    if value == "∅":
        return gettext("(empty)")
    return "" if value is None else str(value)


_TARGETS = (
    (
        re.compile(r"(\d+) change\(s\)"),
        lambda m: ngettext("%(num)d change", "%(num)d changes", int(m[1])),
    ),
    (re.compile(r"version (\d+)"), lambda m: gettext("version %(number)s", number=m[1])),
    (
        re.compile(r"consent id sha256:([0-9a-f]+)"),
        lambda m: gettext("consent id sha256:%(digest)s", digest=m[1]),
    ),
)


def target(value: Any) -> str:
    """Say what an audit event is about (`5 change(s)`, `version 2`) in the admin's language."""
    text = str(value or "")
    for pattern, say in _TARGETS:
        found = pattern.fullmatch(text)
        if found:
            return say(found)
    return text


def _steps(path: str) -> list[tuple[str, str | None]]:
    """Split a path into (key, bracket label or None); numbers are keys of their own."""
    return [(m[1], m[2]) for m in _STEP.finditer(path)]


def _item(items: Any, ref: str | None, index: str | None, key: str) -> dict[str, Any] | None:
    """Find an item of a list by its label (`[ga]`) or its number (`.3`)."""
    if not isinstance(items, list):
        return None
    if ref is not None:
        return next((i for i in items if isinstance(i, dict) and i.get(key) == ref), None)
    if index is not None and index.isdigit() and int(index) < len(items):
        found = items[int(index)]
        return found if isinstance(found, dict) else None
    return None


def _text_of(item: dict[str, Any] | None, key: str, doc: Any) -> str:
    texts = (item or {}).get("texts") or {}
    order = [str(doc.get("default_language") or "")] if isinstance(doc, dict) else []
    for lang in [*order, *texts]:
        value = str((texts.get(lang) or {}).get(key) or "").strip()
        if value:
            return value
    return ""


def name(path: str, doc: Any = None) -> str:
    """Turn a field path into the label a DPO reads, in the admin's language."""
    doc = doc if isinstance(doc, dict) else {}
    flat = doc if any("." in str(k) for k in doc) else {}
    steps = _steps(str(path))
    parts: list[str] = []
    node: Any = doc
    prefix = ""
    category: str | None = None
    i = 0
    while i < len(steps):
        key, ref = steps[i]
        nxt = steps[i + 1][0] if i + 1 < len(steps) else None
        index = nxt if ref is None and nxt is not None and nxt.isdigit() else None
        if key in ("categories", "services", "cookies") and (ref is not None or index):
            kind = {"categories": "slug", "services": "slug", "cookies": "name"}[key]
            item = _item(
                (node or {}).get(key) if isinstance(node, dict) else None, ref, index, kind
            )
            here = f"{prefix}{key}.{index}." if index else ""
            if key == "services":
                # A service is named by itself (slugs are unique in a site): no category before.
                parts = [p for p in parts if p is not category]
            label = _named(key, item, ref, index, flat.get(here + kind), doc)
            category = label if key == "categories" else category
            parts.append(label)
            node, prefix = item, here if index else prefix
            i += 2 if index else 1
            continue
        if key == "texts" and i + 2 <= len(steps):
            lang = steps[i + 1][0] if i + 1 < len(steps) else ""
            text_key = steps[i + 2][0] if i + 2 < len(steps) else ""
            where = bool(parts)
            label = str(FIELDS.get(text_key) or BANNER.get(text_key) or text_key)
            if not where:
                parts.append(gettext("Banner"))
                label = str(BANNER.get(text_key) or label)
            parts.append(
                gettext("%(field)s (%(language)s)", field=label, language=language_name(lang))
                if text_key
                else language_name(lang)
            )
            i += 3
            continue
        if key == "_schema":
            i += 1
            continue
        if key.isdigit():
            parts.append(gettext("line %(number)s", number=int(key) + 1))
        else:
            parts.append(str(FIELDS.get(key) or key))
        node = node.get(key) if isinstance(node, dict) else None
        i += 1
    return SEPARATOR.join(parts) or str(path)


def _named(
    kind: str, item: dict[str, Any] | None, ref: str | None, index: str | None, typed: Any, doc: Any
) -> str:
    if kind == "categories":
        label = _text_of(item, "name", doc) or ref or (item or {}).get("slug")
        if label:
            return gettext("category %(name)s", name=label)
        return gettext("category %(number)s", number=int(index or 0) + 1)
    if kind == "services":
        label = (item or {}).get("name") or ref or (item or {}).get("slug")
        if label:
            return str(label)
        return gettext("service %(number)s", number=int(index or 0) + 1)
    label = (item or {}).get("name") or ref or typed
    if label:
        return gettext("cookie %(name)s", name=label)
    return gettext("cookie %(number)s", number=int(index or 0) + 1)
