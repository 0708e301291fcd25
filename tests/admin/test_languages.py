"""A site's languages: any built-in one, validated; turning one on fills its default texts."""

from __future__ import annotations

import pytest

from server.domain.default_texts import BANNER, CATEGORIES
from server.texts import LANGUAGES
from tests.admin.conftest import audit_count, post
from tests.admin.test_api import DRAFT, auth, draft_state
from tests.admin.test_edit import settings_form, shop_doc
from tests.test_widget_serving import boot_args

PUBLISH = "/api/v1/admin/sites/shop/publish"


def test_every_built_in_language_can_be_offered(client, tokens):
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    body["languages"] = list(LANGUAGES)
    resp = client.put(DRAFT, json=body, headers=auth(tokens["editor"]))
    assert resp.status_code == 200, resp.json
    assert resp.json["languages"] == list(LANGUAGES)
    assert set(resp.json["texts"]) == set(LANGUAGES)


@pytest.mark.parametrize(
    "languages",
    [["fr", "xx"], ["fr", "fr-CA"], ["fr", "FR"], ["fr", "no"], ["fr", "fr"], [], ["fr", 3]],
)
def test_a_language_without_built_in_texts_is_refused(client, tokens, languages):
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    state, events = draft_state(), audit_count()
    resp = client.put(DRAFT, json={**body, "languages": languages}, headers=auth(tokens["editor"]))
    assert resp.status_code == 422
    assert "languages" in resp.json["errors"]
    assert draft_state() == state and audit_count() == events


def test_turning_a_language_on_gives_its_default_texts_to_review(client, tokens):
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    body["languages"] = ["fr", "en", "de", "pt-BR"]
    body["texts"]["fr"]["title"] = "Nos cookies"
    resp = client.put(DRAFT, json=body, headers=auth(tokens["editor"]))
    assert resp.status_code == 200, resp.json
    doc = resp.json
    assert doc["texts"]["de"] == BANNER["de"] and doc["texts"]["pt-BR"] == BANNER["pt-BR"]
    assert doc["texts"]["fr"]["title"] == "Nos cookies", "what the site wrote stays"
    for cat in doc["categories"]:
        assert cat["texts"]["de"] == CATEGORIES[cat["slug"]]["de"]
        assert cat["texts"]["fr"]["name"] == "Catégorie", "languages already offered are kept"
        # Services and cookies have no defaults: publishing names what is left to write.
        assert set(cat["services"][0]["texts"]) == {"fr", "en"}
    resp = client.post(PUBLISH, json={}, headers=auth(tokens["editor"]))
    assert resp.status_code == 422
    assert set(resp.json["errors"]["categories"]["0"]["services"]["0"]["texts"]) == {"de", "pt-BR"}
    assert "texts" not in resp.json["errors"], "the banner is complete in every language"


def test_a_language_turned_on_again_keeps_what_was_blanked(client, tokens):
    """Defaults fill only a language newly offered, never a text the site emptied on purpose."""
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    body["languages"] = ["fr", "en", "it"]
    body = client.put(DRAFT, json=body, headers=auth(tokens["editor"])).json
    body["texts"]["it"]["withdraw"] = ""
    doc = client.put(DRAFT, json=body, headers=auth(tokens["editor"])).json
    assert doc["texts"]["it"]["withdraw"] == ""


def test_a_published_language_reaches_the_widget(client, tokens):
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    body["languages"] = ["fr", "en", "ar"]
    body = client.put(DRAFT, json=body, headers=auth(tokens["editor"])).json
    for cat in body["categories"]:
        for svc in cat["services"]:
            svc["texts"]["ar"] = {"description": "خدمة."}
            for ck in svc["cookies"]:
                ck["texts"]["ar"] = {"purpose": "ملف تعريف ارتباط."}
    assert client.put(DRAFT, json=body, headers=auth(tokens["editor"])).status_code == 200
    assert client.post(PUBLISH, json={}, headers=auth(tokens["editor"])).status_code == 201
    config, labels, _css = boot_args(client.get("/w/shop.js").data)
    assert config["languages"] == ["fr", "en", "ar"] and list(labels) == ["fr", "en", "ar"]
    assert labels["ar"]["dir"] == "rtl" and config["texts"]["ar"]["reject_all"] == "رفض الكل"


def test_settings_page_offers_the_built_in_languages(as_role):
    client = as_role("editor")
    html = client.get("/admin/sites/shop/settings").get_data(as_text=True)
    for shown in ("de — Deutsch", "pt-BR — Português (Brasil)", "ar — العربية"):
        assert shown in html
    resp = post(client, "/admin/sites/shop/settings", settings_form(languages="fr, en, it"))
    assert resp.status_code == 302
    doc = shop_doc()
    assert doc["languages"] == ["fr", "en", "it"]
    assert doc["texts"]["it"]["accept_all"] == "Accetta tutti"
    resp = post(client, "/admin/sites/shop/settings", settings_form(languages="fr, en, klingon"))
    assert resp.status_code == 422
    assert "Not a built-in language" in resp.get_data(as_text=True)
    assert shop_doc()["languages"] == ["fr", "en", "it"]
