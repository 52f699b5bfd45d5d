"""Shapes of the PII API: requests are validated here, before any view code runs."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .analyzer import ALL_ENTITIES
from .nlp import LANGUAGES
from .redaction import OPERATORS
from .service import DEFAULT_THRESHOLD
from .tokens import DEFAULT_PURPOSE, DEFAULT_SUBJECT

__all__ = [
    "MAX_BATCH",
    "MAX_TEXT",
    "PiiDecryptResultSchema",
    "PiiDecryptSchema",
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


_NAME = validate.Regexp(r"^[A-Za-z0-9_.:-]{1,128}$", error="letters, digits and _.:- only (1-128)")


class PiiOperatorSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(OPERATORS))
    keep_last = fields.Integer(load_default=4, validate=validate.Range(0, 8))
    masking_char = fields.String(load_default="*", validate=validate.Length(equal=1))
    subject_id = fields.String(load_default=None, validate=_NAME, metadata={
        "description": f"encrypt: the vault data subject whose key seals the values (default {DEFAULT_SUBJECT!r}); "
                       "erasing the subject makes its tokens unreadable"})
    purpose = fields.String(load_default=None, validate=_NAME, metadata={
        "description": f"encrypt: purpose bound into the token (default {DEFAULT_PURPOSE!r})"})


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


class PiiDecryptSchema(Schema):
    tokens = fields.List(fields.String(validate=validate.Length(min=1, max=10_000)), required=True,
                         validate=validate.Length(min=1, max=MAX_BATCH),
                         metadata={"description": "tokens made by the encrypt operator"})
    reason = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "'<reason>:<reference>' as in X-Reveal-Reason (either one; if both, they must agree)"})


class PiiDecryptItemSchema(Schema):
    type = fields.String(required=True)
    subject_id = fields.String(required=True)
    purpose = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["revealed", "erased"]})
    text = fields.String(allow_none=True, metadata={"description": "the value; null when erased"})


class PiiDecryptResultSchema(Schema):
    reveal_id = fields.String(required=True, metadata={"description": "audit reference of this reveal"})
    results = fields.List(fields.Nested(PiiDecryptItemSchema), required=True)
