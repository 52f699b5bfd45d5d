"""HTTP only: submit a merchant application, read it back masked."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from ..auth import Role, current_actor, require_roles
from ..http import documented, json_body, services
from .schemas import ApplicationSchema, ApplicationViewSchema, MerchantDecisionSchema
from .service import privacy_masker

__all__ = ["bp"]

bp = Blueprint("onboarding", __name__, url_prefix="/v1/merchants")


@bp.post("/applications")
@require_roles(Role.ONBOARDING)
@json_body(ApplicationSchema)
@documented("Submit a merchant application: stored through the vault, checked, decided",
            response=MerchantDecisionSchema, tags=["onboarding"])
def submit(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    rg = services()
    with rg.db.transaction() as session:
        result = rg.onboarding.submit(session, body, actor=current_actor().ref, rulebook=rg.rulebook,
                                      digest_key=rg.keyring.secret("digest"))
    return jsonify(result.as_dict()), 201


@bp.get("/applications/<application_id>")
@require_roles(Role.ONBOARDING, Role.REVIEWER)
@documented("One application with its personal fields masked, and its decisions",
            response=ApplicationViewSchema, tags=["onboarding"])
def get_application(application_id: str):  # type: ignore[no-untyped-def]
    rg = services()
    with rg.db.sessions() as session:
        row = rg.onboarding.get(session, application_id)
        return jsonify(rg.onboarding.masked_view(session, row, privacy_masker(rg.vault.policy)))
