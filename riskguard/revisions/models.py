"""Rule revisions in the database: each stored rulebook (content-addressed), the one that is active,
and every activation in order (promote pushes, rollback pops)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

__all__ = ["RuleRevision", "RuleState", "RuleActivation", "ShadowRecord", "ShadowDrops"]


class RuleRevision(Base):
    """The rule packs and screening policies of one revision, as zlib-compressed JSON ``{path: text}``;
    loading them again gives the same revision (checked), so no source tree is needed."""

    __tablename__ = "rule_revisions"

    revision: Mapped[str] = mapped_column(String(64), primary_key=True)  # the rulebook's content hash
    label: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    files: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))


class RuleState(Base):
    """One row (id 1): the active revision and its generation. Workers read it by primary key every few
    seconds; a promote or rollback moves ``generation`` with a guarded UPDATE, so of two racing only one
    wins."""

    __tablename__ = "rule_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)
    revision: Mapped[str | None] = mapped_column(String(64), ForeignKey("rule_revisions.revision"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the candidate that decides a sample of live requests in the shadow of the active revision
    shadow_revision: Mapped[str | None] = mapped_column(String(64), ForeignKey("rule_revisions.revision"),
                                                        nullable=True)
    shadow_sample: Mapped[float | None] = mapped_column(Float, nullable=True)


class RuleActivation(Base):
    """Generation ``generation`` made ``revision`` active; ``previous`` is the generation a rollback
    returns to (a promote points at the one it replaced, a rollback at the one before its target)."""

    __tablename__ = "rule_activations"

    generation: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[str] = mapped_column(String(64), ForeignKey("rule_revisions.revision"))
    previous: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShadowRecord(Base):
    """The active and the shadow decision of one sampled request: the text's keyed digest and rule ids,
    never the text."""

    __tablename__ = "rule_shadow_records"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    candidate_revision: Mapped[str] = mapped_column(String(64), index=True)
    active_revision: Mapped[str] = mapped_column(String(64))
    decision_id: Mapped[str] = mapped_column(String(64))
    input_digest: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(40))
    policy: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(8))
    shadow_decision: Mapped[str] = mapped_column(String(8))
    rule_ids: Mapped[str] = mapped_column(Text)  # JSON list
    shadow_rule_ids: Mapped[str] = mapped_column(Text)  # JSON list
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShadowDrops(Base):
    """Samples of a candidate that no :class:`ShadowRecord` stands for (a full queue, a failed batch),
    counted by each process and added here with its next batch: the report says what it is missing."""

    __tablename__ = "rule_shadow_drops"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    candidate_revision: Mapped[str] = mapped_column(String(64), index=True)
    dropped: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
