"""Blueprint serving /w/<site_key>.js (the widget bundle with the site's config inlined)."""

from flask import Blueprint, Response

from .policy import get_published

bp = Blueprint("widget", __name__)


@bp.get("/w/<site_key>.js")
def widget_js(site_key: str) -> Response:
    """Serve the site's widget (placeholder until the bundle lands)."""
    pub = get_published(site_key)
    if pub is None:
        return Response(
            "/* Témoin: unknown site */\n", status=404, mimetype="application/javascript"
        )
    return Response(f"window.__temoinConfig={pub.json};", mimetype="application/javascript")
