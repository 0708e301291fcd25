"""The texts visitors read: the defaults of a new site, their typography, the widget's own."""

from __future__ import annotations

from server.domain.default_texts import BANNER, CATEGORIES, NBSP, NNBSP, french
from server.texts import LANGUAGES, load

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
    for slug, by_lang in CATEGORIES.items():
        assert set(by_lang) == set(BANNER) == set(LANGUAGES), slug
        for lang, entry in by_lang.items():
            # Characters, not words: Chinese and Japanese say in 60 what French says in 200.
            shortest = 40 if lang in ("ja", "ko", "zh") else 80
            assert entry["name"].strip() and len(entry["description"]) > shortest, (slug, lang)


def test_french_widget_labels_follow_french_typography():
    labels = load("fr")["widget"]
    for key in ("purposes", "lifetime", "blocked", "always_on", "allow"):
        for bad in FRENCH_TYPOS:
            assert bad not in labels[key], (key, bad)
    assert labels["purposes"] == f"Finalités{NBSP}: {{list}}."
    assert labels["lifetime"] == f"Durée{NBSP}: {{d}}"
    assert f"«{NBSP}{{category}}{NBSP}»" in labels["blocked"]
