"""HTTP only: submit a merchant application, list the ones this key submitted, read one back masked."""

from __future__ import annotations

from typing import Any

from ..auth import Role, current_actor
from ..http import Blueprint, services
from .listing import list_submitted
from .schemas import (
    ApplicationListQuery,
    ApplicationListSchema,
    ApplicationSchema,
    ApplicationViewSchema,
    MerchantDecisionSchema,
)
from .service import privacy_masker

__all__ = ["bp"]

bp = Blueprint("onboarding", __name__, url_prefix="/v1/merchants", description="merchant applications")


@bp.post("/applications")
@bp.roles(Role.ONBOARDING)
@bp.arguments(ApplicationSchema)
@bp.response(201, MerchantDecisionSchema)
@bp.errors(409, 413, 415, 503)
def submit(body: dict[str, Any]) -> Any:
    """Submit a merchant application: stored through the vault, checked, decided"""
    rg = services()
    with rg.db.transaction() as session:
        result = rg.onboarding.submit(session, body, actor=current_actor().ref, rulebook=rg.rulebook,
                                      digest_key=rg.keyring.secret("digest"))
    return result.as_dict()


@bp.get("/applications")
@bp.roles(Role.ONBOARDING)
@bp.arguments(ApplicationListQuery, location="query")
@bp.response(200, ApplicationListSchema)
@bp.errors(503)
def list_applications(query: dict[str, Any]) -> Any:
    """The applications this key submitted, newest first, with status and final decision; cursor pages"""
    with services().db.sessions() as session:
        page = list_submitted(session, current_actor().ref, limit=query["limit"], cursor=query["cursor"])
    return {"applications": page.rows, "total": page.total, "next": page.next, "prev": page.prev}


@bp.get("/applications/<string:application_id>")
@bp.roles(Role.ONBOARDING, Role.REVIEWER)
@bp.response(200, ApplicationViewSchema)
@bp.errors(404, 503)
def get_application(application_id: str) -> Any:
    """One application with its personal fields masked, and its decisions"""
    rg = services()
    with rg.db.sessions() as session:
        row = rg.onboarding.get(session, application_id)
        return rg.onboarding.masked_view(session, row, privacy_masker(rg.vault.policy))
