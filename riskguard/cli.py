"""The ``riskguard`` command: init, serve, db, keys, and each domain's commands."""

from __future__ import annotations

import importlib
import sys

import click

from .config import Settings
from .db import Database

__all__ = ["main"]

DOMAIN_CLIS = ("screening", "privacy", "onboarding", "payouts", "audit")


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """riskguard: screening, privacy, payouts and audit for social e-commerce."""
    ctx.obj = Settings.from_env()


def open_db(settings: Settings) -> Database:
    return Database(settings.sqlalchemy_url)


@main.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Create the data directory, the dev keyring (mode 0600) and the database schema."""
    from . import migrate
    from .keyring import Keyring

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not settings.master_key:
        Keyring.load_or_create(settings.keyring_path)
    db = open_db(settings)
    migrate.upgrade(db)
    db.dispose()
    click.echo(f"initialised {settings.data_dir}", err=True)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Apply every pending migration."""
    from . import migrate

    database = open_db(settings)
    migrate.upgrade(database)
    database.dispose()
    click.echo("database is up to date", err=True)


@main.group()
def keys() -> None:
    """API keys (and, with the vault, encryption keys)."""


@keys.command("create")
@click.option("--role", required=True, type=click.Choice([r.value for r in __import__(
    "riskguard.auth", fromlist=["Role"]).Role]))
@click.option("--name", required=True)
@click.pass_obj
def keys_create(settings: Settings, role: str, name: str) -> None:
    """Create an API key; prints the token alone on stdout (it is stored only as a hash)."""
    from .audit import Action, AuditEvent
    from .auth import create_key
    from .services import build_services

    audit = build_services(settings).audit
    with audit.transaction() as tx:
        row, token = create_key(tx.session, role=role, name=name)
        tx.record(AuditEvent(action=Action.KEY_CREATED, actor="cli", subject_type="api_key",
                             subject_id=row.id, details={"role": role}))
    audit.db.dispose()
    click.echo(token)


@keys.command("revoke")
@click.argument("key_id")
@click.pass_obj
def keys_revoke(settings: Settings, key_id: str) -> None:
    """Revoke an API key by id."""
    from .audit import Action, AuditEvent
    from .auth import ApiKey
    from .ids import utcnow
    from .services import build_services

    audit = build_services(settings).audit
    with audit.transaction() as tx:
        row = tx.session.get(ApiKey, key_id)
        if row is None:
            raise click.ClickException(f"no key {key_id}")
        row.revoked_at = utcnow()
        tx.record(AuditEvent(action=Action.KEY_REVOKED, actor="cli", subject_type="api_key",
                             subject_id=key_id))
    audit.db.dispose()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve the API with gunicorn (upgrades an empty database first)."""
    from . import migrate
    from .keyring import Keyring

    if not settings.master_key:
        Keyring.load_or_create(settings.keyring_path)
    database = open_db(settings)
    migrate.upgrade(database)
    database.dispose()
    from .serving import run_gunicorn

    run_gunicorn(host=host, port=port, workers=workers)


for _name in DOMAIN_CLIS:
    _module = importlib.import_module(f"riskguard.{_name}")
    _register = getattr(_module, "register_cli", None)
    if _register is not None:
        _register(main)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
