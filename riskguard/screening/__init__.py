"""Screening of ads, listings and live-stream scripts before they go live.

``init_app`` loads the rulebook once (a broken pack stops start-up, naming file, rule and field) and
registers it as the service ``"rulebook"``; ``register_cli`` adds ``riskguard screen`` and
``riskguard rules test|lint``.
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
    from .cli import rules, screen

    main.add_command(screen)
    main.add_command(rules)
