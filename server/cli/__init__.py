"""The `temoin` command line: each module adds its commands to the app's CLI.

- `setup`: init-db, demo, create-admin, create-site, create-token;
- `draft`: publish;
- `export`: the consent log of a site, streamed to a file;
- `evidence`: verify-log, checkpoint, purge;
- `scan`: scan, worker, cookiedb, add-service, proposals, accept.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from server.app import build_app
from server.cli import draft, evidence, export, scan, setup


def _app() -> Flask:
    app = build_app()
    register_commands(app)
    return app


@click.group(cls=FlaskGroup, create_app=_app, add_version_option=False)
def cli() -> None:
    """Témoin: a self-hosted consent management platform."""


def register_commands(app: Flask) -> None:
    """Add the Témoin commands to the app's command line."""
    for module in (setup, draft, export, evidence, scan):
        for command in module.COMMANDS:
            app.cli.add_command(command)
