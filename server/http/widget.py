"""Blueprint serving /w/<site_key>.js: the widget bundle with the published config inlined."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from server.domain import policy
from server.http.bundle import JS, body_for

bp = Blueprint("widget", __name__)


# The built widget: committed in the repository next to the package (editable installs and
# checkouts); a wheel may carry a copy inside the package instead.
def accepted(header: str) -> set[str]:
    """Return the content codings an Accept-Encoding header allows (q > 0)."""
    out = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip()
        if q.startswith("q="):
            try:
                if float(q[2:]) <= 0:
                    continue
            except ValueError:
                continue
        if name:
            out.add(name.strip())
    return out


def _headers(resp: Response, max_age: int | None) -> Response:
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    cache = f"public, max-age={max_age}" if max_age is not None else "no-store"
    resp.headers["Cache-Control"] = cache
    return resp


@bp.get("/w/<site_key>.js")
def widget_js(site_key: str) -> Response:
    """Serve the widget with the site's published configuration, in one cacheable response."""
    pub = policy.get_published(site_key)
    if pub is None:
        # Never echo the key: it would end the comment.
        body = "/* Témoin: no published configuration for this site key. */\n"
        return _headers(Response(body, status=404, content_type=JS), None)
    made = body_for(pub)
    codings = accepted(request.headers.get("Accept-Encoding", ""))
    if "br" in codings:
        coding, data, tag = "br", made.br, made.tag + "-br"
    elif "gzip" in codings:
        coding, data, tag = "gzip", made.gzip, made.tag + "-gz"
    else:
        coding, data, tag = "", made.identity, made.tag
    max_age = int(current_app.config.get("WIDGET_MAX_AGE", 300))
    known = {made.tag, made.tag + "-br", made.tag + "-gz"}
    header = request.headers.get("If-None-Match", "")
    sent = {t.strip().removeprefix("W/").strip('"') for t in header.split(",")}
    if sent & known or "*" in sent:
        resp = Response(status=304)
    else:
        resp = Response(data, content_type=JS)
        if coding:
            resp.headers["Content-Encoding"] = coding
    resp.headers["ETag"] = f'"{tag}"'
    resp.headers["Vary"] = "Accept-Encoding"
    return _headers(resp, max_age)
