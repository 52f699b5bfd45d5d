"""A throw-away PostgreSQL schema for a benchmark run (imported as ``bench._pg``: the bench folder itself
stays off the path, where its http.py would shadow the standard library)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

__all__ = ["pg_schema"]


@contextmanager
def pg_schema(admin_url: str) -> Iterator[str]:
    """The URL of a fresh schema on ``admin_url``'s database, dropped with everything in it afterwards."""
    name = f"rgbench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield f"{admin_url}?options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
