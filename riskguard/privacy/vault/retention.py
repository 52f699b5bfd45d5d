"""Retention: clear personal-data fields kept longer than ``policies/privacy.yaml`` allows.

A field past its ``retention_days`` (counted from the record's ``retention_anchor`` attribute) is set
to NULL through the ORM, which also removes its blind-index value; each cleared record is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, select

from ...audit import Action, AuditEvent, AuditLog
from ...db import Database
from ...ids import utcnow
from .registry import RecordType, all_record_types
from .service import Vault

__all__ = ["PurgeResult", "purge_expired", "expired_fields"]

log = structlog.get_logger("riskguard.vault.retention")


@dataclass(frozen=True)
class PurgeResult:
    record_type: str
    records: int
    fields: int


def expired_fields(vault: Vault, kind: RecordType, now: datetime) -> Iterator[tuple[str, str, datetime]]:
    """``(attribute, anchor attribute, cutoff)`` for each field of ``kind`` that has a retention period."""
    for name in kind.fields:
        policy = vault.policy.field(kind.table, kind.column_of(name))
        if policy is not None and policy.retention_days is not None:
            yield name, policy.retention_anchor, now - timedelta(days=policy.retention_days)


def purge_expired(db: Database, vault: Vault, *, audit: AuditLog, actor: str = "cli", now: datetime | None = None,
                  batch_size: int = 200, dry_run: bool = False,
                  progress: Callable[[int], None] | None = None) -> list[PurgeResult]:
    """``progress`` is told how many rows each batch looked at."""
    now = now or utcnow()
    results = []
    for kind in all_record_types():
        rules = list(expired_fields(vault, kind, now))
        if not rules:
            continue
        model, records, cleared = kind.model, 0, 0
        conditions = [(getattr(model, anchor) < cutoff) & getattr(model, name).is_not(None)
                      for name, anchor, cutoff in rules]
        pk = list(model.__mapper__.primary_key)  # type: ignore[attr-defined]
        last: tuple | None = None
        while True:
            with db.transaction() as session:
                stmt = select(model).where(or_(*conditions)).order_by(*pk).limit(batch_size)
                if last is not None and len(pk) == 1:
                    stmt = stmt.where(pk[0] > last[0])
                rows = session.scalars(stmt).all()
                if not rows:
                    break
                if progress is not None:
                    progress(len(rows))
                for row in rows:
                    gone = [name for name, anchor, cutoff in rules
                            if getattr(row, name) is not None and _before(getattr(row, anchor), cutoff)]
                    if not gone:
                        continue
                    row_id = "/".join(str(v) for v in model.__mapper__.primary_key_from_instance(row))  # type: ignore[attr-defined]
                    if not dry_run:
                        for name in gone:
                            setattr(row, name, None)
                        with audit.transaction(session) as tx:
                            tx.record(AuditEvent(
                                action=Action.PRIVACY_PURGED, actor=actor, subject_type=kind.name,
                                subject_id=row_id, decision="purged", policy_revision=vault.policy.revision,
                                details={"fields": gone,
                                         "data_subject": getattr(row, model.__vault_subject__)}))
                    records += 1
                    cleared += len(gone)
                last = tuple(model.__mapper__.primary_key_from_instance(rows[-1]))  # type: ignore[attr-defined]
            if dry_run and len(pk) != 1:
                break
        results.append(PurgeResult(kind.name, records, cleared))
        log.info("vault.retention_purged", record_type=kind.name, records=records, fields=cleared,
                 dry_run=dry_run)
    return results


def _before(value: datetime | None, cutoff: datetime) -> bool:
    if value is None:
        return False
    if value.tzinfo is None:  # SQLite returns naive datetimes for timezone-aware columns
        value = value.replace(tzinfo=cutoff.tzinfo)
    return value < cutoff
