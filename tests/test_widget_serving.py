"""GET /w/<site_key>.js: one cacheable response holding the widget and the published config."""

from __future__ import annotations

import gzip
import json
from typing import Any

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.domain import drafts, policy
from server.extensions import db
from server.http import bundle

URL = "/w/demo.js"


def boot_args(body: bytes) -> list[Any]:
    """Return the arguments the response boots the bundle with: configuration and labels."""
    code, _, call = body.decode("utf-8").rpartition("\n;window.Temoin&&Temoin._boot(")
    assert code, "the bundle comes first"
    assert call.endswith(");\n")
    return json.loads("[" + call[: -len(");\n")] + "]")


def boot_config(body: bytes) -> dict[str, Any]:
    """Return the configuration the response boots the bundle with."""
    return boot_args(body)[0]


def test_one_response_holds_bundle_and_published_config(client: FlaskClient, demo: Any) -> None:
    resp = client.get(URL)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Cache-Control"] == "public, max-age=300"
    assert resp.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in resp.headers
    code, _ = bundle.bundle()
    assert resp.data.startswith(code)
    pub = policy.get_published("demo")
    assert pub is not None
    assert boot_config(resp.data) == pub.document
    assert boot_config(resp.data)["reconsent_version"] == 1


def test_etag_is_strong_and_revalidation_answers_304(client: FlaskClient, demo: Any) -> None:
    first = client.get(URL)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(URL, headers={"If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "public, max-age=300"
    assert client.get(URL, headers={"If-None-Match": '"stale"'}).status_code == 200


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("identity", None),
        ("gzip;q=0", None),
    ],
)
def test_compressed_bodies_follow_accept_encoding(
    client: FlaskClient, demo: Any, accept: str, coding: str | None
) -> None:
    plain = client.get(URL, headers={"Accept-Encoding": "identity"})
    resp = client.get(URL, headers={"Accept-Encoding": accept})
    assert resp.status_code == 200
    assert resp.headers.get("Content-Encoding") == coding
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda b: b}[coding]
    assert decode(resp.data) == plain.data
    if coding:
        assert len(resp.data) < len(plain.data) / 2
        assert resp.headers["ETag"] != plain.headers["ETag"], "one strong ETag per coding"
        assert (
            client.get(
                URL, headers={"If-None-Match": resp.headers["ETag"], "Accept-Encoding": accept}
            ).status_code
            == 304
        )


def test_bodies_are_precomputed_once_per_version(
    client: FlaskClient, demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = bundle.brotli.compress
    monkeypatch.setattr(bundle.brotli, "compress", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        assert client.get(URL, headers={"Accept-Encoding": "br"}).status_code == 200
    assert len(calls) == 1


def test_a_new_version_changes_body_and_etag(client: FlaskClient, demo: Any) -> None:
    before = client.get(URL)
    drafts.publish(demo, reconsent=True, actor="test")
    db.session.commit()
    after = client.get(URL, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    config = boot_config(after.data)
    assert config["version"] == 2
    assert config["reconsent_version"] == 2


def test_max_age_comes_from_config(app: Flask, client: FlaskClient, demo: Any) -> None:
    app.config["WIDGET_MAX_AGE"] = 60
    assert client.get(URL).headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("key", ["nope", "a*b"])
def test_unknown_site_is_a_javascript_comment(client: FlaskClient, demo: Any, key: str) -> None:
    resp = client.get(f"/w/{key}.js")
    assert resp.status_code == 404
    assert resp.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    text = resp.data.decode()
    assert text.startswith("/*") and text.rstrip().endswith("*/")
    assert text.count("*/") == 1, "the key is never echoed"
    assert "<html" not in text.lower()


def test_config_json_cannot_break_out() -> None:
    call = bundle.boot_call(
        json.dumps({"t": "</script><script>x\u2028y\u2029"}, ensure_ascii=False)
    )
    assert "</script" not in call and "\u2028" not in call and "\u2029" not in call
    args = json.loads("[" + call.split("(", 1)[1].rsplit(")", 1)[0] + "]")
    assert args == [{"t": "</script><script>x\u2028y\u2029"}, {}]


def test_two_apps_in_one_process_never_serve_each_others_site(request, tmp_path) -> None:
    """Caches belong to the app: the same site key in two apps keeps two configurations."""
    from tests.support.apps import make_app
    from tests.support.records import make_site

    names = {}
    for name in ("First shop", "Second shop"):
        folder = tmp_path / name.split()[0]
        folder.mkdir()
        app = make_app(request, folder, CONFIG_CACHE_SECONDS=3600.0)
        with app.app_context():
            make_site("shop", name=name)
            db.session.remove()
        names[name] = app
    for name, app in names.items():
        client = app.test_client()
        for _ in range(2):  # the second answer comes from the app's own caches
            assert boot_config(client.get("/w/shop.js").data)["name"] == name
            assert client.get("/api/v1/sites/shop/config").json["name"] == name
    for app in names.values():
        with app.app_context():
            db.engine.dispose()
