"""Rule revisions: stored rulebooks, the active one (promote, rollback), shadow mode and the diff.

``riskguard rules promote|rollback|revisions|shadow|diff`` are in :mod:`.cli`; workers follow the
active revision through :class:`.active.ActiveRulebook`; ``GET /v1/rules/shadow/report`` is in
:mod:`.views`.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    from ..http import register_blueprint
    from .views import bp

    register_blueprint(app, bp)
