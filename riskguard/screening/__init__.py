"""Screening of ads, listings and live-stream scripts before they go live.

``init_app`` loads the rulebook once (a broken pack stops start-up, naming file, rule and field) and
registers it as the service ``"rulebook"``. ``riskguard screen`` and ``riskguard rules test|lint`` are
in :mod:`.cli`.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from ..http import register_blueprint
    from .views import bp

    register_blueprint(app, bp)
