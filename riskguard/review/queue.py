"""The review queue as reviewers read it: one query service for the API and the console.

A page is chosen by filters (:class:`QueueFilter`), a sort (oldest first, newest first, or most severe
first) and a keyset cursor that goes both ways: ``next`` and ``prev`` are opaque tokens holding the sort
key of the page's last or first row, so a page costs one indexed range scan however deep it is. Each row
carries what tells cases apart: the client's content id, a preview of the stored text around the first
highlight (the text is kept with personal data masked, see ``hooks``), the submitter's key name, the age
and the service level of ``policies/review.yaml``. Counts by state (and how many open cases are past their
service level) answer the same filters.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from ..auth import key_names, key_refs
from ..errors import BadRequest
from ..privacy.pii.fields import identifier_is_personal
from .models import CaseStatus, LabelType, ReviewCase, ReviewCaseLabel
from .policy import ReviewPolicy

__all__ = ["QueueFilter", "QueueRow", "QueuePage", "Preview", "ReviewQueue", "SORTS", "SEVERITIES",
           "masked_identifier"]

SEVERITIES = ("critical", "high", "medium", "low", "info")
SORTS = ("oldest", "newest", "severity")
# (column, ascending) in order; the case id last makes every key unique
_KEYS: dict[str, tuple[tuple[Any, bool], ...]] = {
    "oldest": ((ReviewCase.created_at, True), (ReviewCase.id, True)),
    "newest": ((ReviewCase.created_at, False), (ReviewCase.id, False)),
    "severity": ((ReviewCase.severity_rank, True), (ReviewCase.created_at, True), (ReviewCase.id, True)),
}
BEFORE, MATCH, AFTER = 16, 40, 48  # characters of preview around (and of) the first highlight


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = CaseStatus.OPEN  # None: open and decided
    kind: str | None = None
    category: str | None = None
    rule: str | None = None
    severity: str | None = None  # this severity or a more severe one
    submitter: str | None = None  # a key name or a ref ``key:<id>``
    content_id: str | None = None  # the client's id of the reviewed content (exact)
    since: datetime | None = None  # opened at or after
    until: datetime | None = None  # opened before


@dataclass(frozen=True)
class Preview:
    """A window of the stored (masked) text: ``before`` + ``match`` (the first highlight) + ``after``;
    ``clipped_start``/``clipped_end`` say that the text goes on beyond it."""

    before: str
    match: str
    after: str
    clipped_start: bool
    clipped_end: bool


@dataclass(frozen=True)
class QueueRow:
    case: ReviewCase
    content_id: str  # masked when it looks like personal data (a phone number sent as an id)
    preview: Preview | None
    submitter_name: str | None
    age: timedelta  # until it was decided, for a decided case
    sla_hours: float
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int  # cases matching the filter, over all pages
    counts: dict[str, int]  # open, decided (the filter but any state) and overdue (open ones)
    next: str | None
    prev: str | None


def _utc(moment: datetime) -> datetime:
    """SQLite hands timezone columns back naive; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def masked_identifier(value: str) -> str:
    """``value``, or, when it looks like personal data, with its digits but the last four and the local
    part of an e-mail address as ``*``."""
    if not identifier_is_personal(value):
        return value
    value = re.sub(r"[^@\s]+(?=@)", lambda m: m.group(0)[:1] + "*" * (len(m.group(0)) - 1), value)
    return re.sub(r"\d(?=(?:\D*\d){4})", "*", value)


def preview(content: str | None, findings: Sequence[dict[str, Any]]) -> Preview | None:
    """The stored text around its first highlight (the finding that starts first), or its beginning."""
    if not content:
        return None
    spans = sorted((f["start"], f["end"]) for f in findings
                   if not f.get("field") and isinstance(f.get("start"), int) and isinstance(f.get("end"), int)
                   and 0 <= f["start"] < f["end"] <= len(content))
    start, end = spans[0] if spans else (0, 0)
    end = min(end, start + MATCH)
    lo, hi = max(0, start - BEFORE), min(len(content), end + AFTER)
    return Preview(before=content[lo:start], match=content[start:end], after=content[end:hi],
                   clipped_start=lo > 0, clipped_end=hi < len(content))


def _encode(sort: str, direction: str, key: Sequence[Any]) -> str:
    values = [v.isoformat() if isinstance(v, datetime) else v for v in key]
    raw = json.dumps({"s": sort, "d": direction, "k": values}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str, sort: str) -> tuple[str, list[Any]]:
    """The direction and key of a cursor; 400 ``invalid_cursor`` for anything not made by :func:`_encode`
    for this sort."""
    bad = BadRequest("unknown cursor (take next or prev of a page with the same sort)", code="invalid_cursor",
                     field="cursor")
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        direction, values = data["d"], data["k"]
        if data["s"] != sort or direction not in ("next", "prev") or len(values) != len(_KEYS[sort]):
            raise bad
        key = [_utc(datetime.fromisoformat(v)) if col is ReviewCase.created_at else v
               for (col, _), v in zip(_KEYS[sort], values, strict=True)]
        if not all(isinstance(v, int if col is ReviewCase.severity_rank else (str, datetime))
                   for (col, _), v in zip(_KEYS[sort], key, strict=True)):
            raise bad
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise bad from None
    return direction, key


