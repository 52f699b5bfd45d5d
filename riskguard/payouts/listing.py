"""Listing batches for the approver's queue and for auditors: filters and keyset (cursor) pagination.

Newest first, ordered by ``(created_at, id)``: a cursor names the last batch of a page, and the next
page is the batches strictly before it in that order. Unlike an offset, a page stays right while new
batches arrive, and its cost does not grow with how far the reader has paged.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ..errors import BadRequest
from .models import PayoutBatch

__all__ = ["BatchFilter", "encode_cursor", "decode_cursor", "list_batches"]

_CURSOR = re.compile(r"^b:(\d{1,16}):(pb_[0-9a-f]{32})$")
_DECISIONS = ("allow", "review", "block")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class BatchFilter:
    status: str | None = None
    submitted_by: str | None = None  # the preparer's actor ref (``key:<id>``)
    since: datetime | None = None    # created at or after (aware)
    until: datetime | None = None    # created before (aware)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def encode_cursor(created_at: datetime, batch_id: str) -> str:
    micros = (_utc(created_at) - _EPOCH) // timedelta(microseconds=1)  # exact: no float on the way
    return base64.urlsafe_b64encode(f"b:{micros}:{batch_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The ``(created_at, id)`` a cursor names; a 400 naming ``cursor`` for anything this API did not issue."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        text = ""
    match = _CURSOR.match(text)
    if not match:
        raise BadRequest("cursor is not one this API issued", code="bad_cursor", field="cursor")
    return _EPOCH + timedelta(microseconds=int(match.group(1))), match.group(2)


def _totals(summary: dict[str, Any]) -> dict[str, dict[str, int]]:
    counts = summary.get("decisions") or {}
    amounts = summary.get("amount_fen") or {}
    return {d: {"count": int(counts.get(d) or 0), "amount_fen": int(amounts.get(d) or 0)} for d in _DECISIONS}


def list_batches(session: Session, flt: BatchFilter, *, cursor: str | None, limit: int) -> dict[str, Any]:
    """One page of batches (newest first) and the cursor of the next page, or None on the last."""
    query = select(PayoutBatch.id, PayoutBatch.status, PayoutBatch.preparer, PayoutBatch.created_at,
                   PayoutBatch.as_of, PayoutBatch.row_count, PayoutBatch.summary, PayoutBatch.policy_revision,
                   PayoutBatch.approved_by, PayoutBatch.approved_at)
    if flt.status:
        query = query.where(PayoutBatch.status == flt.status)
    if flt.submitted_by:
        query = query.where(PayoutBatch.preparer == flt.submitted_by)
    if flt.since:
        query = query.where(PayoutBatch.created_at >= _utc(flt.since))
    if flt.until:
        query = query.where(PayoutBatch.created_at < _utc(flt.until))
    if cursor:
        at, batch_id = decode_cursor(cursor)
        # A row-value comparison: both SQLite and PostgreSQL walk the (created_at, id) index with it.
        query = query.where(tuple_(PayoutBatch.created_at, PayoutBatch.id) < tuple_(at, batch_id))
    rows = session.execute(query.order_by(PayoutBatch.created_at.desc(), PayoutBatch.id.desc())
                           .limit(limit + 1)).all()
    page = rows[:limit]
    batches = [{"batch_id": r.id, "status": r.status, "preparer": r.preparer, "created_at": _utc(r.created_at),
                "as_of": _utc(r.as_of) if r.as_of else None, "rows": r.row_count,
                "policy_revision": r.policy_revision, "totals": _totals(r.summary or {}),
                "approved_by": r.approved_by, "approved_at": _utc(r.approved_at) if r.approved_at else None}
               for r in page]
    nxt = encode_cursor(page[-1].created_at, page[-1].id) if len(rows) > limit else None
    return {"batches": batches, "next_cursor": nxt, "limit": limit}
