"""The scanner end to end through `temoin scan`: the demo is compliant, the shop is not."""

from __future__ import annotations

import json

from server.extensions import db
from server.models import Scan


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
