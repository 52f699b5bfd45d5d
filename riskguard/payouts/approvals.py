"""Maker-checker approval of a checked batch.

Refused unless: the approver's key is not the preparer's key; no payout left in the batch was created
by the approver (``created_by``) or is to a payee whose bank details the approver changed
(``bank_account_changed_by``); and every held payout is excluded or released (overridden) with a reason:
first the blocked ones, then those the checks sent for review, which the approver must have looked at
too rather than approve with the rest unseen. The
approval entry and each override entry are linked in the audit trail, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import select, update

from ..audit import Action, AuditEvent, AuditLog, AuditTransaction
from ..auth import Actor
from ..db import Database
from ..errors import BadRequest, Conflict, Forbidden, NotFound
from ..ids import keyed_digest, utcnow
from ..keyring import Keyring
from ..privacy.pii.fields import refuse_personal_data
from ..transitions import transition
from .models import PayoutBatch, PayoutItem, PayoutOverride

__all__ = ["ApprovalService", "identities"]

log = structlog.get_logger("riskguard.payouts")
_SHOW = 20  # payout ids named in a refusal
_HELD = (("block", "blocked payouts must be excluded or overridden with a reason", "blocked_payouts_unresolved"),
         ("review", "payouts for review must be excluded or released with a reason", "review_payouts_unresolved"))
_LINKED = 1000  # overrides listed (with their findings) in the approval entry; all are linked by entry id


def automated_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the audit trail keeps of a payout's findings: the check, its severity and column; never
    the values compared (payee data)."""
    return [{k: f[k] for k in ("check", "severity", "column") if f.get(k) is not None} for f in findings]


def identities(actor: Actor) -> frozenset[str]:
    """The names under which an API key's holder may appear in ``created_by`` / ``bank_account_changed_by``."""
    return frozenset(s.strip().casefold() for s in (actor.ref, actor.key_id, actor.name) if s and s.strip())


