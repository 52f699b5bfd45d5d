"""Payouts: checks before money moves (data quality, rules, statistics) and maker-checker approval.

``init_app`` loads ``policies/payout-review.yaml`` (a broken policy stops start-up) and registers the
``payouts`` service, the ``payouts_approvals`` service and the ``/v1/payouts`` blueprint.
great-expectations is imported on the first batch, once per process.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from ..http import register_blueprint
    from .views import bp

    register_blueprint(app, bp)
