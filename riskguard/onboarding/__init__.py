"""Merchant onboarding: applications checked against the law (E-Commerce Law Art. 12, 15), category
rules and fraud signals; ``review`` decisions go to the human review queue."""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from ..http import register_blueprint
    from .views import bp

    register_blueprint(app, bp)