def _chunks(values: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass
class ApprovalService:
    db: Database
    keyring: Keyring
    audit: AuditLog

    def approve(self, batch_id: str, actor: Actor, *, exclude: list[str], overrides: list[dict[str, str]],
                exclude_rows: list[int] | None = None) -> dict[str, Any]:
        for i, spec in enumerate(overrides):  # reasons are shown to auditors and approvers: no personal data
            refuse_personal_data(spec["reason"], field=f"overrides.{i}.reason")
        with self.audit.transaction() as tx:  # the approval commits with its audit entries, or nothing does
            return self._approve(tx, batch_id, actor, exclude, list(exclude_rows or []), overrides)

    def _approve(self, tx: AuditTransaction, batch_id: str, actor: Actor, exclude: list[str],
                 exclude_rows: list[int], overrides: list[dict[str, str]]) -> dict[str, Any]:
        session = tx.session
        batch = session.execute(select(PayoutBatch).where(PayoutBatch.id == batch_id)).scalar_one_or_none()
        if batch is None:
            raise NotFound("no such payout batch", code="batch_not_found")
        if batch.status != "checked":
            raise Conflict(f"batch is {batch.status}", code="batch_not_pending")
        if batch.preparer == actor.ref:
            raise Forbidden("the preparer of a batch may not approve it", code="approver_is_preparer")
        now = utcnow()
        # The claim comes first: of approvers racing on one batch exactly one gets past it; a refusal
        # below rolls it back with everything else.
        transition(session, PayoutBatch, PayoutBatch.id == batch_id, PayoutBatch.status == "checked",
                   values={"status": "approved", "approved_by": actor.ref, "approved_at": now},
                   conflict=Conflict("batch is no longer checked", code="batch_not_pending"))
        items = session.execute(select(PayoutItem.id, PayoutItem.row, PayoutItem.payout_id, PayoutItem.decision,
                                       PayoutItem.created_by, PayoutItem.bank_account_changed_by,
                                       PayoutItem.amount_fen, PayoutItem.findings)
                                .where(PayoutItem.batch_id == batch_id)).all()
        by_id: dict[str, list[Any]] = {}
        for item in items:
            if item.payout_id is not None:
                by_id.setdefault(item.payout_id, []).append(item)
        override_ids = [o["payout_id"] for o in overrides]
        unknown = sorted({p for p in [*exclude, *override_ids] if p not in by_id})
        if unknown:
            raise BadRequest("unknown payout ids", code="unknown_payout", details={"payout_ids": unknown[:_SHOW]})
        both = sorted(set(exclude) & set(override_ids))
        if both or len(set(override_ids)) != len(override_ids):
            raise BadRequest("a payout is excluded and overridden, or overridden twice", code="conflicting_actions",
                             details={"payout_ids": (both or override_ids)[:_SHOW]})
        bad_rows = sorted(r for r in set(exclude_rows) if not 1 <= r <= len(items))
        if bad_rows:
            raise BadRequest("rows outside the batch", code="unknown_row", details={"rows": bad_rows[:_SHOW]})
        excluded_rows = {i.row for p in exclude for i in by_id[p]} | set(exclude_rows)
        if overridden_clash := sorted({i.row for p in override_ids for i in by_id[p]} & excluded_rows):
            raise BadRequest("a payout is excluded and overridden", code="conflicting_actions",
                             details={"rows": overridden_clash[:_SHOW]})
        for pid in override_ids:
            if len(by_id[pid]) > 1:
                raise Conflict("payout id occurs on several rows; exclude it instead", code="ambiguous_payout_id",
                               details={"payout_id": pid})
            if by_id[pid][0].decision == "allow":
                raise BadRequest("payout was allowed; there is nothing to override", code="nothing_to_override",
                                 details={"payout_id": pid})
        overridden_rows = {by_id[pid][0].row for pid in override_ids}
        me = identities(actor)
        kept = [i for i in items if i.row not in excluded_rows]
        self._refuse_if(kept, lambda i: (i.created_by or "").strip().casefold() in me,
                        "the approver created payouts in this batch; exclude them or ask another approver",
                        "approver_created_payouts")
        self._refuse_if(kept, lambda i: (i.bank_account_changed_by or "").strip().casefold() in me,
                        "the approver changed the bank details of payees in this batch", "approver_changed_bank_details")
        for decision, message, code in _HELD:
            unresolved = [i for i in kept if i.decision == decision and i.row not in overridden_rows]
            if unresolved:
                raise Conflict(message, code=code, details={
                    "count": len(unresolved),
                    "rows": [{"row": i.row, "payout_id": i.payout_id} for i in unresolved[:_SHOW]]})
        checked = batch.checked_entry or ""
        override_entries = []
        linked = []  # each override with the automated decision and findings it overrides
        for spec in overrides:
            item = by_id[spec["payout_id"]][0]
            row = PayoutOverride(batch_id=batch_id, item_id=item.id, payout_id=item.payout_id,
                                 original_decision=item.decision, reason=spec["reason"], actor=actor.ref,
                                 created_at=now)
            session.add(row)
            session.flush()
            found = automated_findings(item.findings)
            entry = tx.record(AuditEvent(
                action=Action.PAYOUT_OVERRIDDEN, actor=actor.ref, subject_type="payout",
                subject_id=f"{batch_id}#{item.row}", decision="allow", reason=spec["reason"],
                rule_ids=sorted({f["check"] for f in found}),
                policy_revision=batch.policy_revision,
                links={"batch": batch_id, "overrides": checked},
                details={"row": item.row, "automated_decision": item.decision, "findings": found,
                         "preparer": batch.preparer, "approver": actor.ref, "override_id": row.id,
                         "reason_digest": keyed_digest(self.keyring.secret("digest"), spec["reason"])}))
            row.audit_entry = entry.entry_id
            override_entries.append(entry.entry_id)
            linked.append({"row": item.row, "automated_decision": item.decision, "findings": found,
                           "override_decision": "allow", "entry": entry.entry_id})
        excluded = sorted(excluded_rows)
        for chunk in _chunks(excluded):
            session.execute(update(PayoutItem).where(PayoutItem.batch_id == batch_id, PayoutItem.row.in_(chunk))
                            .values(status="excluded"))
        session.execute(update(PayoutItem).where(PayoutItem.batch_id == batch_id,
                                                 PayoutItem.status.in_(("pending", "held")))
                        .values(status="approved"))
        approved = kept
        amount = sum(i.amount_fen or 0 for i in approved)
        entry = tx.record(AuditEvent(
            action=Action.PAYOUT_BATCH_APPROVED, actor=actor.ref, subject_type="payout_batch",
            subject_id=batch_id, decision="approved", policy_revision=batch.policy_revision,
            input_digest=batch.input_digest,
            links={"checked": checked, **{f"override_{n + 1}": e for n, e in enumerate(override_entries)}},
            details={"preparer": batch.preparer, "approver": actor.ref, "approved": len(approved),
                     "excluded": len(excluded), "overridden": len(override_entries),
                     "amount_fen_approved": amount, "override_entries": override_entries,
                     "overrides": linked[:_LINKED], "excluded_rows": excluded[:1000]}))
        batch.status, batch.approved_by, batch.approved_at, batch.approval_entry = ("approved", actor.ref, now,
                                                                                    entry.entry_id)
        log.info("payouts.batch_approved", batch_id=batch_id, approved=len(approved), excluded=len(excluded),
                 overridden=len(override_entries))
        return {"batch_id": batch_id, "status": "approved", "preparer": batch.preparer, "approver": actor.ref,
                "approved": len(approved), "excluded": len(excluded), "overridden": len(override_entries),
                "amount_fen_approved": amount, "audit_entry": entry.entry_id, "override_entries": override_entries}

    @staticmethod
    def _refuse_if(items: list[Any], test: Any, message: str, code: str) -> None:
        hits = [i for i in items if test(i)]
        if hits:
            raise Forbidden(message, code=code, details={
                "count": len(hits), "rows": [{"row": i.row, "payout_id": i.payout_id} for i in hits[:_SHOW]]})
