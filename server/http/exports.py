"""A consent-log export as an HTTP download, streamed (the admin pages and the admin API)."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context

from server.domain.log import export_lines
from server.models import Site, utcnow
from server.vocab import FORMATS


def export_response(site: Site, f: dict[str, Any]) -> Response:
    """Stream the records matching loaded export filters as a CSV or JSON Lines download."""
    fmt = f["format"]
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    resp = Response(stream_with_context(export_lines(site.id, f, fmt)), mimetype=FORMATS[fmt])
    resp.headers["Content-Disposition"] = f'attachment; filename="temoin-{site.key}-{stamp}.{fmt}"'
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
