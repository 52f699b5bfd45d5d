"""The human review queue: automated ``review`` decisions (merchant onboarding, screening) wait here
for a reviewer, and every human decision is an audit entry linked to the decision it overrides."""

from __future__ import annotations

from flask import Flask

from .service import CaseRequest, ReviewService

__all__ = ["init_app", "CaseRequest", "ReviewService"]


def init_app(app: Flask) -> None:
    from ..http import register_blueprint
    from . import views

    register_blueprint(app, views.bp)
