"""Scan records: queue one (validated), run it (the worker or the CLI), read and compare them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select

from server.domain.policy import canonical_json, iso, sha256_hex
from server.domain.scan import cookiedb
from server.domain.scan.browser import PASS_NAMES, Browser, BrowserMissing, Limits
from server.domain.scan.classify import Classifier
from server.domain.scan.crawl import crawl
from server.domain.scan.drift import drift, proposals
from server.domain.scan.urls import DEFAULT_MAX_PAGES, ScanInputError, check_max_pages, check_url
from server.domain.scan.verdict import COMPLIANT, analyse_page, matched, verdict
from server.domain.wording import Message, wording
from server.extensions import db
from server.models import PolicyVersion, Scan, Site, utcnow

FORMAT = 1
MAX_URLS = 50
STALE_DAYS = 30
# A scan's states: queued by the web process, running in the worker, then done or failed.
STATES = ("queued", "running", "done", "failed")

TOO_MANY_URLS = wording("scan.too_many_urls", "at most {max} URLs")
NO_ORIGIN = wording("scan.no_origin", "the site has no origin to scan")
STOPPED = wording("scan.stopped", "the scan stopped: {error}")
NEVER_SCANNED = wording("scan.never_scanned", "never scanned")
LAST_VERDICT = wording("scan.last_verdict", "last scan: {verdict}")
STALE = wording("scan.stale", "last scan older than {days} days")


def check_request(site: Site, urls: list[str] | None, max_pages: int | None) -> dict[str, Any]:
    """Validate what a scan was asked to visit (ScanInputError, nothing stored)."""
    urls = list(urls or [])
    if len(urls) > MAX_URLS:
        raise ScanInputError(TOO_MANY_URLS(max=MAX_URLS))
    clean = [check_url(u, list(site.origins or [])) for u in urls]
    pages = check_max_pages(DEFAULT_MAX_PAGES if max_pages is None else max_pages)
    if not site.origins and not clean:
        raise ScanInputError(NO_ORIGIN())
    return {"urls": list(dict.fromkeys(clean)), "max_pages": pages}


def queue_scan(site: Site, urls: list[str] | None, max_pages: int | None, actor: str) -> Scan:
    """Add a queued scan of the site (the caller commits, then hands its id to the worker)."""
    options = check_request(site, urls, max_pages)
    scan = Scan(
        site_id=site.id,
        state="queued",
        requested_by=actor[:254],
        options=options,
        progress={},
        created_at=utcnow(),
        browser_version="",
        error="",
    )
    db.session.add(scan)
    db.session.flush()
    return scan


def limits_from(config: Mapping[str, Any]) -> Limits:
    """Read the scanner's time limits from the app's configuration."""
    return Limits(
        page_seconds=float(config["SCAN_PAGE_SECONDS"]),
        total_seconds=float(config["SCAN_TOTAL_SECONDS"]),
        settle_ms=int(config["SCAN_SETTLE_MS"]),
    )


def _published(site: Site) -> tuple[PolicyVersion | None, dict[str, Any] | None]:
    latest = db.session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.site_id == site.id)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    )
    return latest, (json.loads(latest.snapshot) if latest else None)


def analyse(
    raw: dict[str, Any], site: Site, document: dict[str, Any] | None, db_: cookiedb.CookieDB
) -> dict[str, Any]:
    """Turn a crawl into the result: classified pages, verdict, drift, proposals."""
    cls = Classifier(document, list(site.origins or []), db_)
    pages = [analyse_page(p, cls, site.key) for p in raw["pages"]]
    offences = [o for p in pages for o in p["offences"]]
    return {
        "verdict": verdict(pages),
        "offences": offences,
        "pages": pages,
        "matched": matched(pages),
        "drift": drift(pages, cls),
        "proposals": proposals(pages, cls),
        "skipped_for_time": raw.get("skipped_for_time", []),
        "not_visited_past_max_pages": raw.get("not_visited_past_max_pages", 0),
    }


def run_scan(scan_id: int, config: Mapping[str, Any], instance_path: str) -> Scan | None:
    """Run a queued scan to its end (done or failed) and store its result once."""
    scan = db.session.get(Scan, scan_id)
    if scan is None or scan.state != "queued":
        return scan
    site = db.session.get(Site, scan.site_id)
    scan.state, scan.started_at = "running", utcnow()
    db.session.commit()
    started = time.monotonic()
    try:
        browser = Browser(config["CHROMIUM"], list(config["SCAN_CHROMIUM_ARGS"] or []))
    except BrowserMissing as exc:
        return _fail(scan, str(exc))
    try:
        version, document = _published(site)
        db_ = cookiedb.load(instance_path)

        def progress(done: int, total: int, url: str) -> None:
            scan.progress = {"done": done, "total": total, "url": url[:300]}
            db.session.commit()

        raw = crawl(
            browser,
            scan.options.get("urls", []),
            list(site.origins or []),
            int(scan.options.get("max_pages", DEFAULT_MAX_PAGES)),
            limits_from(config),
            progress,
        )
        body = analyse(raw, site, document, db_)
        result = {
            "format": FORMAT,
            "scan": scan.id,
            "site": site.key,
            "requested_by": scan.requested_by,
            "requested_at": iso(scan.created_at),
            "started_at": iso(scan.started_at),
            "finished_at": iso(utcnow()),
            "seconds": round(time.monotonic() - started, 1),
            "policy_version": version.version if version else None,
            "policy_sha256": version.sha256 if version else None,
            "browser": f"Chromium {browser.version}",
            "cookie_database": db_.version,
            "options": scan.options,
            "limits": vars(limits_from(config)),
            "passes": PASS_NAMES,
            **body,
        }
    except Exception as exc:  # a scan that broke is recorded as failed, never left running
        db.session.rollback()
        return _fail(scan, str(STOPPED(error=f"{type(exc).__name__}: {str(exc)[:500]}")))
    finally:
        browser.close()
    text = canonical_json(result)
    scan.result, scan.result_sha256 = text, sha256_hex(text)
    scan.verdict, scan.pages, scan.offences = (
        result["verdict"],
        len(body["pages"]),
        len(body["offences"]),
    )
    scan.policy_version = result["policy_version"]
    scan.browser_version = result["browser"][:100]
    scan.finished_at, scan.state = utcnow(), "done"
    scan.progress = {"done": len(body["pages"]), "total": len(body["pages"]), "url": ""}
    db.session.commit()
    return scan


def _fail(scan: Scan, message: str) -> Scan:
    scan = db.session.get(Scan, scan.id) or scan
    scan.state, scan.error, scan.finished_at = "failed", message[:2000], utcnow()
    db.session.commit()
    return scan


def result_of(scan: Scan) -> dict[str, Any] | None:
    """Return a finished scan's stored result."""
    return json.loads(scan.result) if scan.result else None


