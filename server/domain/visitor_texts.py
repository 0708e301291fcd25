"""The texts visitors read, and which of them a site leaves empty in one of its languages.

The widget shows a text in the visitor's language, else in the site's default language, else
its own built-in wording (which exists only in WIDGET_LANGUAGES). A published version must
hold every text in every language of the site; the admin warns about what would fall back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.domain.schemas_admin import BANNER_KEYS
from server.texts import LANGUAGES

# Languages of the widget's own labels (server/texts/*.json, sent with /w/KEY.js): « Toujours
# actif », « Durée », « Finalités : », the placeholders of blocked frames, the floating button.
WIDGET_LANGUAGES = LANGUAGES
CATEGORY_KEYS = ("name", "description")
SERVICE_KEYS = ("description",)
COOKIE_KEYS = ("purpose",)


def _empty(texts: Any, lang: str, keys: tuple[str, ...]) -> list[str]:
    entries = (texts or {}).get(lang) or {}
    return [k for k in keys if not str(entries.get(k) or "").strip()]


def _note(where: dict[Any, Any], lang: str, keys: list[str]) -> None:
    for key in keys:
        message = f"Empty in {lang}: visitors read every text in each language of the site."
        where.setdefault("texts", {}).setdefault(lang, {})[key] = [message]


def missing_texts(doc: dict[str, Any]) -> dict[str, Any]:
    """Return {field path: [message]} (nested like marshmallow's) for each empty visitor text."""
    errors: dict[str, Any] = {}
    for lang in doc.get("languages") or []:
        _note(errors, lang, _empty(doc.get("texts"), lang, BANNER_KEYS))
        for i, cat in enumerate(doc.get("categories") or []):
            cat_errors: dict[Any, Any] = {}
            _note(cat_errors, lang, _empty(cat.get("texts"), lang, CATEGORY_KEYS))
            for j, svc in enumerate(cat.get("services") or []):
                svc_errors: dict[Any, Any] = {}
                _note(svc_errors, lang, _empty(svc.get("texts"), lang, SERVICE_KEYS))
                for k, ck in enumerate(svc.get("cookies") or []):
                    ck_errors: dict[Any, Any] = {}
                    _note(ck_errors, lang, _empty(ck.get("texts"), lang, COOKIE_KEYS))
                    if ck_errors:
                        svc_errors.setdefault("cookies", {})[k] = ck_errors
                if svc_errors:
                    cat_errors.setdefault("services", {})[j] = svc_errors
            if cat_errors:
                _merge(errors.setdefault("categories", {}).setdefault(i, {}), cat_errors)
    return errors


def _merge(into: dict[Any, Any], more: dict[Any, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


@dataclass
class Fallback:
    """What visitors reading one language get in another language instead."""

    language: str
    # Site texts empty in this language (dotted paths), and the language the widget uses.
    missing: list[str] = field(default_factory=list)
    texts_from: str = ""
    # The widget's own labels have no version in this language: shown in `labels_from`.
    labels_from: str = ""


def fallbacks(doc: dict[str, Any]) -> list[Fallback]:
    """List, per language of the site, the texts visitors would read in another language."""
    default = doc.get("default_language") or ""
    labels = default if default in WIDGET_LANGUAGES else "en"
    out = []
    for lang in doc.get("languages") or []:
        missing = dotted(missing_texts({**doc, "languages": [lang]}))
        item = Fallback(lang, missing, default if missing and lang != default else "")
        if lang not in WIDGET_LANGUAGES:
            item.labels_from = labels
        if item.missing or item.labels_from:
            out.append(item)
    return out


def dotted(errors: Any, prefix: str = "") -> list[str]:
    """Name each field of a nested error dict by its dotted path (texts.en.title)."""
    if not isinstance(errors, dict):
        return [prefix]
    out = []
    for key, value in errors.items():
        out.extend(dotted(value, f"{prefix}.{key}" if prefix else str(key)))
    return out
