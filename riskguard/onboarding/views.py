"""HTTP only: submit a merchant application, read it back masked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify

from ..auth import Role, current_actor, require_roles
from ..context import get_db, get_keyring, get_service
from ..http import documented, json_body
from ..privacy.vault.registry import mask
from .models import MerchantApplication
from .schemas import ApplicationSchema, ApplicationViewSchema, MerchantDecisionSchema

__all__ = ["bp", "masker"]

bp = Blueprint("onboarding", __name__, url_prefix="/v1/merchants")


def masker() -> Callable[[str, Any], Any]:
    """Mask each personal field the way policies/privacy.yaml says (``full`` when it says nothing)."""
    policy = get_service("vault").policy
    table = MerchantApplication.__tablename__

    def apply(attribute: str, value: Any) -> Any:
        spec = policy.field(table, attribute)
        return mask(spec.mask if spec else "full", value, address_keep=policy.address_keep)

    return apply


@bp.post("/applications")
@require_roles(Role.ONBOARDING)
@json_body(ApplicationSchema)
@documented("Submit a merchant application: stored through the vault, checked, decided",
            response=MerchantDecisionSchema, tags=["onboarding"])
def submit(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    service = get_service("onboarding")
    with get_db().transaction() as session:
        result = service.submit(session, body, actor=current_actor().ref, rulebook=get_service("rulebook"),
                                digest_key=get_keyring().secret("digest"))
    return jsonify(result.as_dict()), 201


@bp.get("/applications/<application_id>")
@require_roles(Role.ONBOARDING, Role.REVIEWER)
@documented("One application with its personal fields masked, and its decisions",
            response=ApplicationViewSchema, tags=["onboarding"])
def get_application(application_id: str):  # type: ignore[no-untyped-def]
    service = get_service("onboarding")
    with get_db().sessions() as session:
        row = service.get(session, application_id)
        return jsonify(service.masked_view(session, row, masker()))
