"""A migrated app on a throw-away data directory for a benchmark run (imported as ``bench._app``, like
``bench._pg``): a dev keyring, the shipped rules and policies, the database at ``url``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from riskguard import create_app, migrate
from riskguard.config import Settings
from riskguard.db import Database
from riskguard.keyring import Keyring

__all__ = ["make_app"]


def make_app(tmp: Path, url: str, **extra: Any) -> Any:
    """``extra`` are the settings' extra options (``audit_sequencer=False``, ...)."""
    Keyring.generate(tmp / "keyring.json").save()
    settings = Settings.from_env(data_dir=tmp, database_url=url, keyring_path=tmp / "keyring.json",
                                 master_key=None, log_level="WARNING", extra=extra)
    db = Database(url)
    migrate.upgrade(db)
    db.dispose()
    return create_app(settings)
