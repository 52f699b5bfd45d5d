"""CLI: ``riskguard keys rotate|rewrap|retire|status`` and ``riskguard privacy purge-expired|lookup|records|
reveal|export|erase|retention``.

``riskguard.cli`` adds these to its ``keys`` group and as ``privacy``, importing this module only when
one of them runs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from ...cli_io import json_line, progress, progress_option
from ...config import Settings

if TYPE_CHECKING:
    from ...services import Services

__all__ = ["keys_status", "keys_rotate", "keys_rewrap", "keys_retire", "privacy"]


@contextmanager
def _opened(settings: Settings) -> Iterator[Services]:
    from ...services import build_services

    services = build_services(settings)
    try:
        yield services
    finally:
        services.db.dispose()


@click.command("status")
@click.pass_obj
def keys_status(settings: Settings) -> None:
    """KEK versions and how many live data keys each wraps (JSON on stdout)."""
    from .keys import kek_status

    with _opened(settings) as rg:
        keys = rg.keyring
        counts = kek_status(rg.db, keys)
        click.echo(json_line({"current_version": keys.current_kek_version,
                               "min_version": keys.min_kek_version,
                               "provider": "master_key" if keys.derived else "file",
                               "data_keys_by_version": {str(k): v for k, v in sorted(counts.items())}}))


@click.command("rotate")
@click.option("--expect-version", type=click.IntRange(1), default=None,
              help="refuse (exit 1) unless this is still the current version: two operators rotating "
                   "at once add one version, not two")
@click.pass_obj
def keys_rotate(settings: Settings, expect_version: int | None) -> None:
    """Add a key-encryption-key version; new data keys use it, old ones still decrypt."""
    from ...errors import Conflict
    from .keys import rotate

    with _opened(settings) as rg:
        try:
            version = rotate(rg.db, rg.keyring, audit=rg.audit, expect_version=expect_version)
        except Conflict as exc:
            raise click.ClickException(f"{exc.code}: {exc.message}") from None
    click.echo(f"KEK version {version} is now current; run `riskguard keys rewrap` to move data keys",
               err=True)
    click.echo(version)


@click.command("rewrap")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--quiet", is_flag=True, help="same as --no-progress")
@progress_option
@click.pass_obj
def keys_rewrap(settings: Settings, batch_size: int, quiet: bool, show_progress: bool | None) -> None:
    """Re-wrap data keys under the newest KEK, in batches; safe to interrupt and run again."""
    from .keys import pending_rewrap, rewrap

    with _opened(settings) as rg:
        total = pending_rewrap(rg.db, rg.keyring)
        with progress(False if quiet else show_progress, length=total, label="rewrap") as advance:
            result = rewrap(rg.db, rg.keyring, audit=rg.audit, batch_size=batch_size, progress=advance)
    click.echo(json_line({"target_version": result.target_version, "rewrapped": result.rewrapped,
                           "batches": result.batches, "remaining": result.remaining}))


@click.command("retire")
@click.option("--min-version", required=True, type=click.IntRange(1))
@click.option("--destroy", is_flag=True, help="also delete the retired KEKs from the keyring file")
@click.pass_obj
def keys_retire(settings: Settings, min_version: int, destroy: bool) -> None:
    """Refuse decryption under KEK versions below --min-version (after a complete rewrap)."""
    from .keys import retire

    with _opened(settings) as rg:
        destroyed = retire(rg.db, rg.keyring, min_version, audit=rg.audit, destroy=destroy)
    click.echo(json_line({"min_version": min_version, "destroyed_versions": destroyed}))


@click.group()
def privacy() -> None:
    """Personal data: detection, retention and erasure."""


@privacy.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="count what would be cleared, change nothing")
@progress_option
@click.pass_obj
def purge(settings: Settings, dry_run: bool, show_progress: bool | None) -> None:
    """Clear personal-data fields past their retention period (policies/privacy.yaml)."""
    import riskguard.models  # noqa: F401 - every domain registers its record types on import

    from .retention import purge_expired

    with _opened(settings) as rg, progress(show_progress, length=None, label="purge-expired") as advance:
        results = purge_expired(rg.db, rg.vault, audit=rg.audit, dry_run=dry_run, progress=advance)
    click.echo(json_line({"dry_run": dry_run, "purged": [r.__dict__ for r in results]}))


# -- the privacy officer's operations (the API's /v1/privacy/subjects/*, recorded with actor "cli") --------
_REASON_HELP = "'<reason>:<reference>' from policies/privacy.yaml reveal_reasons (recorded in the audit trail)"


def _api_errors(run):  # type: ignore[no-untyped-def]
    """An API error (bad reason, unknown subject, audit unavailable) as a one-line CLI error, exit 1."""
    from functools import wraps

    from ...errors import ApiError

    @wraps(run)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return run(*args, **kwargs)
        except ApiError as exc:
            where = f" ({exc.field})" if getattr(exc, "field", None) else ""
            raise click.ClickException(f"{exc.code}{where}: {exc.message}") from None

    return wrapper


def _officer(run):  # type: ignore[no-untyped-def]
    """The settings passed in, API errors as CLI errors."""
    return click.pass_obj(_api_errors(run))


_reason_option = click.option("--reason", required=True, help=_REASON_HELP)


def _digest_key(rg: Services) -> bytes:
    return rg.keyring.secret("digest")


@privacy.command("lookup")
@click.argument("kind", type=click.Choice(("phone", "id_number", "bank_card", "email")))
@_reason_option
@_officer
def lookup(settings: Settings, kind: str, reason: str) -> None:
    """Find data subjects by a value read from stdin (never an argument: it would stay in shell history)."""
    import riskguard.models  # noqa: F401 - every domain registers its record types on import

    from .officer import check_reason, lookup_subjects

    value = sys.stdin.readline().strip()
    if not value:
        raise click.UsageError("give the value on stdin, e.g. `riskguard privacy lookup phone --reason … < file`")
    with _opened(settings) as rg:
        checked = check_reason(rg.vault, reason, field="--reason") or ""
        with rg.audit.transaction() as tx:
            lookup_id, subjects = lookup_subjects(tx, rg.vault, kind=kind, value=value, actor="cli", reason=checked,
                                                  digest_key=_digest_key(rg))
    click.echo(json_line({"lookup_id": lookup_id, "kind": kind, "subjects": [asdict(s) for s in subjects]}))


@privacy.command("records")
@click.argument("subject_id")
@_officer
def records(settings: Settings, subject_id: str) -> None:
    """The records a data subject owns, masked: what `privacy erase` would shred."""
    import riskguard.models  # noqa: F401

    from .officer import subject_records

    with _opened(settings) as rg:
        vault = rg.vault  # built (and bound to the database's sessions) before a session opens
        with rg.db.sessions() as session:
            click.echo(json_line(asdict(subject_records(session, vault, subject_id))))


@privacy.command("reveal")
@click.argument("record_type")
@click.argument("record_id")
@_reason_option
@click.option("--fields", default=None, help="comma-separated field names (default: all)")
@_officer
def reveal(settings: Settings, record_type: str, record_id: str, reason: str, fields: str | None) -> None:
    """A record's personal fields in clear (audited)."""
    import riskguard.models  # noqa: F401

    from .officer import check_reason, read_record

    with _opened(settings) as rg:
        rg.review  # noqa: B018 - registers the domains' record types
        checked = check_reason(rg.vault, reason, field="--reason")
        with rg.audit.transaction() as tx:
            read = read_record(tx, rg.vault, record_type=record_type, record_id=record_id,
                               fields=tuple(fields.split(",")) if fields else None, actor="cli", reason=checked,
                               clear=True)
    click.echo(json_line(asdict(read)))


