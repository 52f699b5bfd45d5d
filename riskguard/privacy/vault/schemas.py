"""Shapes of the vault API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

__all__ = ["VaultRevealQuerySchema", "VaultRevealSchema", "VaultErasureSchema", "VaultSubjectSchema"]

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
