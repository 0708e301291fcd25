"""`temoin verify-log`, `temoin checkpoint` and `temoin purge`: the evidence's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from server.domain.checkpoints import (
    BadCheckpoint,
    load_public_key,
    read_lines,
    signing_key,
    write_checkpoint,
)
from server.domain.retention import purge
from server.domain.sites import get_site
from server.domain.verify import verify_chain
from server.extensions import db
from server.models import Site


def _sites(site_key: str | None) -> list[Site]:
    if not site_key:
        return list(db.session.scalars(select(Site).order_by(Site.id)))
    site = get_site(site_key)
    if site is None:
        raise click.ClickException(f"no site {site_key!r}")
    return [site]


@click.command("verify-log")
@click.option("--site", "site_key", default=None, help="Only this site.")
@click.option(
    "--checkpoints",
    "checkpoints_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A copy of the checkpoints file (JSON Lines) to compare the log with.",
)
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The signing public key (PEM) kept apart; default: this instance's key.",
)
@with_appcontext
def verify_log(
    site_key: str | None, checkpoints_file: Path | None, public_key: Path | None
) -> None:
    """Re-check every chain, head, base and snapshot; exit 1 naming each disagreement."""
    statements: list[dict] = []
    if checkpoints_file:
        key = load_public_key(public_key.read_bytes()) if public_key else signing_key().public_key()
        try:
            with checkpoints_file.open(encoding="utf-8") as lines:
                statements = list(read_lines(lines, key))
        except BadCheckpoint as exc:
            click.echo(f"{checkpoints_file}: {exc}", err=True)
            sys.exit(1)
    failed = False
    for site in _sites(site_key):
        result = verify_chain(site, statements)
        if result.ok:
            click.echo(f"{site.key}: {result.summary()}")
            continue
        failed = True
        for problem in result.problems:
            click.echo(f"{site.key}: {problem}", err=True)
    sys.exit(1 if failed else 0)


@click.command("checkpoint")
@click.option("--site", "site_key", default=None, help="Only this site (default: every site).")
@with_appcontext
def checkpoint_cmd(site_key: str | None) -> None:
    """Sign each site's head, base and snapshots; append them to the checkpoints file."""
    for site in _sites(site_key):
        signed = write_checkpoint(site)
        click.echo(f"{site.key}: checkpoint at seq {signed.statement['seq']} ({signed.key})")


@click.command("purge")
@click.option("--days", type=int, default=None, help="Retention in days (default: config).")
@with_appcontext
def purge_cmd(days: int | None) -> None:
    """Erase records kept past retention, then sign a checkpoint of every site."""
    kept = days if days is not None else current_app.config["RETENTION_DAYS"]
    report = purge(kept)
    db.session.commit()
    for key, erased, deleted in report:
        click.echo(f"{key}: {erased} records past retention erased, {deleted} removed")
    for site in _sites(None):
        write_checkpoint(site)


COMMANDS = (verify_log, checkpoint_cmd, purge_cmd)
