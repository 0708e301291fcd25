"""The site page shows recordings refused by origin, to that site's members only."""

from __future__ import annotations

from tests.admin.conftest import login, tr
from tests.support.records import choice_body

URL = "/api/v1/sites/shop/consents"


def test_site_page_shows_refused_origins(client, as_role):
    api = client.application.test_client()
    for _ in range(3):
        resp = api.post(URL, json=choice_body(), headers={"Origin": "http://127.0.0.1:8802"})
        assert resp.status_code == 403
    api.post(URL, json=choice_body(), headers={"Origin": 'https://x.test"><b>bold</b>'})
    html = as_role("viewer").get("/admin/sites/shop/").get_data(as_text=True)
    assert tr("Recordings refused by origin") in html
    row = html.split("http://127.0.0.1:8802", 1)[1].split("</tr>", 1)[0]
    assert ">3<" in row, row
    assert "<b>bold</b>" not in html


def test_a_site_with_no_refusal_says_so(as_role):
    html = as_role("owner").get("/admin/sites/shop/").get_data(as_text=True)
    assert tr("No recording was refused for its origin.") in html


def test_another_sites_admin_does_not_see_them(client, shop):
    api = client.application.test_client()
    api.post(URL, json=choice_body(), headers={"Origin": "http://127.0.0.1:8802"})
    assert login(client, "owner@other.test").status_code == 302
    assert client.get("/admin/sites/shop/").status_code == 404
    other = client.get("/admin/sites/other/").get_data(as_text=True)
    assert "127.0.0.1:8802" not in other
