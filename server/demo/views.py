"""Demo pages embedding the widget, with fake tags that set their services' cookies."""

from __future__ import annotations

import json
import secrets
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, url_for

from server.domain import policy
from server.domain.default_texts import french
from server.domain.demo_site import KEY
from server.http import bundle
from server.http.csp import content_security_policy
from server.vocab import LAYOUTS

bp = Blueprint(
    "demo", __name__, url_prefix="/demo", template_folder="templates", static_folder="static"
)


@cache
def _policy_paragraphs() -> list[str]:
    text = (Path(__file__).parent / "politique.txt").read_text(encoding="utf-8")
    # The policy is kept as typed (ordinary spaces, straight quotes); it is shown typeset.
    return [french(p.strip()) for p in text.split("\n") if p.strip()]


def _services() -> dict[str, dict]:
    pub = policy.get_published(KEY)
    if pub is None:
        abort(404)
    return {s["slug"]: s for c in pub.document["categories"] for s in c["services"]}


def _page(template: str, strict: bool = False) -> Response:
    nonce = secrets.token_urlsafe(16) if strict else ""
    # `?look=box` (or `modal`, `bar`) shows the banner in that layout, the site's draft untouched.
    look = request.args.get("look", "")
    widget = url_for("demo.look", layout=look) if look in LAYOUTS else f"/w/{KEY}.js"
    html = render_template(
        template,
        nonce=nonce,
        strict=strict,
        paragraphs=_policy_paragraphs(),
        widget=widget,
    )
    resp = Response(html, mimetype="text/html")
    if strict:
        resp.headers["Content-Security-Policy"] = content_security_policy(nonce, frame_src="'self'")
    # The site's own session cookie: strictly necessary, set without consent.
    if "PHPSESSID" not in request.cookies:
        resp.set_cookie("PHPSESSID", secrets.token_hex(13), httponly=True, samesite="Lax")
    return resp


@bp.get("/")
def home() -> Response:
    """Serve the demo home page."""
    return _page("home.html")


@bp.get("/politique")
def politique() -> Response:
    """Serve the demo cookie policy page."""
    return _page("politique.html")


@bp.get("/strict")
def strict() -> Response:
    """Serve the home page under a strict Content-Security-Policy (nonces, no inline)."""
    return _page("home.html", strict=True)


def _cookie_script(slug: str) -> str:
    svc = _services().get(slug) or abort(404)
    lines = []
    for ck in svc["cookies"]:
        name = ck["name"].replace("*", "demo")
        age = f";max-age={ck['lifetime_days'] * 86400}" if ck["lifetime_days"] else ""
        lines.append(
            f"document.cookie={json.dumps(name + '=' + slug)}+{json.dumps(age)}"
            "+';path=/;samesite=lax';"
        )
    lines.append(f"(window.__temoinDemo=window.__temoinDemo||[]).push({json.dumps(slug)});")
    return "\n".join(lines)


@bp.get("/look/<layout>.js")
def look(layout: str) -> Response:
    """Serve the widget booted with the demo's published version shown in another layout."""
    pub = policy.get_published(KEY)
    if pub is None or layout not in LAYOUTS:
        abort(404)
    doc = {**pub.document, "theme": {**(pub.document.get("theme") or {}), "layout": layout}}
    code, _ = bundle.bundle()
    resp = Response(code + b"\n" + bundle.boot_for(doc).encode("utf-8"), mimetype=bundle.JS)
    resp.cache_control.no_store = True
    return resp


@bp.get("/tags/<slug>.js")
def tag(slug: str) -> Response:
    """Serve a fake third-party tag that sets its service's declared cookies when it runs."""
    resp = Response(_cookie_script(slug), mimetype="application/javascript")
    resp.cache_control.no_store = True
    return resp


@bp.get("/embed/<slug>")
def embed(slug: str) -> Response:
    """Serve a fake share-button frame that sets its service's cookies when loaded."""
    svc = _services().get(slug) or abort(404)
    return Response(render_template("embed.html", service=svc), mimetype="text/html")


@bp.get("/embed/<slug>.js")
def embed_script(slug: str) -> Response:
    """Serve the script of a fake share-button frame."""
    return Response(_cookie_script(slug), mimetype="application/javascript")
