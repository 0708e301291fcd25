"""The banner's look a site chooses: its layout, from the admin (form and API) to the widget."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from server.extensions import db
from server.models import PolicyVersion, Site
from tests.admin.conftest import audit_count, post, said, tr
from tests.admin.test_api import DRAFT, auth, draft_state
from tests.admin.test_edit import settings_form, shop_doc
from tests.test_looks import PIECES
from tests.test_widget_serving import boot_args

PUBLISH = "/api/v1/admin/sites/shop/publish"


def _published(client: FlaskClient, token: str) -> dict[str, Any]:
    resp = client.post(PUBLISH, json={}, headers=auth(token))
    assert resp.status_code == 201, resp.json
    db.session.expire_all()
    version = db.session.query(PolicyVersion).order_by(PolicyVersion.id.desc()).first()
    return json.loads(version.snapshot)


def test_the_layout_goes_from_the_api_to_the_widget(client: FlaskClient, tokens: Any) -> None:
    """Saved in the draft, frozen in the snapshot, in the public config, and its CSS alone in
    /w/KEY.js: the box's rules, not the bar's."""
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    body["theme"] = {**body["theme"], "layout": "box"}
    resp = client.put(DRAFT, json=body, headers=auth(tokens["editor"]))
    assert resp.status_code == 200, resp.json
    assert resp.json["theme"]["layout"] == "box"
    snapshot = _published(client, tokens["editor"])
    assert snapshot["theme"]["layout"] == "box"
    config = client.get("/api/v1/sites/shop/config").json
    assert config["theme"]["layout"] == "box"
    _, _, css = boot_args(client.get("/w/shop.js").data)
    assert css.startswith(PIECES["box"]) and PIECES["bar"] not in css


def test_a_bad_layout_is_refused_and_nothing_is_stored(client: FlaskClient, tokens: Any) -> None:
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    state = draft_state()
    for bad in ("sidebar", "BAR", "", None, 1, {"box": 1}):
        body["theme"] = {"layout": bad}
        resp = client.put(DRAFT, json=body, headers=auth(tokens["editor"]))
        assert resp.status_code == 422, bad
        assert "layout" in resp.json["errors"]["theme"], bad
        assert draft_state() == state


def test_the_settings_form_offers_the_three_layouts_in_french(as_role: Any, shop: Site) -> None:
    client = as_role("editor")
    html = client.get("/admin/sites/shop/settings").get_data(as_text=True)
    assert 'name="theme.layout"' in html
    for value, label in (
        ("bar", "bar across the screen"),
        ("box", "box in the corner"),
        ("modal", "box in the middle, page dimmed"),
    ):
        assert f'<option value="{value}"' in html and tr(label) in html, value
    assert tr("Banner layout") in html
    resp = post(client, "/admin/sites/shop/settings", settings_form(**{"theme.layout": "modal"}))
    assert resp.status_code == 302
    assert shop_doc()["theme"]["layout"] == "modal"


def test_a_bad_layout_posted_to_the_form_is_a_field_error(as_role: Any, shop: Site) -> None:
    """A forged post (the select offers three): 422, the field named, nothing saved."""
    client = as_role("editor")
    before, events = json.dumps(shop_doc()), audit_count()
    resp = post(client, "/admin/sites/shop/settings", settings_form(**{"theme.layout": "wall"}))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert tr("Nothing was saved: correct the fields marked below.") in html
    assert 'id="f-theme-layout-e"' in html
    assert said("Must be one of: %(choices)s.", choices="bar, box, modal") in html
    assert json.dumps(shop_doc()) == before and audit_count() == events


def test_the_french_catalogue_names_the_layout(app: Any) -> None:
    from flask_babel import force_locale, gettext

    with force_locale("fr"):
        assert gettext("Banner layout") == "Disposition du bandeau"
        assert gettext("box in the middle, page dimmed") == "boîte au milieu, page assombrie"


def test_the_dark_variant_goes_from_the_api_to_the_widget(client: FlaskClient, tokens: Any) -> None:
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    body["theme"] = {"dark": "auto", "dark_background": "#000000"}
    resp = client.put(DRAFT, json=body, headers=auth(tokens["editor"]))
    assert resp.status_code == 200, resp.json
    assert _published(client, tokens["editor"])["theme"]["dark"] == "auto"
    assert client.get("/api/v1/sites/shop/config").json["theme"]["dark_background"] == "#000000"
    _, _, css = boot_args(client.get("/w/shop.js").data)
    dark = css[css.index("@media(prefers-color-scheme:dark){") :]
    assert "--tm-bg:#000000;--tm-fg:#f2f2f2;" in dark and dark.endswith("color-scheme:dark}}")


def test_an_unreadable_dark_colour_is_refused_and_nothing_is_stored(
    client: FlaskClient, tokens: Any
) -> None:
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    state = draft_state()
    body["theme"] = {"dark": "always", "dark_background": "#222222", "dark_text": "#444444"}
    resp = client.put(DRAFT, json=body, headers=auth(tokens["editor"]))
    assert resp.status_code == 422
    assert resp.json["errors"]["theme"]["dark_text"] == [
        "Contrast with the dark background: 1.63:1; at least 4.5:1 is needed."
    ]
    assert draft_state() == state


def test_the_form_says_why_a_dark_colour_is_refused(as_role: Any, shop: Site, locale: str) -> None:
    client = as_role("editor")
    before = json.dumps(shop_doc())
    form = settings_form(
        **{"theme.dark": "auto", "theme.dark_background": "#222222", "theme.dark_primary": "#333"}
    )
    resp = post(client, "/admin/sites/shop/settings", form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="f-theme-dark_primary-e"' in html
    ratio = "1,26" if locale == "fr" else "1.26"
    minimum = "4,5" if locale == "fr" else "4.5"
    assert (
        tr(
            "Contrast with the dark background: %(ratio)s:1; at least %(minimum)s:1 is needed.",
            ratio=ratio,
            minimum=minimum,
        )
        in html
    )
    assert json.dumps(shop_doc()) == before


def test_publishing_checks_the_dark_colours_again(client: FlaskClient, tokens: Any) -> None:
    """A draft written around the schema (its rows) cannot publish unreadable dark colours."""
    site = db.session.query(Site).filter_by(key="shop").one()
    site.theme = {"dark": "auto", "dark_background": "#ffffff", "dark_text": "#eeeeee"}
    db.session.commit()
    versions = db.session.query(PolicyVersion).count()
    resp = client.post(PUBLISH, json={}, headers=auth(tokens["editor"]))
    assert resp.status_code == 422
    assert "dark_text" in resp.json["errors"]["theme"]
    assert db.session.query(PolicyVersion).count() == versions
