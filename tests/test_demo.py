"""The demo site built from the seed policy."""

from __future__ import annotations

import re
from html import unescape

import pytest

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


def _demo_french() -> list[str]:
    from server.domain.demo_site import CATEGORIES as CATS
    from server.domain.demo_site import SITE

    texts = list(SITE["texts"]["fr"].values())
    for cat in CATS:
        texts += cat["texts"]["fr"].values()
        for svc in cat["services"]:
            texts += svc["texts"]["fr"].values()
            texts += [v for ck in svc["cookies"] for v in ck["texts"]["fr"].values()]
    return texts


def test_demo_french_is_correct_french():
    from tests.test_texts import FRENCH_TYPOS

    texts = _demo_french()
    joined = "\n".join(texts)
    for bad in ("Durée de vie de la session à treize mois", "Cookies de ", "Session du site"):
        assert bad not in joined, bad
    for text in texts:
        for bad in FRENCH_TYPOS:
            assert bad not in text, (bad, text)


def test_demo_placeholder_names_its_purpose_once(client, demo):
    # A blocked frame says « Facebook est bloqué (cookies « NAME ») »: NAME is not « Cookies de … ».
    doc = client.get("/api/v1/sites/demo/config").json
    for cat in doc["categories"]:
        for lang in ("fr", "en"):
            assert not cat["texts"][lang]["name"].lower().startswith("cookie"), cat["slug"]


def test_demo_english_uses_english_quotes():
    from server.domain.demo_site import CATEGORIES as CATS
    from server.domain.demo_site import SITE

    texts = [*SITE["texts"]["en"].values(), *(c["texts"]["en"]["description"] for c in CATS)]
    assert not [t for t in texts if "«" in t or "»" in t]


def test_demo_is_publishable_as_loaded(demo):
    from server.domain.drafts import draft_doc
    from server.domain.visitor_texts import missing_texts

    assert missing_texts(draft_doc(demo)) == {}


@pytest.mark.parametrize("path", ["/demo/", "/demo/politique"])
def test_demo_pages_follow_french_typography(client, demo, path):
    html = client.get(path).get_data(as_text=True)
    body = html.split("<body>", 1)[1]
    text = unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", body, flags=re.S)))
    text = re.sub(r"[ \t]+", " ", text)
    for bad in (" :", " ;", " ?", " !", "« ", " »", "'", '"'):
        assert bad not in text, (bad, text[max(0, text.find(bad) - 60) : text.find(bad) + 20])
    for fixed in ("Seules les personnes", "durée de vie courte", "le nombre de clics", "À quoi"):
        if path == "/demo/politique":
            assert fixed in text, fixed


@pytest.mark.parametrize("look", ["box", "modal", "bar"])
def test_the_demo_shows_its_banner_in_each_layout(client, demo, look):
    """`?look=` loads the published version booted in that layout; the site's draft is untouched."""
    from tests.test_looks import PIECES
    from tests.test_widget_serving import boot_args

    html = client.get(f"/demo/?look={look}").get_data(as_text=True)
    assert f'<script src="/demo/look/{look}.js"' in html
    for other in ("bar", "box", "modal"):
        assert f'href="?look={other}"' in html
    resp = client.get(f"/demo/look/{look}.js")
    assert resp.status_code == 200 and resp.mimetype == "application/javascript"
    assert resp.headers["Cache-Control"] == "no-store"
    config, _, css = boot_args(resp.data)
    published = client.get("/api/v1/sites/demo/config").json
    assert config["theme"] == {**published["theme"], "layout": look}
    assert config["version"] == published["version"] and config["sha256"] == published["sha256"]
    assert css.startswith(PIECES[look])
    assert published["theme"]["layout"] == "bar"


@pytest.mark.parametrize("look", ["wall", "", "box.js", "../w/demo"])
def test_an_unknown_look_is_the_sites_own_banner(client, demo, look):
    html = client.get("/demo/", query_string={"look": look}).get_data(as_text=True)
    assert '<script src="/w/demo.js"' in html
    assert client.get(f"/demo/look/{look or 'x'}.js").status_code == 404
