"""`temoin export`: the consent log of one site for a date range, streamed to a file or stdout."""

from __future__ import annotations

from typing import IO

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError

from server.domain.log import export_lines
from server.domain.schemas_admin import ExportIn
from server.domain.sites import get_site
from server.vocab import FORMATS


@click.command("export")
@click.argument("site_key")
@click.option("--from", "start", default=None, help="YYYY-MM-DD or ISO 8601 (UTC), inclusive.")
@click.option("--to", "end", default=None, help="YYYY-MM-DD (whole day) or ISO 8601, inclusive.")
@click.option("--format", "fmt", type=click.Choice(tuple(FORMATS)), default="csv")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
@with_appcontext
def export_cmd(
    site_key: str, start: str | None, end: str | None, fmt: str, output: IO[str]
) -> None:
    """Export a site's consent log as CSV or JSON Lines (memory stays flat)."""
    site = get_site(site_key)
    if site is None:
        raise click.ClickException(f"no site {site_key!r}")
    try:
        filters = ExportIn().load({"from": start, "to": end, "format": fmt})
    except ValidationError as err:
        raise click.ClickException(str(err.messages)) from err
    for chunk in export_lines(site.id, filters, fmt):
        output.write(chunk)


COMMANDS = (export_cmd,)
