"""Request and response shapes of the review queue API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..fields import UtcDateTime, no_nul
from ..onboarding.schemas import ApplicationViewSchema
from .service import CASE_KINDS, HUMAN_DECISIONS

__all__ = ["CaseListQuery", "CaseDecisionBody", "CaseSchema", "CaseListSchema"]


class CaseListQuery(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "decided", "all"]))
    kind = fields.String(load_default=None, validate=validate.OneOf(CASE_KINDS))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    after = fields.String(load_default=None, validate=validate.Length(min=1, max=40))


class CaseDecisionBody(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(HUMAN_DECISIONS))
    reason = fields.String(required=True, validate=[validate.Length(min=2, max=2000), no_nul])


class CaseSubjectSchema(Schema):
    type = fields.String()
    id = fields.String()


class CaseFindingSchema(Schema):
    check = fields.String()
    rule_id = fields.String()
    field = fields.String()
    law = fields.String()
    article = fields.String()
    severity = fields.String()
    decision = fields.String()
    message = fields.String()
    suggestion = fields.String()
    start = fields.Integer()
    end = fields.Integer()


class CaseSchema(Schema):
    id = fields.String()
    kind = fields.String()
    subject = fields.Nested(CaseSubjectSchema)
    decision_id = fields.String()
    automated_decision = fields.String()
    policy_revision = fields.String(allow_none=True)
    submitted_by = fields.String()
    categories = fields.List(fields.String())
    top_severity = fields.String(allow_none=True)
    rule_ids = fields.List(fields.String())
    articles = fields.List(fields.String())
    findings = fields.List(fields.Nested(CaseFindingSchema))
    content = fields.String(allow_none=True, metadata={
        "description": "screened text with personal data masked by '*', same length: findings' "
                       "start/end index it (screening cases; null for merchant applications)"})
    status = fields.String()
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    # Absent rather than null when there is no view: a nullable nested schema is documented as "any
    # object", which would check nothing.
    subject_view = fields.Nested(ApplicationViewSchema, metadata={
        "description": "one case only (GET /v1/review/cases/{case_id}), merchant applications only: the "
                       "application as stored, personal fields masked"})


class CaseListSchema(Schema):
    cases = fields.List(fields.Nested(CaseSchema))
    next = fields.String(allow_none=True)
