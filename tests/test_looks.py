"""The CSS a site's look adds to the widget: what it holds, and that nothing else gets in."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from server.http import looks
from tests.test_widget_serving import boot_args


def test_the_demo_colours_travel_in_the_boot_call(client: FlaskClient, demo: Any) -> None:
    """The bundle holds no colour of any site: the demo's come after its labels."""
    config, labels, css = boot_args(client.get("/w/demo.js").data)
    assert config["theme"]["primary"] == "#1f4fd1" and "fr" in labels
    assert css == "#temoin,.temoin-ph{--tm-bg:#ffffff;--tm-fg:#1a1a1a;--tm-primary:#1f4fd1;}"


def test_a_theme_without_colours_adds_nothing() -> None:
    assert looks.css_for({}) == looks.css_for(None) == looks.css_for({"position": "top"}) == ""


@pytest.mark.parametrize(
    "value", ["red", "#12345", "#1f4fd1;}body{display:none", "#fff}", 12, None, ["#fff"]]
)
def test_only_hex_colours_reach_the_css(value: Any) -> None:
    """A snapshot is validated when saved; the CSS text checks each colour again."""
    assert looks.css_for({"primary": value, "text": "#000"}) == "#temoin,.temoin-ph{--tm-fg:#000;}"
