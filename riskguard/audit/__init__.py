"""The tamper-evident audit trail: every decision, override, decryption, key and policy change.

``record(session, AuditEvent(...))`` appends inside the caller's transaction; a sequencer integrates
committed entries into an RFC 6962 Merkle tree; Ed25519-signed checkpoints (C2SP tlog-checkpoint) let
auditors check inclusion and consistency without trusting the database. See ``audit/FORMAT.md``.
"""

from __future__ import annotations

from flask import Flask

from .events import Action, AuditEvent
from .recorder import Receipt, append, record, recording

__all__ = ["Action", "AuditEvent", "Receipt", "append", "record", "recording", "init_app"]


def init_app(app: Flask) -> None:
    """Bind the app's database to the log keys, register the service and the auditors' API."""
    from ..context import EXTENSION
    from .service import AuditLog

    ext = app.extensions[EXTENSION]
    log = AuditLog.create(ext["db"], ext["keyring"], ext["settings"])
    ext["audit"] = log
    ext["audit_keys"] = log.keys

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
    app.register_blueprint(blueprint)
