"""Language benchmark: what /w/KEY.js weighs for a site offering 2, 5 or 24 languages.

Run: python -m bench.bench_languages
Prints figures only; the budget (widget code <= 7 KiB gzip whatever the number of languages the
project ships, BENCHMARKS.md) is shown beside them, never asserted.

Each site is the demo site (five purposes, its services and cookies) offering the first 2, 5 or
24 of the EU's official languages: the banner and purposes get their languages' default texts,
services and cookies a text as long as the English one. The response is read through the app
(no network), as sent: identity, gzip -9 and brotli q11 (the server precomputes both).
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path
from typing import Any

import brotli

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server import create_app, texts  # noqa: E402
from server.domain import drafts  # noqa: E402
from server.domain.demo_site import load_demo  # noqa: E402
from server.domain.drafts import draft_doc, save_draft  # noqa: E402
from server.domain.sites import create_site  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Site  # noqa: E402

BUNDLE = ROOT / "widget" / "dist" / "temoin.js"
KIB = 1024
# The EU's official languages, French and English first (a French site's usual pair).
EU = "fr en de es it nl pt pl ro el cs hu sv bg da fi sk hr lt sl lv et ga mt".split()
COUNTS = (2, 5, 24)


def sizes(data: bytes) -> tuple[int, int, int]:
    """Return raw, gzip -9 and brotli (q11) sizes."""
    return len(data), len(gzip.compress(data, 9)), len(brotli.compress(data, quality=11))


def site_in(key: str, langs: list[str]) -> None:
    """Create a site shaped like the demo, offering `langs`, and publish it."""
    demo = draft_doc(db.session.query(Site).filter_by(key="demo").one())
    site = create_site(key, key, ["https://example.org"])
    db.session.flush()
    doc: dict[str, Any] = {**draft_doc(site), "categories": demo["categories"]}
    doc["languages"] = ["fr", "en"]
    save_draft(site, doc, "bench")
    doc = {**draft_doc(site), "languages": langs}
    for cat in doc["categories"]:
        for svc in cat["services"]:
            en = svc["texts"]["en"]["description"]
            svc["texts"] = {lang: {"description": en} for lang in langs}
            for ck in svc["cookies"]:
                purpose = ck["texts"]["en"]["purpose"]
                ck["texts"] = {lang: {"purpose": purpose} for lang in langs}
    save_draft(site, doc, "bench")
    drafts.publish(site, reconsent=False, actor="bench")


def main() -> None:
    """Print the widget code's size, then the table for 2, 5 and 24 languages."""
    tmp = Path(tempfile.mkdtemp(prefix="temoin-bench-"))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
        }
    )
    app.instance_path = str(tmp / "instance")
    raw, gz, br = sizes(BUNDLE.read_bytes())
    print(f"Built-in languages: {len(texts.LANGUAGES)} ({', '.join(texts.LANGUAGES)})")
    print(f"widget/dist/temoin.js: raw {raw:,} B, gzip -9 {gz:,} B, brotli {br:,} B")
    print(f"  budget: gzip <= {7 * KIB:,} B whatever the number of languages shipped\n")
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_demo([])
        for count in COUNTS:
            site_in(f"lang{count}", EU[:count])
        db.session.commit()
    client = app.test_client()
    print(
        "| languages offered | /w/KEY.js raw | gzip -9 (as sent) | brotli (as sent) "
        "| gzip -9 beyond the code alone |"
    )
    print("|---|---|---|---|---|")
    rows = [("2 (the demo site itself)", "/w/demo.js")]
    rows += [(str(count), f"/w/lang{count}.js") for count in COUNTS]
    for count, url in rows:
        plain = client.get(url, headers={"Accept-Encoding": "identity"}).data
        sent_gz = client.get(url, headers={"Accept-Encoding": "gzip"}).data
        sent_br = client.get(url, headers={"Accept-Encoding": "br"}).data
        extra = len(sent_gz) - gz
        print(
            f"| {count} | {len(plain):,} B | {len(sent_gz):,} B | {len(sent_br):,} B "
            f"| {extra:,} B |"
        )


if __name__ == "__main__":
    main()