def proposals_of(scan: Scan) -> list[dict[str, Any]]:
    """Return the entries a finished scan proposes for the cookie list (none before it ends)."""
    return (result_of(scan) or {}).get("proposals", [])


def find_proposal(scan: Scan, proposal_id: str) -> dict[str, Any] | None:
    """Return one of a scan's proposals by its id (`cookie:_ga`), or None."""
    return next((p for p in proposals_of(scan) if p["id"] == proposal_id), None)


def list_scans(site: Site, limit: int = 50) -> list[Scan]:
    """Return a site's scans, newest first."""
    return list(
        db.session.scalars(
            select(Scan).where(Scan.site_id == site.id).order_by(Scan.id.desc()).limit(limit)
        )
    )


def get_scan(site: Site, scan_id: int) -> Scan | None:
    """Return one of the site's scans (another site's id answers None)."""
    if not 0 < scan_id < 2**31:
        return None
    return db.session.scalar(select(Scan).where(Scan.site_id == site.id, Scan.id == scan_id))


def last_finished(site: Site) -> Scan | None:
    """Return the site's newest finished scan."""
    return db.session.scalar(
        select(Scan)
        .where(Scan.site_id == site.id, Scan.state == "done")
        .order_by(Scan.id.desc())
        .limit(1)
    )


def flag(scan: Scan | None) -> Message | None:
    """Say why a site needs attention: never scanned, scan too old, or not compliant."""
    if scan is None:
        return NEVER_SCANNED()
    if scan.verdict != COMPLIANT:
        return LAST_VERDICT(verdict=scan.verdict)
    if scan.finished_at and (utcnow() - scan.finished_at).days > STALE_DAYS:
        return STALE(days=STALE_DAYS)
    return None


def scan_dict(scan: Scan) -> dict[str, Any]:
    """A scan's summary, as the API and the admin list show it."""
    return {
        "id": scan.id,
        "state": scan.state,
        "requested_by": scan.requested_by,
        "requested_at": iso(scan.created_at),
        "started_at": iso(scan.started_at) if scan.started_at else None,
        "finished_at": iso(scan.finished_at) if scan.finished_at else None,
        "options": scan.options,
        "progress": scan.progress,
        "verdict": scan.verdict,
        "pages": scan.pages,
        "offences": scan.offences,
        "policy_version": scan.policy_version,
        "browser": scan.browser_version,
        "result_sha256": scan.result_sha256,
        "error": scan.error,
    }


Runner = Callable[[int], None]
__all__ = ["ScanInputError", "BrowserMissing"]
