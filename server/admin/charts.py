"""Charts drawn on the server as inline SVG (no script, no CDN); numbers sit beside them."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from server.admin.i18n import percent
from server.admin.labels import word

COLORS = {
    "accept_all": "#1b7f3b",
    "reject_all": "#b3261e",
    "custom": "#1f4fd1",
    "withdraw": "#a05a00",
}


def stacked_bars(title: str, rows: list[tuple[str, dict[str, int]]]) -> Markup:
    """Draw one stacked bar per row (a day or a version) of the four actions."""
    width, height, left, bottom = 720, 220, 44, 36
    peak = max([sum(counts.get(a, 0) for a in COLORS) for _, counts in rows] or [0]) or 1
    slot = (width - left - 8) / max(len(rows), 1)
    bar = max(min(slot * 0.7, 40), 2)
    scale = (height - bottom - 10) / peak
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        'stroke="#555"/>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="11">0</text>',
        f'<text x="{left - 6}" y="16" text-anchor="end" font-size="11">{peak}</text>',
    ]
    every = max(1, len(rows) // 12)
    for i, (label, counts) in enumerate(rows):
        x = left + i * slot + (slot - bar) / 2
        y = height - bottom
        for action, color in COLORS.items():
            value = counts.get(action, 0)
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{color}"><title>{escape(label)}: {escape(word(action))} {value}'
                "</title></rect>"
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'font-size="10">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def rate_bars(title: str, rates: dict[str, Any]) -> Markup:
    """Draw one horizontal bar per category: its opt-in rate out of 100 %."""
    width, row, left = 720, 28, 150
    height = row * max(len(rates), 1) + 10
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    span = width - left - 70
    for i, (cat, rate) in enumerate(rates.items()):
        y = 5 + i * row
        shown = escape(percent(rate))
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="12">'
            f"{escape(cat)}</text>"
            f'<rect x="{left}" y="{y + 4}" width="{span}" height="18" fill="#e6e6e6"/>'
            f'<rect x="{left}" y="{y + 4}" width="{span * (rate or 0):.1f}" height="18" '
            f'fill="#1f4fd1"><title>{escape(cat)}: {shown}</title></rect>'
            f'<text x="{left + span + 8}" y="{y + 17}" font-size="12">{shown}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
