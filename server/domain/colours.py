"""Colours of the banner: contrast as WCAG computes it, and the dark palette a theme implies.

A theme gives up to three colours (background, text, primary: the buttons, whose text is the
background colour) and, for its dark variant, up to three more. A dark colour it does not give is
derived here from the others so that text on the background, and the buttons' text on their
colour, keep a contrast of at least 4.5:1 (WCAG 1.4.3); the colour of lines and of what is off
(--tm-m) keeps 4.5:1 too. A dark colour the site gives is checked instead (`problems`).
"""

from __future__ import annotations

import re
from typing import Any

MINIMUM = 4.5
HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}\Z")
# The widget's built-in colours (widget/src/ui/styles.css).
LIGHT = {"background": "#ffffff", "text": "#1a1a1a", "primary": "#1f4fd1"}
NEAR_BLACK = "#121212"
NEAR_WHITE = "#f2f2f2"
DARK_FIELDS = {"background": "dark_background", "text": "dark_text", "primary": "dark_primary"}


def rgb(colour: str) -> tuple[int, int, int]:
    """Read #rgb or #rrggbb."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_of(channels: tuple[float, float, float]) -> str:
    """Write a colour as #rrggbb."""
    return "#" + "".join(f"{round(min(255, max(0, c))):02x}" for c in channels)


def luminance(colour: str) -> float:
    """The relative luminance of a colour (WCAG 2)."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(a: str, b: str, share: float) -> str:
    """`a` with `share` (0 to 1) of `b` mixed in."""
    return hex_of(tuple(x + (y - x) * share for x, y in zip(rgb(a), rgb(b), strict=True)))


def readable(colour: str, on: str, ratio: float = MINIMUM) -> str:
    """`colour`, moved as little as it takes toward white or black to reach `ratio` on `on`.

    One of white and black always reaches 4.5:1 on any colour (the better of the two gives at
    least 4.58:1), so this always ends.
    """
    if contrast(colour, on) >= ratio:
        return colour
    best = None
    for end in ("#ffffff", "#000000"):
        for step in range(1, 101):
            moved = mix(colour, end, step / 100)
            if contrast(moved, on) >= ratio:
                if best is None or step < best[0]:
                    best = (step, moved)
                break
    assert best is not None  # white or black always reaches it
    return best[1]


def given(theme: dict[str, Any]) -> dict[str, str]:
    """The colours of a theme that are colours (#rgb or #rrggbb); anything else is left out."""
    return {k: v for k, v in theme.items() if isinstance(v, str) and HEX.match(v)}


def dark_palette(theme: dict[str, Any]) -> dict[str, str]:
    """The dark variant of a theme: background, text, primary and mute (#rrggbb or as given)."""
    theme = given(theme)
    light = {k: theme.get(k) or v for k, v in LIGHT.items()}
    background = theme.get("dark_background")
    if not background:
        # A background already dark stays; a light one becomes a near black with a hint of the
        # buttons' colour.
        dark = luminance(light["background"]) < 0.05
        background = light["background"] if dark else mix(NEAR_BLACK, light["primary"], 0.06)
    text = theme.get("dark_text") or readable(
        light["text"] if luminance(light["text"]) > 0.5 else NEAR_WHITE, background
    )
    primary = theme.get("dark_primary") or readable(light["primary"], background)
    mute = readable(mix(text, background, 0.5), background)
    return {"background": background, "text": text, "primary": primary, "mute": mute}


def problems(theme: dict[str, Any]) -> dict[str, str]:
    """The dark colours a theme gives that read badly: {field: why}, empty when all is well.

    The text is read on the dark background, and so are the buttons: their text is the
    background's colour on the primary colour.
    """
    palette, theme = dark_palette(theme), given(theme)
    found = {}
    for key in ("text", "primary"):
        field = DARK_FIELDS[key]
        if theme.get(field):
            ratio = contrast(palette[key], palette["background"])
            if ratio < MINIMUM:
                found[field] = (
                    f"Contrast with the dark background: {ratio:.2f}:1; at least 4.5:1 is needed."
                )
    return found
