"""The texts visitors read: the defaults of a new site, their typography, the widget's own."""

from __future__ import annotations

import re
from pathlib import Path

from server.domain.default_texts import BANNER, CATEGORIES, NBSP, NNBSP, french
from server.domain.visitor_texts import WIDGET_LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
# An ordinary space where French typography needs a non-breaking one, or a straight quote.
FRENCH_TYPOS = (" :", " ;", " ?", " !", "« ", " »", "'", '"')


def french_texts() -> list[str]:
    texts = [*BANNER["fr"].values()]
    return texts + [v for cat in CATEGORIES.values() for v in cat["fr"].values()]


def test_default_french_texts_follow_french_typography():
    for text in french_texts():
        for bad in FRENCH_TYPOS:
            assert bad not in text, (bad, text)
    assert f"sécurité{NBSP}: maintien" in CATEGORIES["necessary"]["fr"]["description"]
    assert "d’utiliser" in BANNER["fr"]["description"]


def test_french_typesetting():
    assert french("le lien « Cookies » : ici ; là ? oui ! l'avis") == (
        f"le lien «{NBSP}Cookies{NBSP}»{NBSP}: ici{NNBSP}; là{NNBSP}? oui{NNBSP}! l’avis"
    )
    assert french("https://example.org/a:b") == "https://example.org/a:b"


def test_every_purpose_has_texts_in_every_default_language():
    for slug, texts in CATEGORIES.items():
        assert set(texts) == set(BANNER), slug
        for lang, entry in texts.items():
            assert entry["name"].strip() and len(entry["description"]) > 80, (slug, lang)


def test_widget_languages_are_those_of_the_widgets_own_labels():
    source = (ROOT / "widget/src/core/i18n.js").read_text(encoding="utf-8")
    block = source.split("export const BUILTIN = {", 1)[1]
    languages = re.findall(r"^  ([a-z]{2}): \{", block, re.M)
    assert tuple(languages) == WIDGET_LANGUAGES
