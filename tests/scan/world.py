"""A fake third-party world on 127.0.0.1: tracker hosts and a shop site with a tag that runs
before consent. Chromium reaches them under their real names through --host-resolver-rules."""

from __future__ import annotations

import threading
import time
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.support.env import free_port

YEAR2 = 2 * 365 * 86400
TRACKERS = {
    "www.googletagmanager.com",
    "www.google-analytics.com",
    "connect.facebook.net",
    "static.hotjar.com",
    "www.youtube-nocookie.com",
}
GTAG = f"""
document.cookie = "_ga=GA1.1.1234.5678; max-age={YEAR2}; path=/; samesite=lax";
document.cookie = "_ga_TEST1234=GS1.1.1; max-age={YEAR2}; path=/; samesite=lax";
new Image().src = "https://www.google-analytics.com/g/collect?v=2&tid=G-TEST1234";
"""
FBEVENTS = """
document.cookie = "_fbp=fb.1.1234.5678; max-age=7776000; path=/; samesite=lax";
"""
HOTJAR = """
document.cookie = "_hjSessionUser_123=eyJpZCI6IjEifQ; max-age=31536000; path=/; samesite=lax";
"""


def tracker_app(environ: dict[str, Any], start_response: Any) -> Any:
    """Play the tracker hosts: their scripts set their real cookie names."""
    request = Request(environ)
    host = request.host.split(":")[0]
    path = request.path
    if host == "www.googletagmanager.com" and path == "/gtag/js":
        resp = Response(GTAG, mimetype="application/javascript")
    elif host == "www.google-analytics.com":
        resp = Response(b"", status=204)
    elif host == "connect.facebook.net" and path.endswith("fbevents.js"):
        resp = Response(FBEVENTS, mimetype="application/javascript")
    elif host == "static.hotjar.com" and path.startswith("/c/hotjar-"):
        resp = Response(HOTJAR, mimetype="application/javascript")
    elif host == "www.youtube-nocookie.com":
        resp = Response("<!doctype html><title>video</title><p>video", mimetype="text/html")
    else:
        resp = Response("not here", status=404)
    return resp(environ, start_response)


def shop_app(temoin_url: str, key: str = "shop") -> Any:
    """The shop: an unmarked Google tag before consent, a marked Hotjar and Facebook tag."""
    widget = f'<script src="{temoin_url}/w/{key}.js"></script>'
    nav = (
        '<p><a href="/contact">Contact</a> <a href="/legal#top">Legal</a> '
        '<a href="http://elsewhere.test/">Elsewhere</a> <a href="javascript:alert(1)">x</a></p>'
    )

    def page(body: str, head: str = "") -> str:
        return (
            f"<!doctype html><html lang=fr><head><meta charset=utf-8>{widget}{head}"
            f"<title>Shop</title></head><body>{nav}{body}</body></html>"
        )

    gtag = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST1234"></script>'
    home = page(
        "<h1>Boutique</h1>"
        '<script type="text/plain" data-consent="functional" '
        'data-src="https://static.hotjar.com/c/hotjar-123.js"></script>'
        '<script type="text/plain" data-consent="functional" data-service="facebook" '
        'data-src="https://connect.facebook.net/en_US/fbevents.js"></script>',
        head=gtag,
    )
    pages = {
        "/": home,
        "/contact": page("<h1>Contact</h1><p>Écrivez-nous."),
        "/legal": page("<h1>Mentions légales</h1>"),
        "/from-sitemap": page("<h1>Listed in the sitemap only</h1>"),
        "/slow": page('<h1>Slow</h1><img src="/hang" alt="">', head=gtag),
    }
    sitemap = (
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        "<url><loc>{base}/from-sitemap</loc></url>"
        "<url><loc>http://elsewhere.test/nope</loc></url></urlset>"
    )

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path == "/hang":
            time.sleep(8)
            resp = Response(b"", status=204)
        elif request.path == "/sitemap.xml":
            base = f"http://{request.host}"
            resp = Response(sitemap.format(base=base), mimetype="application/xml")
        elif request.path in pages:
            resp = Response(pages[request.path], mimetype="text/html")
        else:
            resp = Response("no such page", status=404, mimetype="text/plain")
        return resp(environ, start_response)

    return app


class Served:
    """A WSGI app served on a free port of 127.0.0.1 in a thread."""

    def __init__(self, app: Any, tls: bool = False) -> None:
        self.port = free_port()
        # The tracker hosts are on Chromium's HSTS preload list: https only (a throwaway
        # certificate; the scanner's profiles ignore certificate errors).
        self.server = make_server(
            "127.0.0.1", self.port, app, threaded=True, ssl_context="adhoc" if tls else None
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


def resolver_rules(tracker_port: int, shop_host: str) -> str:
    """Chromium flag: tracker names to the fake world, the shop's name to 127.0.0.1, the
    rest of the world to nowhere (nothing leaves 127.0.0.0/8)."""
    rules = [f"MAP {host} 127.0.0.1:{tracker_port}" for host in sorted(TRACKERS)]
    rules.append(f"MAP {shop_host} 127.0.0.1")
    rules += ["MAP * ~NOTFOUND", "EXCLUDE 127.0.0.1", "EXCLUDE localhost"]
    return "--host-resolver-rules=" + ", ".join(rules)
