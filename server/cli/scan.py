"""`temoin scan`, `temoin worker` and `temoin cookiedb update`: the scanner's commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError
from sqlalchemy import select

from server.domain.catalogue import add_service, catalogue
from server.domain.errors import DomainError, NotFound
from server.domain.scan import cookiedb
from server.domain.scan.accept import accept
from server.domain.scan.jobs import recover, run_worker
from server.domain.scan.store import (
    find_proposal,
    get_scan,
    last_finished,
    proposals_of,
    queue_scan,
    result_of,
    run_scan,
)
from server.domain.scan.urls import DEFAULT_MAX_PAGES, ScanInputError
from server.domain.sites import get_site
from server.extensions import db
from server.models import Scan, Site


def _echo_result(site: Site, result: dict) -> None:
    click.echo(
        f"{site.key}: {result['verdict']} ({len(result['pages'])} page(s), "
        f"{result['seconds']} s, policy version {result['policy_version']}, "
        f"{result['browser']})"
    )
    for page in result["pages"]:
        if page["status"] != "ok":
            click.echo(f"  page {page['url']}: {page['status']} {page.get('error', '')}".rstrip())
    for off in result["offences"]:
        what = "request to" if off["kind"] == "request" else off["kind"]
        click.echo(
            f"  offence, pass {off['pass']}: {what} {off['name']} on {off['page']} "
            f"(category: {off['category'] or 'unknown'})"
        )
        cause = off.get("cause") or {}
        if cause.get("markup"):
            click.echo(f"    found:   {cause['element'][:300]}")
            click.echo(f"    mark it: {cause['markup'][:300]}")
        elif cause.get("url"):
            click.echo(f"    set by {cause['url']}")
    drift = result["drift"]
    labels = {
        "undeclared": "observed but declared nowhere",
        "never_observed": "declared but never observed",
        "wrong_category": "in another category than declared",
        "lifetime_too_short": "declared lifetime shorter than observed",
        "over_13_months": "lifetime over 13 months",
    }
    for key, label in labels.items():
        if drift[key]:
            names = ", ".join(d["name"] for d in drift[key][:20])
            click.echo(f"  {label}: {names}")
    for prop in result["proposals"]:
        _echo_proposal(prop)
    if result["proposals"]:
        click.echo(f"  accept one with: temoin accept {site.key} PROPOSAL (see temoin proposals)")


def _echo_proposal(prop: dict) -> None:
    click.echo(
        f"  proposal {prop['id']}: {prop['name']} -> {prop['service']['name'] or '?'} "
        f"in {prop['category'] or 'unknown category'}, {prop['lifetime_days']} days"
        + (f" (refused: {prop['refused']})" if prop.get("refused") else "")
    )


@click.command("scan")
@click.argument("site_key", required=False)
@click.option("--all", "all_sites", is_flag=True, help="Scan every site (for cron).")
@click.option("--url", "urls", multiple=True, help="A page to visit first (repeatable).")
@click.option("--max-pages", type=int, default=DEFAULT_MAX_PAGES, show_default=True)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the result there (with --all: one line per site).",
)
@with_appcontext
def scan_cmd(
    site_key: str | None,
    all_sites: bool,
    urls: tuple[str, ...],
    max_pages: int,
    json_file: Path | None,
) -> None:
    """Scan a site's pages in Chromium; exit 1 when a verdict is not « compliant »."""
    if bool(site_key) == all_sites:
        raise click.UsageError("give one SITE_KEY, or --all")
    if all_sites and urls:
        raise click.UsageError("--url goes with one SITE_KEY, not --all")
    if all_sites:
        sites = list(db.session.scalars(select(Site).order_by(Site.key)))
    else:
        site = get_site(site_key)
        if site is None:
            raise click.ClickException(f"no site {site_key!r}")
        sites = [site]
    config, instance = current_app.config, current_app.instance_path
    try:
        scans = [(s, queue_scan(s, list(urls), max_pages, "temoin scan")) for s in sites]
    except ScanInputError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc}; nothing was scanned") from exc
    if not Path(config["CHROMIUM"]).exists():
        db.session.rollback()
        raise click.ClickException(
            f"no Chromium at {config['CHROMIUM']}: install it (apt-get install chromium) or "
            "name the browser with TEMOIN_CHROMIUM"
        )
    db.session.commit()
    bad, lines = False, []
    for site, scan in scans:
        done = run_scan(scan.id, config, instance)
        if done is None or done.state != "done":
            bad = True
            click.echo(f"{site.key}: scan failed: {done.error if done else 'gone'}", err=True)
            continue
        result = result_of(done)
        _echo_result(site, result)
        lines.append(result)
        bad = bad or result["verdict"] != "compliant"
    if json_file is not None:
        if all_sites:
            json_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines))
        elif lines:
            json_file.write_text(json.dumps(lines[0], ensure_ascii=False, indent=1))
    if bad:
        sys.exit(1)


