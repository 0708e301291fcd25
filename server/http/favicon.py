"""The icon browsers ask for at /favicon.ico; pages also link its SVG (/static/favicon.svg)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, send_from_directory

bp = Blueprint("favicon", __name__)
MAX_AGE = 7 * 86400


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Serve the icon (cached for a week)."""
    return send_from_directory(
        str(current_app.static_folder), "favicon.ico", mimetype="image/x-icon", max_age=MAX_AGE
    )
