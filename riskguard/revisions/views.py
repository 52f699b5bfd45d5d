"""HTTP only: ``GET /v1/rules/shadow/report`` (role ``auditor``), recorded as an ``audit:report:run``
entry before it is answered (like the audit log's own reports)."""

from __future__ import annotations

from typing import Any

from ..audit import Action
from ..auth import Role, current_actor
from ..http import Blueprint, services
from .schemas import ShadowReportQuery, ShadowReportSchema
from .shadow import shadow_report

__all__ = ["bp"]

bp = Blueprint("rules", __name__, url_prefix="/v1/rules", description="rule revisions and shadow mode")


@bp.get("/shadow/report")
@bp.roles(Role.AUDITOR)
@bp.arguments(ShadowReportQuery, location="query")
@bp.response(200, ShadowReportSchema)
@bp.errors(503)
def shadow(query: dict[str, Any]) -> Any:
    """What the shadow candidate decided differently: agreement, newly blocked and newly allowed per rule"""
    report = shadow_report(services().db, candidate=query["candidate"], since=query["since"], limit=query["limit"])
    counts = {k: report[k] for k in ("candidate", "records", "items", "changed", "newly_blocked", "newly_allowed")}
    services().audit.record_access(current_actor().ref, Action.AUDIT_REPORT_RUN, "rules-shadow-report", counts)
    return report
