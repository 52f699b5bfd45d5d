"""The audit log service: one object per app (or CLI run) over a database, the log keys and the
sequencer mode. It is the only way to record (``transaction``) and holds all of its own state, so two
logs over two databases in one process never see each other's keys or sequencer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..config import Settings
from ..db import Database
from ..ids import keyed_digest
from ..keyring import Keyring
from ._keys import LogKeys
from .canonical import PersonalDataError
from .checkpoints import Checkpoint, latest_checkpoint
from .events import AuditEvent
from .models import AuditEntry
from .recorder import OWNER, AuditTransaction
from .sequencer import MODES, Sequencer, integrate
from .verify import VerifyReport, verify_log

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["AuditLog", "SEQUENCER_MODES"]

SEQUENCER_MODES = MODES  # the ``audit_sequencer`` setting → Sequencer mode


class AuditLog:
    def __init__(self, db: Database, keys: LogKeys, digest_key: bytes | None = None, *,
                 sequencer: str = "thread", checkpoint_interval: float = 60.0) -> None:
        self.db = db
        self.keys = keys
        self.digest_key = digest_key  # keyed digests of personal-looking filter values
        self.sequencer = Sequencer(db.engine, keys, sequencer, checkpoint_interval)

    @classmethod
    def create(cls, db: Database, keyring: Keyring, settings: Settings) -> AuditLog:
        extra = settings.extra or {}
        mode = extra.get("audit_sequencer", True)
        if mode not in SEQUENCER_MODES:
            raise ValueError(f"audit_sequencer must be one of {tuple(SEQUENCER_MODES)}, not {mode!r}")
        return cls(db, LogKeys.from_keyring(keyring, settings.audit_origin), keyring.secret("digest"),
                   sequencer=SEQUENCER_MODES[mode],
                   checkpoint_interval=float(extra.get("audit_checkpoint_interval", 60.0)))

    @contextmanager
    def transaction(self, session: Session | None = None) -> Iterator[AuditTransaction]:
        """Record entries: ``with audit.transaction() as tx: tx.record(event)``. Without ``session`` the
        entries (and ``tx.session``'s writes) commit when the block ends; with one, they join its
        transaction and commit with it. Fails closed with :class:`~riskguard.errors.AuditUnavailable`;
        see :mod:`riskguard.audit.recorder`."""
        if session is not None:  # a service joining a view's ``tx.session`` records in that transaction
            owner = session.info.get(OWNER)
            yield owner if owner is not None and owner._log is self else AuditTransaction(self, session)
            return
        tx = AuditTransaction(self, session)
        try:
            yield tx
            tx._commit()
        finally:
            tx._close()

    def record_access(self, actor: str, action: str, what: str, details: Mapping[str, Any],
                      tags: Mapping[str, str] | None = None) -> None:
        """Record an auditor's read of the log in its own transaction. If a filter value in ``details``
        looks like personal data, every string there is kept only as its keyed digest (``tags`` never
        are). Raises ``AuditUnavailable`` if the entry cannot be written: show nothing (fail closed)."""
        def event(values: Mapping[str, Any]) -> AuditEvent:
            return AuditEvent(action=action, actor=actor, subject_type="audit_log", subject_id=what,
                              details={**values, **(tags or {})})

        try:
            with self.transaction() as tx:
                tx.record(event(details))
        except PersonalDataError:
            if self.digest_key is None:
                raise
            key = self.digest_key
            with self.transaction() as tx:
                tx.record(event({k: keyed_digest(key, str(v)) if isinstance(v, str) else v
                                 for k, v in details.items()}))

    def integrate(self) -> int:
        return integrate(self.db.engine, self.keys)

    def index_of(self, entry_id: str) -> int | None:
        """The leaf index of an entry (integrating first), or None if there is no such entry."""
        self.integrate()
        with self.db.engine.connect() as conn:
            return conn.execute(select(AuditEntry.idx).where(AuditEntry.entry_id == entry_id)).scalar_one_or_none()

    def checkpoint(self) -> Checkpoint:
        return latest_checkpoint(self.db.engine, self.keys)

    def verify(self, extra_checkpoints: Iterable[str] = (), *, integrate_first: bool = True,
               deep: bool = True, progress: Callable[[int], None] | None = None) -> VerifyReport:
        if integrate_first:
            self.integrate()
        return verify_log(self.db.engine, self.keys, extra_checkpoints, deep=deep, progress=progress)
