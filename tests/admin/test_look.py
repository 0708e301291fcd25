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
