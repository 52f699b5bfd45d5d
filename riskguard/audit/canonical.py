"""The canonical entry (format ``v: 1``, see ``audit/FORMAT.md``): the exact bytes that become a leaf.

JSON, UTF-8, object keys sorted, no insignificant whitespace, no NaN or infinities. The bytes are stored
as written and are never re-serialised for verification, so a reader only needs SHA-256 and the bytes.
Personal data stays out: in the free-text fields (``reason`` and ``details``) strings that look like
resident ID, mobile or card numbers or e-mail addresses are refused (the caller's transaction then fails
closed); identifiers that look so (``subject.id``, ``links``) are recorded as keyed digests by
:meth:`riskguard.audit.AuditLog.identifier` before they get here (docs/audit.md, per field).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from ..errors import BadRequest
from .events import AuditEvent

__all__ = ["FORMAT_VERSION", "PersonalDataError", "canonical_entry", "format_time", "dumps", "looks_personal"]

FORMAT_VERSION = 1

_ID_OR_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|(?:\+?86[- ]?)?1[3-9]\d{9}|\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4,7})"
    r"(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_EXEMPT = re.compile(r"^(?:[a-z]+_[0-9a-f]+|hmac-sha256:[0-9a-f]{64}|sha256:[0-9a-f]{64})$")


class PersonalDataError(BadRequest, ValueError):
    """An audit event carried free text that looks like raw personal data: nothing is recorded, and a
    request that carried it is answered 400 ``personal_data`` naming the entry's field."""

    def __init__(self, path: str) -> None:
        super().__init__(f"audit field {path} looks like personal data; nothing was recorded",
                         code="personal_data", field=path)


def looks_personal(value: str) -> bool:
    """Whether a string looks like a resident ID, mobile or card number or an e-mail address (digests and
    ``prefix_hex`` ids never do). Deliberately wide: it is the last guard before the log."""
    return not _EXEMPT.match(value) and bool(_ID_OR_NUMBER.search(value) or _EMAIL.search(value))


def format_time(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds and ``Z``: the one time format of entries and exports.

    A naive datetime is taken to be UTC already (the service only stores aware UTC times).
    """
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return value.hex
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"audit entries cannot hold {type(value).__name__}")


def dumps(body: Any) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
                      default=_default).encode("utf-8")


def _check_personal_data(value: Any, path: str) -> None:
    if isinstance(value, str):
        if looks_personal(value):
            raise PersonalDataError(path)
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            _check_personal_data(inner, f"{path}.{key}")
    elif isinstance(value, list | tuple | set | frozenset):
        for i, inner in enumerate(value):
            _check_personal_data(inner, f"{path}[{i}]")


def canonical_entry(event: AuditEvent, entry_id: str, created_at: datetime) -> bytes:
    body = {
        "v": FORMAT_VERSION,
        "id": entry_id,
        "time": format_time(created_at),
        "action": str(event.action),
        "actor": event.actor,
        "subject": {"type": event.subject_type, "id": event.subject_id},
        "decision": event.decision,
        "rule_ids": sorted(str(r) for r in event.rule_ids),
        "policy_revision": event.policy_revision,
        "input_digest": event.input_digest,
        "reason": event.reason,
        "links": {str(k): v for k, v in event.links.items()},
        "details": dict(event.details),
    }
    for key in ("reason", "details", "subject", "links"):  # identifiers were digested if they looked so
        _check_personal_data(body[key], key)
    return dumps(body)
