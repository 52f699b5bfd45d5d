"""Storage of audit entries. (Minimal: the tamper-evident log replaces this table's internals.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

__all__ = ["AuditEntry"]


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    idx: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(128), index=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    policy_revision: Mapped[str | None] = mapped_column(String(80), nullable=True)
    entry: Mapped[bytes] = mapped_column(LargeBinary)
