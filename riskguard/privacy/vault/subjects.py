"""Data subjects, as other domains reach them: new subject ids, blind-index search, status, erasure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from ...audit import Action, AuditEvent, AuditLog
from ...ids import new_id, utcnow
from . import blind
from .column import VaultRecord, record_type_of
from .errors import VaultError
from .models import BlindIndexEntry
from .service import current_vault

__all__ = ["IndexHit", "Erasure", "blind_index", "find_candidates", "find_records", "erase_subject",
           "subject_status", "new_subject_id"]

log = structlog.get_logger("riskguard.vault")
M = TypeVar("M", bound=VaultRecord)


@dataclass(frozen=True)
class IndexHit:
    """A record whose blind index matches; a candidate until decrypted (indexes are truncated)."""

    record_type: str
    record_id: str
    column: str
    subject_id: str


@dataclass(frozen=True)
class Erasure:
    subject_id: str
    status: str  # "erased"
    blind_indexes_removed: int
    erased_at: str


def new_subject_id() -> str:
    """A fresh data-subject id (``subj_<hex>``): one per natural person whose data the vault holds."""
    return new_id("subj")


def blind_index(field: str, value: str, *, session: Session | None = None) -> str:
    """The blind-index value of ``value`` for index ``field`` (declared in policies/privacy.yaml)."""
    return current_vault(session).blind_index(field, value)


def find_candidates(session: Session, field: str, value: str, *,
                    record_type: str | None = None) -> list[IndexHit]:
    """Records whose ``field`` index equals that of ``value`` (may include a few false positives)."""
    stmt = select(BlindIndexEntry.record_type, BlindIndexEntry.record_id, BlindIndexEntry.column,
                  BlindIndexEntry.subject_id).where(
        BlindIndexEntry.field == field, BlindIndexEntry.value == blind_index(field, value, session=session))
    if record_type is not None:
        stmt = stmt.where(BlindIndexEntry.record_type == record_type)
    return [IndexHit(*row) for row in session.execute(stmt.order_by(BlindIndexEntry.id))]


def find_records(session: Session, model: type[M], attribute: str, value: str) -> list[M]:
    """Records of ``model`` whose ``attribute`` equals ``value`` after normalisation: the blind index
    narrows the search, decryption confirms it (so truncation never yields a false match)."""
    field = model.__vault_blind_indexes__.get(attribute)
    if field is None:
        raise VaultError(f"{model.__name__}.{attribute} has no blind index", code="unknown_blind_index")
    vault = current_vault(session)
    spec = vault.policy.blind_indexes[field]
    wanted = blind.normalise(spec, value)
    column = inspect(model).get_property(attribute).columns[0].name
    hits = [h for h in find_candidates(session, field, value, record_type=record_type_of(model))
            if h.column == column]
    found: list[M] = []
    pk = inspect(model).primary_key
    for hit in hits:
        ident: Any = hit.record_id.split("/") if len(pk) > 1 else hit.record_id
        row = session.get(model, ident)
        current = getattr(row, attribute, None) if row is not None else None
        if isinstance(current, str) and blind.normalise(spec, current) == wanted:
            found.append(row)  # type: ignore[arg-type]
    return found


def subject_status(session: Session, subject_id: str) -> str:
    """``"active"``, ``"erased"`` or ``"unknown"``."""
    return current_vault(session).subject_state(session.connection(), subject_id)


def erase_subject(session: Session, subject_id: str, *, audit: AuditLog, actor: str,
                  reason: str | None = None) -> Erasure:
    """Crypto-shred a data subject (PIPL Art. 47) and record it in ``audit``, in ``session``'s
    transaction. Raises ``NotFound`` (``subject_not_found``) if the vault never held data for this
    subject, ``Conflict`` (``subject_already_erased``) if it was erased before or by a concurrent
    erasure: exactly one erasure, and one audit entry, per subject."""
    vault = current_vault(session)
    removed = vault.shred(session, subject_id)
    status = "erased"
    with audit.transaction(session) as tx:
        tx.record(AuditEvent(action=Action.PRIVACY_ERASED, actor=actor, subject_type="data_subject",
                             subject_id=subject_id, decision=status, reason=reason,
                             policy_revision=vault.policy.revision,
                             details={"blind_indexes_removed": removed, "method": "crypto_shred"}))
    log.info("vault.subject_erased", subject_id=subject_id, status=status, blind_indexes_removed=removed)
    return Erasure(subject_id=subject_id, status=status, blind_indexes_removed=removed,
                   erased_at=utcnow().isoformat().replace("+00:00", "Z"))
