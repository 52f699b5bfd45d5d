"""Storage of review cases: one row per automated ``review`` decision that a human must settle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

__all__ = ["ReviewCase", "ReviewCaseLabel", "CaseStatus", "LabelType"]


class CaseStatus:
    OPEN = "open"
    DECIDED = "decided"


class ReviewCase(Base):
    """A queued automated decision.

    ``findings`` holds what fired (rule or check ids, fields, laws, spans) but never the matched text.
    ``content`` is the screened text of a screening case with personal data masked character for
    character by the PII service (``mask_personal_data``): same length, so the findings' spans index it,
    and no raw phone, ID or card number at rest. Merchant applications keep their text in onboarding.
    """

    __tablename__ = "review_cases"
    # The queue pages by (created_at, id) or (severity_rank, created_at, id) within a status (keyset).
    __table_args__ = (Index("ix_review_cases_status_kind_created", "status", "kind", "created_at"),
                      Index("ix_review_cases_status_created_id", "status", "created_at", "id"),
                      Index("ix_review_cases_status_rank_created_id", "status", "severity_rank", "created_at",
                            "id"),
                      Index("ix_review_cases_submitted_by", "submitted_by"))

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(128), index=True)
    decision_id: Mapped[str] = mapped_column(String(64), unique=True)
    automated_decision: Mapped[str] = mapped_column(String(16))
    policy_revision: Mapped[str | None] = mapped_column(String(80), nullable=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    categories: Mapped[list[str]] = mapped_column(JSON)
    top_severity: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # top_severity as a number for sorting (0 critical … 4 info, 5 none): see service.severity_rank
    severity_rank: Mapped[int] = mapped_column(SmallInteger, default=5)
    rule_ids: Mapped[list[str]] = mapped_column(JSON)
    articles: Mapped[list[str]] = mapped_column(JSON)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class LabelType:
    CATEGORY = "category"
    RULE = "rule"


class ReviewCaseLabel(Base):
    """A case's categories and rule ids, one row each, so that the queue filters by them with an index
    (the JSON lists on the case cannot be searched alike on SQLite and PostgreSQL)."""

    __tablename__ = "review_case_labels"
    __table_args__ = (Index("ix_review_case_labels_type_value", "type", "value", "case_id"),)

    case_id: Mapped[str] = mapped_column(String(40), ForeignKey("review_cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    type: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(128), primary_key=True)
