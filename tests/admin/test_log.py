"""Consent log pages, record evidence, chain verification, exports, charts, visitors' rights."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import update

from server.extensions import db
from server.models import AuditEvent, ConsentRecord, Membership
from tests.admin.conftest import NO_ADMIN, audit_count, locale_of, ntr, post, tr
from tests.support.records import choice_body

CATS = choice_body()["choices"]


def record(client, **overrides):
    resp = client.post(
        "/api/v1/sites/shop/consents",
        json=choice_body(**overrides),
        headers={"Origin": "https://shop.test", "User-Agent": "Firefox/<b>1</b>"},
    )
    assert resp.status_code == 201, resp.json
    return resp.json


@pytest.fixture
def logged(shop, client):
    """Three decisions recorded through the public API; returns their acknowledgements."""
    return [
        record(client),
        record(client, action="accept_all", choices={k: True for k in CATS}, language="en"),
        record(client, action="reject_all", choices={k: False for k in CATS}),
    ]


def test_log_lists_records_newest_first(as_role, logged):
    client = as_role("viewer")
    html = client.get("/admin/sites/shop/consents").get_data(as_text=True)
    ids = [r["consent_id"] for r in logged]
    assert all(i in html for i in ids)
    assert html.index(ids[2]) < html.index(ids[0])


@pytest.mark.parametrize(
    "query,shown,hidden",
    [
        ("action=accept_all", [1], [0, 2]),
        ("language=en", [1], [0, 2]),
        ("version=1", [0, 1, 2], []),
        ("version=2", [], [0, 1, 2]),
        ("from=2000-01-01&to=2000-01-02", [], [0, 1, 2]),
        ("from=2000-01-01", [0, 1, 2], []),
    ],
)
def test_log_filters(as_role, logged, query, shown, hidden):
    html = as_role("viewer").get(f"/admin/sites/shop/consents?{query}").get_data(as_text=True)
    for i in shown:
        assert logged[i]["consent_id"] in html
    for i in hidden:
        assert logged[i]["consent_id"] not in html


def test_log_lookup_by_consent_id(as_role, logged):
    cid = logged[1]["consent_id"]
    html = as_role("viewer").get(f"/admin/sites/shop/consents?consent_id={cid}").get_data(True)
    assert cid in html and logged[0]["consent_id"] not in html


@pytest.mark.parametrize("query", ["action=nope", "from=tomorrow", "consent_id=123", "version=x"])
def test_log_bad_filters_are_reported(as_role, logged, query):
    resp = as_role("viewer").get(f"/admin/sites/shop/consents?{query}")
    assert resp.status_code == 422
    assert 'class="flash error"' in resp.get_data(as_text=True)


def test_log_pagination(as_role, shop, client):
    for _ in range(55):
        record(client)
    client = as_role("viewer")
    first = client.get("/admin/sites/shop/consents").get_data(as_text=True)
    assert tr("Older records") in first and ">55</a>" in first and ">5</a>" not in first
    second = client.get("/admin/sites/shop/consents?before=6").get_data(as_text=True)
    assert ">5</a>" in second and ">1</a>" in second and tr("Older records") not in second


def test_record_page_shows_evidence(as_role, logged):
    html = as_role("viewer").get("/admin/sites/shop/consents/1").get_data(as_text=True)
    rec = logged[0]
    assert rec["consent_id"] in html and rec["hash"] in html
    assert rec["policy_sha256"] in html and tr("matches the stored snapshot") in html
    said = tr(": ")
    assert f"functional{said}{tr('granted')}" in html and f"audience{said}{tr('refused')}" in html
    assert "Firefox/&lt;b&gt;1&lt;/b&gt;" in html
    assert "&#34;slug&#34;: &#34;audience&#34;" in html or '"slug": "audience"' in html


def test_record_page_tells_not_asked_from_refused(as_role, logged, client):
    unasked = {**dict.fromkeys(CATS), "sharing": True}
    record(client, source="placeholder", choices=unasked)
    html = as_role("viewer").get("/admin/sites/shop/consents/4").get_data(as_text=True)
    said = tr(": ")
    assert f"audience{said}{tr('not asked')}" in html and f"sharing{said}{tr('granted')}" in html
    choices = html.split(f"<dt>{tr('Services')}</dt>")[0].split(f"<dt>{tr('Choices')}</dt>")[1]
    assert tr("refused") not in choices


def test_record_of_another_site_is_404(as_role, logged):
    client = as_role("viewer")
    assert client.get("/admin/sites/shop/consents/99").status_code == 404
    assert client.get("/admin/sites/other/consents/1").status_code == 404


def intact(checked: int, erased: int) -> str:
    """The verification page's sentence for an intact chain."""
    return ntr(
        "Intact: %(num)d record checked, %(erased)s erased (their contents removed on request "
        "or past retention, their hashes kept).",
        "Intact: %(num)d records checked, %(erased)s erased (their contents removed on request "
        "or past retention, their hashes kept).",
        checked,
        erased=erased,
    )


