"""SQLite-only client and auth for cases where the backend does not matter (input validation, roles)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from riskguard.auth import create_key


@pytest.fixture
def sclient(sqlite_app):  # type: ignore[no-untyped-def]
    return sqlite_app.test_client()


@pytest.fixture
def sauth(sqlite_app) -> Callable[..., dict[str, str]]:  # type: ignore[no-untyped-def]
    def make(role: str) -> dict[str, str]:
        with sqlite_app.extensions["riskguard"]["db"].transaction() as session:
            _, tok = create_key(session, role=role, name=f"test-{role}")
        return {"Authorization": f"Bearer {tok}"}

    return make
