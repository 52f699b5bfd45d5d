"""CLI: ``riskguard keys rotate|rewrap|retire|status`` and ``riskguard privacy purge-expired``.

``riskguard.cli`` adds these to its ``keys`` group and as ``privacy``, importing this module only when
one of them runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
