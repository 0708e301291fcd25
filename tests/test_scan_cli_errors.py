"""The scanner's commands refuse bad input with a clear message and store nothing; a missing
Chromium is named; the cookie database is updated only from a CSV of the right shape."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from server.domain.scan import cookiedb
from server.domain.scan.store import queue_scan, run_scan
from server.extensions import db
from server.models import Scan
from tests.support.records import make_site


@pytest.fixture
def shop(app):
    return make_site("shop", origins=["https://shop.test"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--url", "https://evil.test/"], "not on the site's origins"),
        (["--url", "file:///etc/passwd"], "not an http(s) URL"),
        (["--url", "javascript:alert(1)"], "not an http(s) URL"),
        (["--max-pages", "0"], "max pages is a whole number from 1 to 200"),
        (["--max-pages", "100000"], "max pages is a whole number from 1 to 200"),
    ],
)
def test_bad_scan_input_is_refused_and_stores_nothing(runner, shop, args, needle):
    res = runner.invoke(args=["scan", "shop", *args])
    assert res.exit_code == 1
    assert needle in res.output and "nothing was scanned" in res.output
    assert db.session.query(Scan).count() == 0


def test_scan_needs_one_site_or_all(runner, shop):
    assert runner.invoke(args=["scan"]).exit_code == 2
    assert runner.invoke(args=["scan", "shop", "--all"]).exit_code == 2
    res = runner.invoke(args=["scan", "nope"])
    assert res.exit_code == 1 and "no site 'nope'" in res.output


def test_a_missing_chromium_is_named_and_nothing_is_stored(app, runner, shop):
    app.config["CHROMIUM"] = "/nonexistent/chromium"
    res = runner.invoke(args=["scan", "shop"])
    assert res.exit_code == 1
    assert "no Chromium at /nonexistent/chromium" in res.output
    assert "TEMOIN_CHROMIUM" in res.output
    assert db.session.query(Scan).count() == 0


def test_the_worker_records_a_missing_chromium_as_the_scans_failure(app, shop):
    app.config["CHROMIUM"] = "/nonexistent/chromium"
    scan = queue_scan(shop, [], 2, "editor@shop.test")
    db.session.commit()
    done = run_scan(scan.id, app.config, app.instance_path)
    assert done.state == "failed"
    assert "no Chromium at /nonexistent/chromium" in done.error
    assert done.result is None and done.verdict is None


def _rows(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


ROW = ["x1", "Acme", "Analytics", "acme_id", "", "Acme visitor id", "1 year", "Acme", "", "0"]


def test_cookiedb_update_loads_a_newer_csv(app, runner, tmp_path):
    before = cookiedb.load(app.instance_path)
    assert before.match("acme_id") is None
    path = tmp_path / "newer.csv"
    path.write_text(_rows(list(cookiedb.COLUMNS), [ROW]))
    res = runner.invoke(args=["cookiedb", "update", str(path)])
    assert res.exit_code == 0, res.output
    assert "1 rows" in res.output
    entry = cookiedb.load(app.instance_path).match("acme_id")
    assert entry.category == "audience" and entry.retention_days == 365
    assert "newer.csv" in runner.invoke(args=["cookiedb", "show"]).output


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (_rows(["ID", "Platform", "Category"], [["1", "x", "y"]]), "the columns must be"),
        (_rows(list(cookiedb.COLUMNS), []), "no rows"),
        (_rows(list(cookiedb.COLUMNS), [ROW[:5]]), "5 columns"),
        (_rows(list(cookiedb.COLUMNS), [[*ROW[:9], "yes"]]), "Wildcard match is 0 or 1"),
        ("", "the columns must be"),
    ],
)
def test_cookiedb_update_refuses_a_wrong_csv_and_changes_nothing(
    app, runner, tmp_path, text, needle
):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    res = runner.invoke(args=["cookiedb", "update", str(path)])
    assert res.exit_code == 1
    assert needle in res.output and "nothing was changed" in res.output
    assert not (Path(app.instance_path) / cookiedb.INSTANCE_NAME).exists()
    assert cookiedb.load(app.instance_path).version == cookiedb.PACKAGED_VERSION


def test_cookiedb_update_refuses_binary_junk(app, runner, tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    res = runner.invoke(args=["cookiedb", "update", str(path)])
    assert res.exit_code == 1 and "not UTF-8" in res.output
