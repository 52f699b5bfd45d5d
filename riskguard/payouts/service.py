"""The payout service: check and store a batch in one transaction, read it back, and load history.

Approval (maker-checker) lives in :mod:`.approvals`. Every stored decision commits together with its
audit entry; if the entry cannot be written nothing is stored and the caller answers 503.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import structlog
from sqlalchemy import Float, String, case, cast, func, insert, select, type_coerce
from sqlalchemy.orm import Session

from ..audit import Action, AuditEvent, AuditLog, AuditTransaction
from ..auth import Actor
from ..db import Database
from ..errors import ApiError, BadRequest, NotFound
from ..ids import keyed_digest, new_id, utcnow
from ..keyring import Keyring
from .batch import BatchReadError, read_batch
from .checks import HISTORY_COLUMNS, BatchResult, check_batch, empty_history
from .listing import BatchFilter, list_batches
from .models import TEXT_LIMIT, PayoutBatch, PayoutItem, PayoutOverride
from .policy import PayoutPolicy

__all__ = ["PayoutService", "read_error"]

log = structlog.get_logger("riskguard.payouts")
HISTORY_STATUSES = ("pending", "approved")  # held and excluded payouts never moved money
_TEXT = ("payout_id", "payee_id", "payee_type", "currency", "bank_account_token", "bank_account_changed_by",
         "upline_payee_id", "created_by")


def read_error(exc: BatchReadError) -> ApiError:
    return BadRequest(exc.message, code=exc.code, status=exc.status)


def _text(series: pd.Series) -> list[str | None]:
    return [v if v is None or len(v) <= TEXT_LIMIT else v[:TEXT_LIMIT] for v in series.tolist()]


def _times(series: pd.Series) -> list[datetime | None]:
    return [None if pd.isna(v) else v.to_pydatetime() for v in series.tolist()]


@dataclass
class PayoutService:
    db: Database
    policy: PayoutPolicy
    keyring: Keyring
    audit: AuditLog

    # -- history ----------------------------------------------------------------------------------
    def load_history(self, session: Session, as_of: pd.Timestamp) -> pd.DataFrame:
        """Stored payouts of earlier batches paid up to ``as_of`` (the same day included: a resubmitted
        batch is caught) within the policy's history window, as a history frame.

        Times are fetched untyped and parsed by pandas in one pass: per-value conversion by the ORM
        dominated the cost for hundreds of thousands of rows."""
        since = (as_of - pd.Timedelta(days=float(self.policy.statistics["history_days"]))).to_pydatetime()
        text_cols = (PayoutItem.payout_id, PayoutItem.payee_id, PayoutItem.payee_type,
                     PayoutItem.bank_account_token, PayoutItem.upline_payee_id)
        time_cols = (PayoutItem.period_start, PayoutItem.period_end, PayoutItem.paid_at)
        sqlite = self.db.is_sqlite  # SQLite: ISO text; PostgreSQL: epoch seconds (no per-row tz objects)
        times = [type_coerce(c, String) if sqlite else cast(func.extract("epoch", c), Float) for c in time_cols]
        query = select(*text_cols, PayoutItem.amount_fen, *times).where(
            PayoutItem.paid_at >= since, PayoutItem.paid_at <= as_of.to_pydatetime(),
            PayoutItem.status.in_(HISTORY_STATUSES))
        rows = session.connection().execute(query).fetchall()  # Core rows: no ORM loading layer
        if not rows:
            return empty_history()
        columns = list(zip(*rows, strict=True))
        frame = pd.DataFrame({c.key: pd.Series(columns[i], dtype=object) for i, c in enumerate(text_cols)})
        frame["amount_fen"] = pd.to_numeric(pd.Series(columns[len(text_cols)], dtype=object)).astype("float64")
        for i, c in enumerate(time_cols):
            values = columns[len(text_cols) + 1 + i]
            parsed = (pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601", cache=False)
                      if sqlite else pd.to_datetime(pd.Series(values, dtype="float64").round(6), unit="s", utc=True))
            frame[c.key] = parsed.astype("datetime64[us, UTC]")
        return frame.loc[:, list(HISTORY_COLUMNS)]

    # -- submit -----------------------------------------------------------------------------------
    def check(self, data: bytes, *, fmt: str | None, as_of: pd.Timestamp,
              history: pd.DataFrame | None = None, parsed: Any = None) -> BatchResult:
        """``parsed``: ``data`` already read as strict JSON (the API's input layer did), if it was."""
        try:
            raw = read_batch(data, fmt=fmt, max_rows=self.policy.max_rows, parsed=parsed)
        except BatchReadError as exc:
            raise read_error(exc) from None
        if history is None:
            with self.db.sessions() as session:
                history = self.load_history(session, as_of)
        return check_batch(raw, history, self.policy, as_of)

    def submit(self, data: bytes, *, fmt: str | None, actor: Actor, as_of: pd.Timestamp | None = None,
               parsed: Any = None) -> dict[str, Any]:
        as_of = pd.Timestamp(utcnow()) if as_of is None else as_of
        result = self.check(data, fmt=fmt, as_of=as_of, parsed=parsed)
        batch_id = new_id("pb")
        digest = keyed_digest(self.keyring.secret("digest"), data)
        with self.audit.transaction() as tx:  # the batch commits with its audit entry, or nothing does
            self._store(tx, batch_id, result, actor, as_of, digest)
        log.info("payouts.batch_checked", batch_id=batch_id, rows=result.summary["rows"],
                 decisions=result.summary["decisions"], seconds=result.timings.get("total"))
        return self._response(batch_id, "checked", actor.ref, result.data_quality, result.summary,
                              result.payouts())

    def _store(self, tx: AuditTransaction, batch_id: str, result: BatchResult, actor: Actor,
               as_of: pd.Timestamp, digest: str) -> None:
        session = tx.session
        now = utcnow()
        batch = PayoutBatch(id=batch_id, status="checked", preparer=actor.ref,
                            policy_revision=self.policy.revision, as_of=as_of.to_pydatetime(),
                            row_count=len(result.frame), input_digest=digest,
                            data_quality=result.data_quality, summary=result.summary, created_at=now)
        session.add(batch)
        session.flush()
        f = result.frame
        amount = f["amount_fen__v"].to_numpy()
        amounts = [None if np.isnan(a) or a > 9e15 else int(a) for a in amount.tolist()]
        columns = {name: _text(f[name]) for name in _TEXT}
        starts, ends = _times(f["period_start__ts"]), _times(f["period_end__ts"])
        paid_at = as_of.to_pydatetime()
        decisions = result.decisions.tolist()
        rows = [{"batch_id": batch_id, "row": i + 1, **{k: v[i] for k, v in columns.items()},
                 "amount_fen": amounts[i], "period_start": starts[i], "period_end": ends[i],
                 "paid_at": paid_at, "decision": decisions[i], "findings": result.findings[i],
                 "status": "held" if decisions[i] == "block" else "pending"}
                for i in range(len(f))]
        for start in range(0, len(rows), 5000):
            session.execute(insert(PayoutItem), rows[start:start + 5000])
        entry = tx.record(AuditEvent(
            action=Action.PAYOUT_BATCH_CHECKED, actor=actor.ref, subject_type="payout_batch",
            subject_id=batch_id, decision=_batch_decision(result.summary["decisions"]),
            rule_ids=sorted(result.summary["findings_by_check"]), policy_revision=self.policy.revision,
            input_digest=digest,
            details={"preparer": actor.ref, "rows": len(f), "decisions": result.summary["decisions"],
                     "amount_fen": result.summary["amount_fen"], "as_of": as_of.isoformat(),
                     "data_quality_success": result.data_quality["success"],
                     "findings_by_check": result.summary["findings_by_check"]}))
        batch.checked_entry = entry.entry_id

    # -- read -------------------------------------------------------------------------------------
    def get(self, batch_id: str, *, decision: str | tuple[str, ...] | None = None, offset: int = 0,
            limit: int | None = None) -> dict[str, Any]:
        """The batch with its payouts (those of ``decision``, one or several, if given) from ``offset``,
        and what its approval did (``outcome``)."""
        with self.db.sessions() as session:
            batch = session.get(PayoutBatch, batch_id)
            if batch is None:
                raise NotFound("no such payout batch", code="batch_not_found")
            query = (select(PayoutItem.row, PayoutItem.payout_id, PayoutItem.payee_id, PayoutItem.payee_type,
                            PayoutItem.amount_fen,
                            PayoutItem.currency, PayoutItem.decision, PayoutItem.status, PayoutItem.findings,
                            PayoutOverride.reason, PayoutOverride.actor, PayoutOverride.created_at,
                            PayoutOverride.audit_entry)
                     .outerjoin(PayoutOverride, PayoutOverride.item_id == PayoutItem.id)
                     .where(PayoutItem.batch_id == batch_id))
            if decision:
                query = query.where(PayoutItem.decision.in_((decision,) if isinstance(decision, str) else decision))
            total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            query = query.order_by(PayoutItem.row).offset(offset)
            if limit is not None:
                query = query.limit(limit)
            payouts = [{"row": r.row, "payout_id": r.payout_id, "payee_id": r.payee_id, "payee_type": r.payee_type,
                        "amount_fen": r.amount_fen,
                        "currency": r.currency, "decision": r.decision, "status": r.status, "findings": r.findings,
                        "override": None if r.actor is None else {
                            "decision": "allow", "reason": r.reason, "by": r.actor,
                            "at": r.created_at.isoformat(), "audit_entry": r.audit_entry}}
                       for r in session.execute(query)]
            outcome = _outcome(session, batch_id)
        body = self._response(batch.id, batch.status, batch.preparer, batch.data_quality, batch.summary,
                              payouts)
        body.update({"as_of": batch.as_of.isoformat() if batch.as_of else None,
                     "created_at": batch.created_at.isoformat(), "approved_by": batch.approved_by,
                     "approved_at": batch.approved_at.isoformat() if batch.approved_at else None,
                     "approval_entry": batch.approval_entry,
                     "payouts_total": total, "offset": offset, "outcome": outcome})
        return body

    def batches(self, flt: BatchFilter, *, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
        """A page of batches, newest first (:mod:`.listing`); the API and the console both read this."""
        with self.db.sessions() as session:
            return list_batches(session, flt, cursor=cursor, limit=limit)

    @staticmethod
    def _response(batch_id: str, status: str, preparer: str, data_quality: dict[str, Any],
                  summary: dict[str, Any], payouts: list[dict[str, Any]]) -> dict[str, Any]:
        return {"batch_id": batch_id, "status": status, "preparer": preparer, "data_quality": data_quality,
                "summary": summary, "payouts": payouts}


def _outcome(session: Session, batch_id: str) -> dict[str, dict[str, int]]:
    """Counts and amounts: ``held`` by the checks (block or review), of those ``released`` by the
    approver, ``excluded`` from the batch, and ``paid`` (approved; zero until the batch is)."""
    released = case((PayoutOverride.id.is_(None), 0), else_=1).label("released")
    rows = session.execute(
        select(PayoutItem.status, PayoutItem.decision, released, func.count(),
               func.coalesce(func.sum(PayoutItem.amount_fen), 0))
        .outerjoin(PayoutOverride, PayoutOverride.item_id == PayoutItem.id)
        .where(PayoutItem.batch_id == batch_id).group_by(PayoutItem.status, PayoutItem.decision, released)).all()
    out = {k: {"count": 0, "amount_fen": 0} for k in ("paid", "held", "released", "excluded")}
    for status, decision, was_released, count, amount in rows:
        kinds = (["paid"] if status == "approved" else ["excluded"] if status == "excluded" else [])
        if decision in ("block", "review"):
            kinds += ["held", "released"] if was_released else ["held"]
        for kind in kinds:
            out[kind]["count"] += int(count)
            out[kind]["amount_fen"] += int(amount)
    return out


def _batch_decision(counts: dict[str, int]) -> str:
    return "block" if counts.get("block") else "review" if counts.get("review") else "allow"
