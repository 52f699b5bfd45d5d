"""riskguard: risk, compliance and privacy governance for social e-commerce.

``create_app`` does wiring only: settings → services (:mod:`riskguard.services`, the composition root),
logging, the API (:mod:`riskguard.openapi`), the error handler, request logging, and each domain's routes.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

import structlog
from flask import Flask, g, request

from .config import Settings
from .services import Services, build_services

if TYPE_CHECKING:
    from .metrics import Metrics

__all__ = ["create_app"]


def create_app(settings: Settings | dict[str, Any] | None = None, *, services: Services | None = None) -> Flask:
    """The WSGI app over ``services`` (built from ``settings`` when not given)."""
    from . import audit, console, errors, onboarding, payouts, privacy, review, revisions, screening
    from .health import blueprint as health
    from .http import EXTENSION, init_input, register_blueprint
    from .logging import configure_logging
    from .openapi import init_api

    if services is None:
        if settings is None:
            settings = Settings.from_env()
        elif isinstance(settings, dict):
            settings = Settings.from_env(**settings)
        services = build_services(settings)
    configure_logging(services.settings.log_level)
    services.build_all()
    services.record_policy_load()

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = services.settings.max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = services
    app.secret_key = services.keyring.secret("session")
    services.rate_limits.init_app(app, route_limits_on="console")  # the sign-in form's limits

    init_api(app)  # /openapi.json and /docs
    errors.register_error_handlers(app)  # after the API: ours is the one handler, smorest's is replaced
    _request_logging(app, services.metrics)
    init_input(app)  # after the request id is bound; before every view, role check and domain
    register_blueprint(app, health)
    for domain in (audit, screening, revisions, privacy, onboarding, review, payouts, console):
        domain.init_app(app)
    return app


def _request_logging(app: Flask, metrics: Metrics) -> None:
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
        path = request.url_rule.rule if request.url_rule else "<unmatched>"
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        log.info("http.request", method=request.method, path=path, status=response.status_code,
                 duration_ms=round(seconds * 1000, 2))
        metrics.request(path, request.method, response.status_code, seconds)
        return response

    @app.teardown_request
    def _unbind(_exc: BaseException | None) -> None:
        # lines logged between requests (a worker exiting, a timer) must not carry the last request's id
        structlog.contextvars.clear_contextvars()

