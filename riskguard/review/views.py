"""HTTP only: the review queue endpoints (role ``reviewer``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from ..auth import Role, current_actor, require_roles
from ..http import documented, json_body, query_args, services
from .models import ReviewCase
from .schemas import CaseDecisionBody, CaseListQuery, CaseListSchema, CaseSchema

__all__ = ["bp", "case_json"]

bp = Blueprint("review", __name__, url_prefix="/v1/review")


def case_json(case: ReviewCase, subject_view: Any = None) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": case.id, "kind": case.kind, "subject": {"type": case.subject_type, "id": case.subject_id},
        "decision_id": case.decision_id, "automated_decision": case.automated_decision,
        "policy_revision": case.policy_revision, "submitted_by": case.submitted_by,
        "categories": case.categories, "top_severity": case.top_severity,
        "rule_ids": case.rule_ids, "articles": case.articles, "findings": case.findings,
        "content": case.content,
        "status": case.status, "created_at": iso(case.created_at), "decided_at": iso(case.decided_at),
        "decided_by": case.decided_by, "decision": case.decision, "reason": case.reason,
        **({"subject_view": subject_view} if subject_view is not None else {}),
    }


@bp.get("/cases")
@require_roles(Role.REVIEWER)
@query_args(CaseListQuery)
@documented("List review cases, oldest first", response=CaseListSchema, tags=["review"])
def list_cases(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    status = None if query["status"] == "all" else query["status"]
    with services().db.sessions() as session:
        cases = services().review.list(session, status=status, kind=query["kind"],
                                           limit=query["limit"], after=query["after"])
        body = [case_json(c) for c in cases]
    nxt = body[-1]["id"] if len(body) == query["limit"] else None
    return jsonify({"cases": body, "next": nxt})


@bp.get("/cases/<case_id>")
@require_roles(Role.REVIEWER)
@documented("One review case, with a masked view of its subject", response=CaseSchema, tags=["review"])
def get_case(case_id: str):  # type: ignore[no-untyped-def]
    service = services().review
    with services().db.sessions() as session:
        case = service.get(session, case_id)
        return jsonify(case_json(case, service.subject_view(session, case)))


@bp.post("/cases/<case_id>/decision")
@require_roles(Role.REVIEWER)
@json_body(CaseDecisionBody)
@documented("Settle a case (allow or block) with a reason; never the submitter's own",
            response=CaseSchema, tags=["review"])
def decide(case_id: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    actor = current_actor()
    with services().audit.transaction() as tx:  # the decision commits with its audit entry, or a 503
        case = services().review.decide(tx.session, case_id, actor=actor.ref,
                                        decision=body["decision"], reason=body["reason"])
        result = case_json(case)
    return jsonify(result)
