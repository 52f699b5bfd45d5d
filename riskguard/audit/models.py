"""Storage of the audit log: entries (leaves and the interior hashes they complete), the tree head and
signed checkpoints.

An entry row is written by ``record`` in the caller's transaction with ``idx`` NULL (pending). The
sequencer later gives it the next leaf index, its leaf hash, the interior nodes that leaf completes
(``nodes``: levels 1..t concatenated, t = trailing one bits of idx) and a seal binding index and leaf
hash under a key the database does not hold. The other columns copy fields of the canonical entry for
filtering only; ``verify`` checks them against the entry bytes. Filters page by leaf index, so their
indexes hold sequenced rows only (partial, ``idx IS NOT NULL``): ``record`` writes none of them in the
caller's transaction, the sequencer's batched UPDATE does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

__all__ = ["AuditEntry", "AuditTree", "AuditCheckpoint", "BIGINT"]

BIGINT = BigInteger().with_variant(Integer, "sqlite")
_SEQUENCED = text("idx IS NOT NULL")


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(40), unique=True)
    idx: Mapped[int | None] = mapped_column(BigInteger, unique=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(128))
    decision: Mapped[str | None] = mapped_column(String(32), nullable=True)
    policy_revision: Mapped[str | None] = mapped_column(String(80), nullable=True)
    entry: Mapped[bytes] = mapped_column(LargeBinary)
    mac: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    nodes: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    seal: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    # Partial since migration audit_0002.
    __table_args__ = tuple(
        Index(name, *columns, sqlite_where=_SEQUENCED, postgresql_where=_SEQUENCED)
        for name, columns in [("ix_audit_entries_action_idx", ("action", "idx")),
                              ("ix_audit_entries_actor_idx", ("actor", "idx")),
                              ("ix_audit_entries_subject_idx", ("subject_id", "idx")),
                              ("ix_audit_entries_created_at", ("created_at",))])


class AuditTree(Base):
    """The single tree head row (id 1): size and root of the integrated log."""

    __tablename__ = "audit_tree"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    root: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditCheckpoint(Base):
    __tablename__ = "audit_checkpoints"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
