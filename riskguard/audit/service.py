"""The audit log service: one object per app (or CLI run) over a database and the log keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..config import Settings
from ..db import Database
from ..ids import keyed_digest
from ..keyring import Keyring
from ._keys import LogKeys, bind
from .canonical import PersonalDataError
from .checkpoints import Checkpoint, latest_checkpoint
from .events import AuditEvent
from .recorder import record
from .sequencer import integrate
from .verify import VerifyReport, verify_log

__all__ = ["AuditLog", "SEQUENCER_MODES"]

# ``audit_sequencer`` setting → ``LogKeys.sequencer``: True, a background thread per process; False, a
# request integrates once its response is sent; "process", a sequencer process of its own (what
# ``riskguard serve`` runs beside its workers).
SEQUENCER_MODES = {True: "thread", False: "request", "process": "process"}


class AuditLog:
    def __init__(self, db: Database, keys: LogKeys, digest_key: bytes | None = None) -> None:
        self.db = db
        self.keys = keys
        self.digest_key = digest_key  # keyed digests of personal-looking filter values
        bind(db.engine, keys)

    @classmethod
    def create(cls, db: Database, keyring: Keyring, settings: Settings) -> AuditLog:
        extra = settings.extra or {}
        mode = extra.get("audit_sequencer", True)
        if mode not in SEQUENCER_MODES:
            raise ValueError(f"audit_sequencer must be one of {tuple(SEQUENCER_MODES)}, not {mode!r}")
        keys = LogKeys.from_keyring(keyring, settings.audit_origin,
                                    checkpoint_interval=float(extra.get("audit_checkpoint_interval", 60.0)),
                                    sequencer=SEQUENCER_MODES[mode])
        return cls(db, keys, keyring.secret("digest"))

    def record_access(self, actor: str, action: str, what: str, details: Mapping[str, Any],
                      tags: Mapping[str, str] | None = None) -> None:
        """Record an auditor's read of the log in its own transaction. If a filter value in ``details``
        looks like personal data, every string there is kept only as its keyed digest (``tags`` never
        are). Raises if the entry cannot be written: callers answer 503 and show nothing (fail closed)."""
        with self.db.transaction() as session:
            try:
                record(session, AuditEvent(action=action, actor=actor, subject_type="audit_log",
                                           subject_id=what, details={**details, **(tags or {})}))
            except PersonalDataError:
                if self.digest_key is None:
                    raise
                safe = {k: keyed_digest(self.digest_key, str(v)) if isinstance(v, str) else v
                        for k, v in details.items()}
                record(session, AuditEvent(action=action, actor=actor, subject_type="audit_log",
                                           subject_id=what, details={**safe, **(tags or {})}))

    def integrate(self) -> int:
        return integrate(self.db.engine, self.keys)

    def checkpoint(self) -> Checkpoint:
        return latest_checkpoint(self.db.engine, self.keys)

    def verify(self, extra_checkpoints: Iterable[str] = (), *, integrate_first: bool = True,
               deep: bool = True) -> VerifyReport:
        if integrate_first:
            self.integrate()
        return verify_log(self.db.engine, self.keys, extra_checkpoints, deep=deep)
