"""Shapes of the vault API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

__all__ = ["VaultRevealQuerySchema", "VaultRevealSchema", "VaultErasureSchema", "VaultSubjectSchema",
           "SubjectLookupSchema", "SubjectLookupResultSchema", "SubjectRecordsSchema", "SubjectExportRequestSchema",
           "SubjectExportSchema", "RetentionStatusSchema"]

_FIELD_LIST = validate.Regexp(r"^[a-z_][a-z0-9_]*(,[a-z_][a-z0-9_]*)*$",
                              error="fields must be comma-separated field names")


class VaultRevealQuerySchema(Schema):
    fields = fields.String(load_default=None, validate=[validate.Length(max=500), _FIELD_LIST],
                           metadata={"description": "comma-separated field names (default: all)"})


class VaultRevealSchema(Schema):
    record_type = fields.String(required=True)
    record_id = fields.String(required=True)
    subject_status = fields.String(required=True, metadata={"enum": ["active", "erased"]})
    revealed = fields.Boolean(required=True, metadata={"description": "false: values are masked"})
    reveal_id = fields.String(allow_none=True, metadata={"description": "audit reference of this reveal"})
    policy_revision = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True,
                         metadata={"description": 'plaintext, masked text, "ERASED", or null'})


class VaultErasureSchema(Schema):
    subject_id = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["erased"]})
    blind_indexes_removed = fields.Integer(required=True)
    erased_at = fields.String(required=True)


class VaultSubjectSchema(Schema):
    subject_id = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "erased"]})


_REASON = fields.String(required=True, validate=validate.Length(max=100), metadata={
    "description": "'<reason>:<reference>' from policies/privacy.yaml reveal_reasons "
                   "(e.g. data_subject_request:DSR-17); recorded in the audit trail, so never personal data"})
_WHEN = {"format": "date-time"}


class SubjectLookupSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("phone", "id_number", "bank_card", "email")))
    value = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "the number or address sought; only its keyed digest is recorded"})
    reason = _REASON


class SubjectRecordSchema(Schema):
    record_type = fields.String(required=True)
    record_id = fields.String(required=True)
    created_at = fields.String(allow_none=True, metadata=_WHEN)
    values = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True,
                         data_key="fields", attribute="fields",
                         metadata={"description": 'masked (export: clear) values, "ERASED", or null'})


class SubjectRecordsSchema(Schema):
    subject_id = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "erased"]})
    blind_indexes = fields.Integer(required=True, metadata={"description": "blind-index values held"})
    records = fields.List(fields.Nested(SubjectRecordSchema), required=True,
                          metadata={"description": "every record of the subject: what an erasure shreds"})


class SubjectLookupResultSchema(Schema):
    lookup_id = fields.String(required=True, metadata={"description": "audit reference of this lookup"})
    kind = fields.String(required=True)
    policy_revision = fields.String(required=True)
    subjects = fields.List(fields.Nested(SubjectRecordsSchema), required=True)


class SubjectExportRequestSchema(Schema):
    reason = _REASON
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class FieldRetentionSchema(Schema):
    table = fields.String(required=True)
    column = fields.String(required=True)
    record_type = fields.String(allow_none=True)
    classification = fields.String(required=True)
    encrypted = fields.Boolean(required=True)
    blind_index = fields.String(allow_none=True)
    mask = fields.String(required=True)
    retention_days = fields.Integer(allow_none=True)
    retention_anchor = fields.String(required=True)
    records_with_value = fields.Integer(allow_none=True)
    expired = fields.Integer(allow_none=True, metadata={
        "description": "records past the period, cleared by the next `riskguard privacy purge-expired`"})
    next_expiry = fields.String(allow_none=True, metadata=_WHEN)


class SubjectExportSchema(Schema):
    export_id = fields.String(required=True)
    subject_id = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "erased"]})
    exported_at = fields.String(required=True, metadata=_WHEN)
    policy_revision = fields.String(required=True)
    legal_basis = fields.String(required=True)
    records = fields.List(fields.Nested(SubjectRecordSchema), required=True)
    field_policies = fields.List(fields.Nested(FieldRetentionSchema), required=True, data_key="fields",
                                 attribute="fields", metadata={"description": "class and retention of each field"})


class RetentionStatusSchema(Schema):
    policy_revision = fields.String(required=True)
    checked_at = fields.String(required=True, metadata=_WHEN)
    field_policies = fields.List(fields.Nested(FieldRetentionSchema), required=True, data_key="fields",
                                 attribute="fields")
