"""Storage: checked batches, their payouts (with decision and findings), and overrides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

__all__ = ["PayoutBatch", "PayoutItem", "PayoutOverride", "TEXT_LIMIT"]

TEXT_LIMIT = 200  # text cells are stored cut to this length (bad values can be anything)
_ID = BigInteger().with_variant(Integer, "sqlite")


class PayoutBatch(Base):
    __tablename__ = "payout_batches"
    __table_args__ = (Index("ix_payout_batches_created", "created_at", "id"),
                      Index("ix_payout_batches_status_created", "status", "created_at", "id"))

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # checked | approved
    preparer: Mapped[str] = mapped_column(String(64), index=True)  # actor ref of the submitter
    policy_revision: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    row_count: Mapped[int] = mapped_column(Integer)
    input_digest: Mapped[str] = mapped_column(String(100))
    data_quality: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checked_entry: Mapped[str | None] = mapped_column(String(40), nullable=True)  # audit entry id
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    approval_entry: Mapped[str | None] = mapped_column(String(40), nullable=True)


class PayoutItem(Base):
    __tablename__ = "payout_items"
    __table_args__ = (Index("ix_payout_items_batch_row", "batch_id", "row", unique=True),
                      Index("ix_payout_items_paid_at", "paid_at"))

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("payout_batches.id"))
    row: Mapped[int] = mapped_column(Integer)  # 1-based position in the submitted batch
    payout_id: Mapped[str | None] = mapped_column(String(TEXT_LIMIT), nullable=True)
    payee_id: Mapped[str | None] = mapped_column(String(TEXT_LIMIT), nullable=True)
    payee_type: Mapped[str | None] = mapped_column(String(TEXT_LIMIT), nullable=True)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(TEXT_LIMIT), nullable=True)
    period_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    period_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    bank_account_token: Mapped[str | None] = mapped_column(String(TEXT_LIMIT), nullable=True)
    bank_account_changed_by: Mapped[str | None] = mapped_column(String(TEXT_LIMIT), nullable=True)
    upline_payee_id: Mapped[str | None] = mapped_column(String(TEXT_LIMIT), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(TEXT_LIMIT), nullable=True)
    paid_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # the batch's as-of time
    decision: Mapped[str] = mapped_column(String(8))
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # pending | held | excluded | approved


class PayoutOverride(Base):
    __tablename__ = "payout_overrides"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("payout_batches.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("payout_items.id"))
    payout_id: Mapped[str] = mapped_column(String(TEXT_LIMIT))
    original_decision: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)  # operator text: kept here, only its digest is audited
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    audit_entry: Mapped[str | None] = mapped_column(String(40), nullable=True)