@click.command("worker")
@click.option("--workers", type=click.IntRange(1, 8), default=1, show_default=True)
@with_appcontext
def worker_cmd(workers: int) -> None:
    """Run queued jobs (scans) until interrupted."""
    app = current_app._get_current_object()
    stale = recover(app)
    if stale:
        click.echo(f"{stale} scan(s) left running by a stopped worker marked failed")
    backend = "Redis" if app.config.get("REDIS_URL") else "SQLite"
    click.echo(f"temoin worker: {workers} thread(s), queue on {backend}", err=True)
    run_worker(app, workers)


def start_worker(app: Flask) -> subprocess.Popen[bytes]:
    """Start `temoin worker` in its own process, on this app's database and queue."""
    env = {
        **os.environ,
        "TEMOIN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TEMOIN_SECRET_KEY": app.config["SECRET_KEY"],
    }
    if not app.config.get("REDIS_URL"):
        env["TEMOIN_QUEUE_FILE"] = app.config.get("QUEUE_FILE") or str(
            Path(app.instance_path) / "queue.db"
        )
    proc = subprocess.Popen(
        [sys.executable, "-c", "from server.cli import cli; cli()", "worker"], env=env
    )
    click.echo(f"  worker        running scans (process {proc.pid})")
    return proc


def stop_worker(proc: subprocess.Popen[bytes] | None) -> None:
    """Stop a worker started by start_worker."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@click.group("cookiedb")
def cookiedb_group() -> None:
    """The Open Cookie Database the scanner classifies with."""


@cookiedb_group.command("update")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def cookiedb_update(file: Path) -> None:
    """Load a newer Open Cookie Database CSV (same columns) into the instance folder."""
    try:
        loaded = cookiedb.update(file, current_app.instance_path)
    except cookiedb.CookieDBError as exc:
        raise click.ClickException(f"{exc}; nothing was changed") from exc
    click.echo(f"cookie database updated: {loaded.count} rows ({loaded.version})")


@cookiedb_group.command("show")
@with_appcontext
def cookiedb_show() -> None:
    """Say which cookie database is in use."""
    loaded = cookiedb.load(current_app.instance_path)
    click.echo(f"{loaded.version}: {loaded.count} rows")


@click.command("add-service")
@click.argument("site_key")
@click.argument("service")
@with_appcontext
def add_service_cmd(site_key: str, service: str) -> None:
    """Add a service from the built-in catalogue (with its cookies) to a site's draft."""
    site = get_site(site_key)
    if site is None:
        raise click.ClickException(f"no site {site_key!r}")
    try:
        svc = add_service(site, service, "temoin add-service")
    except DomainError as err:
        db.session.rollback()
        hint = ""
        if isinstance(err, NotFound):
            hint = "; the catalogue has: " + ", ".join(catalogue())
        raise click.ClickException(err.message + hint) from err
    db.session.commit()
    cookies = ", ".join(f"{n} ({d} days)" for n, d in svc.cookies) or "no cookie"
    click.echo(f"{svc.name} added to the draft of {site.key} in {svc.category}: {cookies}")
    if svc.note:
        click.echo(f"  note: {svc.note}")
    click.echo("  review it in the admin, then publish")


