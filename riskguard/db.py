"""SQLAlchemy 2 engine, sessions and the declarative base.

SQLite (a file under the data directory) is the zero-set-up default; PostgreSQL is the production
database. Schema changes go through Alembic migrations (``riskguard db upgrade``); each domain owns an
Alembic branch so that domains evolve their tables independently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql import Executable

from .files import private_sqlite

__all__ = ["Base", "Database", "DriverStatement", "DriverConnection", "make_engine"]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str, **kwargs: object) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""  # "sqlite://": in memory
        if path and path != ":memory:" and not path.startswith("file:"):
            private_sqlite(Path(path))
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping: it costs a round trip on every checkout (5-15 % of an audit append's CPU). A connection
    # that died with its server fails its first statement instead; SQLAlchemy then invalidates the whole
    # pool, that one call answers 503 (fail closed) and the next gets fresh connections. Recycling keeps
    # connections younger than typical idle cut-offs of firewalls and poolers.
    kwargs.setdefault("pool_recycle", 1800)
    return create_engine(url, **kwargs)


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """A Core statement compiled once for a dialect, to run straight on a DBAPI cursor.

    Parameters pass through the columns' bind processors, so what is stored is exactly what Core would
    store; rows come back as the driver returns them (no result processing)."""

    sql: str
    order: tuple[str, ...] | None  # the parameter order of a positional paramstyle (SQLite's ``?``)
    processors: Mapping[str, Callable[[Any], Any]]

    @classmethod
    def compile(cls, statement: Executable, dialect: Dialect, keys: Sequence[str] | None = None
                ) -> DriverStatement:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
        processors = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        return cls(compiled.string, order, processors)

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        processors = self.processors
        if self.order is not None:
            return tuple(processors[k](values[k]) if k in processors else values[k] for k in self.order)
        return {k: processors[k](v) if k in processors else v for k, v in values.items()}


_compiled: dict[tuple[Any, ...], DriverStatement] = {}
_MAX_COMPILED = 256


class DriverConnection:
    """A pooled DBAPI connection that runs Core statements without SQLAlchemy's execution layer.

    For the statements every screening request runs (the API-key lookup, the audit append), where that
    layer (cache lookup, execution context, result wrapping) costs as much as the database's own work.
    Each statement is compiled once per dialect; driver errors come out as SQLAlchemy's exceptions."""

    __slots__ = ("_raw", "dialect")

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self._raw = raw
        self.dialect = dialect

    def executemany(self, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
        """Every row with the keys of the first."""
        compiled = self._compile(statement, rows[0])
        params = [compiled.parameters(row) for row in rows]
        self._run(compiled, lambda cursor: cursor.executemany(compiled.sql, params))

    def first(self, statement: Executable, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        compiled = self._compile(statement, None)

        def fetch(cursor: Any) -> tuple[Any, ...] | None:
            cursor.execute(compiled.sql, compiled.parameters(values))
            return cursor.fetchone()

        return self._run(compiled, fetch)

    def _compile(self, statement: Executable, values: Mapping[str, Any] | None) -> DriverStatement:
        dialect = self.dialect
        keys = tuple(values) if values is not None else None
        key = (statement, keys, dialect.name, dialect.driver, dialect.paramstyle)
        found = _compiled.get(key)
        if found is None:
            if len(_compiled) >= _MAX_COMPILED:  # meant for module-level statements; never grow unbounded
                _compiled.clear()
            found = _compiled[key] = DriverStatement.compile(statement, dialect, keys)
        return found

    def _run(self, statement: DriverStatement, work: Callable[[Any], Any]) -> Any:
        cursor = self._raw.cursor()
        try:
            return work(cursor)
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(exc, statement.sql, cursor) from exc
        finally:
            cursor.close()

    def commit(self) -> None:
        try:
            self._raw.commit()
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(exc, "COMMIT") from exc

    def _wrapped(self, exc: Exception, sql: str, cursor: Any = None) -> DBAPIError:
        """The SQLAlchemy exception for a driver error (the 503 mapping knows those); a connection the
        error shows to be dead is invalidated, so the pool never hands it out again."""
        dead = self.dialect.is_disconnect(exc, self._raw.driver_connection, cursor)
        if dead:
            self._raw.invalidate(exc)
        return DBAPIError.instance(sql, None, exc, self.dialect.loaded_dbapi.Error, hide_parameters=True,
                                   connection_invalidated=dead, dialect=self.dialect)


class Database:
    """One engine and a session factory; created by the app factory or the CLI, never at import."""

    def __init__(self, url: str, **engine_kwargs: object) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits together or not at all."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def driver(self) -> Iterator[DriverConnection]:
        """A pooled DBAPI connection in a transaction of its own: committed when the block ends, rolled
        back (by the pool's reset) if it raises."""
        raw = self.engine.raw_connection()
        try:
            conn = DriverConnection(raw, self.engine.dialect)
            yield conn
            conn.commit()
        finally:
            raw.close()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - readiness reports any failure as "not ready"
            return False

    def dispose(self) -> None:
        self.engine.dispose()
