"""`temoin init-db`, `demo`, `create-admin`, `create-site`, `create-token`: setting up."""

from __future__ import annotations

import secrets
import signal
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from server.cli.scan import start_worker, stop_worker
from server.domain.accounts import find_admin, has_sites, new_admin, set_role, upsert_admin
from server.domain.demo_site import KEY, load_demo
from server.domain.schemas_admin import validate_email, validate_origins, validate_site_key
from server.domain.sites import create_site, get_site
from server.domain.tokens import create_token
from server.extensions import db
from server.models import Site
from server.vocab import MEMBER_ROLES, OWNER, ROLES


def _site_or_exit(key: str) -> Site:
    site = get_site(key)
    if site is None:
        raise click.ClickException(f"no site {key!r}")
    return site


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the latest migration."""
    upgrade()
    click.echo("database is up to date")


@click.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--site", "sites", multiple=True, help="Site key to own (repeatable).")
@click.option("--role", type=click.Choice(MEMBER_ROLES), default=OWNER)
@click.option(
    "--superuser/--no-superuser",
    default=None,
    help="Grant (or revoke) the instance-wide powers: every site, creating sites and admins.",
)
@with_appcontext
def create_admin(
    email: str, password: str, sites: tuple[str, ...], role: str, superuser: bool | None
) -> None:
    """Create an admin (or reset its password) and give it a role on sites."""
    if len(password) < 10:
        raise click.ClickException("the password needs at least 10 characters")
    try:
        admin = upsert_admin(email, password, {key: role for key in sites}, superuser)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    if admin.is_superuser:
        click.echo(f"admin {admin.email} ready: superuser (every site; may create sites)")
    elif sites:
        click.echo(f"admin {admin.email} ready: {role} of {', '.join(sites)}")
    elif has_sites(admin):
        click.echo(f"admin {admin.email} ready")
    else:
        click.echo(
            f"admin {admin.email} ready, but sees no site yet: give them a role with "
            "--site KEY --role ROLE, or from a site's Members page"
        )


@click.command("create-site")
@click.argument("key")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    required=True,
    help="Origin allowed to record consents, e.g. https://www.example.org",
)
@click.option("--name", default=None)
@click.option(
    "--owner",
    default=None,
    help="E-mail of the site's owner; a new admin gets a one-time password, printed.",
)
@with_appcontext
def create_site_cmd(
    key: str, origins: tuple[str, ...], name: str | None, owner: str | None
) -> None:
    """Create a site with the five purposes and default French and English texts."""
    try:
        validate_site_key(key)
        clean = validate_origins(list(origins))
        email = validate_email(owner) if owner is not None else None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if get_site(key) is not None:
        raise click.ClickException(f"site {key!r} exists")
    site = create_site(key, name, clean)
    password = None
    if email is not None:
        admin = find_admin(email)
        if admin is None:
            admin, password = new_admin(email)
        set_role(admin, site, OWNER)
    db.session.commit()
    click.echo(
        f"site {key} created with default French and English texts: sign in at /admin/, "
        "review them and publish a version before embedding the site"
    )
    if email is not None and password is not None:
        click.echo(f"owner {email} (new admin), one-time password: {password}")
        click.echo("  they choose their own password when they first sign in")
    elif email is not None:
        click.echo(f"owner {email} (existing admin)")
    else:
        click.echo(
            "no owner yet: add one with --owner EMAIL, temoin create-admin EMAIL --site "
            f"{key}, or a superuser's Members page"
        )


@click.command("create-token")
@click.argument("site_key")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--label", default="")
@with_appcontext
def create_token_cmd(site_key: str, role: str, label: str) -> None:
    """Create an API token for a site; it is printed once and stored hashed."""
    site = _site_or_exit(site_key)
    _, plain = create_token(site, role, label)
    db.session.commit()
    click.echo(plain)


@click.command("demo")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and exit.")
@click.option("--no-worker", is_flag=True, help="Do not start a worker for scans beside it.")
@with_appcontext
def demo_cmd(host: str, port: int, no_serve: bool, no_worker: bool) -> None:
    """Create the database if missing, load the demo site, create an admin, and serve."""
    upgrade()
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    origins = [f"http://{shown}:{port}", f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    load_demo(origins)
    password = secrets.token_urlsafe(12)
    upsert_admin("admin@demo.temoin", password, {KEY: OWNER})
    db.session.commit()
    base = f"http://{shown}:{port}"
    click.echo(
        f"\nTémoin demo\n"
        f"  demo site     {base}/demo/\n"
        f"  widget        {base}/w/demo.js\n"
        f"  config        {base}/api/v1/sites/demo/config\n"
        f"  OpenAPI       {base}/api/v1/openapi.json\n"
        f"  admin         {base}/admin/\n"
        f"  admin login   admin@demo.temoin / {password}\n"
    )
    if not no_serve:
        # Flask's app.run() refuses to start under its own CLI; serve with Werkzeug directly.
        db.session.remove()
        app = current_app._get_current_object()
        worker = None if no_worker else start_worker(app)
        # Stopped by SIGTERM too, the demo stops its worker on the way out.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            run_simple(host, port, app, threaded=True)
        finally:
            stop_worker(worker)


COMMANDS = (init_db, create_admin, create_site_cmd, create_token_cmd, demo_cmd)
