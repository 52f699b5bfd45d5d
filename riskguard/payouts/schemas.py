"""Request and response shapes for the payouts API."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..fields import UtcDateTime, no_nul

__all__ = ["SubmitQuerySchema", "BatchQuerySchema", "ApproveSchema", "BatchSchema", "ApprovalSchema",
           "BatchListQuerySchema", "BatchPageSchema"]

DECISION = validate.OneOf(["allow", "review", "block"])


class SubmitQuerySchema(Schema):
    as_of = fields.AwareDateTime(load_default=None, default_timezone=UTC,
                                 metadata={"description": "the payout date the batch is checked for (default now)"})
    format = fields.String(load_default=None, validate=validate.OneOf(["csv", "json"]))


class BatchQuerySchema(Schema):
    decision = fields.String(load_default=None, validate=DECISION)
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100_000))


class BatchListQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(["checked", "approved"]),
                           metadata={"description": "checked: awaiting approval; approved"})
    submitted_by = fields.String(load_default=None, validate=[validate.Length(min=1, max=64), no_nul],
                                 metadata={"description": "the preparer's actor ref (key:<key id>)"})
    from_ = fields.AwareDateTime(load_default=None, data_key="from", default_timezone=UTC,
                                 metadata={"description": "created at or after (ISO 8601; UTC if no zone)"})
    to = fields.AwareDateTime(load_default=None, default_timezone=UTC,
                              metadata={"description": "created before (ISO 8601; UTC if no zone)"})
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=128),
                           metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("from_") and data.get("to") and data["from_"] >= data["to"]:
            raise ValidationError("must be after from", field_name="to")


class OverrideSchema(Schema):
    payout_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    reason = fields.String(required=True, validate=[validate.Length(min=5, max=2000), no_nul])


class ApproveSchema(Schema):
    exclude = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                          validate=validate.Length(max=100_000))
    exclude_rows = fields.List(fields.Integer(validate=validate.Range(min=1)), load_default=list,
                               validate=validate.Length(max=100_000))
    overrides = fields.List(fields.Nested(OverrideSchema), load_default=list,
                            validate=validate.Length(max=100_000))


class FindingSchema(Schema):
    check = fields.String()
    severity = fields.String()
    column = fields.String()
    values = fields.Dict()
    message = fields.String()


class OverrideShownSchema(Schema):
    decision = fields.String(metadata={"description": "the human decision (allow) over the automated one"})
    reason = fields.String()
    by = fields.String(metadata={"description": "the approver's actor ref"})
    at = UtcDateTime()
    audit_entry = fields.String(allow_none=True, metadata={"description": "the payouts:payout:overridden entry"})


class PayoutSchema(Schema):
    row = fields.Integer()
    payout_id = fields.String(allow_none=True)
    payee_id = fields.String(allow_none=True)
    payee_type = fields.String(allow_none=True)
    amount_fen = fields.Integer(allow_none=True)
    currency = fields.String(allow_none=True)
    decision = fields.String(validate=DECISION, metadata={"description": "the automated decision"})
    status = fields.String()
    findings = fields.List(fields.Nested(FindingSchema), metadata={"description": "the automated findings"})
    override = fields.Nested(OverrideShownSchema, allow_none=True,
                             metadata={"description": "the approver's override of the automated decision, if any"})


class DecisionTotalSchema(Schema):
    count = fields.Integer()
    amount_fen = fields.Integer()


class OutcomeSchema(Schema):
    paid = fields.Nested(DecisionTotalSchema)
    held = fields.Nested(DecisionTotalSchema)
    released = fields.Nested(DecisionTotalSchema)
    excluded = fields.Nested(DecisionTotalSchema)


class BatchSchema(Schema):
    batch_id = fields.String()
    status = fields.String()
    preparer = fields.String()
    data_quality = fields.Dict()
    summary = fields.Dict()
    payouts = fields.List(fields.Nested(PayoutSchema))
    as_of = UtcDateTime(allow_none=True, metadata={"description": "the payout date it was checked for"})
    created_at = UtcDateTime()
    approved_by = fields.String(allow_none=True)
    approved_at = UtcDateTime(allow_none=True)
    approval_entry = fields.String(allow_none=True, metadata={"description": "the payouts:batch:approved entry"})
    payouts_total = fields.Integer(metadata={"description": "payouts matching the filter, before paging"})
    offset = fields.Integer()
    outcome = fields.Nested(
        OutcomeSchema, metadata={"description": "held by the checks (block or review), released by the approver, "
                                                  "excluded, and paid (approved)"})


class DecisionTotalsSchema(Schema):
    allow = fields.Nested(DecisionTotalSchema)
    review = fields.Nested(DecisionTotalSchema)
    block = fields.Nested(DecisionTotalSchema)


class BatchListItemSchema(Schema):
    batch_id = fields.String()
    status = fields.String(metadata={"description": "checked (awaiting approval) or approved"})
    preparer = fields.String(metadata={"description": "the submitter's actor ref"})
    created_at = UtcDateTime()
    as_of = UtcDateTime(allow_none=True, metadata={"description": "the payout date it was checked for"})
    rows = fields.Integer()
    policy_revision = fields.String()
    totals = fields.Nested(DecisionTotalsSchema, metadata={"description": "payouts and amounts by automated decision"})
    approved_by = fields.String(allow_none=True)
    approved_at = UtcDateTime(allow_none=True)


class BatchPageSchema(Schema):
    batches = fields.List(fields.Nested(BatchListItemSchema), metadata={"description": "newest first"})
    next_cursor = fields.String(allow_none=True, metadata={"description": "pass as cursor; null on the last page"})
    limit = fields.Integer()


class ApprovalSchema(Schema):
    batch_id = fields.String()
    status = fields.String()
    preparer = fields.String()
    approver = fields.String()
    approved = fields.Integer()
    excluded = fields.Integer()
    overridden = fields.Integer()
    amount_fen_approved = fields.Integer()
    audit_entry = fields.String()
    override_entries = fields.List(fields.String())
