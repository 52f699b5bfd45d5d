"""Catalogue tables in a test's own PostgreSQL schema (the ``pg_url`` fixture's), for ``--input
postgresql://… --table``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import create_engine, text

__all__ = ["TYPES", "schema_of", "source_url", "write_table"]

# as a platform would keep them: an integer key and boolean flags
TYPES = {"id": "bigint", "text": "text", "kind": "text", "category": "text", "has_purchase_link": "boolean",
         "labelled_as_ad": "boolean"}


def schema_of(pg_url: str) -> str:
    """The schema ``pg_url`` was made for (its connections are tagged with it)."""
    return parse_qs(urlsplit(pg_url).query)["application_name"][0]


def source_url(pg_url: str, password: str | None = None) -> str:
    """``postgresql://user[:password]@host:port/db``, as an operator would write it for ``--input``."""
    parts = urlsplit(pg_url)
    user, _, host = parts.netloc.rpartition("@")
    login = f"{user}:{password}" if password else user
    return f"postgresql://{login}@{host}{parts.path}"


def write_table(pg_url: str, name: str, rows: list[dict[str, Any]], types: dict[str, str] | None = None) -> str:
    """Create ``name`` in the test's schema with the columns of ``types`` and insert ``rows`` in the order
    given; returns ``schema.name``."""
    types = types or TYPES
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in types.items())})"))
            if rows:
                conn.execute(text(f"INSERT INTO {name} ({', '.join(types)}) VALUES "
                                  f"({', '.join(':' + c for c in types)})"),
                             [{c: r.get(c) for c in types} for r in rows])
    finally:
        engine.dispose()
    return f"{schema_of(pg_url)}.{name}"
