"""Reading the consent log: filters, pages, streamed exports, and visitors' rights."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, select

from server.domain.audit import record_event
from server.domain.consents import history
from server.domain.policy import iso
from server.domain.retention import erase_where
from server.extensions import db
from server.models import ConsentRecord, PolicyVersion, Site

T = ConsentRecord.__table__.c
COLUMNS = (
    "seq",
    "consent_id",
    "recorded_at",
    "expires_at",
    "policy_version",
    "policy_sha256",
    "action",
    "source",
    "language",
    "page",
    "gpc",
    "choices",
    "services",
    "user_agent",
    "erased_at",
    "digest",
    "prev_hash",
    "hash",
)
BATCH = 2000
# A cell starting with one of these is a formula in spreadsheet software (CSV injection).
FORMULA = ("=", "+", "-", "@", "\t", "\r")
AFTER_SEPARATOR = re.compile(r"([,;\t])([=+\-@])")


def filtered(site_id: int, f: dict[str, Any], *columns: Any) -> Select[Any]:
    """Select records of a site matching the loaded filters (range, action, version...)."""
    query = select(*columns) if columns else select(ConsentRecord)
    query = query.where(T.site_id == site_id)
    if f.get("start"):
        query = query.where(T.recorded_at >= f["start"])
    if f.get("end"):
        query = query.where(T.recorded_at <= f["end"])
    if f.get("action"):
        query = query.where(T.action == f["action"])
    if f.get("version"):
        query = query.where(T.policy_version == f["version"])
    if f.get("language"):
        query = query.where(T.language == f["language"])
    if f.get("consent_id"):
        query = query.where(T.consent_id == str(f["consent_id"]))
    return query


def log_page(site_id: int, f: dict[str, Any], size: int = 50) -> tuple[list[Any], int | None]:
    """Return one page of records, newest first, and the `before` cursor of the next page."""
    query = filtered(site_id, f)
    if f.get("before"):
        query = query.where(T.seq < f["before"])
    rows = list(db.session.scalars(query.order_by(T.seq.desc()).limit(size + 1)))
    more = rows[size].seq + 1 if len(rows) > size else None
    return rows[:size], more


def get_record(site_id: int, seq: int) -> ConsentRecord | None:
    """Return the record at one position of a site's chain."""
    return db.session.scalar(select(ConsentRecord).where(T.site_id == site_id, T.seq == seq))


def categories_of(site_id: int) -> list[str]:
    """Return the consentable category slugs of every published version, in order."""
    slugs: list[str] = []
    for snapshot in db.session.scalars(
        select(PolicyVersion.snapshot)
        .where(PolicyVersion.site_id == site_id)
        .order_by(PolicyVersion.version)
    ):
        for cat in json.loads(snapshot)["categories"]:
            if not cat.get("required") and cat["slug"] not in slugs:
                slugs.append(cat["slug"])
    return slugs


def as_dict(row: Any) -> dict[str, Any]:
    """Shape one record (row or model) as exported: ISO times, JSON values kept."""
    out = {}
    for name in COLUMNS:
        value = getattr(row, name)
        out[name] = iso(value) if name.endswith("_at") and value is not None else value
    return out


def export_lines(site_id: int, f: dict[str, Any], fmt: str) -> Iterator[str]:
    """Yield the matching records as CSV or JSON Lines, a batch at a time (memory stays flat)."""
    cats = categories_of(site_id) if fmt == "csv" else []
    query = filtered(site_id, f, *(getattr(T, c) for c in COLUMNS)).order_by(T.seq)
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    buf = io.StringIO()
    # Every text cell is quoted: a spreadsheet splitting on ";" (French Excel) or on tabs
    # still sees one cell, and a leading formula character is neutralised by _cell.
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    if fmt == "csv":
        header = [c for c in COLUMNS if c != "choices"]
        writer.writerow(header[:11] + [f"choice_{c}" for c in cats] + header[11:])
    for part in result.partitions():
        for row in part:
            rec = as_dict(row)
            if fmt == "jsonl":
                buf.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
            else:
                writer.writerow(_csv_row(rec, cats))
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    if buf.tell():
        yield buf.getvalue()


def _csv_row(rec: dict[str, Any], cats: list[str]) -> list[Any]:
    choices = rec.pop("choices") or {}
    if rec["services"] is not None:
        rec["services"] = json.dumps(rec["services"], separators=(",", ":"))
    values = [_cell(v) for v in rec.values()]
    # Empty: not in that version, or not asked (null).
    marks = ["" if choices.get(c) is None else int(choices[c]) for c in cats]
    return values[:11] + marks + values[11:]


def _cell(value: Any) -> Any:
    """Neutralise a formula at the start of a cell or after a separator a spreadsheet splits on."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        value = AFTER_SEPARATOR.sub(r"\1'\2", value)
        return "'" + value if value.startswith(FORMULA) else value
    return "" if value is None else value


def held_on(site: Site, consent_id: str) -> dict[str, Any]:
    """Gather everything held on one consent id: its records and the texts it was given."""
    records = history(site.id, consent_id)
    versions = sorted({r.policy_version for r in records})
    policies = db.session.scalars(
        select(PolicyVersion).where(
            PolicyVersion.site_id == site.id, PolicyVersion.version.in_(versions)
        )
    )
    return {
        "site": site.key,
        "consent_id": consent_id,
        "records": [as_dict(r) for r in records],
        "policies": [
            {"version": p.version, "sha256": p.sha256, "snapshot": json.loads(p.snapshot)}
            for p in policies
        ],
    }


def erase_consent(site: Site, consent_id: str, actor: str) -> int:
    """Erase every record of one consent id, keeping the chain verifiable; audited."""
    seqs = list(
        db.session.scalars(
            select(T.seq).where(
                T.site_id == site.id, T.consent_id == consent_id, T.erased_at.is_(None)
            )
        )
    )
    if not seqs:
        return 0
    count = erase_where(T.site_id == site.id, T.consent_id == consent_id)
    # The audit names the id only by its hash: the log must not keep what was erased.
    digest = hashlib.sha256(consent_id.encode()).hexdigest()
    record_event(
        site.id,
        actor,
        "erase consent",
        f"consent id sha256:{digest[:16]}",
        {"records": len(seqs), "seqs": seqs},
        {"erased": count},
    )
    return count
