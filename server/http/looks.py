"""The CSS a site's widget needs beyond the bundle's own rules: its colours and their dark
variant, its layout's rules, the floating button's, its right-to-left languages'.

The bundle (`widget/dist/temoin.js`) holds the rules every site uses. What only some sites need
is built by the widget's build into `widget/dist/looks.json` (from `widget/src/ui/looks/*.css`)
and travels as text in the boot call of the site's `/w/KEY.js`, after its configuration and
labels, the way only the site's own languages do; the widget installs it after its own rules.
Every colour is checked again here, since it goes into CSS text. The dark colours a theme does
not give are derived by server/domain/colours.py (4.5:1 at least), as the widget is served.
"""

from __future__ import annotations

from typing import Any

from server import texts
from server.domain import colours
from server.vocab import LAYOUTS

# The widget's CSS variables and the theme's fields they come from (`m`: lines, what is off).
VARIABLES = (("bg", "background"), ("fg", "text"), ("primary", "primary"), ("m", "mute"))
SCOPE = "#temoin,.temoin-ph"


def variables(palette: dict[str, Any]) -> str:
    """Return the declarations of the colours given; one that is not #rgb or #rrggbb is left out."""
    found = colours.given(palette)
    return "".join(f"--tm-{var}:{found[key]};" for var, key in VARIABLES if key in found)


def pieces_for(doc: dict[str, Any]) -> list[str]:
    """Name the pieces of looks.json a published document's widget needs, in their order."""
    theme = doc.get("theme") or {}
    layout = theme.get("layout") if theme.get("layout") in LAYOUTS else "bar"
    names = [layout, "top"] if layout == "bar" and theme.get("position") == "top" else [layout]
    if doc.get("floating_button", True):
        names.append("float")
    if any(texts.direction(lang) == "rtl" for lang in doc.get("languages") or []):
        names.append("rtl")
    return names


def dark_rule(theme: dict[str, Any]) -> str:
    """Return the dark variant's rule: when the visitor's system is dark (`auto`), always
    (`always`), or nothing (`never`, the default)."""
    mode = theme.get("dark")
    if mode not in ("auto", "always"):
        return ""
    rule = SCOPE + "{" + variables(colours.dark_palette(theme)) + "color-scheme:dark}"
    return "@media(prefers-color-scheme:dark){" + rule + "}" if mode == "auto" else rule


def css_for(doc: dict[str, Any], pieces: dict[str, str]) -> str:
    """Return the CSS a published document adds to the widget's own rules."""
    theme = doc.get("theme") or {}
    out = "".join(pieces.get(name, "") for name in pieces_for(doc))
    own = variables({k: v for k, v in theme.items() if k != "mute"})
    return out + (SCOPE + "{" + own + "}" if own else "") + dark_rule(theme)
