"""``riskguard merchants``: a dry-run review of applications in bulk, and block-list digests."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

import click
from marshmallow import ValidationError

from .. import strictjson
from ..cli_io import finish_lines, json_line, progress, progress_option
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
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Evaluation date (YYYY-MM-DD); default today in the policy's time zone.")
@click.option("--no-duplicates", is_flag=True,
              help="Skip the duplicate search against stored applications (no database needed); "
                   "duplicates among the input's own lines are still reported.")
@progress_option
@click.pass_obj
def review(settings: Settings, source: TextIO, as_of: Any, no_duplicates: bool,
           show_progress: bool | None) -> None:
    """Check JSON-lines applications from SOURCE (default stdin) and write {id, decision, findings}
    per line to stdout. Duplicates are sought among stored applications (read-only) and the earlier
    lines. Nothing is stored or audited. Exit 1 if any line was invalid."""
    from ..errors import validation_error
    from ..privacy.vault import use_vault
    from .checks import BatchLookup
    from .schemas import ApplicationSchema

    rg = _services(settings, "keyring", "onboarding", "rulebook")
    schema = ApplicationSchema()
    invalid = total = 0
    with use_vault(rg.vault), progress(show_progress, length=None, label="review") as advance:
        service, rulebook = rg.onboarding, rg.rulebook
        day: date = as_of.date() if as_of else service.today()
        digest_key = rg.keyring.secret("digest")
        session = None if no_duplicates else rg.db.sessions()
        if session is not None:
            _probe(session)
        try:
            lookup = BatchLookup(service.duplicate_lookup(session) if session is not None else None)
            for number, line in enumerate(source, start=1):
                advance(1)
                if not line.strip():
                    continue
                total += 1
                try:
                    raw = strictjson.loads(line)  # the API's input rules, line by line
                    if not isinstance(raw, dict):
                        raise ValueError
                    application = schema.load(raw)
                except (ValueError, ValidationError) as exc:
                    invalid += 1
                    error = (validation_error(exc).to_dict()["error"] if isinstance(exc, ValidationError)
                             else exc.to_error() if isinstance(exc, strictjson.UnsafeJson)
                             else {"code": "malformed_json", "message": "line is not a JSON object"})
                    ident = raw.get("id") if isinstance(exc, ValidationError) and isinstance(raw, dict) \
                        and isinstance(raw.get("id"), str) else None
                    _emit({"line": number, "id": ident, "error": error})
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
    from .. import identifiers
    from ..ids import keyed_digest

    key = _services(settings, "keyring").keyring.secret("digest")
    for line in sys.stdin:
        if line.strip():
            click.echo(keyed_digest(key, identifiers.normalize_id(line.strip())))
