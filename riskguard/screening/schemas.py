"""Request and response shapes of the screening API (marshmallow; they also feed /openapi.json)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from ..rulebook.model import CATEGORIES, CATEGORY_PATTERN

__all__ = ["ScreenRequestSchema", "ScreenBatchRequestSchema", "ScreeningDecisionSchema", "ScreenBatchResponseSchema",
           "ScreenPolicyQuerySchema", "MAX_TEXT", "MAX_BATCH"]

MAX_TEXT = 20_000
MAX_BATCH = 1_000
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$"


class StrictBoolean(fields.Boolean):
    """JSON ``true``/``false`` only: ``"yes"`` or ``1`` are type errors, not guesses."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


class DayField(fields.Field):
    """An ISO date (``2025-10-15``) or date-time; screening needs only the day."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if isinstance(value, str) and len(value) <= 40:
            try:
                return date.fromisoformat(value) if len(value) == 10 else \
                    datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            except ValueError:
                pass
        raise ValidationError("Not a valid ISO date.")

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return value.isoformat() if value is not None else None


def _encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Text contains an unpaired surrogate.") from None


def _not_blank(text: str) -> None:
    """Whitespace alone is no content: screening it would record a decision about nothing."""
    if not text.strip():
        raise ValidationError("Text is blank (whitespace only).")


class ScreenRequestSchema(Schema):
    id = fields.String(validate=validate.Regexp(ID_PATTERN, error="Ids are 1-128 of A-Z a-z 0-9 . _ : / -."),
                       metadata={"description": "your identifier of the content (echoed back)"})
    text = fields.String(required=True, validate=[validate.Length(min=1, max=MAX_TEXT), _not_blank, _encodable])
    category = fields.String(
        load_default="general",
        validate=validate.Regexp(CATEGORY_PATTERN, error="Categories are 1-40 of a-z 0-9 _, starting with a letter."),
        metadata={"description": "the content's category; known values: " + ", ".join(CATEGORIES)
                  + ". Any other value gets the rules that are not scoped to categories."})
    has_purchase_link = StrictBoolean(load_default=False)
    labelled_as_ad = StrictBoolean(load_default=False)
    registration_numbers = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                                       load_default=list, validate=validate.Length(max=20))
    published_at = DayField(load_default=None, allow_none=True,
                            metadata={"description": "the content's date (ISO); default today; decides "
                                                     "which article numbering is cited"})


class ScreenBatchRequestSchema(Schema):
    items = fields.List(fields.Nested(ScreenRequestSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_BATCH))


class ScreenPolicyQuerySchema(Schema):
    policy = fields.String(validate=validate.Length(min=1, max=64),
                           metadata={"description": "a screening policy other than the kind's default"})


class ScreeningFindingSchema(Schema):
    rule_id = fields.String()
    law = fields.String()
    article = fields.String()
    severity = fields.String(metadata={"enum": ["critical", "high", "medium", "low", "info"]})
    start = fields.Integer(metadata={"description": "offset in the original text (characters)"})
    end = fields.Integer()
    matched = fields.String(metadata={"description": "text[start:end]"})
    message = fields.String()
    suggestion = fields.String()
    family = fields.String(metadata={"description": "claim model findings (rule_id model.<name>) only: the claim "
                                                    "family whose law and article are cited"})
    probability = fields.Float(metadata={"description": "claim model findings only: the model's probability that "
                                                        "the text makes a prohibited claim"})


class ScreeningDecisionSchema(Schema):
    decision_id = fields.String()
    id = fields.String()
    decision = fields.String(metadata={"enum": ["allow", "review", "block"]})
    policy = fields.String()
    policy_revision = fields.String()
    findings = fields.List(fields.Nested(ScreeningFindingSchema))


class ScreenBatchResponseSchema(Schema):
    policy_revision = fields.String()
    decisions = fields.List(fields.Nested(ScreeningDecisionSchema))
