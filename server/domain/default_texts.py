"""The texts a new site starts with: its banner and its five purposes, in every built-in language.

Written for a French (CNIL) site: each purpose says what it is for and what refusing costs,
the banner says that refusing is as easy as accepting and that consent can be withdrawn at
any time. A site owner reviews them, adapts them to the site and publishes.
"""

from __future__ import annotations

import re
from typing import Any

from server import texts

NBSP = "\u00a0"  # espace insécable: before « : » and inside « guillemets »
NNBSP = "\u202f"  # espace fine insécable: before « ; », « ! » and « ? »
_BEFORE_COLON = re.compile(r" +:")
_BEFORE_THIN = re.compile(r" +([;!?])")
_IN_QUOTES = re.compile(r"« *(.*?) *»")
_QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')


def french(text: str) -> str:
    """Apply French typography: « guillemets » with non-breaking spaces, the same before : ; ! ?,
    and curly apostrophes.

    Texts typed with ordinary spaces stay readable; what visitors get never breaks a line
    before a colon or inside guillemets.
    """
    text = _QUOTED.sub(lambda m: f"« {m.group(1) or m.group(2)} »", text)
    text = _IN_QUOTES.sub(lambda m: f"«{NBSP}{m.group(1)}{NBSP}»", text)
    text = _BEFORE_COLON.sub(f"{NBSP}:", text)
    text = _BEFORE_THIN.sub(lambda m: NNBSP + m.group(1), text)
    return text.replace("'", "’")


# Every built-in language, from its file in server/texts/ (French and English were written
# first, for a French (CNIL) site; the others translate them).
BANNER: dict[str, dict[str, str]] = {lang: texts.banner(lang) for lang in texts.LANGUAGES}
# Purpose names are short and are not "Cookies de …": the banner lists them after
# « Finalités : » and a blocked frame's placeholder says « (cookies « NAME ») ».
CATEGORIES: dict[str, dict[str, dict[str, str]]] = {
    slug: {lang: texts.load(lang)["categories"][slug] for lang in texts.LANGUAGES}
    for slug in texts.load("fr")["categories"]
}

# The languages a new site starts with.
LANGUAGES = ("fr", "en")


def banner_texts(languages: list[str]) -> dict[str, Any]:
    """Return the default banner texts for the languages that have them."""
    return {lang: dict(BANNER[lang]) for lang in languages if lang in BANNER}


def category_texts(slug: str, languages: list[str]) -> dict[str, Any]:
    """Return the default name and description of a purpose, in the languages that have them."""
    by_lang = CATEGORIES.get(slug, {})
    return {lang: dict(by_lang[lang]) for lang in languages if lang in by_lang}


def _filled(own: Any, defaults: dict[str, str]) -> dict[str, str]:
    own = dict(own or {})
    return {**own, **{k: v for k, v in defaults.items() if not str(own.get(k) or "").strip()}}


def with_new_languages(doc: dict[str, Any], before: list[str]) -> dict[str, Any]:
    """Fill the texts a draft leaves empty in the languages it offers and `before` did not.

    Turning a language on gives the banner and the built-in purposes their default texts in it,
    to review before publishing; services and cookies have none (publishing names what is
    left empty). Languages already offered keep what the site wrote, even blanks.
    """
    new = [lang for lang in doc.get("languages") or [] if lang not in before and lang in BANNER]
    if not new:
        return doc
    own = dict(doc.get("texts") or {})
    for lang in new:
        own[lang] = _filled(own.get(lang), BANNER[lang])
    categories = []
    for cat in doc.get("categories") or []:
        cat_texts = dict(cat.get("texts") or {})
        for lang in new:
            if cat["slug"] in CATEGORIES:
                cat_texts[lang] = _filled(cat_texts.get(lang), CATEGORIES[cat["slug"]][lang])
        categories.append({**cat, "texts": cat_texts})
    return {**doc, "texts": own, "categories": categories}
