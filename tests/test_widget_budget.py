"""The widget's code budget: dist/temoin.js at most 7 KiB (7,168 B) in gzip -9, every site's
look and languages apart (they travel in each site's /w/KEY.js, server/http/looks.py)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

DIST = Path(__file__).resolve().parents[1] / "widget" / "dist"
BUDGET = 7 * 1024


def test_the_widget_code_fits_its_budget() -> None:
    code = (DIST / "temoin.js").read_bytes()
    assert len(gzip.compress(code, 9)) <= BUDGET


def test_what_only_some_sites_need_is_small_and_not_in_the_code() -> None:
    """Each layout's, the top bar's, the floating button's and the right-to-left rules: a site
    receives only its own, a few hundred bytes at most, and the code holds none of them."""
    code = (DIST / "temoin.js").read_text(encoding="utf-8")
    pieces = json.loads((DIST / "looks.json").read_text(encoding="utf-8"))
    for name, css in pieces.items():
        assert len(css) < 400, name
        assert css not in code, name
