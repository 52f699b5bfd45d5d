"""Payouts: checks before money moves (data quality, rules, statistics) and maker-checker approval.

``init_app`` loads ``policies/payout-review.yaml`` (a broken policy stops start-up) and registers the
``payouts`` service, the ``payouts_approvals`` service and the ``/v1/payouts`` blueprint.
great-expectations is imported on the first batch, once per process.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from ..context import EXTENSION
    from .approvals import ApprovalService
    from .policy import load_policy
    from .service import PayoutService
    from .views import bp

    ext = app.extensions[EXTENSION]
    policy = load_policy(ext["settings"].policies_dir)
    ext["payouts"] = PayoutService(db=ext["db"], policy=policy, keyring=ext["keyring"])
    ext["payouts_approvals"] = ApprovalService(db=ext["db"], keyring=ext["keyring"])
    app.register_blueprint(bp)
