"""HTTP only: the review queue endpoints (role ``reviewer``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from ..auth import Role, current_actor
from ..http import Blueprint, services
from .models import ReviewCase
from .queue import QueueRow, masked_identifier
from .schemas import CaseDecisionBody, CaseListQuery, CaseListSchema, CasePageSchema, CaseSchema, queue_filter

__all__ = ["bp", "case_json"]

bp = Blueprint("review", __name__, url_prefix="/v1/review", description="the human review queue")


def case_json(case: ReviewCase, subject_view: Any = None) -> dict[str, Any]:
    """What :class:`CaseSchema` dumps (timestamps as stored; the schema gives them their zone)."""
    return {
        "id": case.id, "kind": case.kind, "subject": {"type": case.subject_type, "id": case.subject_id},
        "decision_id": case.decision_id, "automated_decision": case.automated_decision,
        "policy_revision": case.policy_revision, "submitted_by": case.submitted_by,
        "categories": case.categories, "top_severity": case.top_severity,
        "rule_ids": case.rule_ids, "articles": case.articles, "findings": case.findings,
        "content": case.content,
        "status": case.status, "created_at": case.created_at, "decided_at": case.decided_at,
        "decided_by": case.decided_by, "decision": case.decision, "reason": case.reason,
        **({"subject_view": subject_view} if subject_view is not None else {}),
    }


def _row_json(row: QueueRow) -> dict[str, Any]:
    return {**case_json(row.case), "content_id": row.content_id,
            "preview": asdict(row.preview) if row.preview else None, "submitter_name": row.submitter_name,
            "age_seconds": int(row.age.total_seconds()), "sla_hours": row.sla_hours, "due_at": row.due_at,
            "overdue": row.overdue}


@bp.get("/cases")
@bp.roles(Role.REVIEWER)
@bp.arguments(CaseListQuery, location="query")
@bp.response(200, CaseListSchema)
@bp.errors(503)
def list_cases(query: dict[str, Any]) -> Any:
    """List review cases: filters, counts, oldest (or most severe) first, cursor pages both ways"""
    with services().db.sessions() as session:
        page = services().review.queue.page(session, queue_filter(query), sort=query["sort"],
                                            limit=query["limit"], cursor=query["cursor"])
        body = [_row_json(r) for r in page.rows]
    return {"cases": body, "total": page.total, "counts": page.counts, "next": page.next, "prev": page.prev}


@bp.get("/cases/<string:case_id>")
@bp.roles(Role.REVIEWER)
@bp.response(200, CasePageSchema)
@bp.errors(404, 503)
def get_case(case_id: str) -> Any:
    """One review case: content id, policy revision, audit links, a masked view of its subject"""
    service = services().review
    with services().db.sessions() as session:
        case = service.get(session, case_id)
        hours = service.policy.sla_hours(case.kind)
        links = {name: "/v1/audit/entries?" + urlencode({"subject_type": type_, "subject_id": id_})
                 for name, (type_, id_) in service.audit_subjects(case).items()}
        return {**case_json(case, service.subject_view(session, case)),
                "content_id": masked_identifier(case.subject_id), "sla_hours": hours,
                "due_at": service.queue.due_at(case), "audit": links}


@bp.post("/cases/<string:case_id>/decision")
@bp.roles(Role.REVIEWER)
@bp.arguments(CaseDecisionBody)
@bp.response(200, CaseSchema)
@bp.errors(404, 409, 413, 415, 503)
def decide(case_id: str, body: dict[str, Any]) -> Any:
    """Settle a case (allow or block) with a reason; never the submitter's own"""
    actor = current_actor()
    with services().audit.transaction() as tx:  # the decision commits with its audit entry, or a 503
        case = services().review.decide(tx.session, case_id, actor=actor.ref,
                                        decision=body["decision"], reason=body["reason"])
        result = case_json(case)
    return result
