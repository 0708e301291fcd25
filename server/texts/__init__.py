"""The built-in texts, one JSON file per language (`server/texts/fr.json`, …).

Each file holds:
- `name`: the language's name in itself, for the admin;
- `widget`: the widget's own labels (« Toujours actif », « Durée : 13 mois », the placeholder of a
  blocked frame, the floating button) and the text direction; `day` and `month` hold one form
  per plural category (`Intl.PluralRules`), with `{n}` where the number goes;
- `banner` and `categories`: the texts a site starts with when it offers the language, written
  to be reviewed by the site's owner, never shown without their knowledge.

The widget bundle holds no language: `/w/KEY.js` carries the labels of the site's languages only
(`labels_for`), so the project may ship any number of them at no cost to a site offering two.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# Tags as sites write them (`pt-BR`), in the order of the file names.
LANGUAGES: tuple[str, ...] = tuple(sorted(p.stem for p in HERE.glob("*.json")))


@cache
def load(lang: str) -> dict[str, Any]:
    """Return a built-in language's file (KeyError for a language that has none)."""
    if lang not in LANGUAGES:
        raise KeyError(lang)
    return json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))


def direction(lang: str) -> str:
    """Return the direction a built-in language is written in (`ltr` for one not built in)."""
    return load(lang)["widget"]["dir"] if lang in LANGUAGES else "ltr"


def names() -> dict[str, str]:
    """Return {tag: the language's own name} for every built-in language."""
    return {lang: load(lang)["name"] for lang in LANGUAGES}


def banner(lang: str) -> dict[str, str]:
    """Return a language's default banner texts (a copy)."""
    return dict(load(lang)["banner"])


def category(slug: str, lang: str) -> dict[str, str] | None:
    """Return a purpose's default name and description in a language, if it has defaults."""
    texts = load(lang)["categories"].get(slug)
    return dict(texts) if texts else None


def labels_for(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the widget's labels for each language a published document offers.

    The banner's default texts stand in for any the site left empty in that language (a
    version published before every text was required): a visitor never reads an empty
    button. What the site wrote itself is not sent twice.
    """
    out: dict[str, dict[str, Any]] = {}
    own = doc.get("texts") or {}
    for lang in doc.get("languages") or []:
        if lang not in LANGUAGES:
            continue
        data = load(lang)
        mine = own.get(lang) or {}
        missing = {k: v for k, v in data["banner"].items() if not str(mine.get(k) or "").strip()}
        out[lang] = {**missing, **data["widget"]}
    return out


def _only(texts: Any, langs: set[str]) -> Any:
    return {k: v for k, v in texts.items() if k in langs} if isinstance(texts, dict) else texts


def for_languages(doc: dict[str, Any]) -> dict[str, Any]:
    """Return a published document with the texts of languages it no longer offers left out."""
    langs = set(doc.get("languages") or [])
    categories = []
    for cat in doc.get("categories") or []:
        services = [
            {
                **svc,
                "texts": _only(svc.get("texts"), langs),
                "cookies": [
                    {**ck, "texts": _only(ck.get("texts"), langs)}
                    for ck in svc.get("cookies") or []
                ],
            }
            for svc in cat.get("services") or []
        ]
        categories.append({**cat, "texts": _only(cat.get("texts"), langs), "services": services})
    return {**doc, "texts": _only(doc.get("texts"), langs), "categories": categories}
