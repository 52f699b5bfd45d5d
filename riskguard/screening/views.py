"""HTTP only: ``POST /v1/screen/<kind>`` and ``POST /v1/screen/<kind>/batch`` (role ``screener``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import structlog

from ..auth import Role, current_actor
from ..errors import BadRequest
from ..http import Blueprint, services
from ..rulebook import KINDS, ScreenInput
from .schemas import (
    ScreenBatchRequestSchema,
    ScreenBatchResponseSchema,
    ScreeningDecisionSchema,
    ScreenPolicyQuerySchema,
    ScreenRequestSchema,
)
from .service import screen_and_record, to_input

__all__ = ["bp"]

log = structlog.get_logger("riskguard.screening")
bp = Blueprint("screening", __name__, url_prefix="/v1/screen", description="ads, listings, live-stream scripts")


def _known_kind(view: Callable[..., Any]) -> Callable[..., Any]:
    """An unknown ``kind`` is a 400 naming the field, checked before the body is read."""

    @wraps(view)
    def wrapper(*args: Any, kind: str, **kwargs: Any) -> Any:
        if kind not in KINDS:
            raise BadRequest(f"kind must be one of {', '.join(KINDS)}", code="unknown_kind", field="kind")
        return view(*args, kind=kind, **kwargs)

    return wrapper


def _decide(kind: str, bodies: list[dict[str, Any]], query: dict[str, Any]) -> list[Any]:
    """Decide with one rulebook, taken once: a revision swapped in meanwhile decides the next request."""
    rg = services()
    rulebook = rg.rulebook
    policy = query.get("policy")
    if policy is not None and policy not in rulebook.policies:
        raise BadRequest("unknown policy", code="unknown_policy", field="policy")
    items: list[ScreenInput] = [to_input(kind=kind, **body) for body in bodies]
    decisions = screen_and_record(audit=rg.audit, rulebook=rulebook, digest_key=rg.keyring.secret("digest"),
                                  actor=current_actor(), items=items, policy=policy, hooks=rg.decision_hooks)
    rg.metrics.decided(decisions)
    try:  # the shadow candidate sees a sample afterwards; it can never change or fail an answer
        rg.shadow.submit(items, decisions, rulebook)
    except Exception as exc:  # noqa: BLE001
        log.error("shadow.submit_failed", error_type=type(exc).__name__)
    return decisions


_KIND = {"in": "path", "name": "kind", "required": True, "schema": {"type": "string", "enum": list(KINDS)}}


@bp.post("/<string:kind>", parameters=[_KIND])
@bp.roles(Role.SCREENER)
@_known_kind
@bp.arguments(ScreenPolicyQuerySchema, location="query")
@bp.arguments(ScreenRequestSchema)
@bp.response(200, ScreeningDecisionSchema)
@bp.errors(413, 415, 503)
def screen_one(kind: str, body: dict[str, Any], query: dict[str, Any]) -> Any:
    """Screen one ad, listing or live-stream script"""
    [decision] = _decide(kind, [body], query)
    return decision.as_dict()


@bp.post("/<string:kind>/batch", parameters=[_KIND])
@bp.roles(Role.SCREENER)
@_known_kind
@bp.arguments(ScreenPolicyQuerySchema, location="query")
@bp.arguments(ScreenBatchRequestSchema)
@bp.response(200, ScreenBatchResponseSchema)
@bp.errors(413, 415, 503)
def screen_batch(kind: str, body: dict[str, Any], query: dict[str, Any]) -> Any:
    """Screen up to 1,000 items of one kind in one call (recorded in one transaction)"""
    decisions = _decide(kind, body["items"], query)
    revision = decisions[0].policy_revision if decisions else services().rulebook.revision
    return {"policy_revision": revision, "decisions": [d.as_dict() for d in decisions]}
