"""The audit log service: one object per app (or CLI run) over a database, the log keys and the
sequencer mode. It is the only way to record (``transaction``) and holds all of its own state, so two
logs over two databases in one process never see each other's keys or sequencer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..config import Settings
from ..db import Database
from ..ids import keyed_digest
from ..keyring import Keyring
from ._keys import LogKeys
from .canonical import PersonalDataError, looks_personal
from .checkpoints import Checkpoint, CheckpointError, latest_checkpoint
from .events import AuditEvent
from .models import AuditEntry
from .recorder import OWNER, AuditTransaction
from .sequencer import MODES, Sequencer, integrate
from .trust import TrustStore
from .verify import VerifyReport, verify_log

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["AuditLog", "SEQUENCER_MODES"]

_DIGEST = re.compile(r"hmac-sha256:[0-9a-f]{64}")

SEQUENCER_MODES = MODES  # the ``audit_sequencer`` setting → Sequencer mode


class AuditLog:
    def __init__(self, db: Database, keys: LogKeys, digest_key: bytes | None = None, *,
                 sequencer: str = "thread", checkpoint_interval: float = 60.0,
                 personal: Callable[[str], bool] | None = None) -> None:
        self.db = db
        self.keys = keys
        self.digest_key = digest_key  # keyed digests of personal-looking identifiers and filter values
        self.personal = personal  # the PII service's check of an identifier (the composition root wires it)
        self.sequencer = Sequencer(db.engine, keys, sequencer, checkpoint_interval)

    @classmethod
    def create(cls, db: Database, keyring: Keyring, settings: Settings,
               personal: Callable[[str], bool] | None = None) -> AuditLog:
        extra = settings.extra or {}
        mode = extra.get("audit_sequencer", True)
        if mode not in SEQUENCER_MODES:
            raise ValueError(f"audit_sequencer must be one of {tuple(SEQUENCER_MODES)}, not {mode!r}")
        return cls(db, LogKeys.from_keyring(keyring, settings.audit_origin), keyring.secret("digest"),
                   sequencer=SEQUENCER_MODES[mode],
                   checkpoint_interval=float(extra.get("audit_checkpoint_interval", 60.0)), personal=personal)

    def identifier(self, value: str) -> str:
        """What an entry may hold for the identifier ``value``: itself, or its keyed digest when it looks
        like personal data (a phone number sent as a content id) to the log's own guard or to ``personal``.
        Auditors' ``subject_id`` filters go through here too, so the clear value still finds its entries."""
        if self.digest_key is None or _DIGEST.fullmatch(value) or not (
                looks_personal(value) or (self.personal and self.personal(value))):
            # without a digest key a personal-looking id is refused when recorded; a digest stays itself
            # (the recognizers find a mobile number in about 1 in 250 digests' hex), so that a filter
            # given the digest an entry holds finds that entry
            return value
        return keyed_digest(self.digest_key, value)

    def identified(self, event: AuditEvent) -> AuditEvent:
        """``event`` with its identifiers (``subject_id``, ``links``) passed through :meth:`identifier`."""
        subject_id = self.identifier(event.subject_id)
        links = {k: self.identifier(v) for k, v in event.links.items()}
        if subject_id == event.subject_id and links == dict(event.links):
            return event
        return replace(event, subject_id=subject_id, links=links)

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

    def has_entry(self, action: str, subject_id: str) -> bool:
        """Whether any entry, integrated or not, has this action and subject."""
        with self.db.engine.connect() as conn:
            return conn.execute(select(AuditEntry.seq).where(AuditEntry.action == action,
                                                             AuditEntry.subject_id == subject_id).limit(1)
                                ).first() is not None

    def checkpoint(self) -> Checkpoint:
        return latest_checkpoint(self.db.engine, self.keys)

    def verify(self, extra_checkpoints: Iterable[str] = (), *, integrate_first: bool = True,
               deep: bool = True, trust_store: TrustStore | None = None,
               progress: Callable[[int], None] | None = None) -> VerifyReport:
        """With ``trust_store``: also check the checkpoint it holds (rollback, deleted checkpoints, a
        non-empty log without one) and, if everything verifies, remember the latest stored checkpoint."""
        if integrate_first:
            self.integrate()
        if trust_store is None:
            return verify_log(self.db.engine, self.keys, extra_checkpoints, deep=deep, progress=progress)
        try:
            trusted = trust_store.load(self.keys)
        except CheckpointError as exc:
            report = VerifyReport()
            report.add(None, "trust_store", f"the trusted checkpoint file is unusable: {exc}")
            return report
        report = verify_log(self.db.engine, self.keys, extra_checkpoints, deep=deep, trusted=trusted,
                            require_checkpoint=True, progress=progress)
        if report.ok and report.latest_stored is not None:
            trust_store.remember(report.latest_stored, self.keys)
        return report
