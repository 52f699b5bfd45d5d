"""Key operations: rotate (add a KEK version), rewrap (data keys under the newest KEK), retire.

Each operation commits together with its audit entry. ``rewrap`` works in small batches, each its own
transaction, so it can run beside the live service, be interrupted at any point without losing a key
(a batch either commits whole or not at all) and simply be run again to resume.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...audit import Action, AuditEvent, AuditLog
from ...db import Database
from ...errors import Conflict
from ...ids import utcnow
from ...keyring import Keyring, KeyringError
from ...transitions import transition
from . import crypto
from .models import KekState, SubjectKey

__all__ = ["rotate", "rewrap", "retire", "pending_rewrap", "RewrapResult", "kek_status"]

log = structlog.get_logger("riskguard.vault.keys")


@dataclass(frozen=True)
class RewrapResult:
    target_version: int
    rewrapped: int
    batches: int
    remaining: int


def _state(session: Session, keys: Keyring) -> KekState:
    row = session.get(KekState, 1, with_for_update=True)
    if row is None:
        row = KekState(id=1, current_version=keys.current_kek_version, min_version=keys.min_kek_version,
                       updated_at=utcnow())
        session.add(row)
        session.flush()
    return row


def _sync(session: Session, keys: Keyring) -> None:
    if keys.derived:
        state = _state(session, keys)
        keys.use_versions(state.current_version, state.min_version)


def kek_status(db: Database, keys: Keyring) -> dict[int, int]:
    """Live (not shredded) data keys per KEK version."""
    with db.transaction() as session:
        _sync(session, keys)
        rows = session.execute(select(SubjectKey.kek_version, func.count()).where(
            SubjectKey.wrapped_key.is_not(None)).group_by(SubjectKey.kek_version)).all()
    return {int(v): int(n) for v, n in rows}


def _claim_version(session: Session, keys: Keyring, version: int) -> None:
    """The guarded transition to KEK ``version`` (for both providers: a file keyring's row only guards,
    the file stays the truth); 409 ``kek_rotation_conflict`` if another rotation got there first."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(KekState).values(
        id=1, current_version=version - 1, min_version=keys.min_kek_version, updated_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["id"]))
    transition(session, KekState, KekState.id == 1, KekState.current_version < version,
               values={"current_version": version, "updated_at": utcnow()},
               conflict=Conflict(f"another rotation already made KEK version {version} or later",
                                 code="kek_rotation_conflict"))


def rotate(db: Database, keys: Keyring, *, audit: AuditLog, actor: str = "cli",
           expect_version: int | None = None) -> int:
    """Add a KEK version and make it current for new data keys; old ones still unwrap.

    Never do two rotations make the same version: of rotations from one version exactly one adds the
    next, the others raise ``Conflict`` (``kek_rotation_conflict``) before they touch the keyring. With
    ``expect_version`` (what the operator saw) a rotation from any other current version is refused
    the same way, so two operators rotating at once add one version, not two."""
    with db.transaction() as session:
        _sync(session, keys)
        keys.refresh()  # a file keyring another process rotated
        previous = keys.current_kek_version
        if expect_version is not None and previous != expect_version:
            raise Conflict(f"the current KEK version is {previous}, not {expect_version}",
                           code="kek_rotation_conflict")
        _claim_version(session, keys, previous + 1)
        version = keys.rotate()  # a file keyring is saved here, before the audit entry commits
        try:
            with audit.transaction(session) as tx:
                tx.record(AuditEvent(action=Action.KEK_ROTATED, actor=actor, subject_type="kek",
                                     subject_id=f"v{version}", decision="rotated",
                                     details={"previous_version": previous, "provider":
                                              "master_key" if keys.derived else "file"}))
            session.flush()
        except Exception:
            _undo_rotation(keys, version)
            raise
    log.info("vault.kek_rotated", version=version, previous=previous)
    return version


def _undo_rotation(keys: Keyring, version: int) -> None:
    keys.keks.pop(version, None)
    if keys.path is not None:
        keys.save()


def pending_rewrap(db: Database, keys: Keyring) -> int:
    with db.transaction() as session:
        _sync(session, keys)
        return int(session.scalar(select(func.count()).select_from(SubjectKey).where(
            SubjectKey.wrapped_key.is_not(None), SubjectKey.kek_version < keys.current_kek_version)) or 0)