def _after(sort: str, key: Sequence[Any], forward: bool) -> ColumnElement[bool]:
    """Rows beyond ``key`` in the sort order (``forward``) or before it: the lexicographic keyset test."""
    ors = []
    for i, (col, asc) in enumerate(_KEYS[sort]):
        equal = [c == v for (c, _), v in zip(_KEYS[sort][:i], key[:i], strict=True)]
        ors.append(and_(*equal, col > key[i] if asc == forward else col < key[i]))
    return or_(*ors)


class ReviewQueue:
    def __init__(self, policy: ReviewPolicy) -> None:
        self.policy = policy

    def _where(self, session: Session, flt: QueueFilter) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if flt.kind:
            where.append(ReviewCase.kind == flt.kind)
        if flt.severity:
            where.append(ReviewCase.severity_rank <= SEVERITIES.index(flt.severity))
        if flt.content_id:
            where.append(ReviewCase.subject_id == flt.content_id)
        if flt.since:
            where.append(ReviewCase.created_at >= flt.since)
        if flt.until:
            where.append(ReviewCase.created_at < flt.until)
        if flt.submitter:
            refs = key_refs(session, flt.submitter)
            where.append(ReviewCase.submitted_by.in_(refs) if refs else false())
        for type_, value in ((LabelType.CATEGORY, flt.category), (LabelType.RULE, flt.rule)):
            if value:
                where.append(ReviewCase.id.in_(select(ReviewCaseLabel.case_id).where(
                    ReviewCaseLabel.type == type_, ReviewCaseLabel.value == value)))
        return where

    def _overdue(self, now: datetime) -> ColumnElement[bool]:
        """Open cases past their kind's service level."""
        listed = self.policy.sla_hours_by_kind
        per_kind = [and_(ReviewCase.kind == kind, ReviewCase.created_at < now - timedelta(hours=hours))
                    for kind, hours in listed.items()]
        default = and_(ReviewCase.kind.not_in(sorted(listed)) if listed else ReviewCase.kind.is_not(None),
                       ReviewCase.created_at < now - timedelta(hours=self.policy.default_sla_hours))
        return and_(ReviewCase.status == CaseStatus.OPEN, or_(*per_kind, default))

    def _counts(self, session: Session, where: list[ColumnElement[bool]], now: datetime) -> dict[str, int]:
        """Cases matching ``where`` (the filter but its state) in each state, and the overdue ones."""
        by_status: dict[str, int] = dict(session.execute(
            select(ReviewCase.status, func.count()).where(*where)
                                         .group_by(ReviewCase.status)).all())
        overdue = session.execute(select(func.count()).where(*where, self._overdue(now))).scalar_one()
        return {"open": by_status.get(CaseStatus.OPEN, 0), "decided": by_status.get(CaseStatus.DECIDED, 0),
                "overdue": overdue}

    def page(self, session: Session, flt: QueueFilter, *, sort: str = "oldest", limit: int = 50,
             cursor: str | None = None, now: datetime | None = None) -> QueuePage:
        if sort not in SORTS:
            raise BadRequest(f"sort must be one of {', '.join(SORTS)}", code="validation_error", field="sort")
        now = _utc(now or datetime.now(UTC))
        direction, key = _decode(cursor, sort) if cursor else ("next", None)
        forward = direction == "next"
        where = self._where(session, flt)
        query = select(ReviewCase).where(*where, *([ReviewCase.status == flt.status] if flt.status else []))
        if key is not None:
            query = query.where(_after(sort, key, forward))
        query = query.order_by(*[col.asc() if asc == forward else col.desc() for col, asc in _KEYS[sort]])
        found = list(session.execute(query.limit(limit + 1)).scalars())
        more = len(found) > limit
        cases = found[:limit] if forward else list(reversed(found[:limit]))
        counts = self._counts(session, where, now)
        total = counts[flt.status] if flt.status else counts["open"] + counts["decided"]
        names = key_names(session, {c.submitted_by for c in cases})
        rows = [self._row(c, names.get(c.submitted_by), now) for c in cases]
        # going forward there is a previous page whenever we came by a cursor; going back, a next one
        has_next, has_prev = (more, key is not None) if forward else (True, more)
        return QueuePage(
            rows=rows, total=total, counts=counts,
            next=_encode(sort, "next", self._key(sort, cases[-1])) if cases and has_next else None,
            prev=_encode(sort, "prev", self._key(sort, cases[0])) if cases and has_prev else None)

    @staticmethod
    def _key(sort: str, case: ReviewCase) -> list[Any]:
        return [_utc(getattr(case, col.key)) if col is ReviewCase.created_at else getattr(case, col.key)
                for col, _ in _KEYS[sort]]

    def due_at(self, case: ReviewCase) -> datetime:
        return _utc(case.created_at) + timedelta(hours=self.policy.sla_hours(case.kind))

    def _row(self, case: ReviewCase, submitter_name: str | None, now: datetime) -> QueueRow:
        created = _utc(case.created_at)
        hours = self.policy.sla_hours(case.kind)
        due = self.due_at(case)
        end = _utc(case.decided_at) if case.decided_at else now
        return QueueRow(case=case, content_id=masked_identifier(case.subject_id),
                        preview=preview(case.content, case.findings), submitter_name=submitter_name,
                        age=end - created, sla_hours=hours, due_at=due,
                        overdue=case.status == CaseStatus.OPEN and now > due)
