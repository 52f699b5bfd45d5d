"""CLI: ``riskguard keys rotate|rewrap|retire`` and ``riskguard privacy purge-expired``."""

from __future__ import annotations

import click

__all__ = ["register"]


def register(main: click.Group) -> None:
    """Add the vault's commands to the ``keys`` group and a ``privacy`` group."""
