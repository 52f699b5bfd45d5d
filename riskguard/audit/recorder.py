"""The recording interface every domain calls: ``record(session, event)``.

It writes inside the caller's transaction, so a decision and its audit entry commit together or not at
all. If it raises, the caller must not return the decision as final (fail closed).
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from ..ids import utcnow
from .events import AuditEvent
from .models import AuditEntry

__all__ = ["record", "canonical_entry"]


def canonical_entry(event: AuditEvent, created_at: str) -> bytes:
    body = {
        "v": 1,
        "time": created_at,
        "action": event.action,
        "actor": event.actor,
        "subject": {"type": event.subject_type, "id": event.subject_id},
        "decision": event.decision,
        "rule_ids": sorted(event.rule_ids),
        "policy_revision": event.policy_revision,
        "input_digest": event.input_digest,
        "reason": event.reason,
        "links": dict(event.links),
        "details": dict(event.details),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record(session: Session, event: AuditEvent) -> AuditEntry:
    now = utcnow()
    row = AuditEntry(created_at=now, action=event.action, actor=event.actor,
                     subject_type=event.subject_type, subject_id=event.subject_id,
                     decision=event.decision, policy_revision=event.policy_revision,
                     entry=canonical_entry(event, now.isoformat().replace("+00:00", "Z")))
    session.add(row)
    session.flush()
    return row
