"""``riskguard merchants``: a dry-run review of applications in bulk, and block-list digests."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from ..cli_io import finish_lines, input_size, json_line, parsed_lines, progress, progress_option
from ..config import Settings

if TYPE_CHECKING:
    from ..services import Services

__all__ = ["merchants"]


class SetupError(click.ClickException):
    """The command cannot run as configured (exit 2, like a usage error)."""

    exit_code = 2


@click.group()
def merchants() -> None:
    """Merchant onboarding checks."""


def _services(settings: Settings, *needed: str) -> Services:
    """The services this command needs, built now so that a missing keyring is a setup error."""
    from ..keyring import KeyringError
    from ..services import build_services

    services = build_services(settings)
    try:
        for name in needed:
            getattr(services, name)
    except KeyringError as exc:
        raise SetupError(str(exc)) from None
    return services


@merchants.command("review")
@click.argument("source", type=click.File("rb"), default="-")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Evaluation date (YYYY-MM-DD); default today in the policy's time zone.")
@click.option("--no-duplicates", is_flag=True,
              help="Skip the duplicate search against stored applications (no database needed); "
                   "duplicates among the input's own lines are still reported.")
@progress_option
@click.pass_obj
def review(settings: Settings, source: BinaryIO, as_of: Any, no_duplicates: bool,
           show_progress: bool | None) -> None:
    """Check JSON-lines applications from SOURCE (default stdin) and write {id, decision, findings}
    per line to stdout. Duplicates are sought among stored applications (read-only) and the earlier
    lines. Nothing is stored or audited. A bad line gives {"line", "id", "error"} and the rest go on;
    exit 1 if any line was bad."""
    from .checks import BatchLookup
    from .schemas import ApplicationSchema

    rg = _services(settings, "keyring", "onboarding", "rulebook")
    schema = ApplicationSchema()
    invalid = total = 0
    size = input_size(source)
    with progress(show_progress, length=size, label="review") as advance:
        service, rulebook = rg.onboarding, rg.rulebook
        day: date = as_of.date() if as_of else service.today()
        digest_key = rg.keyring.secret("digest")
        session = None if no_duplicates else rg.db.sessions()
        if session is not None:
            _probe(session)
        try:
            lookup = BatchLookup(service.duplicate_lookup(session) if session is not None else None)
            for _number, application, bad in parsed_lines(source, schema, advance, by_bytes=bool(size)):
                total += 1
                if application is None:
                    invalid += 1
                    _emit(bad or {})
                    continue
                result = service.evaluate(application, as_of=day, rulebook=rulebook, digest_key=digest_key,
                                          duplicates=lookup)
                lookup.remember(application)
                _emit({"id": result.application_id, "decision": result.decision,
                       "findings": [f.to_dict() for f in result.findings]})
        finally:
            if session is not None:
                session.rollback()
                session.close()
    finish_lines(invalid, total)


def _probe(session: Any) -> None:
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from .models import MerchantApplication

    try:
        session.execute(select(MerchantApplication.id).limit(1)).all()
    except SQLAlchemyError:
        raise SetupError("the database is not reachable or not initialised (run `riskguard "
                                   "init`), so duplicates cannot be checked; pass --no-duplicates to "
                                   "skip that check") from None


def _emit(body: dict[str, Any]) -> None:
    click.echo(json_line(body))


@merchants.command("digest")
@click.pass_obj
def digest(settings: Settings) -> None:
    """Read one resident ID number per line on stdin; print its keyed digest for the policy's
    ``block_lists.legal_rep_id_digests`` (the number itself never goes into the policy file)."""
    from .. import cn_identifiers
    from ..ids import keyed_digest

    key = _services(settings, "keyring").keyring.secret("digest")
    for line in sys.stdin:
        if line.strip():
            click.echo(keyed_digest(key, cn_identifiers.normalize_id(line.strip())))
