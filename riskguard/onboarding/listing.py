"""The applications one key submitted, newest first, in keyset pages both ways (the API's list and the
console's): what tells them apart and where each stands, never a personal field.

``next`` and ``prev`` are opaque tokens holding the (created_at, id) of a page's last or first row, so a
page costs one indexed range scan however deep it is.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..errors import BadRequest
from .models import MerchantApplication

__all__ = ["ApplicationSummary", "ApplicationPage", "list_submitted", "application_status"]

_COLUMNS = (MerchantApplication.id, MerchantApplication.business_name, MerchantApplication.store_name,
            MerchantApplication.categories, MerchantApplication.decision, MerchantApplication.final_decision,
            MerchantApplication.review_case_id, MerchantApplication.created_at,
            MerchantApplication.final_decided_at)


@dataclass(frozen=True)
class ApplicationSummary:
    id: str
    business_name: str
    store_name: str  # stored with personal data masked
    categories: list[str]
    decision: str  # the automated one
    final_decision: str | None  # None while a reviewer has not decided
    status: str  # decided | in_review
    review_case_id: str | None
    created_at: datetime
    final_decided_at: datetime | None


@dataclass(frozen=True)
class ApplicationPage:
    rows: list[ApplicationSummary]
    total: int  # the key's applications over all pages
    next: str | None
    prev: str | None


def application_status(final_decision: str | None) -> str:
    """``decided`` once there is a final decision (automated allow/block, or the reviewer's), else
    ``in_review``."""
    return "in_review" if final_decision is None else "decided"


def _utc(moment: datetime) -> datetime:
    """SQLite hands timezone columns back naive; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _encode(direction: str, created_at: datetime, app_id: str) -> str:
    raw = json.dumps({"d": direction, "t": _utc(created_at).isoformat(), "i": app_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(token: str) -> tuple[bool, datetime, str]:
    """(forward, created_at, id) of a cursor; 400 ``invalid_cursor`` for anything :func:`_encode` did not
    make."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        direction, moment, app_id = data["d"], _utc(datetime.fromisoformat(data["t"])), data["i"]
        if direction not in ("next", "prev") or not isinstance(app_id, str):
            raise ValueError(direction)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BadRequest("unknown cursor (take next or prev of a page of this list)", code="invalid_cursor",
                         field="cursor") from None
    return direction == "next", moment, app_id


def list_submitted(session: Session, submitted_by: str, *, limit: int = 50,
                   cursor: str | None = None) -> ApplicationPage:
    """One page of the applications ``submitted_by`` (a key ref) submitted, newest first."""
    mine = MerchantApplication.submitted_by == submitted_by
    created, ident = MerchantApplication.created_at, MerchantApplication.id
    query = select(*_COLUMNS).where(mine)
    forward, key = True, None
    if cursor:
        forward, moment, app_id = _decode(cursor)
        key = (moment, app_id)
        # newest first: going forward means older rows; going back, newer ones
        query = query.where(or_(created < moment, and_(created == moment, ident < app_id)) if forward
                            else or_(created > moment, and_(created == moment, ident > app_id)))
    order = (created.desc(), ident.desc()) if forward else (created.asc(), ident.asc())
    found = session.execute(query.order_by(*order).limit(limit + 1)).all()
    more = len(found) > limit
    rows = found[:limit] if forward else list(reversed(found[:limit]))
    total = session.scalar(select(func.count()).select_from(MerchantApplication).where(mine)) or 0
    summaries = [_summary(r) for r in rows]
    has_next, has_prev = (more, key is not None) if forward else (True, more)
    return ApplicationPage(
        rows=summaries, total=int(total),
        next=_encode("next", summaries[-1].created_at, summaries[-1].id) if summaries and has_next else None,
        prev=_encode("prev", summaries[0].created_at, summaries[0].id) if summaries and has_prev else None)


def _summary(row: Any) -> ApplicationSummary:
    return ApplicationSummary(
        id=row.id, business_name=row.business_name, store_name=row.store_name, categories=list(row.categories),
        decision=row.decision, final_decision=row.final_decision,
        status=application_status(row.final_decision), review_case_id=row.review_case_id,
        created_at=_utc(row.created_at),
        final_decided_at=_utc(row.final_decided_at) if row.final_decided_at else None)
