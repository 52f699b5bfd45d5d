"""HTTP only: ``GET /v1/rules/shadow/report`` (role ``auditor``)."""

from __future__ import annotations

from typing import Any

from ..auth import Role
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
    return shadow_report(services().db, candidate=query["candidate"], since=query["since"], limit=query["limit"])
