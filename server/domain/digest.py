"""What a consent record's digest covers, and how records are linked into a site's chain.

A record's digest is split in two so that erasure stays verifiable: `subject_digest` covers
only what identifies the visitor (consent id, page, user agent) and is kept when those are
blanked; the record digest covers every other field plus `subject_digest`. An erased record
is therefore still checked for its version, choices, action, source, language, GPC and times.

Records older than a chain's `erasable_from_seq` were written before this split; their digest
covers every field directly (`legacy_digest_of`) and an erasure of one cannot be verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.domain.policy import canonical_json, iso, sha256_hex

GENESIS = "0" * 64

# What identifies a visitor: blanked by an erasure.
PERSONAL = ("consent_id", "page", "user_agent")
# What an erasure keeps, always verified.
EVIDENCE = (
    "seq", "policy_version", "policy_sha256", "choices", "services", "action", "source",
    "language", "gpc",
)  # fmt: skip
# The fields a legacy record's digest covers.
LEGACY = (
    "seq", "consent_id", "policy_version", "policy_sha256", "choices", "services", "action",
    "source", "language", "page", "gpc", "user_agent",
)  # fmt: skip


def _times(fields: Mapping[str, Any]) -> dict[str, str]:
    return {"recorded_at": iso(fields["recorded_at"]), "expires_at": iso(fields["expires_at"])}


def subject_digest(fields: Mapping[str, Any]) -> str:
    """Return the sha256 of what identifies the visitor in a record."""
    return sha256_hex(canonical_json({name: fields[name] for name in PERSONAL}))


def digest_of(fields: Mapping[str, Any], site_key: str) -> str:
    """Return a record's digest: its evidence fields, its times and its `subject_digest`."""
    out: dict[str, Any] = {name: fields[name] for name in EVIDENCE}
    out.update(_times(fields), site=site_key, subject=fields["subject_digest"])
    return sha256_hex(canonical_json(out))


def legacy_digest_of(fields: Mapping[str, Any], site_key: str) -> str:
    """Return the digest of a record written before erasure was verifiable."""
    out: dict[str, Any] = {name: fields[name] for name in LEGACY}
    out.update(_times(fields), site=site_key)
    return sha256_hex(canonical_json(out))


def link_hash(prev_hash: str, digest: str) -> str:
    """Chain one record to the previous one: sha256(previous hash + record digest)."""
    return sha256_hex(prev_hash + digest)


def seal(fields: dict[str, Any], site_key: str, prev_hash: str) -> str:
    """Fill a new record's digests and links after `prev_hash`; return its hash."""
    fields["prev_hash"] = prev_hash
    fields["subject_digest"] = subject_digest(fields)
    fields["digest"] = digest = digest_of(fields, site_key)
    fields["hash"] = link = link_hash(prev_hash, digest)
    return link
