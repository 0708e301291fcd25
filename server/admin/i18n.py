"""The admin in the admin's language: Flask-Babel, the locale of each request, dates and numbers.

The locale is the admin's own setting (`admins.locale`), else the best of `Accept-Language`
among the admin's languages, else English (the source language of the catalogues). The
catalogues are `server/admin/translations/<locale>/LC_MESSAGES/messages.po`; their compiled
`.mo` files are committed beside them (regenerate with `bash server/admin/translations/update`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, format_datetime, format_decimal, format_percent, get_locale

from server.admin.access import current_admin

TRANSLATIONS = Path(__file__).parent / "translations"
# The languages an admin may choose; English is the source language.
LOCALES = ("fr", "en")
babel = Babel()


def locales() -> tuple[str, ...]:
    """Return the locales this app offers its admins (tests may add a pseudo-locale)."""
    return tuple(current_app.config.get("TEMOIN_ADMIN_LOCALES") or LOCALES)


def _in_admin() -> bool:
    # An admin page, or an address under /admin that none answers (its error page).
    return request.blueprint == "admin" or (
        request.url_rule is None and (request.path + "/").startswith("/admin/")
    )


def select_locale() -> str:
    """Pick the admin's locale: their setting, then `Accept-Language`, then the default."""
    offered = locales()
    if has_request_context():
        admin = current_admin() if _in_admin() else None
        if admin is not None and admin.locale in offered:
            return admin.locale
        best = request.accept_languages.best_match(LOCALES)
        if best:
            return best
    # The instance's default language of the admin (BABEL_DEFAULT_LOCALE), else English.
    default = current_app.config.get("BABEL_DEFAULT_LOCALE") or "en"
    return default if default in offered else "en"


def language_name(tag: str, in_locale: str | None = None) -> str:
    """Name a language tag (`fr`, `pt-BR`) in the admin's locale, or return the tag."""
    try:
        where = Locale.parse(in_locale or str(get_locale() or "en"))
        name = Locale.parse(tag.replace("-", "_")).get_display_name(where)
    except (ValueError, TypeError, LookupError, UnknownLocaleError):
        return tag
    return name or tag


def when(moment: datetime | None, fmt: str = "medium") -> str:
    """Format a UTC date and time in the admin's locale (`—` when there is none)."""
    return "—" if moment is None else format_datetime(moment, fmt)


def number(value: Any) -> str:
    """Format a count or a number in the admin's locale."""
    return "—" if value is None else format_decimal(value)


def percent(rate: float | None, digits: int = 1) -> str:
    """Format a rate (0.25) as a percentage in the admin's locale (« 25,0 % »)."""
    if rate is None:
        return "—"
    pattern = Locale.parse(str(get_locale() or "en")).percent_formats[None].pattern
    places = "." + "0" * digits if digits else ""
    return format_percent(rate, pattern.replace("#,##0", "#,##0" + places, 1))


def init_app(app: Flask) -> None:
    """Install Flask-Babel with the admin's catalogues and its template helpers."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(when=when, number=number, percent=percent, language=language_name)
