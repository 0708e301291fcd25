"""The CSS a site's widget needs beyond the bundle's own rules: its colours, its layout's rules,
the floating button's, its right-to-left languages'.

The bundle (`widget/dist/temoin.js`) holds the rules every site uses. What only some sites need
is built by the widget's build into `widget/dist/looks.json` (from `widget/src/ui/looks/*.css`)
and travels as text in the boot call of the site's `/w/KEY.js`, after its configuration and
labels, the way only the site's own languages do; the widget installs it after its own rules.
Every colour is checked again here, since it goes into CSS text.
"""

from __future__ import annotations

import re
from typing import Any

from server import texts
from server.vocab import LAYOUTS

HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}\Z")
# The widget's CSS variables and the theme's fields they come from.
VARIABLES = (("bg", "background"), ("fg", "text"), ("primary", "primary"))
SCOPE = "#temoin,.temoin-ph"


def variables(colours: dict[str, Any]) -> str:
    """Return the declarations of the colours given; one that is not #rgb or #rrggbb is left out."""
    out = ""
    for var, key in VARIABLES:
        value = colours.get(key)
        if isinstance(value, str) and HEX.match(value):
            out += f"--tm-{var}:{value};"
    return out


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


def css_for(doc: dict[str, Any], pieces: dict[str, str]) -> str:
    """Return the CSS a published document adds to the widget's own rules."""
    out = "".join(pieces.get(name, "") for name in pieces_for(doc))
    own = variables(doc.get("theme") or {})
    return out + (SCOPE + "{" + own + "}" if own else "")
