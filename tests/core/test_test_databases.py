"""The test fixtures hand each fresh database a copy of one migration (tests/conftest.py): that copy must
be what Alembic itself makes, or every test on it would test another schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, inspect, select, text

from riskguard import migrate
from riskguard.db import Database
from tests.databases import migrate_test_database, migration_statements, pg_schema, replay


def _text(found: Any) -> str:
    """What the inspector reports, as text (partial-index conditions come back as SQL objects)."""
    return json.dumps(found, sort_keys=True, default=str)


def _schema(url: str) -> dict[str, Any]:
    """Every table's columns, keys, indexes and constraints, and the rows it holds."""
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            found = inspect(conn)
            tables: dict[str, Any] = {}
            for name in sorted(found.get_table_names()):
                tables[name] = {
                    "columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                                for c in found.get_columns(name)],
                    "pk": _text(found.get_pk_constraint(name)),
                    "fks": sorted(map(_text, found.get_foreign_keys(name))),
                    "indexes": sorted(map(_text, found.get_indexes(name))),
                    "unique": sorted(map(_text, found.get_unique_constraints(name))),
                    "checks": sorted(map(_text, found.get_check_constraints(name))),
                }
            meta = MetaData()
            meta.reflect(conn)
            for name, table in meta.tables.items():
                tables[name]["rows"] = sorted(map(repr, conn.execute(select(table)).all()))
        return tables
    finally:
        db.dispose()


def _alembic(url: str) -> None:
    db = Database(url)
    migrate.upgrade(db)
    db.dispose()


def test_a_fresh_sqlite_file_is_what_alembic_makes(tmp_path: Path) -> None:
    copied, migrated = f"sqlite:///{tmp_path / 'copied.db'}", f"sqlite:///{tmp_path / 'migrated.db'}"
    migrate_test_database(copied)
    _alembic(migrated)
    schema = _schema(copied)
    assert "alembic_version" in schema and len(schema) > 10
    assert schema == _schema(migrated)
    assert (tmp_path / "copied.db").stat().st_mode & 0o077 == 0  # private, as the app makes it


def test_a_fresh_postgresql_schema_is_what_alembic_makes() -> None:
    with pg_schema() as replayed, pg_schema() as migrated:
        migrate_test_database(replayed)
        _alembic(migrated)
        schema = _schema(replayed)
        assert "alembic_version" in schema and len(schema) > 10
        assert schema == _schema(migrated)


def test_the_replayed_migration_is_what_alembic_makes() -> None:
    """The schema kept ready is made by replaying; the foreground replays too when no ready one fits."""
    with pg_schema() as replayed, pg_schema() as migrated:
        replay(replayed, migration_statements())
        _alembic(migrated)
        assert _schema(replayed) == _schema(migrated)


def test_each_fresh_postgresql_schema_is_its_own() -> None:
    """A ready schema swapped in carries the test schema's name (its connections' search path and tag),
    and what one test writes is not in another's."""
    with pg_schema() as first, pg_schema() as second:
        migrate_test_database(first)
        migrate_test_database(second)
        db_first, db_second = Database(first), Database(second)
        try:
            with db_first.engine.begin() as conn:
                assert conn.execute(text("SELECT current_schema()")).scalar() == first.rsplit("=", 1)[1]
                conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('written-by-first')"))
            with db_second.engine.connect() as conn:
                assert conn.execute(text("SELECT current_schema()")).scalar() == second.rsplit("=", 1)[1]
                versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
                assert versions and "written-by-first" not in versions
        finally:
            db_first.dispose()
            db_second.dispose()
