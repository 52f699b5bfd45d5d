"""Query and response shapes of the auditors' API."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

__all__ = ["EntriesQuery", "ExportQuery", "ProofQuery", "ConsistencyQuery", "ReportQuery", "EntrySchema",
           "EntryPageSchema", "CheckpointSchema", "ProofSchema", "ConsistencySchema", "ReportSchema", "ReportListSchema",
           "ReportRunSchema", "PublicKeySchema"]

MAX_LIMIT = 1000
MAX_INDEX = 2**62  # far beyond any log; keeps values inside BIGINT
_TEXT = validate.Length(min=1, max=128)


class _Filters(Schema):
    actor = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    action = fields.String(load_default=None, validate=[
        validate.Length(min=1, max=64), validate.Regexp(r"^[a-z_]+(:[a-z_]+){0,2}(:\*|\*)?$")])
    subject_type = fields.String(load_default=None, validate=validate.Length(min=1, max=32))
    subject_id = fields.String(load_default=None, validate=_TEXT)
    decision = fields.String(load_default=None, validate=validate.Length(min=1, max=32))
    policy_revision = fields.String(load_default=None, validate=validate.Length(min=1, max=80))
    since = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    until = fields.AwareDateTime(load_default=None, default_timezone=UTC)

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise ValidationError("since must be before until", field_name="since")

    @post_load
    def _utc(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for key in ("since", "until"):
            if data.get(key) is not None:
                data[key] = data[key].astimezone(UTC)
        return data


class EntriesQuery(_Filters):
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_LIMIT))


class ExportQuery(_Filters):
    format = fields.String(load_default="jsonl", validate=validate.OneOf(["jsonl", "csv"]))


class ProofQuery(Schema):
    tree_size = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_INDEX))


class ConsistencyQuery(Schema):
    from_ = fields.Integer(required=True, data_key="from", validate=validate.Range(min=0, max=MAX_INDEX))
    to = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_INDEX))

    @validates_schema
    def _order(self, data: dict[str, Any], **_: Any) -> None:
        if "from_" in data and "to" in data and data["from_"] > data["to"]:
            raise ValidationError("from must not exceed to", field_name="from")


class ReportQuery(Schema):
    since = fields.AwareDateTime(load_default=None, default_timezone=UTC, data_key="from")
    until = fields.AwareDateTime(load_default=None, default_timezone=UTC, data_key="to")
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "jsonl", "csv"]))

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise ValidationError("from must be before to", field_name="from")


class EntrySchema(Schema):
    index = fields.Integer()
    entry_id = fields.String()
    time = fields.String()
    action = fields.String()
    actor = fields.String()
    subject_type = fields.String()
    subject_id = fields.String()
    decision = fields.String(allow_none=True)
    policy_revision = fields.String(allow_none=True)
    rule_ids = fields.List(fields.String())
    input_digest = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    links = fields.Dict()
    details = fields.Dict()
    leaf_hash = fields.String(metadata={"description": "base64 RFC 6962 leaf hash"})
    canonical = fields.String(metadata={"description": "the exact entry text; UTF-8 bytes are the leaf"})


class EntryPageSchema(Schema):
    entries = fields.List(fields.Nested(EntrySchema))
    next_cursor = fields.String(allow_none=True)
    tree_size = fields.Integer()


class CheckpointSchema(Schema):
    origin = fields.String()
    tree_size = fields.Integer()
    root = fields.String()
    time = fields.String(allow_none=True)
    note = fields.String()
    verifier_key = fields.String()


class ProofSchema(Schema):
    index = fields.Integer()
    tree_size = fields.Integer()
    leaf_hash = fields.String()
    root = fields.String()
    proof = fields.List(fields.String())
    checkpoint = fields.String(allow_none=True)
    entry = fields.Nested(EntrySchema)


class ConsistencySchema(Schema):
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    from_root = fields.String()
    to_root = fields.String()
    proof = fields.List(fields.String())


class ReportSchema(Schema):
    name = fields.String()
    description = fields.String()
    actions = fields.List(fields.String())
    where = fields.List(fields.Dict(), metadata={"description": "conditions every row must meet"})
    columns = fields.List(fields.String())
    order_by = fields.List(fields.String())
    expect_empty = fields.Boolean(metadata={"description": "a row is a finding"})


class ReportListSchema(Schema):
    reports = fields.List(fields.Nested(ReportSchema))


class ReportRunSchema(Schema):
    report = fields.Nested(ReportSchema)
    tree_size = fields.Integer()
    rows = fields.List(fields.Dict(), metadata={"description": "the report's columns of each matching entry"})
    finding = fields.Boolean()


class PublicKeySchema(Schema):
    origin = fields.String()
    verifier_key = fields.String(metadata={"description": "signed-note verifier key"})
    public_key_pem = fields.String()
