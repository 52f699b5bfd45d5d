"""HTTP for payouts: submit a batch (CSV or JSON body), read it back, approve it."""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import request

from ..auth import Role, current_actor
from ..errors import BadRequest
from ..http import Blueprint, parsed_json_body, services
from .listing import BatchFilter
from .schemas import (
    ApprovalSchema,
    ApproveSchema,
    BatchListQuerySchema,
    BatchPageSchema,
    BatchQuerySchema,
    BatchSchema,
    SubmitQuerySchema,
)

__all__ = ["bp"]

bp = Blueprint("payouts", __name__, url_prefix="/v1/payouts", description="payout batches, maker-checker")
_FORMATS = {"text/csv": "csv", "application/csv": "csv", "application/json": "json"}
# The batch is read by the service (CSV or a JSON array of objects, up to the policy's size), not by a
# schema: a batch is data to check, and a bad row is a finding, not a 400.
_BATCH_BODY = {"required": True, "description": "the payouts, one row or object each", "content": {
    "text/csv": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
}}


def _max_bytes() -> int:
    return services().payouts.policy.max_bytes  # batches are larger than ordinary bodies


def _body() -> tuple[bytes, str | None]:
    if request.mimetype.startswith("multipart/"):
        raise BadRequest("send the batch as the request body (text/csv or application/json)",
                         code="unsupported_media_type", status=415)
    return request.get_data(cache=False), _FORMATS.get(request.mimetype)


@bp.post("/batches")
@bp.max_body(_max_bytes)
@bp.roles(Role.FINANCE)
@bp.arguments(SubmitQuerySchema, location="query")
@bp.doc(requestBody=_BATCH_BODY)
@bp.response(201, BatchSchema)
@bp.errors(413, 415, 503)
def submit(query: dict[str, Any]) -> Any:
    """Check a payout batch (CSV or JSON body) and store it for approval"""
    data, fmt = _body()
    as_of = pd.Timestamp(query["as_of"]).tz_convert("UTC") if query["as_of"] else None
    return services().payouts.submit(data, fmt=query["format"] or fmt, actor=current_actor(), as_of=as_of,
                                     parsed=parsed_json_body())  # a JSON batch is not parsed twice


@bp.get("/batches")
@bp.roles(Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR)
@bp.arguments(BatchListQuerySchema, location="query")
@bp.response(200, BatchPageSchema)
@bp.errors(503)
def list_batches(query: dict[str, Any]) -> Any:
    """Batches, newest first, by status, submitter and creation time (cursor pagination)"""
    flt = BatchFilter(status=query["status"], submitted_by=query["submitted_by"], since=query["from_"],
                      until=query["to"])
    return services().payouts.batches(flt, cursor=query["cursor"], limit=query["limit"])


@bp.get("/batches/<string:batch_id>")
@bp.roles(Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR, Role.ADMIN)
@bp.arguments(BatchQuerySchema, location="query")
@bp.response(200, BatchSchema)
@bp.errors(404, 503)
def get_batch(batch_id: str, query: dict[str, Any]) -> Any:
    """A checked batch: data quality, summary and each payout's decision"""
    return services().payouts.get(batch_id, **query)


@bp.post("/batches/<string:batch_id>/approve")
@bp.roles(Role.FINANCE_APPROVER)
@bp.arguments(ApproveSchema)
@bp.response(200, ApprovalSchema)
@bp.errors(404, 409, 413, 415, 503)
def approve(batch_id: str, body: dict[str, Any]) -> Any:
    """Approve a batch (maker-checker): exclude or override every blocked payout"""
    return services().approvals.approve(batch_id, current_actor(), exclude=body["exclude"],
                                        exclude_rows=body["exclude_rows"], overrides=body["overrides"])
