"""`temoin publish`: the site's draft becomes its next policy version, as in the admin."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from server.domain.drafts import pending_changes, publish
from server.domain.errors import DomainError
from server.domain.paths import flatten
from server.domain.sites import get_site
from server.extensions import db


def _short(value: object) -> str:
    text = "—" if value is None else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


@click.command("publish")
@click.argument("site_key")
@click.option("--reconsent", is_flag=True, help="Ask every visitor again (a major change).")
@click.option("--dry-run", is_flag=True, help="List what would be published; publish nothing.")
@with_appcontext
def publish_cmd(site_key: str, reconsent: bool, dry_run: bool) -> None:
    """Publish the site's draft as its next version (audited; the widget serves it at once)."""
    site = get_site(site_key)
    if site is None:
        raise click.ClickException(f"no site {site_key!r}")
    changes = pending_changes(site)
    for path, before, after in changes:
        click.echo(f"  {path}: {_short(before)} -> {_short(after)}")
    if dry_run:
        click.echo(f"{site.key}: {len(changes)} change(s) in the draft; nothing was published")
        return
    try:
        version = publish(site, reconsent, "temoin publish")
    except DomainError as err:
        db.session.rollback()
        for field, messages in sorted(flatten(err.errors or {}).items()):
            click.echo(f"  {field}: {messages}", err=True)
        raise click.ClickException(err.message) from err
    db.session.commit()
    click.echo(
        f"{site.key}: version {version.version} published ({len(changes)} change(s)"
        + (", visitors asked again" if reconsent else "")
        + f"), sha256 {version.sha256}"
    )


COMMANDS = (publish_cmd,)
