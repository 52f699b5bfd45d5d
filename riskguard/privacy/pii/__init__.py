"""PII detection and redaction: Presidio with Chinese recognizers, a light jieba NLP engine, no models.

``init_app`` registers the ``/v1/pii`` blueprint, the ``pii`` service and the log redactor;
``riskguard pii detect|redact`` are in :mod:`.cli`. Importing :mod:`.detectors` (the rulebook does it)
registers the contact-detail detectors for rule packs.
"""

from __future__ import annotations

from flask import Flask

from ...logging import set_redactor
from .logredact import redact_text

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from .views import blueprint

    set_redactor(redact_text)
    from ...http import register_blueprint

    register_blueprint(app, blueprint)
