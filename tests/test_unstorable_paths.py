"""A name in the URL that no row could have (a NUL character: PostgreSQL text cannot hold one)
is answered 404, on both backends, without reaching the database."""

from __future__ import annotations

import pytest

from tests.support.records import make_site


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sites/%00/config",
        "/api/v1/sites/sh%00p/policies/1",
        "/api/v1/sites/shop%00/consents/7e1b2c9a-3f4d-4e5a-9b6c-1d2e3f4a5b6c",
        "/api/v1/sites/%00/checkpoints/latest",
        "/api/v1/sites/shop/consents/%00",
        "/api/v1/admin/sites/%00/draft",
        "/w/%00.js",
    ],
)
def test_nul_in_a_url_name_is_404(client, app, url):
    make_site("shop")
    resp = client.get(url, headers={"Authorization": "Bearer tmn_nothing"})
    assert resp.status_code == 404, resp.get_data(as_text=True)[:300]
    assert resp.json["code"] == "not_found"


def test_nul_in_the_recording_url_is_404(client, app):
    make_site("shop")
    resp = client.post(
        "/api/v1/sites/sh%00p/consents", json={}, headers={"Origin": "https://shop.test"}
    )
    assert resp.status_code == 404
