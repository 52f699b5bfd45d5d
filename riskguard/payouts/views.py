"""HTTP for payouts: submit a batch (CSV or JSON body), read it back, approve it."""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import Blueprint, jsonify, request

from ..auth import Role, current_actor, require_roles
from ..errors import BadRequest
from ..http import documented, json_body, query_args, services
from .schemas import ApprovalSchema, ApproveSchema, BatchQuerySchema, BatchSchema, SubmitQuerySchema

__all__ = ["bp"]

bp = Blueprint("payouts", __name__, url_prefix="/v1/payouts")
_FORMATS = {"text/csv": "csv", "application/csv": "csv", "application/json": "json"}


def _body() -> tuple[bytes, str | None]:
    service = services().payouts
    request.max_content_length = service.policy.max_bytes  # batches are larger than ordinary bodies
    if request.mimetype.startswith("multipart/"):
        raise BadRequest("send the batch as the request body (text/csv or application/json)",
                         code="unsupported_media_type", status=415)
    return request.get_data(cache=False), _FORMATS.get(request.mimetype)


@bp.post("/batches")
@require_roles(Role.FINANCE)
@query_args(SubmitQuerySchema)
@documented("Check a payout batch (CSV or JSON body) and store it for approval", response=BatchSchema,
            tags=["payouts"])
def submit(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    data, fmt = _body()
    as_of = pd.Timestamp(query["as_of"]).tz_convert("UTC") if query["as_of"] else None
    body = services().payouts.submit(data, fmt=query["format"] or fmt, actor=current_actor(), as_of=as_of)
    return jsonify(body), 201


@bp.get("/batches/<batch_id>")
@require_roles(Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR, Role.ADMIN)
@query_args(BatchQuerySchema)
@documented("A checked batch: data quality, summary and each payout's decision", response=BatchSchema,
            tags=["payouts"])
def get_batch(batch_id: str, query: dict[str, Any]):  # type: ignore[no-untyped-def]
    return jsonify(services().payouts.get(batch_id, **query))


@bp.post("/batches/<batch_id>/approve")
@require_roles(Role.FINANCE_APPROVER)
@json_body(ApproveSchema)
@documented("Approve a batch (maker-checker): exclude or override every blocked payout",
            response=ApprovalSchema, tags=["payouts"])
def approve(batch_id: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    result = services().approvals.approve(batch_id, current_actor(), exclude=body["exclude"],
                                                     exclude_rows=body["exclude_rows"],
                                                     overrides=body["overrides"])
    return jsonify(result)
