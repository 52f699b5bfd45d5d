"""Merchant onboarding: applications checked against the law (E-Commerce Law Art. 12, 15), category
rules and fraud signals; ``review`` decisions go to the human review queue."""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from ..context import EXTENSION
    from ..privacy.vault import register_record_type
    from ..review import ReviewService
    from .models import MerchantApplication
    from .policy import load_policy
    from .service import SUBJECT_TYPE, OnboardingService
    from .views import bp, masker

    ext = app.extensions[EXTENSION]
    review = ext.setdefault("review", ReviewService())  # the review domain's init_app reuses it
    vault = ext.get("vault")
    service = OnboardingService(load_policy(ext["settings"].policies_dir), review,
                                address_keep=vault.policy.address_keep if vault is not None else "city")
    ext["onboarding"] = service
    review.on_decided(SUBJECT_TYPE, service.apply_review)

    def subject_view(session, subject_id):  # type: ignore[no-untyped-def]
        row = session.get(MerchantApplication, subject_id)
        return None if row is None else service.masked_view(session, row, masker())

    review.register_subject_view(SUBJECT_TYPE, subject_view)
    register_record_type(MerchantApplication)
    app.register_blueprint(bp)
