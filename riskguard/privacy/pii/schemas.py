"""Shapes of the PII API: requests are validated here, before any view code runs."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .analyzer import ALL_ENTITIES
from .nlp import LANGUAGES
from .redaction import OPERATORS
from .service import DEFAULT_THRESHOLD

__all__ = [
    "MAX_BATCH",
    "MAX_TEXT",
    "PiiDetectBatchSchema",
    "PiiDetectResultSchema",
    "PiiDetectSchema",
    "PiiDetectBatchResultSchema",
    "PiiRedactBatchResultSchema",
    "PiiRedactBatchSchema",
    "PiiRedactResultSchema",
    "PiiRedactSchema",
]

MAX_BATCH = 1000
MAX_TEXT = 100_000
_text = fields.String(required=True, validate=validate.Length(max=MAX_TEXT))


class _Options(Schema):
    language = fields.String(load_default="zh", validate=validate.OneOf(LANGUAGES))
    entities = fields.List(fields.String(validate=validate.OneOf(ALL_ENTITIES)), load_default=None,
                           validate=validate.Length(min=1),
                           metadata={"description": "entity types to look for (default: all)"})
    score_threshold = fields.Float(load_default=DEFAULT_THRESHOLD, validate=validate.Range(0.0, 1.0))


class _DetectOptions(_Options):
    include_text = fields.Boolean(load_default=False,
                                  metadata={"description": "echo matched values (privacy_officer only)"})


class PiiOperatorSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(OPERATORS))
    keep_last = fields.Integer(load_default=4, validate=validate.Range(0, 8))
    masking_char = fields.String(load_default="*", validate=validate.Length(equal=1))


class _RedactOptions(_Options):
    operators = fields.Dict(keys=fields.String(validate=validate.OneOf((*ALL_ENTITIES, "DEFAULT"))),
                            values=fields.Nested(PiiOperatorSchema), load_default=None,
                            metadata={"description": "operator per entity type, or DEFAULT"})


class PiiDetectSchema(_DetectOptions):
    text = _text


class PiiDetectBatchSchema(_DetectOptions):
    texts = fields.List(fields.String(validate=validate.Length(max=MAX_TEXT)), required=True,
                        validate=validate.Length(min=1, max=MAX_BATCH))


class PiiRedactSchema(_RedactOptions):
    text = _text


class PiiRedactBatchSchema(_RedactOptions):
    texts = fields.List(fields.String(validate=validate.Length(max=MAX_TEXT)), required=True,
                        validate=validate.Length(min=1, max=MAX_BATCH))


class PiiEntitySchema(Schema):
    type = fields.String(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    score = fields.Float(required=True)
    text_digest = fields.String(required=True, metadata={"description": "HMAC-SHA256 of the value"})
    text = fields.String(metadata={"description": "the value itself, only with include_text"})


class PiiItemSchema(Schema):
    type = fields.String(required=True)
    start = fields.Integer(required=True, metadata={"description": "offset in the redacted text"})
    end = fields.Integer(required=True)
    operator = fields.String(required=True)


class PiiDetectResultSchema(Schema):
    scan_id = fields.String(required=True)
    entities = fields.List(fields.Nested(PiiEntitySchema), required=True)


class PiiDetectItemSchema(Schema):
    entities = fields.List(fields.Nested(PiiEntitySchema), required=True)


class PiiDetectBatchResultSchema(Schema):
    scan_id = fields.String(required=True)
    results = fields.List(fields.Nested(PiiDetectItemSchema), required=True)


class PiiRedactResultSchema(Schema):
    scan_id = fields.String(required=True)
    text = fields.String(required=True)
    items = fields.List(fields.Nested(PiiItemSchema), required=True)


class PiiRedactItemSchema(Schema):
    text = fields.String(required=True)
    items = fields.List(fields.Nested(PiiItemSchema), required=True)


class PiiRedactBatchResultSchema(Schema):
    scan_id = fields.String(required=True)
    results = fields.List(fields.Nested(PiiRedactItemSchema), required=True)
