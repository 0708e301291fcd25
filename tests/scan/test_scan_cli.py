"""The scanner end to end through `temoin scan`: the demo is compliant, the shop is not."""

from __future__ import annotations

import json

from sqlalchemy import select

from server.extensions import db
from server.models import PolicyVersion, Scan, Site


def _scan(world, *args):
    runner = world.app.test_cli_runner()
    return runner.invoke(args=["scan", *args], catch_exceptions=False)


def test_demo_is_compliant_and_every_tag_cookie_matches_its_service(world, tmp_path):
    out = tmp_path / "demo.json"
    res = _scan(world, "demo", "--url", world.demo_url, "--max-pages", "2", "--json", str(out))
    result = json.loads(out.read_text())
    assert res.exit_code == 0, res.output
    assert result["verdict"] == "compliant", result["offences"]
    names = {m["name"]: m for m in result["matched"]}
    for name in ("_ga", "_ga_demo", "_gid", "_fbp", "IDE", "_gcl_au", "_hjSession_demo"):
        assert names[name]["status"] == "declared", names[name]
        assert names[name]["service"], names[name]
    # Every cookie seen after « Tout accepter » is a declared one (or Témoin's own).
    assert {m["status"] for m in result["matched"]} == {"declared", "temoin"}, result["matched"]
    assert not result["drift"]["undeclared"] and not result["proposals"]


def test_shop_is_not_compliant_names_ga_and_the_tag_to_mark(world, tmp_path):
    out = tmp_path / "shop.json"
    res = _scan(world, "shop", "--max-pages", "4", "--json", str(out))
    assert res.exit_code == 1, res.output
    result = json.loads(out.read_text())
    print(res.output)
    assert result["verdict"] == "not compliant"
    home = world.shop_origin + "/"
    ga = [o for o in result["offences"] if o["name"] == "_ga" and o["page"] == home]
    # Before any choice, and after « Tout refuser » (set, then deleted by the widget).
    assert {o["pass"] for o in ga} == {"a", "b"}
    assert [o.get("removed", False) for o in ga if o["pass"] == "b"] == [True]
    cause = ga[0]["cause"]
    assert cause["url"].startswith("https://www.googletagmanager.com/gtag/js")
    assert cause["element"].startswith('<script async="" src="https://www.googletagmanager.com')
    assert 'type="text/plain"' in cause["markup"]
    assert 'data-consent="audience"' in cause["markup"]
    assert 'data-src="https://www.googletagmanager.com/gtag/js?id=G-TEST1234"' in cause["markup"]
    requests = {o["name"] for o in result["offences"] if o["kind"] == "request"}
    assert {"www.googletagmanager.com", "www.google-analytics.com"} <= requests
    # Hotjar ran only after « Tout accepter »: proposed in functional, not an offence.
    assert not any(o["name"].startswith("_hj") for o in result["offences"])
    hotjar = [p for p in result["proposals"] if p["name"] == "_hjSessionUser_*"]
    assert hotjar and hotjar[0]["category"] == "functional"
    assert hotjar[0]["service"]["name"] == "Hotjar"
    assert hotjar[0]["lifetime_days"] == 365
    drift = result["drift"]
    assert [d["name"] for d in drift["never_observed"]] == ["PHPSESSID", "crisp-client*"]
    assert {d["name"] for d in drift["over_13_months"]} == {"_ga", "_ga_TEST1234"}
    assert {d["name"] for d in drift["lifetime_too_short"]} == {"_ga", "_ga_TEST1234"}
    assert [(d["name"], d["observed_category"]) for d in drift["wrong_category"]] == [
        ("_fbp", "sharing")
    ]
    pages = {p["url"]: p for p in result["pages"]}
    # Links on the page and the sitemap, on the site's origin only.
    assert world.shop_origin + "/contact" in pages
    assert world.shop_origin + "/from-sitemap" in pages
    assert not any("elsewhere" in u for u in pages)
    with world.app.app_context():
        scan = db.session.get(Scan, result["scan"])
        assert scan.verdict == "not compliant" and scan.state == "done"


def _cli(world, *args):
    runner = world.app.test_cli_runner()
    return runner.invoke(args=list(args), catch_exceptions=False)


def _versions(world):
    with world.app.app_context():
        site = db.session.scalars(select(Site).where(Site.key == "shop")).one()
        found = [v.version for v in db.session.scalars(select(PolicyVersion).filter_by(site=site))]
        db.session.remove()
        return found


def test_through_the_cli_scan_accept_the_proposal_publish_and_rescan(world, tmp_path):
    first = _scan(world, "shop", "--max-pages", "2")
    assert first.exit_code == 1, first.output
    assert "proposal cookie:_hjSessionUser_*: _hjSessionUser_* -> Hotjar" in first.output
    listed = _cli(world, "proposals", "shop")
    assert listed.exit_code == 0, listed.output
    assert "proposal cookie:_hjSessionUser_*" in listed.output
    assert world.shop_origin + "/" in listed.output
    # Hostile or mistaken input: a clear error, the draft unchanged, nothing published.
    wrong = _cli(world, "accept", "shop", "cookie:nope")
    assert wrong.exit_code == 1 and "has no proposal 'cookie:nope'" in wrong.output
    assert "cookie:_hjSessionUser_*" in wrong.output
    no_cat = _cli(world, "accept", "shop", "cookie:_hjSessionUser_*", "--category", "nowhere")
    assert no_cat.exit_code == 1 and "no category 'nowhere'" in no_cat.output
    assert "the draft is unchanged" in no_cat.output
    nothing = _cli(world, "publish", "shop", "--dry-run")
    assert "0 change(s) in the draft; nothing was published" in nothing.output
    other = _cli(world, "accept", "shop", "cookie:_hjSessionUser_*", "--scan", "999999")
    assert other.exit_code == 1 and "no scan 999999 of shop" in other.output
    # Accept it as proposed.
    ok = _cli(world, "accept", "shop", "cookie:_hjSessionUser_*")
    assert ok.exit_code == 0, ok.output
    assert "_hjSessionUser_* added to the draft of shop" in ok.output
    again = _cli(world, "accept", "shop", "cookie:_hjSessionUser_*")
    assert again.exit_code == 1 and "already declared under Hotjar" in again.output
    dry = _cli(world, "publish", "shop", "--dry-run")
    assert "nothing was published" in dry.output and "_hjSessionUser_*" in dry.output
    assert _versions(world) == [1]
    published = _cli(world, "publish", "shop")
    assert published.exit_code == 0, published.output
    assert "shop: version 2 published" in published.output
    assert _versions(world) == [1, 2]
    twice = _cli(world, "publish", "shop")
    assert twice.exit_code == 1 and "Nothing to publish" in twice.output
    assert _versions(world) == [1, 2]
    # The rescan sees Hotjar declared: no drift, no proposal for it.
    out = tmp_path / "rescan.json"
    rescan = _scan(world, "shop", "--max-pages", "2", "--json", str(out))
    result = json.loads(out.read_text())
    assert result["policy_version"] == 2, rescan.output
    assert not any(p["name"].startswith("_hj") for p in result["proposals"])
    drifted = [d["name"] for kind in result["drift"].values() for d in kind]
    assert not any(name.startswith("_hj") for name in drifted), result["drift"]
    hotjar = [m for m in result["matched"] if m["name"].startswith("_hjSessionUser")]
    assert hotjar and all(m["status"] == "declared" for m in hotjar), hotjar
