"""The tamper-evident audit trail: every decision, override, decryption, key and policy change.

``record(session, AuditEvent(...))`` appends inside the caller's transaction; a sequencer integrates
committed entries into an RFC 6962 Merkle tree; Ed25519-signed checkpoints (C2SP tlog-checkpoint) let
auditors check inclusion and consistency without trusting the database. See ``audit/FORMAT.md``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from .events import Action, AuditEvent
from .recorder import Receipt, append, record, recording

__all__ = ["Action", "AuditEvent", "Receipt", "append", "record", "recording", "init_app", "register_cli"]


def init_app(app: Flask) -> None:
    """Register the auditors' API and the after-response integration (the service is built by
    :mod:`riskguard.services`)."""
    @app.after_request
    def _integrate_after_response(response):  # type: ignore[no-untyped-def]
        from flask import g

        from .sequencer import integrate_quietly

        engines = g.pop("riskguard_audit_pending", None)
        if engines:
            response.call_on_close(lambda: integrate_quietly(engines))
        return response

    try:
        from .views import blueprint
    except ImportError:  # pragma: no cover - during bring-up only
        return
    from ..http import register_blueprint

    register_blueprint(app, blueprint)


def register_cli(main: Any) -> None:
    try:
        from .cli import audit
    except ImportError:  # pragma: no cover
        return
    main.add_command(audit)
