"""HTTP only: the review queue endpoints (role ``reviewer``)."""

from __future__ import annotations

from typing import Any

from ..auth import Role, current_actor
from ..http import Blueprint, services
from .models import ReviewCase
from .schemas import CaseDecisionBody, CaseListQuery, CaseListSchema, CaseSchema

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


@bp.get("/cases")
@bp.roles(Role.REVIEWER)
@bp.arguments(CaseListQuery, location="query")
@bp.response(200, CaseListSchema)
@bp.errors(503)
def list_cases(query: dict[str, Any]) -> Any:
    """List review cases, oldest first"""
    status = None if query["status"] == "all" else query["status"]
    with services().db.sessions() as session:
        cases = services().review.list(session, status=status, kind=query["kind"],
                                           limit=query["limit"], after=query["after"])
        body = [case_json(c) for c in cases]
    nxt = body[-1]["id"] if len(body) == query["limit"] else None
    return {"cases": body, "next": nxt}


@bp.get("/cases/<string:case_id>")
@bp.roles(Role.REVIEWER)
@bp.response(200, CaseSchema)
@bp.errors(404, 503)
def get_case(case_id: str) -> Any:
    """One review case, with a masked view of its subject"""
    service = services().review
    with services().db.sessions() as session:
        case = service.get(session, case_id)
        return case_json(case, service.subject_view(session, case))


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
