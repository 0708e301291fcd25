"""Contrast as WCAG computes it, and the dark palette: derived colours always read at 4.5:1."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain import colours
from server.domain.schemas_admin import ThemeSchema
from server.http import looks

HEX = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")
SHORT = st.integers(0, 0xFFF).map(lambda n: f"#{n:03x}")
COLOUR = st.one_of(HEX, SHORT)


def test_contrast_is_wcags() -> None:
    assert colours.contrast("#ffffff", "#000000") == pytest.approx(21)
    assert colours.contrast("#fff", "#fff") == pytest.approx(1)
    assert colours.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert colours.contrast("#1f4fd1", "#ffffff") == colours.contrast("#ffffff", "#1f4fd1")
    assert colours.mix("#000000", "#ffffff", 0.5) == "#808080"


def test_the_default_dark_palette() -> None:
    """From the built-in colours: a near black tinted with the blue, light text, a lighter blue."""
    palette = colours.dark_palette({})
    assert colours.luminance(palette["background"]) < 0.02
    assert palette["text"] == colours.NEAR_WHITE
    for key in ("text", "primary", "mute"):
        assert colours.contrast(palette[key], palette["background"]) >= 4.5, key
    assert colours.luminance(palette["primary"]) > colours.luminance("#1f4fd1"), "lightened"


@settings(max_examples=300, deadline=None)
@given(
    primary=st.one_of(st.none(), COLOUR),
    background=st.one_of(st.none(), COLOUR),
    text=st.one_of(st.none(), COLOUR),
    dark_background=st.one_of(st.none(), COLOUR),
)
def test_every_derived_colour_reads_at_4_5(
    primary: str | None, background: str | None, text: str | None, dark_background: str | None
) -> None:
    """Whatever a theme gives, the dark text, buttons and lines derived keep 4.5:1 on the dark
    background (the buttons' text is that background on the primary colour)."""
    theme = {"primary": primary, "background": background, "text": text}
    theme = {k: v for k, v in {**theme, "dark_background": dark_background}.items() if v}
    palette = colours.dark_palette(theme)
    for key in ("text", "primary", "mute"):
        assert colours.contrast(palette[key], palette["background"]) >= 4.5, (theme, palette)
    assert colours.problems(theme) == {}
    assert ThemeSchema().load({**theme, "dark": "auto"})["dark"] == "auto"


def test_dark_colours_a_site_gives_are_kept_or_refused() -> None:
    good = {"dark_background": "#000000", "dark_text": "#ffffff", "dark_primary": "#ffcc00"}
    assert colours.dark_palette(good)["primary"] == "#ffcc00"
    assert colours.problems(good) == {}
    bad = {"dark_background": "#222222", "dark_text": "#444444", "dark_primary": "#1f4fd1"}
    found = colours.problems(bad)
    assert set(found) == {"dark_text", "dark_primary"}
    assert found["dark_text"] == (
        "Contrast with the dark background: 1.63:1; at least 4.5:1 is needed."
    )


@pytest.mark.parametrize(
    "theme",
    [
        {"dark_text": "#333333"},
        {"dark": "always", "dark_background": "#ffffff", "dark_text": "#eeeeee"},
        {"dark_primary": "#1a1a1a"},
    ],
)
def test_the_theme_schema_refuses_unreadable_dark_colours(theme: dict[str, Any]) -> None:
    from marshmallow import ValidationError

    with pytest.raises(ValidationError) as err:
        ThemeSchema().load(theme)
    assert "at least 4.5:1" in str(err.value.messages)


@pytest.mark.parametrize("mode", ["sometimes", "", "AUTO", True])
def test_the_dark_mode_is_one_of_three(mode: Any) -> None:
    from marshmallow import ValidationError

    with pytest.raises(ValidationError) as err:
        ThemeSchema().load({"dark": mode})
    assert "dark" in err.value.messages


def test_the_dark_rule_follows_the_mode() -> None:
    palette = colours.dark_palette({})
    declared = (
        f"--tm-bg:{palette['background']};--tm-fg:{palette['text']};"
        f"--tm-primary:{palette['primary']};--tm-m:{palette['mute']};color-scheme:dark"
    )
    rule = "#temoin,.temoin-ph{" + declared + "}"
    assert looks.dark_rule({"dark": "auto"}) == "@media(prefers-color-scheme:dark){" + rule + "}"
    assert looks.dark_rule({"dark": "always"}) == rule
    for theme in ({}, {"dark": "never"}, {"dark": "sometimes"}):
        assert looks.dark_rule(theme) == ""


def test_what_is_not_a_colour_never_reaches_the_dark_rule() -> None:
    """A snapshot is validated when saved; a value that is not a colour is ignored, not sent."""
    theme = {"dark": "always", "primary": "red}body{x", "dark_text": "#fff;", "dark_primary": 3}
    rule = looks.dark_rule(theme)
    assert rule == looks.dark_rule({"dark": "always"})
    assert colours.problems(theme) == {}
