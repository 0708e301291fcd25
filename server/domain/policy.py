"""Draft to published snapshot: canonical JSON, sha256, versions, the cached published config."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select

from server.extensions import db
from server.models import PolicyVersion, Site, utcnow
from server.vocab import MAX_VERSION


def canonical_json(obj: Any) -> str:
    """Serialise obj the one way hashes are computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    """Return the hex sha256 of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iso(dt: Any) -> str:
    """Format a naive UTC datetime the canonical way (ISO 8601 with Z)."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_snapshot(site: Site) -> dict[str, Any]:
    """Return the site's current draft as the document a published version freezes."""
    return {
        "site": site.key,
        "name": site.name,
        "lifetime_days": site.lifetime_days,
        "languages": list(site.languages),
        "default_language": site.default_language,
        "theme": dict(site.theme or {}),
        "floating_button": site.floating_button,
        "reload_on_withdraw": site.reload_on_withdraw,
        "texts": site.texts or {},
        "categories": [
            {
                "slug": cat.slug,
                "required": cat.required,
                "texts": cat.texts or {},
                "services": [
                    {
                        "slug": svc.slug,
                        "name": svc.name,
                        "provider": svc.provider,
                        "privacy_url": svc.privacy_url,
                        "texts": svc.texts or {},
                        "cookies": [
                            {
                                "name": ck.name,
                                "domain": ck.domain,
                                "lifetime_days": ck.lifetime_days,
                                "texts": ck.texts or {},
                            }
                            for ck in svc.cookies
                        ],
                    }
                    for svc in cat.services
                ],
            }
            for cat in site.categories
        ],
    }


def latest_version(site_id: int) -> PolicyVersion | None:
    """Return a site's newest published version (None before the first publication)."""
    return db.session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.site_id == site_id)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    )


def next_version(site: Site, reconsent: bool, actor: str) -> PolicyVersion:
    """Freeze the site's draft as a new version row (only `drafts.publish` calls this)."""
    snapshot = canonical_json(build_snapshot(site))
    last = db.session.scalar(
        select(func.max(PolicyVersion.version)).where(PolicyVersion.site_id == site.id)
    )
    return PolicyVersion(
        site_id=site.id,
        version=(last or 0) + 1,
        snapshot=snapshot,
        sha256=sha256_hex(snapshot),
        reconsent=reconsent,
        published_at=utcnow(),
        published_by=actor,
    )


@dataclass(frozen=True)
class VersionInfo:
    """What recording a consent needs to know about one published version."""

    version: int
    sha256: str
    categories: frozenset[str]
    services: frozenset[str]
    languages: frozenset[str]


@dataclass
class Published:
    """A site's current published configuration, precomputed for the hot paths."""

    site_id: int
    key: str
    version: int
    sha256: str
    document: dict[str, Any]
    json: str
    # Over the served document: a version published without changes keeps its sha256 but
    # still changes `version` and perhaps `reconsent_version`.
    etag: str
    origins: frozenset[str]
    store_user_agent: bool
    lifetime_days: int
    marker: tuple[Any, ...] = ()
    checked_at: float = 0.0
    versions: dict[int, VersionInfo] = field(default_factory=dict)


EXTENSION = "temoin_published"


class PublishedCache:
    """An app's published configurations by site key (two apps never share one)."""

    def __init__(self) -> None:
        self.entries: dict[str, Published] = {}
        self.lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Give the app its cache of published configurations."""
    app.extensions[EXTENSION] = PublishedCache()


def _cache() -> PublishedCache:
    return current_app.extensions[EXTENSION]


def invalidate(key: str | None = None) -> None:
    """Forget the app's cached configuration of one site, or of all sites."""
    cache = _cache()
    with cache.lock:
        if key is None:
            cache.entries.clear()
        else:
            cache.entries.pop(key, None)


def version_info(version: PolicyVersion) -> VersionInfo:
    """Extract the consentable categories and services of a published version."""
    snap = json.loads(version.snapshot)
    cats = [c for c in snap["categories"] if not c.get("required")]
    return VersionInfo(
        version=version.version,
        sha256=version.sha256,
        categories=frozenset(c["slug"] for c in cats),
        services=frozenset(s["slug"] for c in cats for s in c["services"]),
        languages=frozenset(snap["languages"]),
    )


def _load(key: str) -> Published | None:
    site = db.session.scalar(select(Site).where(Site.key == key))
    if site is None:
        return None
    latest = latest_version(site.id)
    if latest is None:
        return None
    reconsent_version = db.session.scalar(
        select(func.max(PolicyVersion.version)).where(
            PolicyVersion.site_id == site.id, PolicyVersion.reconsent.is_(True)
        )
    )
    document = json.loads(latest.snapshot)
    document.update(
        version=latest.version,
        sha256=latest.sha256,
        published_at=iso(latest.published_at).split(".")[0] + "Z",
        reconsent_version=reconsent_version or 1,
    )
    served = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return Published(
        site_id=site.id,
        key=site.key,
        version=latest.version,
        sha256=latest.sha256,
        document=document,
        json=served,
        etag=sha256_hex(served)[:32],
        origins=frozenset(o.rstrip("/").lower() for o in site.origins or []),
        store_user_agent=site.store_user_agent,
        lifetime_days=document["lifetime_days"],  # the published one, not the draft's
        marker=_marker(latest.version, latest.sha256, site.origins, site.store_user_agent),
        versions={latest.version: version_info(latest)},
    )


def _marker(version: int, sha: str, origins: Any, store_ua: bool) -> tuple[Any, ...]:
    return (version, sha, canonical_json(origins or []), bool(store_ua))


def _current_marker(key: str) -> tuple[Any, ...] | None:
    row = db.session.execute(
        select(PolicyVersion.version, PolicyVersion.sha256, Site.origins, Site.store_user_agent)
        .join(Site, Site.id == PolicyVersion.site_id)
        .where(Site.key == key)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    ).first()
    return None if row is None else _marker(*row)


def get_published(key: str) -> Published | None:
    """Return the site's published configuration from the cache, re-checked every few seconds."""
    ttl = current_app.config["CONFIG_CACHE_SECONDS"]
    now = time.monotonic()
    cache = _cache()
    entry = cache.entries.get(key)
    if entry is not None and now - entry.checked_at < ttl:
        return entry
    if entry is not None:
        if _current_marker(key) == entry.marker:
            entry.checked_at = now
            return entry
    fresh = _load(key)
    if fresh is not None:
        fresh.checked_at = now
        with cache.lock:
            cache.entries[key] = fresh
    else:
        invalidate(key)
    return fresh


def get_version(pub: Published, number: int) -> VersionInfo | None:
    """Return one published version of the site, cached (versions never change)."""
    info = pub.versions.get(number)
    if info is None:
        row = db.session.scalar(
            select(PolicyVersion).where(
                PolicyVersion.site_id == pub.site_id, PolicyVersion.version == number
            )
        )
        if row is None:
            return None
        info = pub.versions[number] = version_info(row)
    return info


def get_snapshot(site_id: int, number: int) -> PolicyVersion | None:
    """Return a published version row of a site."""
    if not 0 < number <= MAX_VERSION:
        return None  # out of the column's range: asking PostgreSQL would fail, not miss
    return db.session.scalar(
        select(PolicyVersion).where(
            PolicyVersion.site_id == site_id, PolicyVersion.version == number
        )
    )
