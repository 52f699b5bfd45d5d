"""Vault storage: one wrapped data key per data subject, blind-index values, KEK version state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ...db import Base

__all__ = ["SubjectKey", "BlindIndexEntry", "KekState"]


class SubjectKey(Base):
    """A data subject's data key, wrapped by KEK ``kek_version``; ``wrapped_key`` is NULL once shredded."""

    __tablename__ = "vault_subject_keys"

    subject_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32))
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    kek_version: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rewrapped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    shredded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class BlindIndexEntry(Base):
    """One truncated blind-index value of one field of one record (deleted when the subject is erased)."""

    __tablename__ = "vault_blind_indexes"
    __table_args__ = (
        Index("ix_vault_blind_indexes_lookup", "field", "value"),
        Index("ix_vault_blind_indexes_record", "record_type", "record_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(16))
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(128))
    column: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str] = mapped_column(String(128), index=True)


class KekState(Base):
    """KEK versions for a master-key (derived) keyring, which has no file to record them in."""

    __tablename__ = "vault_kek_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    current_version: Mapped[int] = mapped_column(Integer)
    min_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
