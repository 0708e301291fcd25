"""orestbida/cookieconsent 3.1.0 on the demo page, for the widget benchmark only.

The package comes from the npm registry through this folder's package-lock.json (`npm ci`,
run by the benchmark when needed); it is served from local files on 127.0.0.1, never by Témoin.
Its configuration is made from the demo site's published document: same categories, services,
cookies and texts, in both languages, as Témoin's inlined configuration.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "vanilla-cookieconsent"
VERSION = "3.1.0"
PREFIX = "/bench/orestbida/"
FILES = {"cookieconsent.umd.js": PACKAGE / "dist" / "cookieconsent.umd.js",
         "cookieconsent.css": PACKAGE / "dist" / "cookieconsent.css"}  # fmt: skip
# Shown when visible: the consent bar (it slides in; visible from its first frame in view).
BANNER = "#cc-main .cm"


def install() -> None:
    """Install the pinned package with `npm ci` unless that exact version is already there."""
    manifest = PACKAGE / "package.json"
    if manifest.exists() and json.loads(manifest.read_text())["version"] == VERSION:
        return
    cmd = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    subprocess.run(cmd, cwd=HERE, check=True, timeout=300)


def head_tags() -> str:
    """The tags its documentation puts in the page: its CSS, then the library and the config."""
    return (
        f'<link rel="stylesheet" href="{PREFIX}cookieconsent.css">\n'
        f'<script defer src="{PREFIX}cookieconsent.umd.js"></script>\n'
        f'<script defer src="{PREFIX}config.js"></script>'
    )


def page(html: str, widget_tag: str) -> str:
    """Turn the demo page into its cookieconsent variant: its tags, its gating attribute."""
    if widget_tag not in html:
        raise ValueError(f"the demo page no longer holds {widget_tag!r}")
    # cookieconsent gates <script type="text/plain" data-category>; it has no iframe gating.
    return html.replace(widget_tag, head_tags()).replace(' data-consent="', ' data-category="')


def _text(texts: dict[str, Any], key: str, lang: str, default: str) -> str:
    return (texts.get(lang) or {}).get(key) or (texts.get(default) or {}).get(key) or ""


def _section(cat: dict[str, Any], lang: str, default: str) -> dict[str, Any]:
    rows = [
        {
            "name": ck["name"],
            "purpose": _text(ck["texts"], "purpose", lang, default),
            "lifetime": str(ck["lifetime_days"] or "session"),
        }
        for svc in cat["services"]
        for ck in svc["cookies"]
    ]
    return {
        "title": _text(cat["texts"], "name", lang, default),
        "description": _text(cat["texts"], "description", lang, default),
        "linkedCategory": cat["slug"],
        "cookieTable": {
            "headers": {"name": "Cookie", "purpose": "Finalité", "lifetime": "Durée"},
            "body": rows,
        },
    }


def _translation(doc: dict[str, Any], lang: str) -> dict[str, Any]:
    default = doc["default_language"]

    def site(key: str) -> str:
        return _text(doc["texts"], key, lang, default)

    return {
        "consentModal": {
            "title": site("title"),
            "description": site("description") + " " + site("withdraw"),
            "acceptAllBtn": site("accept_all"),
            "acceptNecessaryBtn": site("reject_all"),
            "showPreferencesBtn": site("customize"),
        },
        "preferencesModal": {
            "title": site("preferences_title"),
            "acceptAllBtn": site("accept_all"),
            "acceptNecessaryBtn": site("reject_all"),
            "savePreferencesBtn": site("save"),
            "closeIconLabel": site("close"),
            "sections": [_section(cat, lang, default) for cat in doc["categories"]],
        },
    }


def config_js(doc: dict[str, Any]) -> str:
    """Return `CookieConsent.run({...})` configured like the site's published document."""
    categories = {
        cat["slug"]: {
            **({"enabled": True, "readOnly": True} if cat["required"] else {}),
            "services": {svc["slug"]: {"label": svc["name"]} for svc in cat["services"]},
        }
        for cat in doc["categories"]
    }
    position = doc.get("theme", {}).get("position") or "bottom"
    config = {
        # Playwright's Chromium reports navigator.webdriver, which cookieconsent hides from.
        "hideFromBots": False,
        "guiOptions": {"consentModal": {"layout": "bar", "position": position}},
        "categories": categories,
        "language": {
            "default": doc["default_language"],
            "autoDetect": "document",
            "translations": {lang: _translation(doc, lang) for lang in doc["languages"]},
        },
    }
    return "CookieConsent.run(" + json.dumps(config, ensure_ascii=False) + ");\n"
