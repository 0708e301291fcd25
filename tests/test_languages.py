"""Built-in languages: each file complete and in its own language; /w/KEY.js carries a site's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from server.domain import drafts
from server.domain.default_texts import with_new_languages
from server.domain.sites import apply_draft
from server.extensions import db
from server.http import bundle
from server.texts import LANGUAGES, labels_for, load, names
from tests.support.records import make_site
from tests.test_widget_serving import boot_args

# The EU's 24 official languages, the EEA's and the others the project promises.
PROMISED = (
    "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv "
    "nb is tr uk ru ar he zh ja ko pt-BR"
).split()
PLACEHOLDER = re.compile(r"\{\w+\}")
PLURALS = ("day", "month")
# The quotation marks each language puts around a category's name in a blocked frame's text.
QUOTES = {
    "fr": "«\u00a0",
    "de": "„",
    "es": "«",
    "it": "«",
    "pt": "«",
    "ca": "«",
    "el": "«",
    "nb": "«",
    "ru": "«",
    "uk": "«",
    "ar": "«",
    "pl": "„",
    "cs": "„",
    "sk": "„",
    "hr": "„",
    "hu": "„",
    "ro": "„",
    "bg": "„",
    "lt": "„",
    "et": "„",
    "is": "„",
    "he": "„",
    "da": "»",
    "sl": "»",
    "sv": "”",
    "fi": "”",
    "nl": "‘",
    "ko": "‘",
    "en": "“",
    "pt-BR": "“",
    "lv": "“",
    "mt": "“",
    "ga": "“",
    "tr": "“",
    "zh": "“",
    "ja": "「",
}


def strings(obj: Any, path: str = "") -> dict[str, str]:
    """Flatten a language file to {dotted path: text}."""
    if isinstance(obj, dict):
        out: dict[str, str] = {}
        for key, value in obj.items():
            out.update(strings(value, f"{path}.{key}" if path else key))
        return out
    return {path: obj}


def test_the_promised_languages_are_built_in() -> None:
    assert set(PROMISED) <= set(LANGUAGES)
    assert len(LANGUAGES) >= 36
    assert set(QUOTES) == set(LANGUAGES)
    assert all(name.strip() for name in names().values())
    assert names()["fr"] == "Français" and names()["pt-BR"] == "Português (Brasil)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_file_is_complete(lang: str) -> None:
    """Same keys as French, no empty text, the same placeholders; plural forms carry {n}."""
    french, mine = load("fr"), load(lang)
    assert set(mine) == set(french)
    for part in ("widget", "banner", "categories"):
        assert set(mine[part]) == set(french[part]), part
    for slug, texts in french["categories"].items():
        assert set(mine["categories"][slug]) == set(texts), slug
    ours = strings(french)
    for path, text in strings(mine).items():
        assert isinstance(text, str) and text.strip(), path
        if path.split(".")[:2] in (["widget", "day"], ["widget", "month"]):
            assert set(PLACEHOLDER.findall(text)) <= {"{n}"}, path
            continue
        assert path in ours, path
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(ours[path])), path
    for unit in PLURALS:
        assert "{n}" in mine["widget"][unit]["other"], unit
    assert mine["widget"]["dir"] == ("rtl" if lang in ("ar", "he") else "ltr")


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang not in ("fr", "en")])
def test_every_language_speaks_itself(lang: str) -> None:
    """Never French or English left in: buttons, title and the withdrawal sentence differ."""
    mine = load(lang)
    for part, key in [("banner", k) for k in ("title", "withdraw", "accept_all", "reject_all")] + [
        ("widget", "always_on"),
        ("categories", "audience"),
    ]:
        for other in ("fr", "en"):
            assert mine[part][key] != load(other)[part][key], (part, key, other)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_its_own_typography(lang: str) -> None:
    """Its quotation marks; no straight double quote, no straight apostrophe but in English."""
    data = load(lang)
    assert QUOTES[lang] + "{category}" in data["widget"]["blocked"]
    for path, text in strings(data).items():
        assert '"' not in text, path
        if lang != "en":
            assert "'" not in text, path


def test_the_bundle_holds_no_language(app: Any) -> None:
    code, _ = bundle.bundle()
    for label in ("Toujours actif", "Always on", "Tout refuser", "Immer aktiv"):
        assert label.encode() not in code


def _publish(site: Any, **doc: Any) -> None:
    """Change the draft (a new language gets its default texts, as in the admin) and publish."""
    apply_draft(site, with_new_languages(doc, list(site.languages)))
    db.session.flush()
    drafts.publish(site, reconsent=False, actor="test")
    db.session.commit()


def test_widget_response_carries_only_the_sites_languages(client: FlaskClient) -> None:
    site = make_site("shop", publish=False)
    stale = {"de": {"name": "Kategorie", "description": "Beschreibung."}}
    cats = [
        {"slug": c.slug, "texts": {**c.texts, **stale}, "services": []} for c in site.categories
    ]
    _publish(site, categories=cats, texts={**site.texts, "it": {"title": "Cookie"}})
    config, labels, _css = boot_args(client.get("/w/shop.js").data)
    assert config["languages"] == ["fr", "en"]
    assert set(config["texts"]) == {"fr", "en"}
    assert all(set(c["texts"]) == {"fr", "en"} for c in config["categories"])
    assert set(labels) == {"fr", "en"}
    assert labels["fr"]["always_on"] == "Toujours actif"
    assert labels["en"]["day"] == {"one": "{n} day", "other": "{n} days"}
    # What the site wrote is not sent twice.
    assert "accept_all" not in labels["fr"] and "title" not in labels["en"]


def test_a_text_the_site_left_empty_gets_its_languages_default() -> None:
    doc = {
        "languages": ["fr", "de"],
        "texts": {"fr": {"accept_all": "Oui"}, "de": {"accept_all": " "}},
    }
    labels = labels_for(doc)
    assert "accept_all" not in labels["fr"]
    assert labels["de"]["accept_all"] == "Alle akzeptieren"
    assert labels["de"]["reject_all"] == "Alle ablehnen"


@pytest.mark.parametrize("count", [2, 5, 24])
def test_a_site_pays_for_its_own_languages(client: FlaskClient, count: int) -> None:
    """The labels sent are exactly the site's languages, whatever the project ships."""
    langs = ["fr", *[lang for lang in LANGUAGES if lang not in ("fr", "en")]][:count]
    site = make_site("shop", publish=False)
    cats = [{"slug": c.slug, "texts": c.texts, "services": []} for c in site.categories]
    _publish(site, languages=langs, categories=cats, texts=site.texts)
    config, labels, _css = boot_args(client.get("/w/shop.js").data)
    assert list(labels) == langs and config["languages"] == langs
    # The site's texts in its new languages are their defaults: only the widget's own labels
    # travel beside them (the banner's are the site's, never sent twice).
    assert labels[langs[-1]] == load(langs[-1])["widget"]
