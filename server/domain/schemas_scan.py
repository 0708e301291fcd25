"""Schemas of the scanner's API: a scan request, a scan's summary, its result."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from server.domain.scan.store import MAX_URLS
from server.domain.scan.urls import MAX_PAGES, MAX_URL


class ScanIn(Schema):
    """What to scan: pages to visit first (on the site's origins) and a page budget."""

    class Meta:
        unknown = RAISE

    urls = fields.List(
        fields.String(validate=validate.Length(1, MAX_URL)),
        load_default=list,
        validate=validate.Length(max=MAX_URLS),
    )
    max_pages = fields.Integer(
        load_default=None, strict=True, validate=validate.Range(1, MAX_PAGES)
    )


class ScanOut(Schema):
    """A scan's summary (and, from GET …/scans/{id}, its result once done)."""

    id = fields.Integer(required=True)
    state = fields.String(
        required=True, validate=validate.OneOf(("queued", "running", "done", "failed"))
    )
    requested_by = fields.String(required=True)
    requested_at = fields.String(required=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    options = fields.Dict(required=True)
    progress = fields.Dict(required=True)
    verdict = fields.String(allow_none=True)
    pages = fields.Integer(required=True)
    offences = fields.Integer(required=True)
    policy_version = fields.Integer(allow_none=True)
    browser = fields.String(required=True)
    result_sha256 = fields.String(allow_none=True)
    error = fields.String(required=True)
    result = fields.Dict(allow_none=True)


class ScanListOut(Schema):
    """A site's scans, newest first."""

    scans = fields.List(fields.Nested(ScanOut), required=True)
