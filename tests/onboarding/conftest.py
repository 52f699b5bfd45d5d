"""One SQLite app per test module for cases where the backend does not matter (roles, input
validation): building an app per case costs seconds on a loaded machine. Cases that depend on the
database use the shared ``app`` fixture (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from riskguard import create_app, migrate
from riskguard.auth import create_key
from riskguard.config import Settings
from riskguard.db import Database
from riskguard.keyring import Keyring


@pytest.fixture(scope="module")
def module_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("module_app")
    Keyring.generate(tmp / "keyring.json").save()
    settings = Settings.from_env(data_dir=tmp, database_url=f"sqlite:///{tmp / 'riskguard.db'}",
                                 keyring_path=tmp / "keyring.json", master_key=None, log_level="WARNING")
    db = Database(settings.sqlalchemy_url)
    migrate.upgrade(db)
    db.dispose()
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["riskguard"]["db"].dispose()


@pytest.fixture
def sclient(module_app):  # type: ignore[no-untyped-def]
    return module_app.test_client()


@pytest.fixture
def sauth(module_app) -> Callable[..., dict[str, str]]:  # type: ignore[no-untyped-def]
    def make(role: str) -> dict[str, str]:
        with module_app.extensions["riskguard"]["db"].transaction() as session:
            _, tok = create_key(session, role=role, name=f"test-{role}")
        return {"Authorization": f"Bearer {tok}"}

    return make
