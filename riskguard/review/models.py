"""Storage of review cases: one row per automated ``review`` decision that a human must settle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

__all__ = ["ReviewCase", "CaseStatus"]


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
    __table_args__ = (Index("ix_review_cases_status_kind_created", "status", "kind", "created_at"),)

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