def _finished_scan(site: Site, scan_id: int | None) -> Scan:
    scan = last_finished(site) if scan_id is None else get_scan(site, scan_id)
    if scan is None:
        what = "no finished scan" if scan_id is None else f"no scan {scan_id}"
        raise click.ClickException(f"{what} of {site.key}: run temoin scan {site.key} first")
    if scan.state != "done":
        raise click.ClickException(f"scan {scan.id} is {scan.state}, not done")
    return scan


@click.command("proposals")
@click.argument("site_key")
@click.option("--scan", "scan_id", type=int, default=None, help="A scan's id (default: newest).")
@with_appcontext
def proposals_cmd(site_key: str, scan_id: int | None) -> None:
    """List the entries a scan proposes for the cookie list, with their ids."""
    site = get_site(site_key)
    if site is None:
        raise click.ClickException(f"no site {site_key!r}")
    scan = _finished_scan(site, scan_id)
    proposals = proposals_of(scan)
    click.echo(f"{site.key}: scan {scan.id}, {len(proposals)} proposal(s)")
    for prop in proposals:
        _echo_proposal(prop)
        if prop.get("purpose"):
            click.echo(f"    purpose: {prop['purpose'][:200]}")
        click.echo(f"    seen on: {', '.join(prop['pages'][:5])}")


@click.command("accept")
@click.argument("site_key")
@click.argument("proposal_id")
@click.option("--scan", "scan_id", type=int, default=None, help="A scan's id (default: newest).")
@click.option("--category", default="", help="The category (default: the proposal's).")
@click.option("--name", default="", help="The cookie's name or pattern.")
@click.option("--lifetime-days", type=click.IntRange(0, 99_999), default=None)
@click.option("--service-slug", default="", help="The service's slug.")
@click.option("--service-name", default="", help="The service's name.")
@click.option("--purpose", default=None, help="What the cookie is for.")
@with_appcontext
def accept_cmd(
    site_key: str,
    proposal_id: str,
    scan_id: int | None,
    category: str,
    name: str,
    lifetime_days: int | None,
    service_slug: str,
    service_name: str,
    purpose: str | None,
) -> None:
    """Add a scan's proposal, with any edits, to the site's draft (never published)."""
    site = get_site(site_key)
    if site is None:
        raise click.ClickException(f"no site {site_key!r}")
    scan = _finished_scan(site, scan_id)
    proposal = find_proposal(scan, proposal_id)
    if proposal is None:
        ids = ", ".join(p["id"] for p in proposals_of(scan)) or "none"
        raise click.ClickException(
            f"scan {scan.id} has no proposal {proposal_id!r} (it has: {ids})"
        )
    edits: dict = {"category": category.strip(), "name": name.strip()}
    if lifetime_days is not None:
        edits["lifetime_days"] = lifetime_days
    if purpose is not None:
        edits["purpose"] = purpose.strip()[:1000]
    if service_slug.strip() or service_name.strip():
        edits["service"] = {
            k: v for k, v in (("slug", service_slug.strip()), ("name", service_name.strip())) if v
        }
    try:
        accept(site, proposal, edits, "temoin accept", current_app.instance_path)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(f"{err.message}; the draft is unchanged") from err
    except ValidationError as err:
        db.session.rollback()
        raise click.ClickException(f"{err.messages}; the draft is unchanged") from err
    db.session.commit()
    click.echo(
        f"{edits['name'] or proposal['name']} added to the draft of {site.key}: review it "
        f"(temoin publish {site.key} --dry-run), then publish"
    )


COMMANDS = (scan_cmd, worker_cmd, cookiedb_group, add_service_cmd, proposals_cmd, accept_cmd)
