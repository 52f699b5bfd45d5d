"""Encrypt on write, decrypt on read, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from riskguard.ids import new_id
from riskguard.privacy.vault import (
    ERASED,
    SESSION_KEY,
    SubjectErased,
    erase_subject,
    is_erased,
    new_subject_id,
)

from .conftest import Person, make_vault

VALUES = {"name": "张三", "id_number": "11010519491231002X", "phone": "13812345678"}


def _add(database, subject=None, **values):  # type: ignore[no-untyped-def]
    person = Person(id=new_id("p"), subject_id=subject or new_subject_id(), **values)
    with database.transaction() as session:
        session.add(person)
    return person


def test_round_trip_and_no_plaintext_at_rest(vault, database) -> None:
    person = _add(database, **VALUES)
    assert person.id_number == VALUES["id_number"]  # plaintext restored on the instance after flush
    with database.sessions() as session:
        loaded = session.get(Person, person.id)
        assert {k: getattr(loaded, k) for k in VALUES} == VALUES
    with database.engine.connect() as conn:
        raw = conn.execute(text("SELECT name, id_number, phone FROM vault_test_people")).one()
    for stored, plain in zip(raw, VALUES.values(), strict=True):
        assert plain.encode() not in bytes(stored)
        assert bytes(stored)[0] == 1


def test_erased_subject_reads_as_sentinel_and_audit_verifies(vault, database, audit_log) -> None:
    person = _add(database, **VALUES)
    other = _add(database, **VALUES)
    with database.transaction() as session:
        assert erase_subject(session, person.subject_id, audit=audit_log, actor="test").status == "erased"
    with database.sessions() as session:
        loaded = session.get(Person, person.id)
        assert [getattr(loaded, k) for k in VALUES] == [ERASED] * 3
        assert all(is_erased(getattr(loaded, k)) for k in VALUES)
        kept = session.get(Person, other.id)  # another subject is untouched
        assert {k: getattr(kept, k) for k in VALUES} == VALUES
    report = audit_log.verify()
    assert report.ok, report.problems
    assert report.size >= 1


def test_a_cached_key_is_not_used_after_another_process_erased(vault, database, audit_log, keyring) -> None:
    """Another process's erasure (here: another vault with its own cache) is seen on the next read and
    the next write, however fresh this vault's cached key is."""
    person = _add(database, **VALUES)
    with database.sessions() as session:  # this vault has the key cached now
        assert session.get(Person, person.id).phone == VALUES["phone"]
    with database.sessions(info={SESSION_KEY: make_vault(keyring)}) as session, session.begin():
        erase_subject(session, person.subject_id, audit=audit_log, actor="test")
    with database.sessions() as session:
        assert [getattr(session.get(Person, person.id), k) for k in VALUES] == [ERASED] * 3
    with pytest.raises(SubjectErased):
        _add(database, subject=person.subject_id, phone="13912345678")


def test_expired_attributes_reload_decrypted(vault, database) -> None:
    person = _add(database, **VALUES)
    with database.sessions() as session:
        loaded = session.get(Person, person.id)
        session.expire(loaded)
        assert loaded.phone == VALUES["phone"]
        session.refresh(loaded, ["name"])
        assert loaded.name == VALUES["name"]


def test_updating_one_field_keeps_the_others(vault, database) -> None:
    person = _add(database, **VALUES)
    with database.engine.connect() as conn:
        before = conn.execute(text("SELECT name, phone FROM vault_test_people")).one()
    with database.transaction() as session:
        loaded = session.get(Person, person.id)
        loaded.phone = "13900001111"
        loaded.note = "updated"
    with database.engine.connect() as conn:
        after = conn.execute(text("SELECT name, phone FROM vault_test_people")).one()
    assert bytes(after[0]) == bytes(before[0]) and bytes(after[1]) != bytes(before[1])
    with database.sessions() as session:
        assert session.get(Person, person.id).phone == "13900001111"


class Boom(Exception):
    pass


def test_key_made_in_a_rolled_back_transaction_is_not_reused(vault, database, keyring) -> None:
    """The data key cached during a failed transaction must not seal data in the next one."""
    from riskguard.privacy.vault import SESSION_KEY

    from .conftest import make_vault

    subject = new_subject_id()
    try:
        with database.transaction() as session:
            session.add(Person(id=new_id("p"), subject_id=subject, phone="13800000001"))
            session.flush()
            raise Boom
    except Boom:
        pass
    person = _add(database, subject, phone="13800000002")
    with database.sessions(info={SESSION_KEY: make_vault(keyring)}) as session:  # another process, cold cache
        assert session.get(Person, person.id).phone == "13800000002"


def test_erasure_commit_evicts_a_key_reread_meanwhile(vault, database, audit_log) -> None:
    person = _add(database, **VALUES)
    with database.transaction() as session:
        erase_subject(session, person.subject_id, audit=audit_log, actor="test")
        with database.sessions() as other:  # another request re-reads (and caches) the live key
            assert other.get(Person, person.id).phone == VALUES["phone"]
    with database.sessions() as session:
        assert session.get(Person, person.id).phone is ERASED
