"""Recording: what ``AuditLog.transaction()`` yields, the one way any domain writes the trail.

``with audit.transaction() as tx: tx.record(event)`` commits the entries in a transaction of their own
when the block ends; ``tx.session`` is a Session in that same transaction for the caller's writes, so a
decision and its audit entry commit together or not at all. ``audit.transaction(session)`` joins the
caller's Session instead (the caller commits). Either way it fails closed: a write or commit that
fails raises :class:`~riskguard.errors.AuditUnavailable` and the caller must not return the decision.

The transaction picks the cheapest path itself. Entries are kept until the block ends; if the caller
asked for no Session, they go in one ``executemany`` on a pooled DBAPI connection, without SQLAlchemy's
execution layer (a screening request's audit transaction costs about half as much that way as through
a Core connection, see ``bench/audit.py``). Only a block that asked for ``tx.session`` pays for a Core
connection and a Session bound to it.
The entry is durable once the transaction commits ("acknowledged = committed"); it has no leaf index
yet. The sequencer gives committed entries contiguous indexes in the order it sees them committed, so a
transaction that commits late never leaves a gap; the AuditLog is told of every such commit and wakes
its sequencer (see :class:`riskguard.audit.sequencer.Sequencer`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..errors import AuditUnavailable
from ..ids import new_id, utcnow
from ._keys import LogKeys
from .canonical import PersonalDataError, canonical_entry
from .events import AuditEvent
from .models import AuditEntry

if TYPE_CHECKING:
    from .service import AuditLog

__all__ = ["AuditTransaction", "Receipt"]

_PENDING_FLAG = "riskguard.audit.pending"
OWNER = "riskguard.audit.transaction"  # on ``tx.session``: the transaction a service joining it records in
_TABLE = AuditEntry.__table__
_INSERT = insert(_TABLE).inline()  # no RETURNING of the new seq on PostgreSQL: nothing reads it


@dataclass(frozen=True)
class Receipt:
    """What ``tx.record`` returns. ``idx`` (the leaf index) is assigned after commit by the sequencer;
    use ``AuditLog.index_of(entry_id)`` to look it up."""

    entry_id: str
    time: datetime
    action: str
    idx: int | None = None


class AuditTransaction:
    """Entries recorded together; see the module docstring. Made by :meth:`AuditLog.transaction`."""

    __slots__ = ("_log", "_rows", "_conn", "_session", "_joined", "_written")

    def __init__(self, log: AuditLog, joined: Session | None = None) -> None:
        self._log = log
        self._rows: list[dict[str, Any]] = []
        self._conn: Connection | None = None
        self._session: Session | None = None
        self._joined = joined
        self._written = False  # entries inserted on ``_conn`` (once a Session was asked for)

    def record(self, event: AuditEvent) -> Receipt:
        """Add ``event``, its identifiers kept as keyed digests where they look like personal data
        (:meth:`AuditLog.identified`). Raises :class:`PersonalDataError` if its free text holds what looks
        like personal data (400 to a client), :class:`AuditUnavailable` if it cannot be written."""
        try:
            row, receipt = _row(self._log.identified(event), self._log.keys)
        except PersonalDataError:
            raise
        except Exception as exc:  # noqa: BLE001 - an entry that cannot be formed cannot be recorded
            raise _unavailable(exc) from exc
        if self._joined is not None:
            self._insert(self._joined.connection(), [row])
            self._joined.info[_PENDING_FLAG] = self._log
        elif self._conn is not None:
            self._insert(self._conn, [row])
        else:
            self._rows.append(row)
        return receipt

    def _insert(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        try:  # Core on the transaction's connection: without the ORM's statement dispatch
            conn.execute(_INSERT, rows)
        except Exception as exc:  # noqa: BLE001 - fail closed
            raise _unavailable(exc) from exc
        self._written = True

    @property
    def session(self) -> Session:
        """A Session in this transaction, for the caller's own writes (it commits with the entries).
        Entries recorded so far are written to it now, later ones as they are recorded, so the caller's
        writes see them."""
        if self._joined is not None:
            return self._joined
        if self._session is None:
            self._conn = self._log.db.engine.connect()
            self._conn.begin()
            self._session = self._log.db.sessions(bind=self._conn)
            self._session.info[OWNER] = self
            if self._rows:
                self._insert(self._conn, self._rows)
                self._rows = []
        return self._session

    def _commit(self) -> None:
        """Write the kept entries and commit; nothing is committed if any part fails."""
        rows = self._rows
        try:
            if self._conn is None:
                if rows:
                    with self._log.db.driver() as conn:
                        conn.executemany(_INSERT, rows)
            else:
                assert self._session is not None
                self._session.flush()
                self._conn.commit()
        except Exception as exc:  # noqa: BLE001 - fail closed: the caller returns nothing it decided
            raise _unavailable(exc) from exc
        if rows or self._written:
            self._log.sequencer.committed()

    def _close(self) -> None:
        if self._session is not None:
            self._session.close()
        if self._conn is not None:
            self._conn.close()  # rolls back whatever did not commit


def _unavailable(exc: Exception) -> AuditUnavailable:
    import structlog

    structlog.get_logger("riskguard.audit").error("audit.record_failed", error_type=type(exc).__name__)
    return AuditUnavailable("the audit entry could not be recorded; nothing was done")


def _fit(value: str | None, limit: int, name: str) -> str | None:
    if value is not None and len(value) > limit:
        raise ValueError(f"audit field {name} is longer than {limit} characters")
    return value


def _row(event: AuditEvent, keys: LogKeys) -> tuple[dict[str, Any], Receipt]:
    """The pending row of ``event`` (the canonical entry and its MAC) and the receipt for it."""
    now = utcnow()
    entry_id = new_id("aud")
    data = canonical_entry(event, entry_id, now)
    row = dict(
        entry_id=entry_id, idx=None, created_at=now, action=_fit(str(event.action), 64, "action"),
        actor=_fit(event.actor, 64, "actor"), subject_type=_fit(event.subject_type, 32, "subject_type"),
        subject_id=_fit(event.subject_id, 128, "subject_id"), decision=_fit(event.decision, 32, "decision"),
        policy_revision=_fit(event.policy_revision, 80, "policy_revision"), entry=data,
        mac=hmac.digest(keys.mac_key, data, "sha256"))
    return row, Receipt(entry_id=entry_id, time=now, action=str(event.action))


@sa_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    log = session.info.pop(_PENDING_FLAG, None)
    if log is not None:
        log.sequencer.committed()


@sa_event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_FLAG, None)
