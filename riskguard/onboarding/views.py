"""HTTP only: submit a merchant application, read it back masked."""

from __future__ import annotations

from typing import Any

from ..auth import Role, current_actor
from ..http import Blueprint, services
from .schemas import ApplicationSchema, ApplicationViewSchema, MerchantDecisionSchema
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
