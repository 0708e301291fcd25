"""The CSS a site's widget needs beyond the bundle's own rules: the site's colours.

The bundle (`widget/dist/temoin.js`) holds the rules every site uses. What depends on one
site travels as text in the boot call of its `/w/KEY.js`, after the configuration and the
labels, the way only the site's own languages do: the widget installs it after its own rules.
Every colour is checked again here, since it goes into CSS text.
"""

from __future__ import annotations

import re
from typing import Any

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


def css_for(theme: dict[str, Any] | None) -> str:
    """Return the CSS a site adds to the widget's own: its colours, or nothing."""
    own = variables(theme or {})
    return SCOPE + "{" + own + "}" if own else ""
