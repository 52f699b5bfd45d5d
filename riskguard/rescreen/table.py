"""A PostgreSQL table as re-screening input: read with SQLAlchemy on one machine, over JDBC on Spark.

The table is named by a ``postgresql://[user[:password]@]host[:port]/database`` URL and ``--table
[schema.]name``; its columns are the file inputs' (``id``, ``text``, ``kind``, ``category``,
``has_purchase_link``, ``labelled_as_ad``; the ones it lacks are null) and reach
:func:`riskguard.rescreen.rows.screen_rows` as the files' do.

One machine reads it in **key order** through one server-side cursor (one statement: one snapshot of
the table, however long the read), a batch at a time. Its digest is defined by that order: SHA-256 over
the rows read, each as one line of canonical JSON (the columns read, keys sorted, UTF-8, no spaces;
numbers as numbers, booleans as ``true``/``false``, other values as text), ordered by the key and then by
the other columns. Spark reads the table over JDBC (split on the key when it is an integer column) and
the driver takes the digest with the same read, so it is the same whichever engine screened.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TableInput", "RowDigest", "SCHEMES", "TABLE_FORMAT", "is_table_url"]

SCHEMES = ("postgresql", "postgres")
TABLE_FORMAT = "postgresql"


def is_table_url(value: str) -> bool:
    return value.split("://", 1)[0].lower() in SCHEMES and "://" in value


class RowDigest:
    """SHA-256 over rows fed in order, one canonical JSON line each (see the module's docstring)."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def update(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            line = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
            self._hash.update(line.encode("utf-8") + b"\n")
        self.rows += len(rows)

    def hexdigest(self) -> str:
        return "sha256:" + self._hash.hexdigest()


@dataclass(frozen=True)
class _Shape:
    columns: tuple[str, ...]          # the input columns the table has, in INPUT_COLUMNS order
    integer_key: bool


@dataclass(frozen=True)
class TableInput:
    url: str = field(repr=False)      # postgresql://… as given (may hold a password: never recorded)
    table: str                        # name or schema.name, as spelled in the database
    key: str = "id"
    _shape: list[_Shape] = field(default_factory=list, compare=False, repr=False)  # filled on first use

    @classmethod
    def parse(cls, url: str, table: str | None, key: str = "id") -> TableInput:
        from sqlalchemy.engine import make_url

        if not is_table_url(url):
            raise ValueError("a table is read from a postgresql://host[:port]/database URL")
        if not table:
            raise ValueError("a postgresql:// input needs --table [schema.]name")
        parsed = make_url(url)
        if not parsed.database or not parsed.host:
            raise ValueError("the URL names no host or database")
        if table.count(".") > 1 or not all(table.split(".")):
            raise ValueError("--table is name or schema.name")
        return cls(url=url, table=table, key=key)

    # -- names ------------------------------------------------------------------------------
    @property
    def _url(self) -> Any:
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(drivername="postgresql+psycopg")

    @property
    def name(self) -> str:
        """What the manifest records: server, database and table, no user or password."""
        url = self._url
        return f"postgresql://{url.host}:{url.port or 5432}/{url.database}?table={self.table}"

    @property
    def _schema_name(self) -> tuple[str | None, str]:
        schema, _, name = self.table.rpartition(".")
        return schema or None, name

    def _selectable(self, columns: tuple[str, ...]) -> Any:
        from sqlalchemy import column, table

        schema, name = self._schema_name
        return table(name, *[column(c) for c in columns], schema=schema)

    # -- reading on one machine -------------------------------------------------------------
    def _engine(self) -> Any:
        from sqlalchemy import create_engine

        return create_engine(self._url, pool_pre_ping=False)

    def shape(self) -> _Shape:
        """The input columns the table has and whether the key is an integer column (checked once)."""
        if self._shape:
            return self._shape[0]
        from sqlalchemy import Integer, inspect

        from .rows import INPUT_COLUMNS

        schema, name = self._schema_name
        engine = self._engine()
        try:
            inspector = inspect(engine)
            if not inspector.has_table(name, schema=schema):
                raise ValueError(f"no table {self.table} in {self.name.split('?')[0]}")
            types = {c["name"]: c["type"] for c in inspector.get_columns(name, schema=schema)}
        finally:
            engine.dispose()
        if self.key not in types:
            raise ValueError(f"table {self.table} has no key column {self.key}")
        shape = _Shape(tuple(c for c in INPUT_COLUMNS if c in types), isinstance(types[self.key], Integer))
        self._shape.append(shape)
        return shape

    def _ordered(self) -> Any:
        from sqlalchemy import select

        columns = self.shape().columns
        source = self._selectable(tuple(dict.fromkeys((self.key, *columns))))
        order = [source.c[self.key].asc().nulls_last(), *(source.c[c] for c in columns if c != self.key)]
        return select(*(source.c[c] for c in columns)).order_by(*order)

    def batches(self, size: int, digest: RowDigest | None = None) -> Iterator[list[dict[str, Any]]]:
        """The rows in key order, ``size`` at a time, from one server-side cursor; each batch also goes
        into ``digest`` as it is read."""
        engine = self._engine()
        try:
            with engine.connect() as conn:
                result = conn.execution_options(stream_results=True, yield_per=size).execute(self._ordered())
                for part in result.mappings().partitions(size):
                    rows = [dict(r) for r in part]
                    if digest is not None:
                        digest.update(rows)
                    yield rows
        finally:
            engine.dispose()

    def digest(self, size: int = 10_000) -> tuple[str, int]:
        """The table's digest and row count, read now."""
        digest = RowDigest()
        for _ in self.batches(size, digest):
            pass
        return digest.hexdigest(), digest.rows

    # -- reading on Spark -------------------------------------------------------------------
    def spark_frame(self, session: Any, partitions: int | None, fetch_rows: int = 10_000) -> Any:
        """The table over JDBC (Debian's driver, /usr/share/java/postgresql.jar, on the session's
        classpath), split into ``partitions`` ranges of the key when it is an integer column."""
        from sqlalchemy import func, select

        url = self._url
        query = "&".join(f"{k}={v}" for k, v in sorted(url.query.items()) if isinstance(v, str))
        jdbc = f"jdbc:postgresql://{url.host}:{url.port or 5432}/{url.database}" + (f"?{query}" if query else "")
        shape = self.shape()
        schema, name = self._schema_name
        engine = self._engine()
        preparer = engine.dialect.identifier_preparer
        quoted = (preparer.quote_identifier(schema) + "." if schema else "") + preparer.quote_identifier(name)
        reader = (session.read.format("jdbc").option("url", jdbc).option("dbtable", quoted)
                  .option("driver", "org.postgresql.Driver").option("fetchsize", str(fetch_rows)))
        if url.username:
            reader = reader.option("user", url.username)
        if url.password:
            reader = reader.option("password", url.password)
        if shape.integer_key and (partitions or 0) > 1:
            source = self._selectable((self.key,))
            try:
                with engine.connect() as conn:
                    low, high = conn.execute(select(func.min(source.c[self.key]), func.max(source.c[self.key]))).one()
            finally:
                engine.dispose()
            if low is not None and high > low:  # rows with a null key go to the first range
                reader = (reader.option("partitionColumn", self.key).option("lowerBound", str(low))
                          .option("upperBound", str(high)).option("numPartitions", str(partitions)))
        else:
            engine.dispose()
        return reader.load().select(*shape.columns)