@privacy.command("export")
@click.argument("subject_id")
@_reason_option
@click.option("--format", "fmt", type=click.Choice(("json", "csv")), default="json", show_default=True)
@_officer
def export(settings: Settings, subject_id: str, reason: str, fmt: str) -> None:
    """A copy of a data subject's personal data (PIPL Art. 45) on stdout, as JSON or CSV (audited)."""
    import riskguard.models  # noqa: F401

    from .officer import check_reason, export_csv, export_subject

    with _opened(settings) as rg:
        checked = check_reason(rg.vault, reason, field="--reason") or ""
        with rg.audit.transaction() as tx:
            document = export_subject(tx, rg.vault, subject_id=subject_id, fmt=fmt, actor="cli", reason=checked,
                                      digest_key=_digest_key(rg))
    if fmt == "csv":
        click.echo("".join(export_csv(document)), nl=False)
    else:
        click.echo(json_line(document))


@privacy.command("erase")
@click.argument("subject_id")
@_reason_option
@click.option("--yes", is_flag=True, help="do not ask; erase after listing what will be shredded")
@_officer
def erase(settings: Settings, subject_id: str, reason: str, yes: bool) -> None:
    """Crypto-shred a data subject (PIPL Art. 47) after listing, on stderr, the records and fields it makes
    unreadable; asks for confirmation unless --yes."""
    import riskguard.models  # noqa: F401

    from .officer import check_reason, subject_records
    from .subjects import erase_subject

    with _opened(settings) as rg:
        checked = check_reason(rg.vault, reason, field="--reason")
        with rg.db.sessions() as session:
            subject = subject_records(session, rg.vault, subject_id)
        for record in subject.records:
            names = [k for k, v in record.fields.items() if v is not None]
            click.echo(f"{record.record_type} {record.record_id}: {', '.join(names) or '-'}", err=True)
        click.echo(f"{len(subject.records)} record(s), {subject.blind_indexes} blind-index value(s)", err=True)
        if not yes:
            click.confirm(f"erase {subject_id}? This cannot be undone", abort=True, err=True)
        with rg.audit.transaction() as tx:
            erasure = erase_subject(tx.session, subject_id, audit=rg.audit, actor="cli", reason=checked)
    click.echo(json_line({**asdict(erasure), "records": len(subject.records)}))


@privacy.command("retention")
@click.pass_obj
def retention(settings: Settings) -> None:
    """Retention per personal-data field: period, records holding a value, past the period, next expiry."""
    import riskguard.models  # noqa: F401

    from ...ids import utcnow
    from .officer import retention_status

    now = utcnow()
    with _opened(settings) as rg:
        vault = rg.vault  # built (and bound to the database's sessions) before a session opens
        with rg.db.sessions() as session:
            status = retention_status(session, vault, now=now)
    click.echo(json_line({"policy_revision": vault.policy.revision, "checked_at": now.isoformat(),
                           "fields": [asdict(f) for f in status]}))
