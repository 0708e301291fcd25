"""Database models: sites and their draft configuration, published versions, the consent log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.vocab import NECESSARY


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (stored as UTC everywhere)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Site(db.Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["fr", "en"])
    default_language: Mapped[str] = mapped_column(String(8), default="fr")
    lifetime_days: Mapped[int] = mapped_column(default=182)
    theme: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    floating_button: Mapped[bool] = mapped_column(default=True)
    reload_on_withdraw: Mapped[bool] = mapped_column(default=False)
    store_user_agent: Mapped[bool] = mapped_column(default=True)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    categories: Mapped[list[Category]] = relationship(
        back_populates="site", order_by="Category.position", cascade="all, delete-orphan"
    )
    versions: Mapped[list[PolicyVersion]] = relationship(
        back_populates="site", order_by="PolicyVersion.version", cascade="all, delete-orphan"
    )


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("site_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    site: Mapped[Site] = relationship(back_populates="categories")
    services: Mapped[list[Service]] = relationship(
        back_populates="category", order_by="Service.position", cascade="all, delete-orphan"
    )

    @property
    def required(self) -> bool:
        """Tell whether the category is exempt from consent (strictly necessary)."""
        return self.slug == NECESSARY


class Service(db.Model):
    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("category_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    provider: Mapped[str] = mapped_column(String(200), default="")
    privacy_url: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(default=0)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    category: Mapped[Category] = relationship(back_populates="services")
    cookies: Mapped[list[Cookie]] = relationship(
        back_populates="service", order_by="Cookie.id", cascade="all, delete-orphan"
    )


class Cookie(db.Model):
    __tablename__ = "cookies"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    # An exact name, or a pattern where "*" stands for any run of characters.
    name: Mapped[str] = mapped_column(String(120))
    domain: Mapped[str] = mapped_column(String(200), default="")
    # 0 means a session cookie.
    lifetime_days: Mapped[int] = mapped_column(default=0)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    service: Mapped[Service] = relationship(back_populates="cookies")


class PolicyVersion(db.Model):
    """An immutable published snapshot of a site's configuration."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("site_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    version: Mapped[int]
    snapshot: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    reconsent: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(200), default="")

    site: Mapped[Site] = relationship(back_populates="versions")


class ChainHead(db.Model):
    """The last link of a site's consent chain; its row is the per-site write lock."""

    __tablename__ = "chain_heads"

    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64), default="")
    # Records up to base_seq were purged; base_hash is the hash of record base_seq.
    base_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    base_hash: Mapped[str] = mapped_column(String(64), default="")
    # Records from this seq on carry a subject_digest, so their erasure can be verified.
    erasable_from_seq: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")


class ConsentRecord(db.Model):
    """One consent event: append-only, chained to the previous record of the same site."""

    __tablename__ = "consent_records"
    __table_args__ = (
        UniqueConstraint("site_id", "seq"),
        # A decision sent twice (a lost answer, two tabs) is recorded once.
        UniqueConstraint("site_id", "event_id", name="uq_consent_records_site_event"),
        Index("ix_consent_records_site_consent", "site_id", "consent_id"),
        Index("ix_consent_records_site_recorded", "site_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    consent_id: Mapped[str | None] = mapped_column(String(36))
    # The widget's id for one decision (UUIDv4); absent on older records and some API calls.
    event_id: Mapped[str | None] = mapped_column(String(36))
    policy_version: Mapped[int]
    policy_sha256: Mapped[str] = mapped_column(String(64))
    choices: Mapped[dict[str, bool] | None] = mapped_column(JSON)
    services: Mapped[dict[str, bool] | None] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    page: Mapped[str | None] = mapped_column(String(512))
    gpc: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str | None] = mapped_column(String(512))
    recorded_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # sha256 of what identifies the visitor (consent id, page, user agent); kept at erasure.
    subject_digest: Mapped[str | None] = mapped_column(String(64))
    # sha256 of the canonical record (see server/domain/digest.py); kept at erasure.
    digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[datetime | None]


class Checkpoint(db.Model):
    """A signed statement of a site's chain head and policy snapshots at one moment."""

    __tablename__ = "checkpoints"
    __table_args__ = (Index("ix_checkpoints_site_seq", "site_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    # The signed statement as canonical JSON, and its Ed25519 signature (base64).
    statement: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Admin(db.Model):
    __tablename__ = "admins"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A superuser owns every site and may create sites and admins from the admin pages.
    is_superuser: Mapped[bool] = mapped_column(default=False)
    # Moved on by sign-out and removal: a session cookie of an older generation is refused.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set when the password was generated and handed out: the admin must choose their own.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The language of the admin pages for this admin (`fr`, `en`); none: the browser's.
    locale: Mapped[str | None] = mapped_column(String(16), default=None)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="admin", cascade="all, delete-orphan"
    )


class Membership(db.Model):
    """An admin's role on one site."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("admin_id", "site_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))

    admin: Mapped[Admin] = relationship(back_populates="memberships")
    site: Mapped[Site] = relationship()


class ApiToken(db.Model):
    """A bearer token for one site; only its sha256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship()


class AuditEvent(db.Model):
    """Who changed what, when, with the state before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class RefusedOrigin(db.Model):
    """How often a site refused to record consents from an origin it does not allow."""

    __tablename__ = "refused_origins"
    __table_args__ = (UniqueConstraint("site_id", "origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    # Normalised (lower case, no trailing slash) and capped in length; see server/origins.py.
    origin: Mapped[str] = mapped_column(String(200))
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


SCAN_STATES = ("queued", "running", "done", "failed")
VERDICTS = ("compliant", "not compliant", "inconclusive")


class ScanImmutable(RuntimeError):
    """A finished scan's result and verdict never change."""


class Scan(db.Model):
    """A cookie scan of one site: what was asked, its progress, and its result as evidence."""

    __tablename__ = "scans"
    __table_args__ = (Index("ix_scans_site_created", "site_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    requested_by: Mapped[str] = mapped_column(String(254), default="")
    # {"urls": [...], "max_pages": N}
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {"done": n, "total": n, "url": "..."} while running.
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    policy_version: Mapped[int | None]
    browser_version: Mapped[str] = mapped_column(String(100), default="")
    verdict: Mapped[str | None] = mapped_column(String(16))
    pages: Mapped[int] = mapped_column(default=0)
    offences: Mapped[int] = mapped_column(default=0)
    # The whole result as canonical JSON, and its sha256: written once, when the scan ends.
    result: Mapped[str | None] = mapped_column(Text)
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text, default="")


_FROZEN = (
    "result",
    "result_sha256",
    "verdict",
    "pages",
    "offences",
    "finished_at",
    "policy_version",
    "browser_version",
    "site_id",
    "options",
    "state",
    "error",
)


@event.listens_for(Scan, "before_update")
def _refuse_changes(mapper: Any, connection: Any, target: Scan) -> None:
    """Refuse any change to a scan once it is done or failed."""
    from sqlalchemy import inspect

    state = inspect(target)
    history = state.attrs.state.history
    old = history.deleted[0] if history.deleted else target.state
    if old in ("done", "failed"):
        if any(state.attrs[name].history.has_changes() for name in _FROZEN):
            raise ScanImmutable(f"scan {target.id} is {old}: its record cannot change")
