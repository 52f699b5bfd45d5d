"""``audit.transaction()`` without a Session: entries recorded on a DBAPI connection, without SQLAlchemy's
execution layer, on SQLite and PostgreSQL. They must be stored exactly as entries joined to a caller's
Session are, fail like them (``AuditUnavailable``), and verify."""

from __future__ import annotations

import pytest
from faults import refuse_audit_entries
from sqlalchemy import exc, select, text

from riskguard.audit import AuditUnavailable
from riskguard.audit.models import AuditEntry
from riskguard.audit.recorder import _INSERT

from .conftest import event

E = AuditEntry.__table__
COPIED = ("action", "actor", "subject_type", "subject_id", "decision", "policy_revision")


def _row(db, entry_id: str):  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        return conn.execute(select(E).where(E.c.entry_id == entry_id)).one()


def _stored(db, entry_id: str) -> tuple:  # type: ignore[no-untyped-def, type-arg]
    """``created_at``, ``entry`` and ``mac`` as the driver returns them, without SQLAlchemy's types."""
    with db.engine.connect() as conn:
        return tuple(conn.execute(text("SELECT created_at, entry, mac FROM audit_entries WHERE entry_id = :e"),
                                  {"e": entry_id}).one())


def test_append_stores_what_record_stores_and_the_log_verifies(audit_log) -> None:
    db = audit_log.db
    with audit_log.transaction() as tx:
        by_append = tx.record(event(1))
    with db.transaction() as session, audit_log.transaction(session) as tx:
        by_record = tx.record(event(1))
    a, r = _row(db, by_append.entry_id), _row(db, by_record.entry_id)
    assert [getattr(a, c) for c in COPIED] == [getattr(r, c) for c in COPIED]
    assert a.created_at.replace(tzinfo=None) == by_append.time.replace(tzinfo=None)  # the time round-trips
    stored_a, stored_r = _stored(db, by_append.entry_id), _stored(db, by_record.entry_id)
    assert [type(v) for v in stored_a] == [type(v) for v in stored_r]  # as the database holds them
    assert len(str(stored_a[0])) == len(str(stored_r[0]))  # the same time format (SQLite keeps text)
    assert by_append.entry_id.encode() in bytes(a.entry)
    assert a.idx is None and len(bytes(a.mac)) == 32
    assert audit_log.integrate() == 2
    assert audit_log.verify().ok


def test_a_batch_is_one_transaction(audit_log) -> None:  # type: ignore[no-untyped-def]
    with audit_log.transaction() as tx:
        receipts = [tx.record(event(i)) for i in range(7)]
    assert audit_log.integrate() == 7
    with audit_log.db.engine.connect() as conn:
        stored = conn.execute(select(E.c.entry_id).order_by(E.c.idx)).scalars().all()
    assert stored == [r.entry_id for r in receipts]
    assert audit_log.verify().ok


def test_a_refused_batch_leaves_nothing(audit_log) -> None:  # type: ignore[no-untyped-def]
    """The database refuses the third row: the two before it are rolled back with it."""
    db = audit_log.db
    refuse_audit_entries(db, subject_id="subj-0002")
    with pytest.raises(AuditUnavailable), audit_log.transaction() as tx:  # the API's one 503
        for i in range(5):
            tx.record(event(i))
    with db.engine.connect() as conn:
        assert conn.execute(select(E.c.seq)).first() is None
    with audit_log.transaction() as tx:  # the connection went back to the pool clean
        tx.record(event(0))
    assert audit_log.integrate() == 1


def test_driver_errors_are_sqlalchemy_errors(database) -> None:  # type: ignore[no-untyped-def]
    row = {"entry_id": "aud_dup", "idx": None, "created_at": None, "action": "a", "actor": "b",
           "subject_type": "c", "subject_id": "d", "decision": None, "policy_revision": None,
           "entry": b"{}", "mac": b"m"}
    with pytest.raises(exc.IntegrityError), database.driver() as conn:
        conn.executemany(_INSERT, [row, row])  # the same entry_id twice
    with database.engine.connect() as conn:
        assert conn.execute(select(E.c.seq)).first() is None


@pytest.mark.postgres
def test_a_connection_the_server_ended_is_dropped_from_the_pool(pg_url: str) -> None:
    from sqlalchemy import create_engine

    from riskguard.db import Database

    db = Database(pg_url, pool_size=1, max_overflow=0)
    admin = create_engine(pg_url)
    try:
        with db.driver() as conn:
            pid = conn.first(text("SELECT pg_backend_pid()"), {})[0]  # type: ignore[index]
        with admin.begin() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(exc.OperationalError) as caught, db.driver() as conn:
            conn.first(text("SELECT 1"), {})
        assert caught.value.connection_invalidated
        with db.driver() as conn:  # the pool's one connection is a new one
            assert conn.first(text("SELECT pg_backend_pid()"), {})[0] != pid  # type: ignore[index]
    finally:
        db.dispose()
        admin.dispose()