def rewrap(db: Database, keys: Keyring, *, audit: AuditLog, batch_size: int = 500, actor: str = "cli",
           progress: Callable[[int], None] | None = None,
           after_batch: Callable[[int], None] | None = None) -> RewrapResult:
    """Re-wrap every live data key under the newest KEK, ``batch_size`` keys per transaction.

    ``after_batch(batch number)`` runs after each commit (tests use it to simulate a crash).
    """
    with db.transaction() as session:
        _sync(session, keys)
    target = keys.current_kek_version
    done = batches = 0
    while True:
        with db.transaction() as session:
            stmt = (select(SubjectKey.subject_id, SubjectKey.key_id, SubjectKey.wrapped_key,
                           SubjectKey.kek_version)
                    .where(SubjectKey.wrapped_key.is_not(None), SubjectKey.kek_version < target)
                    .order_by(SubjectKey.subject_id).limit(batch_size))
            if session.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            rows = session.execute(stmt).all()
            if not rows:
                break
            now = utcnow()
            versions = sorted({r.kek_version for r in rows})
            for row in rows:
                key_id = bytes.fromhex(row.key_id)
                data_key = keys.unwrap_key(row.kek_version, row.wrapped_key,
                                           crypto.dek_aad(row.subject_id, key_id, row.kek_version))
                wrapped = keys.wrap_key(target, data_key, crypto.dek_aad(row.subject_id, key_id, target))
                session.execute(update(SubjectKey).where(
                    SubjectKey.subject_id == row.subject_id, SubjectKey.kek_version == row.kek_version,
                    SubjectKey.wrapped_key.is_not(None)).values(
                    wrapped_key=wrapped, kek_version=target, rewrapped_at=now))
            with audit.transaction(session) as tx:
                tx.record(AuditEvent(action=Action.KEK_REWRAPPED, actor=actor, subject_type="kek",
                                     subject_id=f"v{target}", decision="rewrapped",
                                     details={"count": len(rows), "from_versions": versions,
                                              "first_subject": rows[0].subject_id,
                                              "last_subject": rows[-1].subject_id}))
        done += len(rows)
        batches += 1
        log.info("vault.kek_rewrap_batch", target=target, count=len(rows), batch=batches)
        if progress is not None:
            progress(len(rows))
        if after_batch is not None:
            after_batch(batches)
    return RewrapResult(target_version=target, rewrapped=done, batches=batches,
                        remaining=pending_rewrap(db, keys))


def retire(db: Database, keys: Keyring, min_version: int, *, audit: AuditLog, destroy: bool = False,
           actor: str = "cli") -> list[int]:
    """Refuse decryption under KEK versions below ``min_version`` (and with ``destroy``, delete them).

    Refused while any live data key is still wrapped under such a version: run ``rewrap`` first.
    """
    with db.transaction() as session:
        _sync(session, keys)
        if min_version > keys.current_kek_version:
            raise KeyringError(f"cannot retire the current key version {keys.current_kek_version}")
        if min_version < keys.min_kek_version:
            raise KeyringError(f"versions below {keys.min_kek_version} are already retired")
        left = int(session.scalar(select(func.count()).select_from(SubjectKey).where(
            SubjectKey.wrapped_key.is_not(None), SubjectKey.kek_version < min_version)) or 0)
        if left:
            raise KeyringError(f"{left} data key(s) are still wrapped under a version below {min_version}; "
                               "run `riskguard keys rewrap` first")
        before = keys.min_kek_version
        # A derived (master-key) KEK cannot be destroyed, only refused; a file KEK can be deleted.
        destroyed = sorted(v for v in keys.keks if v < min_version) if destroy and not keys.derived else []
        with audit.transaction(session) as tx:
            tx.record(AuditEvent(action=Action.KEK_RETIRED, actor=actor, subject_type="kek",
                                 subject_id=f"v{min_version}", decision="destroyed" if destroyed else "retired",
                                 details={"previous_min_version": before, "min_version": min_version,
                                          "destroyed_versions": destroyed}))
        session.flush()
        if keys.derived:
            state = _state(session, keys)
            state.min_version, state.updated_at = min_version, utcnow()
            keys.use_versions(state.current_version, min_version)
        else:
            keys.retire(min_version, destroy=destroy)  # the file changes last, just before commit
    log.info("vault.kek_retired", min_version=min_version, destroyed=destroyed)
    return destroyed