def test_verify_button(as_role, logged):
    client = as_role("viewer")
    resp = post(client, "/admin/sites/shop/verify")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert intact(3, 0) in html
    # What was checked besides the records: the published version's snapshot.
    versions = ntr(
        "%(num)d published policy version re-hashed and compared with its sha256.",
        "%(num)d published policy versions re-hashed and compared with their sha256.",
        1,
    )
    assert f"<li>{versions}</li>" in html
    db.session.execute(
        update(ConsentRecord).where(ConsentRecord.seq == 2).values(action="reject_all")
    )
    db.session.commit()
    html = post(client, "/admin/sites/shop/verify").get_data(as_text=True)
    broken = ntr(
        "The chain is broken: %(problems)s problem(s) in %(num)d record.",
        "The chain is broken: %(problems)s problem(s) in %(num)d records.",
        3,
        problems=1,
    )
    altered = db.session.query(ConsentRecord).filter_by(seq=2).one()
    where = tr("record %(id)s (seq %(seq)s)", id=altered.id, seq=2)
    what = tr("altered: contents do not match digest")
    line = tr("%(where)s: %(what)s", where=where, what=what)
    assert broken in html and f"<li>{line}</li>" in html
    assert client.post("/admin/sites/shop/verify").status_code == 400


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_from_the_pages(as_role, logged, fmt):
    resp = as_role("viewer").get(f"/admin/sites/shop/export?format={fmt}&from=&to=")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["consent_id"] for r in rows] == [r["consent_id"] for r in logged]
    else:
        rows = [json.loads(line) for line in text.splitlines()]
        assert [r["hash"] for r in rows] == [r["hash"] for r in logged]
    assert as_role("viewer").get("/admin/sites/shop/export?format=pdf").status_code == 422


def test_stats_page_charts_real_data(as_role, logged):
    resp = as_role("viewer").get("/admin/sites/shop/stats")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.count("<svg") == 3 and "<script" not in html
    accept, reject = tr("Accept all"), tr("Reject all")
    assert f"{accept} 1</title>" in html and f"{reject} 1</title>" in html
    assert f"<td>{accept}</td><td>1</td>" in html
    # functional: granted in 2 of 3 decisions, said as the locale says a percentage.
    assert {"en": "66.7%", "fr": "66,7\u00a0%"}[locale_of()] in html
    assert "v1" in html


def test_stats_page_bad_range(as_role, logged):
    resp = as_role("viewer").get("/admin/sites/shop/stats?from=2024-13-01")
    assert resp.status_code == 422 and "<svg" not in resp.get_data(as_text=True)


