"""The CSS a site's look adds to the widget: what it holds, and that nothing else gets in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from server.http import looks
from tests.test_widget_serving import boot_args

DIST = Path(__file__).resolve().parents[1] / "widget" / "dist"
PIECES = json.loads((DIST / "looks.json").read_text(encoding="utf-8"))
COLOURS = "#temoin,.temoin-ph{--tm-bg:#ffffff;--tm-fg:#1a1a1a;--tm-primary:#1f4fd1;}"


def test_the_demo_look_travels_in_the_boot_call(client: FlaskClient, demo: Any) -> None:
    """The bundle holds no site's colours or layout: the demo's come after its labels."""
    config, labels, css = boot_args(client.get("/w/demo.js").data)
    assert config["theme"]["primary"] == "#1f4fd1" and "fr" in labels
    # The demo follows the visitor's system: its dark palette, derived from its theme, follows.
    assert config["theme"]["dark"] == "auto"
    dark = looks.dark_rule(config["theme"])
    assert dark.startswith("@media(prefers-color-scheme:dark){#temoin,.temoin-ph{--tm-bg:")
    assert css == PIECES["bar"] + PIECES["float"] + COLOURS + dark
    code = (DIST / "temoin.js").read_text(encoding="utf-8")
    assert PIECES["bar"] not in code and "#1f4fd1;" not in code.replace("--tm-primary:#1f4fd1;", "")


@pytest.mark.parametrize(
    ("doc", "names"),
    [
        ({}, ["bar", "float"]),
        ({"theme": {"position": "bottom"}, "floating_button": False}, ["bar"]),
        ({"theme": {"position": "top"}, "floating_button": True}, ["bar", "top", "float"]),
        ({"theme": {"layout": "box"}}, ["box", "float"]),
        ({"theme": {"layout": "box", "position": "top"}, "floating_button": False}, ["box"]),
        ({"theme": {"layout": "modal", "position": "top"}, "floating_button": False}, ["modal"]),
        ({"theme": {"layout": "bar", "position": "top"}, "floating_button": False}, ["bar", "top"]),
        ({"theme": {"layout": "sidebar"}, "floating_button": False}, ["bar"]),
        ({"languages": ["fr", "ar"], "floating_button": False}, ["bar", "rtl"]),
        ({"languages": ["he"], "floating_button": False}, ["bar", "rtl"]),
        ({"languages": ["de", "ja", "xx"], "floating_button": False}, ["bar"]),
    ],
)
def test_each_site_gets_the_pieces_its_look_needs(doc: dict[str, Any], names: list[str]) -> None:
    assert looks.pieces_for(doc) == names
    assert looks.css_for(doc, PIECES) == "".join(PIECES[n] for n in names)


def test_every_piece_is_built_and_scoped() -> None:
    assert {"bar", "top", "box", "modal", "float", "rtl"} <= set(PIECES)
    for name, css in PIECES.items():
        rules = [r for r in css.split("}") if r]
        assert rules and all(r.startswith("#temoin") for r in rules), name


@pytest.mark.parametrize(
    "value", ["red", "#12345", "#1f4fd1;}body{display:none", "#fff}", 12, None, ["#fff"]]
)
def test_only_hex_colours_reach_the_css(value: Any) -> None:
    """A snapshot is validated when saved; the CSS text checks each colour again."""
    doc = {"theme": {"primary": value, "text": "#000"}, "floating_button": False}
    assert looks.css_for(doc, {}) == "#temoin,.temoin-ph{--tm-fg:#000;}"
