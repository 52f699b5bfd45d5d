"""The audit log service: one object per app (or CLI run) over a database and the log keys."""

from __future__ import annotations

from collections.abc import Iterable

from ..config import Settings
from ..db import Database
from ..keyring import Keyring
from ._keys import LogKeys, bind
from .checkpoints import Checkpoint, latest_checkpoint
from .sequencer import integrate
from .verify import VerifyReport, verify_log

__all__ = ["AuditLog"]


class AuditLog:
    def __init__(self, db: Database, keys: LogKeys) -> None:
        self.db = db
        self.keys = keys
        bind(db.engine, keys)

    @classmethod
    def create(cls, db: Database, keyring: Keyring, settings: Settings) -> AuditLog:
        extra = settings.extra or {}
        keys = LogKeys.from_keyring(keyring, settings.audit_origin,
                                    checkpoint_interval=float(extra.get("audit_checkpoint_interval", 60.0)),
                                    background=bool(extra.get("audit_sequencer", True)))
        return cls(db, keys)

    def integrate(self) -> int:
        return integrate(self.db.engine, self.keys)

    def checkpoint(self) -> Checkpoint:
        return latest_checkpoint(self.db.engine, self.keys)

    def verify(self, extra_checkpoints: Iterable[str] = (), *, integrate_first: bool = True,
               deep: bool = True) -> VerifyReport:
        if integrate_first:
            self.integrate()
        return verify_log(self.db.engine, self.keys, extra_checkpoints, deep=deep)
