"""Shapes of ``GET /v1/rules/shadow/report`` (marshmallow; they also feed /openapi.json)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

__all__ = ["ShadowReportQuery", "ShadowReportSchema"]

_COUNTS = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()))


class ShadowReportQuery(Schema):
    candidate = fields.String(load_default=None, validate=validate.Regexp(
        r"^[0-9a-f]{8,64}$", error="A revision is 8 to 64 hex digits."),
        metadata={"description": "the candidate revision (or a prefix); default the latest one shadowed"})
    since = fields.AwareDateTime(load_default=None, metadata={"description": "only records from then on"})
    limit = fields.Integer(load_default=50_000, validate=validate.Range(min=1, max=200_000),
                           metadata={"description": "the latest records counted"})


class ShadowReportSchema(Schema):
    candidate = fields.String(allow_none=True)
    records = fields.Integer(metadata={"description": "all records of the candidate (counted: at most limit)"})
    dropped = fields.Integer(metadata={"description": "samples of the candidate with no record: the queue was "
                                                      "full or a batch failed (shadow records are best effort)"})
    active_revisions = fields.List(fields.String())
    items = fields.Integer()
    agree = fields.Integer()
    changed = fields.Integer()
    agreement = fields.Float(allow_none=True)
    newly_blocked = fields.Integer()
    newly_allowed = fields.Integer()
    changes = fields.Dict(keys=fields.String(), values=fields.Integer(),
                          metadata={"description": "e.g. {\"allow->block\": 3}"})
    rules = _COUNTS
    categories = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()))
    examples = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()),
                           metadata={"description": "per change: decision id, text digest, both decisions and "
                                                    "rule ids (no text)"})
