"""What the audit pages share: the audit log service, recording an auditor's reads exactly as the
auditors' API does (before the answer is shown; ``AuditUnavailable``, a 503, if the record cannot be
written), and filters. Reading itself is ``riskguard.audit.reads``, shared with the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request

from ...audit import Action, AuditLog
from ...audit.reads import integrated
from ...http import services
from .._session import signed_in_actor

__all__ = ["audit_log", "integrate", "record_read", "read_filter", "FILTER_FIELDS"]

FILTER_FIELDS = ("actor", "action", "subject_id", "decision", "since", "until")


def audit_log() -> AuditLog:
    return services().audit


def integrate() -> None:
    integrated(audit_log())


def record_read(action: Action, what: str, details: dict[str, Any]) -> None:
    """Record the auditor's read (fail closed); a value that looks like personal data keeps only its digest."""
    actor = signed_in_actor()
    assert actor is not None  # pages that read the log are guarded
    audit_log().record_access(actor.ref, action, what, details, tags={"via": "console"})


def _when(text: str) -> datetime | None:
    """``2026-11-26T10:00`` (a datetime-local input, taken as UTC) or a date; None when empty."""
    text = text.strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def read_filter() -> tuple[Any, dict[str, str], dict[str, str]]:
    """The ``EntryFilter`` from the query string, the raw form values, and errors by field."""
    from ...audit.query import EntryFilter

    raw = {k: (request.args.get(k) or "").strip()[:128] for k in FILTER_FIELDS}
    errors: dict[str, str] = {}
    times: dict[str, datetime | None] = {}
    for key in ("since", "until"):
        try:
            times[key] = _when(raw[key])
        except ValueError:
            errors[key] = "invalid"
            times[key] = None
    flt = EntryFilter(actor=raw["actor"] or None, action=raw["action"] or None,
                      subject_id=raw["subject_id"] or None, decision=raw["decision"] or None,
                      since=times["since"], until=times["until"])
    return flt, raw, errors
