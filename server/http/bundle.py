"""The widget's code and each site's precomputed response: the bundle read once per app, the
boot call with a site's configuration and labels, identity / gzip / brotli bodies by site.

Shared by `/w/KEY.js` (server/http/widget.py) and the admin's preview of a draft.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli
from flask import Flask, current_app

from server import texts
from server.domain import policy
from server.http import looks

SERVER = Path(__file__).resolve().parents[1]
BUNDLES = (SERVER.parent / "widget" / "dist" / "temoin.js", SERVER / "widget_dist" / "temoin.js")
JS = "application/javascript; charset=utf-8"


@dataclass(frozen=True)
class Body:
    """One site version's response, precomputed in every encoding we serve."""

    key: tuple[str, ...]
    tag: str
    identity: bytes
    gzip: bytes
    br: bytes


EXTENSION = "temoin_widget"


class Bodies:
    """An app's widget bundle (read once) and precomputed responses by site key."""

    def __init__(self) -> None:
        self.bundle: tuple[bytes, str] | None = None
        self.looks: dict[str, str] = {}
        self.by_site: dict[str, Body] = {}
        self.lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Give the app its widget bundle and response cache."""
    app.extensions[EXTENSION] = Bodies()


def _bodies() -> Bodies:
    return current_app.extensions[EXTENSION]


def bundle() -> tuple[bytes, str]:
    """Return the widget bundle and its hash (the looks beside it included), read once per app."""
    cache = _bodies()
    if cache.bundle is None:
        configured = current_app.config.get("WIDGET_BUNDLE")
        found = [Path(configured)] if configured else [p for p in BUNDLES if p.exists()]
        if not found:
            raise FileNotFoundError("widget bundle not built: run `npm run build` in widget/")
        code = found[0].read_bytes().rstrip(b"\n")
        beside = found[0].with_name("looks.json")
        raw = beside.read_bytes() if beside.exists() else b"{}"
        cache.looks = json.loads(raw)
        cache.bundle = (code, hashlib.sha256(code + b"\n" + raw).hexdigest()[:16])
    return cache.bundle


def looks_pieces() -> dict[str, str]:
    """Return the CSS pieces only some sites need (widget/dist/looks.json), by name."""
    bundle()
    return _bodies().looks


def boot_call(config_json: str, labels_json: str = "{}", css: str = "") -> str:
    """Return the statement that boots the bundle with a site's configuration, labels and CSS."""
    # Keep the JSON inert anywhere JavaScript may be pasted (inline <script>, old parsers).
    args = config_json + "," + labels_json + ("," + _compact(css) if css else "")
    safe = args.replace("<", "\\u003c").replace("\u2028", "\\u2028")
    return ";window.Temoin&&Temoin._boot(" + safe.replace("\u2029", "\\u2029") + ");\n"


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def boot_for(doc: dict[str, Any]) -> str:
    """Return the boot statement of a published document: only the languages it offers, and
    only the CSS its look needs (server/http/looks.py)."""
    config = _compact(texts.for_languages(doc))
    return boot_call(config, _compact(texts.labels_for(doc)), looks.css_for(doc, looks_pieces()))


def body_for(pub: policy.Published) -> Body:
    """Return the precomputed response for a site's current published version."""
    code, code_hash = bundle()
    doc = pub.document
    extra = (str(doc.get("reconsent_version", "")), str(doc.get("published_at", "")))
    key = (pub.key, str(pub.version), pub.sha256, *extra, code_hash)
    cache = _bodies()
    cached = cache.by_site.get(pub.key)
    if cached is not None and cached.key == key:
        return cached
    raw = code + b"\n" + boot_for(doc).encode("utf-8")
    made = Body(
        key=key,
        tag=hashlib.sha256(raw).hexdigest()[:32],
        identity=raw,
        gzip=gzip.compress(raw, compresslevel=9, mtime=0),
        br=brotli.compress(raw, quality=11, mode=brotli.MODE_TEXT),
    )
    with cache.lock:
        cache.by_site[pub.key] = made
    return made
