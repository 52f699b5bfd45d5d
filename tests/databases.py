"""Test databases: throw-away PostgreSQL schemas, and the head schema given to a fresh database
without running Alembic each time (tests/conftest.py builds its fixtures on these)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from riskguard import migrate
from riskguard.db import Database
from riskguard.files import private_sqlite

__all__ = ["PG_ADMIN_URL", "PG_AVAILABLE", "migrate_test_database", "pg_schema"]

PG_ADMIN_URL = os.environ.get("RISKGUARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


PG_AVAILABLE = _pg_available()
if os.environ.get("CI") and not PG_AVAILABLE:  # CI must exercise PostgreSQL for real, never skip it
    raise RuntimeError(f"PostgreSQL is not reachable at {PG_ADMIN_URL}")


# PostgreSQL schemas made by pg_schema and not yet migrated: migrate_test_database may replay the
# recorded migration into these instead of running Alembic.
_EMPTY_PG: set[str] = set()


@contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards; skips the test when the server is not reachable."""
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL not reachable")
    schema = f"rgtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    # application_name tags every connection of this test, so teardown can end stragglers (e.g. a
    # background audit sequencer still integrating) instead of deadlocking on DROP SCHEMA.
    url = f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}&application_name={schema}"
    _EMPTY_PG.add(url)
    try:
        yield url
    finally:
        _EMPTY_PG.discard(url)
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                         {"name": schema})
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class _MigratedSchema:
    """The head schema, made once per process by Alembic and then handed to each fresh test database
    without running Alembic again (loading its scripts and checking every revision costs more than the
    rest of building an app): an SQLite file is a copy of a migrated file; a new PostgreSQL schema gets
    the statements the migration ran, replayed (they name no schema; the search path places them).
    tests/core/test_test_databases.py checks that both give what Alembic gives."""

    def __init__(self) -> None:
        self._sqlite: Path | None = None
        self._pg: list[tuple[str, Any, bool]] | None = None

    def sqlite_template(self) -> Path:
        if self._sqlite is None:
            folder = tempfile.mkdtemp(prefix="rg-migrated-")
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            path = Path(folder) / "riskguard.db"
            db = Database(f"sqlite:///{path}")
            migrate.upgrade(db)
            db.dispose()  # the last connection closing folds the WAL into the file
            self._sqlite = path
        return self._sqlite

    def pg_statements(self) -> list[tuple[str, Any, bool]]:
        if self._pg is None:
            with pg_schema() as url:
                _EMPTY_PG.discard(url)
                db = Database(url)
                ran: list[tuple[str, Any, bool]] = []

                def record(_conn, _cursor, statement, parameters, _context, executemany):  # type: ignore[no-untyped-def]
                    if not statement.lstrip().upper().startswith(("SELECT", "SHOW")):  # reads change nothing
                        ran.append((statement, parameters, executemany))

                event.listen(db.engine, "before_cursor_execute", record)
                migrate.upgrade(db)
                db.dispose()
                self._pg = ran
        return self._pg

    def apply(self, url: str) -> bool:
        """Give the fresh database at ``url`` the head schema; False when it is not known to be fresh."""
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
            if path.exists():
                return False
            template = self.sqlite_template()
            private_sqlite(path)  # the directory and an empty 0600 file, as the app would make them
            shutil.copyfile(template, path)
            return True
        if url in _EMPTY_PG:
            statements = self.pg_statements()
            engine = create_engine(url)
            try:
                with engine.begin() as conn:
                    cursor = conn.connection.cursor()  # the driver's own calls, as SQLAlchemy made them
                    for statement, parameters, many in statements:
                        (cursor.executemany if many else cursor.execute)(statement, parameters)
                    cursor.close()
            finally:
                engine.dispose()
            _EMPTY_PG.discard(url)
            return True
        return False


_MIGRATED = _MigratedSchema()


def migrate_test_database(url: str) -> None:
    """Bring the database at ``url`` to the head schema: a fresh one from the per-process template,
    any other through Alembic."""
    if not _MIGRATED.apply(url):
        db = Database(url)
        migrate.upgrade(db)
        db.dispose()
