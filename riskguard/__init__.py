"""riskguard: risk, compliance and privacy governance for social e-commerce.

``create_app`` does wiring only: settings, database, keyring, logging, the error handler, and each
domain's ``init_app``.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import structlog
from flask import Flask, g, jsonify, request

from .config import Settings

__all__ = ["create_app"]

DOMAINS = ("audit", "screening", "privacy", "onboarding", "review", "payouts", "console")


def create_app(settings: Settings | dict[str, Any] | None = None) -> Flask:
    from . import errors, migrate
    from .context import EXTENSION
    from .db import Database
    from .keyring import Keyring
    from .logging import configure_logging

    if settings is None:
        settings = Settings.from_env()
    elif isinstance(settings, dict):
        settings = Settings.from_env(**settings)
    configure_logging(settings.log_level)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    db = Database(settings.sqlalchemy_url)
    if settings.master_key:
        keyring = Keyring.from_master_key(settings.master_key)
    else:
        keyring = Keyring.load(settings.keyring_path)
    app.extensions[EXTENSION] = {"settings": settings, "db": db, "keyring": keyring}
    app.secret_key = keyring.secret("session")

    errors.register_error_handlers(app)
    _request_logging(app)
    _health(app, migrate)

    import importlib

    for name in DOMAINS:
        importlib.import_module(f"riskguard.{name}").init_app(app)

    @app.get("/openapi.json")
    def openapi():  # type: ignore[no-untyped-def]
        from .openapi import build_spec

        return jsonify(build_spec(app))

    return app


def _request_logging(app: Flask) -> None:
    log = structlog.get_logger("riskguard.http")

    @app.before_request
    def _start() -> None:
        structlog.contextvars.clear_contextvars()
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else secrets.token_hex(16)
        g.started = time.perf_counter()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    def _finish(response):  # type: ignore[no-untyped-def]
        response.headers["X-Request-Id"] = g.get("request_id", "")
        log.info("http.request", method=request.method, path=request.url_rule.rule if request.url_rule
                 else "<unmatched>", status=response.status_code,
                 duration_ms=round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2))
        return response

    @app.teardown_request
    def _unbind(_exc: BaseException | None) -> None:
        # lines logged between requests (a worker exiting, a timer) must not carry the last request's id
        structlog.contextvars.clear_contextvars()


def _health(app: Flask, migrate: Any) -> None:
    from .context import get_db, get_service

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz():  # type: ignore[no-untyped-def]
        db = get_db()
        checks = {"database": db.ping()}
        try:
            checks["rules"] = bool(get_service("rulebook").rules)
        except KeyError:
            checks["rules"] = False
        ok = all(checks.values())
        return jsonify({"status": "ready" if ok else "not_ready", "checks": checks}), 200 if ok else 503
