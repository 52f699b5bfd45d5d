"""The ``riskguard`` command: init, serve, db, keys, and each domain's commands.

The domains' commands are listed here by name, module and short help, and their modules are imported
only when one of their commands runs (or its own ``--help`` is asked for): importing them all (Presidio,
spaCy, pandas, great-expectations) cost seconds before any command could start.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

import click

from .config import Settings

if TYPE_CHECKING:
    from .db import Database

__all__ = ["main", "LazyGroup"]


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command itself is needed.

    ``lazy`` maps a command name to ``("module:attribute", short help)``; the help is what
    ``riskguard --help`` lists, so listing imports nothing (tests/core/test_cli.py keeps each one equal
    to the command's own).
    """

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, _, attribute = self.lazy[cmd_name][0].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.lazy and name not in self.commands:
                rows.append((name, click.Command(name, help=self.lazy[name][1]).get_short_help_str(limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


_KEYS_COMMANDS = {
    "status": ("riskguard.privacy.vault.cli:keys_status",
               "KEK versions and how many live data keys each wraps (JSON on stdout)."),
    "rotate": ("riskguard.privacy.vault.cli:keys_rotate",
               "Add a key-encryption-key version; new data keys use it, old ones still decrypt."),
    "rewrap": ("riskguard.privacy.vault.cli:keys_rewrap",
               "Re-wrap data keys under the newest KEK, in batches; safe to interrupt and run again."),
    "retire": ("riskguard.privacy.vault.cli:keys_retire",
               "Refuse decryption under KEK versions below --min-version (after a complete rewrap)."),
}
_DOMAIN_COMMANDS = {
    "screen": ("riskguard.screening.cli:screen", "Screen JSON lines {id, text, category, ...} from stdin; "
               "one JSON line per input on stdout, in order."),
    "rules": ("riskguard.screening.cli:rules", "Rule packs: test, lint, diff, promote and roll back revisions."),
    "pii": ("riskguard.privacy.pii.cli:pii", "Find and redact personal information in JSON lines."),
    "privacy": ("riskguard.privacy.vault.cli:privacy", "Personal data: detection, retention and erasure."),
    "merchants": ("riskguard.onboarding.cli:merchants", "Merchant onboarding checks."),
    "payouts": ("riskguard.payouts.cli:payouts", "Payout batch checks."),
    "audit": ("riskguard.audit.cli:audit", "The tamper-evident audit log."),
    "rescreen": ("riskguard.rescreen.cli:rescreen", "Re-screen a catalogue (Parquet, CSV, JSON lines, or a "
                 "PostgreSQL table) with the active rules; Parquet decisions and a manifest recorded as one audit "
                 "entry."),
}
LAZY_COMMANDS = {"": _DOMAIN_COMMANDS, "keys": _KEYS_COMMANDS}  # group ("" is main) -> its lazy commands
# riskguard.auth.Role's values, written out so that --help need not import the models (a test compares)
ROLES = ("screener", "onboarding", "reviewer", "finance", "finance_approver", "privacy_officer", "auditor",
         "monitor", "admin")


@click.group(cls=LazyGroup, lazy=_DOMAIN_COMMANDS)
@click.version_option(package_name="riskguard", prog_name="riskguard")  # from the installed metadata
@click.pass_context
def main(ctx: click.Context) -> None:
    """riskguard: screening, privacy, payouts and audit for social e-commerce."""
    ctx.obj = Settings.from_env()


def open_db(settings: Settings) -> Database:
    from .db import Database

    return Database(settings.sqlalchemy_url)


@main.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Create the data directory, the dev keyring (mode 0600) and the database schema."""
    from . import migrate
    from .files import private_dir
    from .keyring import Keyring

    private_dir(settings.data_dir)
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


@main.group(cls=LazyGroup, lazy=_KEYS_COMMANDS)
def keys() -> None:
    """API keys (and, with the vault, encryption keys)."""


@keys.command("create")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", required=True)
@click.pass_obj
def keys_create(settings: Settings, role: str, name: str, quiet: bool = False) -> str:
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
    if not quiet:
        click.echo(token)
    return token


@keys.command("demo")
@click.pass_obj
def keys_demo(settings: Settings) -> None:
    """The development demo key (role screener): the one kept in <data dir>/demo-key while it still
    works, else a new one written there (mode 0600). For `make run`, not for production."""
    from .auth import authenticate
    from .files import private_dir, private_file

    path = settings.data_dir / "demo-key"
    token = path.read_text("utf-8").strip() if path.is_file() else ""
    if token:
        database = open_db(settings)
        with database.sessions() as session:
            actor = authenticate(session, token)
        database.dispose()
        if actor is not None and actor.role.value == "screener":
            click.echo(token)
            return
    token = click.get_current_context().invoke(keys_create, role="screener", name="demo", quiet=True)
    private_dir(settings.data_dir)
    private_file(path)
    path.write_text(token + "\n", "utf-8")
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


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per key instead of a table.")
@click.pass_obj
def keys_list(settings: Settings, as_json: bool) -> None:
    """API keys: id, role, name, created, last used, revoked (never a secret or its hash)."""
    import json

    from .auth import list_keys

    database = open_db(settings)
    try:
        with database.sessions() as session:
            rows = list_keys(session)
    finally:
        database.dispose()
    columns = ("id", "role", "name", "created_at", "last_used_at", "revoked_at")
    if as_json:
        for row in rows:
            click.echo(json.dumps({c: row[c].isoformat() if hasattr(row[c], "isoformat") else row[c]
                                   for c in columns}, ensure_ascii=False))
        return
    cells = [["id", "role", "name", "created", "last used", "revoked"]]
    cells += [[row["id"], row["role"], row["name"],
               *(row[c].isoformat(timespec="seconds") if row[c] else "-" for c in columns[3:])] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    for r in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


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

    run_gunicorn(host=host, port=port, workers=workers, metrics_dir=settings.data_dir / "metrics",
                 log_level=settings.log_level)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
