"""The tamper-evident audit trail: every decision, override, decryption, key and policy change.

Every domain records through the :class:`AuditLog` it is given (built once by
:mod:`riskguard.services`): ``with audit.transaction() as tx: tx.record(AuditEvent(...))``, or
``audit.transaction(session)`` to join the caller's transaction. A sequencer integrates committed
entries into an RFC 6962 Merkle tree; Ed25519-signed checkpoints (C2SP tlog-checkpoint) let auditors
check inclusion and consistency without trusting the database. See ``audit/FORMAT.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import AuditUnavailable
from .events import Action, AuditEvent
from .recorder import AuditTransaction, Receipt
from .service import AuditLog

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["Action", "AuditEvent", "AuditLog", "AuditTransaction", "AuditUnavailable", "Receipt", "init_app"]


def init_app(app: Flask) -> None:
    """Register the auditors' API and the after-response integration (see ``views.init_app``)."""
    from .views import init_app as init_views

    init_views(app)
