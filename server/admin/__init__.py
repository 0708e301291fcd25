"""Blueprint /admin: server-rendered pages with session login, CSRF and per-site roles."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale, gettext
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from server.admin import i18n, scan_words
from server.admin.access import can, current_admin
from server.admin.labels import WORDS, name, shown, target, word
from server.admin.messages import say
from server.admin.ratelimit import limiter
from server.http.csp import content_security_policy
from server.http.errors import copy_headers, error_pages

bp = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
)
csrf = CSRFProtect()

CSP = content_security_policy(
    script_src="'self'",
    style_src="'self'",
    img_src="'self' data:",
    font_src="'self'",
    connect_src="'self'",
    frame_src="'self'",
    frame_ancestors="'none'",
    form_action="'self'",
)


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies marked Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the cookie Secure when configured or when the request is https."""
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    """Wire what the admin needs: CSRF on its forms, session cookie flags, login limits."""
    # CSRF is checked on the admin blueprint only: the JSON APIs use tokens or origins.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 12 * 3600)
    csrf.init_app(app)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if app.config.get("SESSION_COOKIE_NAME") in (None, "session"):
        app.config["SESSION_COOKIE_NAME"] = "temoin_admin"
    if app.config.get("SESSION_COOKIE_PATH") is None:
        app.config["SESSION_COOKIE_PATH"] = "/admin"
    app.session_interface = SessionInterface()
    i18n.init_app(app)
    scan_words.init_app(app)
    app.jinja_env.filters.update(word=word, shown=shown, target=target)
    app.jinja_env.globals["label_of"] = name
    # An address under /admin that no admin page has, or a method none takes: an admin page.
    error_pages(app, bp.url_prefix or "/admin", _error)


# What an admin with a one-time password may reach before choosing their own.
OPEN = ("admin.password", "admin.logout", "admin.login", "admin.static")


@bp.before_request
def _protect() -> Response | None:
    # Whole-site forms outgrow the public API's small body limit.
    request.max_content_length = 256 * 1024
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    admin = current_admin()
    if admin is not None and admin.must_change_password and request.endpoint not in OPEN:
        # A password handed out by someone else is only good for choosing one's own.
        return redirect(url_for("admin.password"))
    return None


@bp.after_request
def _headers(resp: Response) -> Response:
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    resp.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    resp.headers.setdefault("Cache-Control", "no-store")
    if request.is_secure:
        resp.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return resp


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "me": current_admin,
        "can": can,
        "words": WORDS,
        "current_locale": lambda: str(get_locale() or "en"),
        "admin_locales": i18n.LOCALES,
    }


@bp.errorhandler(HTTPException)
def _error(err: HTTPException) -> Any:
    status = err.code or 500
    if status == 503:
        g.admin = None  # the database may be down: the page must not look the admin up again
    if isinstance(err, CSRFError):
        message = gettext(
            "The form expired or did not come from this site; reload the page and retry."
        )
    else:
        message = say(err.description or err.name)
    html = render_template("admin/error.html", status=status, title=say(err.name), message=message)
    return copy_headers(err, Response(html, status=status, mimetype="text/html"))


from server.admin import (  # noqa: E402,F401  (views register their routes on bp)
    views_account,
    views_auth,
    views_catalogue,
    views_edit,
    views_log,
    views_owner,
    views_publish,
    views_scan,
    views_sites,
)

__all__ = ["bp", "csrf", "init_app", "limiter"]
