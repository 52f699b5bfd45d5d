"""Alembic, driven from code: ``riskguard db upgrade`` and the server's start-up upgrade.

Each domain owns an Alembic branch (``branch_labels``) rooted at ``core``, so domains add tables
without stepping on each other's revision chain; upgrading goes to every head.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from .db import Database

__all__ = ["alembic_config", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = db.engine
    return cfg


def upgrade(db: Database) -> None:
    command.upgrade(alembic_config(db), "heads")