def test_rights_lookup_export_and_erase(as_role, logged, client, runner):
    cid = logged[0]["consent_id"]
    record(client, consent_id=cid, action="withdraw", choices={k: False for k in CATS})
    owner = as_role("owner")
    html = post(owner, "/admin/sites/shop/rights", {"consent_id": cid}).get_data(as_text=True)
    held = ntr("%(num)d record held on %(id)s", "%(num)d records held on %(id)s", 2, id=cid)
    assert held in html
    resp = post(owner, "/admin/sites/shop/rights/export", {"consent_id": cid})
    held = json.loads(resp.data)
    assert [r["action"] for r in held["records"]] == ["custom", "withdraw"]
    assert held["policies"][0]["version"] == 1 and held["policies"][0]["snapshot"]["site"] == "shop"
    events = audit_count()
    # Without the confirmation nothing is erased.
    assert post(owner, "/admin/sites/shop/rights/erase", {"consent_id": cid}).status_code == 422
    assert audit_count() == events
    resp = post(owner, "/admin/sites/shop/rights/erase", {"consent_id": cid, "confirm": "erase"})
    assert resp.status_code == 302
    db.session.expire_all()
    rows = db.session.query(ConsentRecord).filter(ConsentRecord.seq.in_([1, 4])).all()
    # What identifies the visitor is gone; what they decided stays, verifiable.
    assert all(r.erased_at and r.consent_id is None and r.page is None for r in rows)
    assert all(r.user_agent is None and r.choices is not None for r in rows)
    event = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    assert event.action == "erase consent" and event.actor == "owner@shop.test"
    assert event.before == {"records": 2, "seqs": [1, 4]} and event.after == {"erased": 2}
    assert cid not in json.dumps([event.target, event.before, event.after])
    html = post(owner, "/admin/sites/shop/verify").get_data(as_text=True)
    assert intact(4, 2) in html
    result = runner.invoke(args=["verify-log", "--site", "shop"])
    assert result.exit_code == 0 and "2 erased" in result.output
    audit = owner.get("/admin/sites/shop/audit").get_data(as_text=True)
    assert tr("consent erased") in audit


@pytest.mark.parametrize("value", ["", "not-a-uuid", "12345678-1234-1234-1234-1234567890123"])
def test_rights_bad_consent_id(as_role, logged, value):
    owner = as_role("owner")
    assert post(owner, "/admin/sites/shop/rights", {"consent_id": value}).status_code == 422
    resp = post(owner, "/admin/sites/shop/rights/erase", {"consent_id": value, "confirm": "erase"})
    assert resp.status_code == 422
    assert db.session.query(ConsentRecord).filter(ConsentRecord.erased_at.isnot(None)).count() == 0


def test_rights_are_for_owners(as_role, logged):
    editor = as_role("editor")
    cid = logged[0]["consent_id"]
    data = {"consent_id": cid, "confirm": "erase"}
    assert post(editor, "/admin/sites/shop/rights/erase", data).status_code == 403
    assert post(editor, "/admin/sites/shop/rights/export", data).status_code == 403
    assert db.session.query(ConsentRecord).filter(ConsentRecord.erased_at.isnot(None)).count() == 0


def test_members_and_tokens(as_role, app):
    from server.domain.tokens import find_token
    from server.models import ApiToken, Site

    owner = as_role("owner")
    resp = post(owner, "/admin/sites/shop/members", {"email": "owner@other.test", "role": "viewer"})
    assert resp.status_code == 302
    shop = db.session.query(Site).filter_by(key="shop").one()
    assert db.session.query(Membership).filter_by(site_id=shop.id).count() == 4
    bad = post(owner, "/admin/sites/shop/members", {"email": "ghost@x.test", "role": "viewer"})
    assert bad.status_code == 422 and tr(NO_ADMIN) in bad.get_data(as_text=True)
    bad = post(owner, "/admin/sites/shop/members", {"email": "owner@other.test", "role": "god"})
    assert bad.status_code == 422
    resp = post(owner, "/admin/sites/shop/tokens", {"role": "viewer", "label": "ci"})
    assert resp.status_code == 201
    html = resp.get_data(as_text=True)
    plain = html.split('<code class="token">')[1].split("<")[0]
    assert plain.startswith("tmn_")
    row = find_token(plain)
    assert row is not None and row.site_id == shop.id
    assert row is not None and row.role == "viewer" and row.token_hash != plain
    api = owner.get("/api/v1/admin/sites/shop/stats", headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 200
    assert post(owner, f"/admin/sites/shop/tokens/{row.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    audit = owner.get("/admin/sites/shop/audit").get_data(as_text=True)
    for action in ("role changed", "token created", "token revoked"):
        assert tr(action) in audit
    assert plain not in audit


def test_owner_cannot_remove_themself_but_can_remove_others(as_role):
    from server.models import Admin

    owner = as_role("owner")
    me = db.session.query(Admin).filter_by(email="owner@shop.test").one()
    viewer = db.session.query(Admin).filter_by(email="viewer@shop.test").one()
    post(owner, f"/admin/sites/shop/members/{me.id}/remove")
    assert db.session.query(Membership).filter_by(admin_id=me.id).count() == 1
    post(owner, f"/admin/sites/shop/members/{viewer.id}/remove")
    assert db.session.query(Membership).filter_by(admin_id=viewer.id).count() == 0
