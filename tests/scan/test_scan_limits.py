"""Bounded scans: a host that does not answer, a page that never finishes loading, the page
budget, and `temoin scan --all`."""

from __future__ import annotations

import json

from server.extensions import db
from server.models import Scan, Site
from tests.support.env import free_port


def _scan(world, *args):
    return world.app.test_cli_runner().invoke(args=["scan", *args], catch_exceptions=False)


def test_a_host_that_does_not_answer_is_marked_unreachable(world, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    with world.app.app_context():
        site = db.session.query(Site).filter_by(key="shop").one()
        site.origins = [*site.origins, dead]
        db.session.commit()
        db.session.remove()
    out = tmp_path / "r.json"
    res = _scan(world, "shop", "--url", dead + "/", "--max-pages", "2", "--json", str(out))
    result = json.loads(out.read_text())
    pages = {p["url"]: p for p in result["pages"]}
    assert pages[dead + "/"]["status"] == "unreachable"
    assert "ERR_CONNECTION_REFUSED" in pages[dead + "/"]["error"]
    assert res.exit_code == 1  # the shop's home, scanned next, is not compliant
    assert result["verdict"] == "not compliant"


def test_a_page_that_never_finishes_loading_hits_the_time_limit(world, tmp_path):
    world.app.config["SCAN_PAGE_SECONDS"] = 2
    out = tmp_path / "r.json"
    slow = world.shop_origin + "/slow"
    res = _scan(world, "shop", "--url", slow, "--max-pages", "1", "--json", str(out))
    result = json.loads(out.read_text())
    assert [p["url"] for p in result["pages"]] == [slow]
    page = result["pages"][0]
    assert page["status"] == "timeout"
    assert page["passes"]["a"]["error"] == "the page did not finish loading in 2 s"
    # What the page did before the limit is still recorded: its Google tag ran.
    assert any(o["name"] == "_ga" for o in result["offences"])
    assert res.exit_code == 1
    with world.app.app_context():
        assert db.session.query(Scan).one().state == "done"
        db.session.remove()


def test_the_page_budget_and_the_scans_time_limit(world, tmp_path):
    out = tmp_path / "r.json"
    _scan(world, "shop", "--max-pages", "1", "--json", str(out))
    result = json.loads(out.read_text())
    assert len(result["pages"]) == 1
    assert result["not_visited_past_max_pages"] >= 2  # /contact, /legal, /from-sitemap…
    world.app.config["SCAN_TOTAL_SECONDS"] = 0.5
    _scan(world, "shop", "--max-pages", "5", "--json", str(out))
    result = json.loads(out.read_text())
    assert len(result["pages"]) <= 1
    assert result["skipped_for_time"]


def test_scan_all_scans_every_site(world, tmp_path):
    out = tmp_path / "all.jsonl"
    world.app.config["SCAN_TOTAL_SECONDS"] = 20
    res = _scan(world, "--all", "--max-pages", "1", "--json", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["site"] for r in lines) == ["demo", "shop"]
    assert res.exit_code == 1  # the shop is not compliant
    assert "shop: not compliant" in res.output
