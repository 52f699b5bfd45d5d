"""The human review queue: automated ``review`` decisions (merchant onboarding, screening) wait here
for a reviewer, and every human decision is an audit entry linked to the decision it overrides."""

from __future__ import annotations

from flask import Flask

from .service import CaseRequest, ReviewService

__all__ = ["init_app", "CaseRequest", "ReviewService"]


def init_app(app: Flask) -> None:
    from ..context import EXTENSION
    from . import hooks, views

    ext = app.extensions[EXTENSION]
    service = ext.setdefault("review", ReviewService())  # onboarding may have created it first
    vault = ext.get("vault")
    keep = vault.policy.address_keep if vault is not None else "city"
    ext.setdefault("decision_hooks", []).append(hooks.screening_hook(service, address_keep=keep))
    app.register_blueprint(views.bp)
