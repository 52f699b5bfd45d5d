"""Payouts: checks before money moves (data quality, rules, statistics) and maker-checker approval.

``init_app`` loads ``policies/payout-review.yaml`` (a broken policy stops start-up) and registers the
``payouts`` service, the ``payouts_approvals`` service and the ``/v1/payouts`` blueprint.
great-expectations is imported on the first batch, once per process.
"""

from __future__ import annotations

import click
from flask import Flask

__all__ = ["init_app", "register_cli"]


def init_app(app: Flask) -> None:
    from ..http import register_blueprint
    from .views import bp

    register_blueprint(app, bp)


def register_cli(main: click.Group) -> None:
    from .cli import payouts

    main.add_command(payouts)
