"""Test databases: throw-away PostgreSQL schemas, and the head schema given to a fresh database
without running Alembic each time (tests/conftest.py builds its fixtures on these).

Making a PostgreSQL head schema (some seventy DDL statements) and dropping one cost the server most of a
second per test; a background thread of each test process does both while tests run. It keeps one
migrated schema ready, which a fresh test schema is swapped for when the test migrates it (the empty
schema dropped, the ready one renamed to its name, in one transaction), and it drops the schemas of
finished tests. Every test still gets a schema no other test has used."""

from __future__ import annotations

import atexit
import os
import queue
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from riskguard import migrate
from riskguard.db import Database
from riskguard.files import private_sqlite

__all__ = ["PG_ADMIN_URL", "PG_AVAILABLE", "migrate_test_database", "pg_schema", "close_schemas", "migration_statements", "replay"]

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


def _schema_url(schema: str) -> str:
    # application_name tags every connection of this schema, so dropping it can end stragglers (e.g. a
    # background audit sequencer still integrating) instead of deadlocking on DROP SCHEMA.
    return f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}&application_name={schema}"


def _drop_schema(admin: Engine, schema: str) -> None:
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = :name AND pid <> pg_backend_pid()"), {"name": schema})
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards (in the background); skips the test when the server
    is not reachable."""
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL not reachable")
    schema = f"rgtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = _schema_url(schema)
    _EMPTY_PG.add(url)
    try:
        yield url
    finally:
        _EMPTY_PG.discard(url)
        _READY.drop(schema)


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
            if not _READY.swap_into(_schema_of(url), statements):
                replay(url, statements)
            _EMPTY_PG.discard(url)
            return True
        return False


def _schema_of(url: str) -> str:
    return url.rsplit("application_name=", 1)[1]


def replay(url: str, statements: list[tuple[str, Any, bool]]) -> None:
    """Run the recorded migration in the (empty) schema of ``url``."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            cursor = conn.connection.cursor()  # the driver's own calls, as SQLAlchemy made them
            for statement, parameters, many in statements:
                (cursor.executemany if many else cursor.execute)(statement, parameters)
            cursor.close()
    finally:
        engine.dispose()


class _ReadySchemas:
    """One migrated PostgreSQL schema kept ready by a background thread, and the schemas of finished
    tests dropped by it. Started by the first swap (when the migration is known); with no thread, or when
    the swap fails, the caller replays the migration itself and drops schemas in the foreground."""

    def __init__(self) -> None:
        self._ready: queue.Queue[str] = queue.Queue(maxsize=1)
        self._dropping: queue.Queue[str] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self.failed = False  # the thread met an error and ended (the foreground took over)

    def swap_into(self, schema: str, statements: list[tuple[str, Any, bool]]) -> bool:
        """Give the empty ``schema`` a ready migrated one's tables (drop it, rename the ready one to its
        name); False when none is ready in time or ``schema`` is not empty (nothing changed then)."""
        self._start(statements)
        deadline = time.monotonic() + 120
        while True:
            try:
                ready = self._ready.get(timeout=0.5)
                break
            except queue.Empty:
                if not self._alive() or time.monotonic() > deadline:
                    return False
        admin = create_engine(PG_ADMIN_URL)
        try:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" RESTRICT'))  # fails unless it is empty
                conn.execute(text(f'ALTER SCHEMA "{ready}" RENAME TO "{schema}"'))
        except DBAPIError:
            self._dropping.put(ready)
            return False
        finally:
            admin.dispose()
        return True

    def _alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def drop(self, schema: str) -> None:
        if not self._alive():
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            try:
                _drop_schema(admin, schema)
            finally:
                admin.dispose()
        else:
            self._dropping.put(schema)

    def _start(self, statements: list[tuple[str, Any, bool]]) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, args=(statements,), name="test-pg-schemas",
                                                daemon=True)
                self._thread.start()
                atexit.register(self.close)

    def _run(self, statements: list[tuple[str, Any, bool]]) -> None:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        made: str | None = None
        try:
            while not self._stop.is_set():
                self._drop_pending(admin)
                if made is None:
                    made = f"rgready_{uuid.uuid4().hex[:12]}"
                    with admin.connect() as conn:
                        conn.execute(text(f'CREATE SCHEMA "{made}"'))
                    replay(_schema_url(made), statements)
                try:
                    self._ready.put(made, timeout=0.05)
                    made = None
                except queue.Full:
                    continue
            if made is not None:
                _drop_schema(admin, made)
        except Exception:  # noqa: BLE001 - the thread ends; tests replay and drop in the foreground as before
            self.failed = True
        finally:
            admin.dispose()

    def _drop_pending(self, admin: Engine) -> None:
        while True:
            try:
                schema = self._dropping.get_nowait()
            except queue.Empty:
                return
            _drop_schema(admin, schema)

    def close(self) -> None:
        """At the end of the session (and at exit): stop the thread, then drop what is still ready or
        waiting to be dropped."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            while not self._ready.empty():
                self._dropping.put(self._ready.get_nowait())
            self._drop_pending(admin)
        finally:
            admin.dispose()


_READY = _ReadySchemas()


_MIGRATED = _MigratedSchema()


def migrate_test_database(url: str) -> None:
    """Bring the database at ``url`` to the head schema: a fresh one from the per-process template,
    any other through Alembic."""
    if not _MIGRATED.apply(url):
        db = Database(url)
        migrate.upgrade(db)
        db.dispose()


def migration_statements() -> list[tuple[str, Any, bool]]:
    """The recorded PostgreSQL migration that ``replay`` runs (made on first use)."""
    return _MIGRATED.pg_statements()


def close_schemas() -> None:
    """Drop the schemas still ready or waiting (the session's end; tests/conftest.py)."""
    _READY.close()
