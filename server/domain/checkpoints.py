"""Signed checkpoints: what a site's chain and policy snapshots were at one moment.

A checkpoint states a site's head (seq and hash), its purge base, where verifiable erasure
starts, and a digest of its published snapshots, signed with an Ed25519 key that lives in a
file, never in the database. Each one is stored (for the API) and appended to a JSON Lines
file meant to be copied off the server: whoever holds an earlier line and the public key can
tell whether the log was later truncated, rewritten, or had its purge base moved.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.policy import canonical_json, iso, sha256_hex
from server.extensions import db
from server.models import ChainHead, Checkpoint, PolicyVersion, Site, utcnow

KEY_NAME = "signing-key.pem"
FILE_NAME = "checkpoints.jsonl"


def _path(setting: str, default: str) -> Path:
    configured = current_app.config.get(setting)
    return Path(configured) if configured else Path(current_app.instance_path) / default


def signing_key() -> Ed25519PrivateKey:
    """Return the instance's signing key, generating its file (mode 0600) on first use."""
    path = _path("SIGNING_KEY_FILE", KEY_NAME)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    """Return a public key as PEM text."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """Read an Ed25519 public key from PEM."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    """Return a short fingerprint of a public key (sha256 of its raw bytes, 16 hex digits)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def snapshots_digest(versions: Iterable[tuple[int, str]]) -> str:
    """Digest the (version, sha256) pairs of a site's published snapshots, in order."""
    return sha256_hex(canonical_json([[number, sha] for number, sha in versions]))


def statement_of(session: Session, site: Site) -> dict[str, Any]:
    """Read what a checkpoint of `site` states, from one session's snapshot of the database."""
    head = session.get(ChainHead, site.id)
    if head is None:
        raise ValueError(f"site {site.key!r} has no chain")
    versions = session.execute(
        select(PolicyVersion.version, PolicyVersion.sha256)
        .where(PolicyVersion.site_id == site.id)
        .order_by(PolicyVersion.version)
    ).all()
    return {
        "site": site.key,
        "seq": head.seq,
        "head_hash": head.hash,
        "base_seq": head.base_seq,
        "base_hash": head.base_hash,
        "erasable_from_seq": head.erasable_from_seq,
        "versions": len(versions),
        "snapshots": snapshots_digest((v.version, v.sha256) for v in versions),
        "time": iso(utcnow()),
    }


@dataclass(frozen=True)
class Signed:
    """One checkpoint: its statement, as signed, and the signature."""

    statement: dict[str, Any]
    signature: str
    key: str

    def line(self) -> str:
        """Return the checkpoint as one JSON Lines entry."""
        body = {"statement": self.statement, "signature": self.signature, "key_id": self.key}
        return json.dumps(body, sort_keys=True, ensure_ascii=False)


def sign(statement: dict[str, Any], key: Ed25519PrivateKey) -> Signed:
    """Sign a statement's canonical JSON."""
    raw = key.sign(canonical_json(statement).encode())
    return Signed(statement, base64.b64encode(raw).decode(), key_id(key.public_key()))


def write_checkpoint(site: Site) -> Signed:
    """Sign the site's current state, store it, and append it to the checkpoints file.

    The database row is committed first: a line in the file always has its row.
    """
    signed = sign(statement_of(db.session, site), signing_key())
    db.session.add(
        Checkpoint(
            site_id=site.id,
            statement=canonical_json(signed.statement),
            signature=signed.signature,
        )
    )
    db.session.commit()
    path = _path("CHECKPOINT_FILE", FILE_NAME)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(signed.line() + "\n")
        out.flush()
        os.fsync(out.fileno())
    return signed


def latest(site: Site) -> Signed | None:
    """Return the site's newest stored checkpoint."""
    row = db.session.scalar(
        select(Checkpoint).where(Checkpoint.site_id == site.id).order_by(Checkpoint.id.desc())
    )
    if row is None:
        return None
    return Signed(json.loads(row.statement), row.signature, key_id(signing_key().public_key()))


class BadCheckpoint(ValueError):
    """A line of a checkpoints file that cannot be trusted."""


def read_lines(lines: Iterable[str], key: Ed25519PublicKey) -> Iterator[dict[str, Any]]:
    """Yield the statements of a checkpoints file, raising BadCheckpoint on a bad line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            statement = entry["statement"]
            signature = base64.b64decode(entry["signature"], validate=True)
            key.verify(signature, canonical_json(statement).encode())
        except InvalidSignature as exc:
            raise BadCheckpoint(f"checkpoint line {number}: signature does not verify") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise BadCheckpoint(f"checkpoint line {number}: unreadable ({exc})") from exc
        yield statement
