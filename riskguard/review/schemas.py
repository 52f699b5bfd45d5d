"""Request and response shapes of the review queue API."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, fields, validate

from ..fields import UtcDateTime, no_nul
from ..onboarding.schemas import ApplicationViewSchema
from .queue import SORTS, QueueFilter
from .service import CASE_KINDS, HUMAN_DECISIONS, SEVERITIES

__all__ = ["CaseListQuery", "CaseDecisionBody", "CaseSchema", "CaseListSchema", "CasePageSchema", "queue_filter"]


def _text(limit: int, description: str) -> fields.String:
    return fields.String(load_default=None, validate=[validate.Length(min=1, max=limit), no_nul],
                         metadata={"description": description})


class CaseListQuery(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "decided", "all"]))
    kind = fields.String(load_default=None, validate=validate.OneOf(CASE_KINDS))
    category = _text(128, "cases of this category")
    rule = _text(128, "cases where this rule (or onboarding check) fired")
    severity = fields.String(load_default=None, validate=validate.OneOf(SEVERITIES),
                             metadata={"description": "cases of this top severity or a more severe one"})
    submitter = _text(200, "cases submitted by keys of this name, or by the key ref `key:<id>`")
    content_id = _text(128, "the client's id of the reviewed content (ad, listing, script, application)")
    since = fields.AwareDateTime(load_default=None, default_timezone=UTC, data_key="from",
                                 metadata={"description": "opened at or after (no zone: UTC)"})
    until = fields.AwareDateTime(load_default=None, default_timezone=UTC, data_key="to",
                                 metadata={"description": "opened before (no zone: UTC)"})
    sort = fields.String(load_default="oldest", validate=validate.OneOf(SORTS),
                         metadata={"description": "oldest first (the queue), newest first, or most severe "
                                                  "first (then oldest)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=512), metadata={
        "description": "`next` or `prev` of a page listed with the same sort"})


def queue_filter(query: dict[str, Any]) -> QueueFilter:
    """The queue's filter from :class:`CaseListQuery`'s loaded values (the API's and the console's)."""
    return QueueFilter(status=None if query["status"] == "all" else query["status"],
                       **{k: query[k] for k in ("kind", "category", "rule", "severity", "submitter",
                                                "content_id", "since", "until")})


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


class PreviewSchema(Schema):
    before = fields.String()
    match = fields.String(metadata={"description": "the first highlighted span (empty: no highlight)"})
    after = fields.String()
    clipped_start = fields.Boolean(metadata={"description": "the text goes on before `before`"})
    clipped_end = fields.Boolean(metadata={"description": "the text goes on after `after`"})


class AuditLinksSchema(Schema):
    case = fields.String(metadata={"description": "the audit entries of this case (opened, decided)"})
    decision = fields.String(metadata={"description": "the audit entries of the reviewed content's "
                                                      "automated decision"})


class QueueCaseSchema(CaseSchema):
    content_id = fields.String(metadata={
        "description": "the client's id of the reviewed content (subject.id), digits but the last four "
                       "masked when it looks like personal data"})
    preview = fields.Nested(PreviewSchema, allow_none=True, metadata={
        "description": "the stored text (personal data masked) around its first highlight; null for "
                       "merchant applications"})
    submitter_name = fields.String(allow_none=True, metadata={"description": "name of the submitting key"})
    age_seconds = fields.Integer(metadata={"description": "since opened (until decided, for a decided case)"})
    sla_hours = fields.Float(metadata={"description": "service level of its kind (policies/review.yaml)"})
    due_at = UtcDateTime()
    overdue = fields.Boolean(metadata={"description": "open and past due_at"})


class CaseCountsSchema(Schema):
    open = fields.Integer()
    decided = fields.Integer()
    overdue = fields.Integer(metadata={"description": "open cases past their service level"})


class CaseListSchema(Schema):
    cases = fields.List(fields.Nested(QueueCaseSchema))
    total = fields.Integer(metadata={"description": "cases matching the query, over all pages"})
    counts = fields.Nested(CaseCountsSchema, metadata={
        "description": "cases matching the query's filters in each state"})
    next = fields.String(allow_none=True, metadata={"description": "cursor of the following page"})
    prev = fields.String(allow_none=True, metadata={"description": "cursor of the preceding page"})


class CasePageSchema(CaseSchema):
    content_id = fields.String(metadata={"description": "as in the queue"})
    sla_hours = fields.Float()
    due_at = UtcDateTime()
    audit = fields.Nested(AuditLinksSchema, metadata={
        "description": "audit API queries (role auditor) for the entries of this case"})
