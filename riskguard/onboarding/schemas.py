"""The merchant application format (strict: unknown fields, wrong types, unknown categories are 400s),
and the response shapes."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..fields import IsoDate, UtcDateTime, no_nul
from ..privacy.pii.fields import NoPersonalData
from .formats import ACCOUNT_TYPES, CATEGORIES, DECISIONS, QUALIFICATION_TYPES

__all__ = ["ApplicationSchema", "MerchantDecisionSchema", "ApplicationViewSchema", "MerchantFindingSchema",
           "ApplicationListQuery", "ApplicationListSchema"]


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


def _text(max_len: int, *, required: bool = True, **kwargs: Any) -> fields.String:
    return fields.String(required=required, validate=[validate.Length(min=1, max=max_len), _not_blank, no_nul],
                         **kwargs)


class MerchantLegalRepSchema(Schema):
    name = _text(64)
    id_number = _text(32)
    phone = _text(32)


class MerchantBankAccountSchema(Schema):
    number = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9][0-9 \-]{6,38}[0-9]$", error="digits (spaces or hyphens between groups allowed)"))
    holder = _text(200)
    bank = _text(100)
    # optional: absent, a 16-19 digit number with a card issuer number counts as a card
    type = fields.String(validate=validate.OneOf(ACCOUNT_TYPES))


class MerchantQualificationSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(QUALIFICATION_TYPES))
    number = _text(64)
    valid_until = fields.Date(required=True, allow_none=True)


class ApplicationSchema(Schema):
    id = fields.String(required=True, validate=[validate.Regexp(
        r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$", error="1-64 letters, digits, _ . : -"),
        NoPersonalData(identifier=True)])  # it is the application's key in the audit trail and in URLs
    business_name = _text(200)
    store_name = _text(100)
    store_description = fields.String(load_default="", validate=[validate.Length(max=5000), no_nul])
    uscc = _text(32)
    business_license_valid_until = fields.Date(required=True, allow_none=True)
    legal_rep = fields.Nested(MerchantLegalRepSchema, required=True)
    contact_phone = _text(32)
    bank_account = fields.Nested(MerchantBankAccountSchema, required=True)
    registered_address = _text(300)
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True,
                             validate=validate.Length(min=1, max=len(CATEGORIES)))
    qualifications = fields.List(fields.Nested(MerchantQualificationSchema), load_default=list,
                                 validate=validate.Length(max=50))

    @validates_schema
    def _distinct_categories(self, data: dict[str, Any], **_: Any) -> None:
        cats = data.get("categories") or []
        if len(set(cats)) != len(cats):
            raise ValidationError("categories must not repeat", field_name="categories")


class MerchantFindingSchema(Schema):
    check = fields.String()
    field = fields.String()
    decision = fields.String(validate=validate.OneOf(DECISIONS))
    severity = fields.String()
    law = fields.String()
    article = fields.String()
    message = fields.String()
    rule_id = fields.String()
    start = fields.Integer()
    end = fields.Integer()
    suggestion = fields.String()
    other_application = fields.String()


class MerchantDecisionSchema(Schema):
    application_id = fields.String()
    decision_id = fields.String()
    decision = fields.String(validate=validate.OneOf(DECISIONS))
    policy_revision = fields.String()
    evaluated_on = IsoDate()
    review_case_id = fields.String(allow_none=True)
    findings = fields.List(fields.Nested(MerchantFindingSchema))


class MaskedLegalRepSchema(Schema):
    name = fields.String()
    id_number = fields.String()
    phone = fields.String()


class MaskedBankAccountSchema(Schema):
    number = fields.String()
    holder = fields.String()
    bank = fields.String()
    type = fields.String(allow_none=True)


class QualificationViewSchema(Schema):
    type = fields.String()
    number = fields.String()
    valid_until = IsoDate(allow_none=True)


class ApplicationViewSchema(Schema):
    """An application as stored, personal fields masked (``ERASED`` once its data subject is erased)."""

    id = fields.String()
    business_name = fields.String()
    store_name = fields.String()
    store_description = fields.String()
    uscc = fields.String()
    business_license_valid_until = IsoDate(allow_none=True)
    legal_rep = fields.Nested(MaskedLegalRepSchema)
    contact_phone = fields.String()
    bank_account = fields.Nested(MaskedBankAccountSchema)
    registered_address = fields.String()
    categories = fields.List(fields.String())
    qualifications = fields.List(fields.Nested(QualificationViewSchema))
    decision = fields.Nested(MerchantDecisionSchema)
    final_decision = fields.String(allow_none=True)
    submitted_by = fields.String()
    created_at = UtcDateTime()


class ApplicationListQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=512), metadata={
        "description": "`next` or `prev` of an earlier page"})


class ApplicationSummarySchema(Schema):
    """An application in a list: no personal field (the store name is stored masked)."""

    id = fields.String()
    business_name = fields.String()
    store_name = fields.String()
    categories = fields.List(fields.String())
    decision = fields.String(validate=validate.OneOf(DECISIONS), metadata={"description": "the automated one"})
    final_decision = fields.String(allow_none=True, metadata={"description": "null while in review"})
    status = fields.String(validate=validate.OneOf(["decided", "in_review"]))
    review_case_id = fields.String(allow_none=True)
    created_at = UtcDateTime()
    final_decided_at = UtcDateTime(allow_none=True)


class ApplicationListSchema(Schema):
    applications = fields.List(fields.Nested(ApplicationSummarySchema))
    total = fields.Integer(metadata={"description": "the key's applications over all pages"})
    next = fields.String(allow_none=True)
    prev = fields.String(allow_none=True)
