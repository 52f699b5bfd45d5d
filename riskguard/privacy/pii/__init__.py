"""Privacy: pii (not built yet)."""

from __future__ import annotations

from flask import Flask

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Register this part's blueprint and services on ``app``."""
