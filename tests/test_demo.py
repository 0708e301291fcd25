"""The demo site built from the seed policy."""

from __future__ import annotations

import re

CATEGORIES = ("functional", "audience", "sharing", "advertising")


def test_demo_config_follows_the_seed_policy(client, demo):
    doc = client.get("/api/v1/sites/demo/config").json
    assert doc["languages"] == ["fr", "en"] and doc["default_language"] == "fr"
    cats = {c["slug"]: c for c in doc["categories"]}
    assert list(cats) == ["necessary", *CATEGORIES]
    services = {c: [s["name"] for s in cats[c]["services"]] for c in cats}
    assert services["functional"] == ["Sumome", "Hotjar", "Crisp", "AgileCRM"]
    assert services["audience"] == ["Google Analytics"]
    assert services["sharing"] == ["Facebook", "Twitter / X", "LinkedIn"]
    assert len(services["advertising"]) == 1
    necessary = cats["necessary"]["services"][0]["cookies"]
    assert [c["name"] for c in necessary] == ["PHPSESSID"]
    for cat in cats.values():
        assert cat["texts"]["fr"]["name"] and cat["texts"]["en"]["name"]
        for svc in cat["services"]:
            for ck in svc["cookies"]:
                assert 0 <= ck["lifetime_days"] <= 395
                assert ck["texts"]["fr"]["purpose"] and ck["texts"]["en"]["purpose"]
    assert doc["texts"]["fr"]["reject_all"] == "Tout refuser"


def test_pages_embed_the_widget_and_gate_every_category(client, demo):
    for path, other in (("/demo/", "/demo/politique"), ("/demo/politique", "/demo/")):
        resp = client.get(path)
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        head = html.split("</head>")[0]
        assert head.index('<script src="/w/demo.js"') < head.index("<title>")
        assert f'href="{other}"' in html
        assert re.search(r"<a [^>]*data-temoin-open[^>]*>Gestion des cookies</a>", html)
    home = client.get("/demo/").get_data(as_text=True)
    for cat in CATEGORIES:
        assert f'data-consent="{cat}"' in home
    assert re.search(r'<iframe data-consent="sharing" data-service="facebook" data-src=', home)
    assert ' src="/demo/embed' not in home
    assert '<script src="/demo/tags' not in home


def test_policy_page_renders_the_seed_text(client, demo):
    html = client.get("/demo/politique").get_data(as_text=True)
    assert "Protection des données personnelles et gestion des cookies" in html
    assert "Les cookies de mesure d’audience" in html or "mesure d&#39;audience" in html
    assert "PHPSESSID" in html


def test_necessary_session_cookie_is_set_without_consent(client, demo):
    resp = client.get("/demo/")
    cookies = resp.headers.getlist("Set-Cookie")
    assert any(c.startswith("PHPSESSID=") and "HttpOnly" in c for c in cookies)
    assert not any(c.startswith("_ga") for c in cookies)


def test_fake_tags_set_their_declared_cookies(client, demo):
    js = client.get("/demo/tags/google-analytics.js").get_data(as_text=True)
    for name in ("_ga=", "_ga_demo=", "_gid="):
        assert name in js
    assert client.get("/demo/tags/unknown.js").status_code == 404


def test_strict_page_sends_a_nonce_csp(client, demo):
    resp = client.get("/demo/strict")
    csp = resp.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = resp.get_data(as_text=True)
    assert f'<script src="/w/demo.js" nonce="{nonce}">' in html
