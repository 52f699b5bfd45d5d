"""The audit trail: every decision, override, decryption, key and policy change."""

from __future__ import annotations

from flask import Flask

from .events import Action, AuditEvent
from .recorder import record

__all__ = ["Action", "AuditEvent", "record", "init_app"]


def init_app(app: Flask) -> None:
    """Attach the auditors' API (none yet)."""
