"""Reliability: every way a ciphertext or key can be wrong gives a clear error, never plaintext or a
silent pass. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from riskguard.ids import new_id
from riskguard.privacy.vault import (
    CiphertextError,
    KeyUnavailable,
    PlaintextRefused,
    SubjectErased,
    VaultError,
    erase_subject,
    new_subject_id,
)
from riskguard.privacy.vault.models import SubjectKey

from .conftest import Person


def _add(database, subject=None, pid=None, **values):  # type: ignore[no-untyped-def]
    person = Person(id=pid or new_id("p"), subject_id=subject or new_subject_id(),
                    **(values or {"name": "李四", "id_number": "11010519491231002X", "phone": "13812345678"}))
    with database.transaction() as session:
        session.add(person)
    return person


def _raw(database, pid: str, column: str = "id_number") -> bytes:
    with database.engine.connect() as conn:
        return bytes(conn.execute(text(f"SELECT {column} FROM vault_test_people WHERE id = :i"),
                                  {"i": pid}).scalar_one())


def _store(database, pid: str, column: str, blob: bytes) -> None:
    with database.engine.begin() as conn:
        conn.execute(text(f"UPDATE vault_test_people SET {column} = :b WHERE id = :i"), {"b": blob, "i": pid})


def _load(database, pid: str):  # type: ignore[no-untyped-def]
    with database.sessions() as session:
        return session.get(Person, pid)


# offset into the stored ciphertext -> what the byte is
TAMPER = [(0, "format version"), (1, "key id"), (17, "nonce"), (29, "ciphertext body"), (-1, "GCM tag")]


@pytest.mark.parametrize(("offset", "part"), TAMPER, ids=[p for _, p in TAMPER])
def test_tampered_byte_is_rejected(vault, database, offset: int, part: str) -> None:
    person = _add(database)
    blob = bytearray(_raw(database, person.id))
    blob[offset] ^= 0x01
    _store(database, person.id, "id_number", bytes(blob))
    with pytest.raises(CiphertextError) as err:
        _load(database, person.id)
    assert "11010519491231002X" not in err.value.message


@pytest.mark.parametrize("case", ["other_row_same_subject", "other_column", "other_subject", "truncated",
                                  "not_a_ciphertext"])
def test_misplaced_ciphertext_is_rejected(vault, database, case: str) -> None:
    subject = new_subject_id()
    a, b = _add(database, subject), _add(database, subject)
    c = _add(database)
    source = {"other_row_same_subject": (b.id, "id_number"), "other_column": (a.id, "phone"),
              "other_subject": (c.id, "id_number"), "truncated": (a.id, "id_number"),
              "not_a_ciphertext": (a.id, "id_number")}[case]
    blob = _raw(database, *source)
    if case == "truncated":
        blob = blob[:40]
    elif case == "not_a_ciphertext":
        blob = b"11010519491231002X-plaintext-in-db"
    _store(database, a.id, "id_number", blob)
    with pytest.raises(CiphertextError, match="failed authentication|another data key|truncated|format"):
        _load(database, a.id)


def test_unknown_format_version_names_it(vault, database) -> None:
    person = _add(database)
    blob = bytearray(_raw(database, person.id))
    blob[0] = 7
    _store(database, person.id, "id_number", bytes(blob))
    with pytest.raises(CiphertextError, match="unknown ciphertext format version 7"):
        _load(database, person.id)


@pytest.mark.parametrize(("kek_version", "message"), [(99, "unknown key version 99"), (0, "retired")])
def test_unknown_or_retired_kek_version(vault, database, keyring, kek_version: int, message: str) -> None:
    person = _add(database)
    vault.forget()
    with database.engine.begin() as conn:
        conn.execute(update(SubjectKey).values(kek_version=kek_version))
    with pytest.raises(KeyUnavailable, match=message):
        _load(database, person.id)


def test_wrapped_key_bound_to_its_subject(vault, database) -> None:
    a, b = _add(database), _add(database)
    vault.forget()
    with database.engine.begin() as conn:
        wrapped = conn.execute(text("SELECT wrapped_key FROM vault_subject_keys WHERE subject_id = :s"),
                               {"s": b.subject_id}).scalar_one()
        conn.execute(text("UPDATE vault_subject_keys SET wrapped_key = :w WHERE subject_id = :s"),
                     {"w": wrapped, "s": a.subject_id})
    with pytest.raises(KeyUnavailable, match="cannot be unwrapped"):
        _load(database, a.id)


@pytest.mark.parametrize("how", ["core_update", "core_insert", "where_clause"])
def test_plaintext_never_reaches_an_encrypted_column(vault, database, how: str) -> None:
    person = _add(database)
    with pytest.raises(Exception) as err, database.transaction() as session:  # noqa: PT011, SIM117
        if how == "core_update":
            session.execute(update(Person).where(Person.id == person.id).values(id_number="110105194912310021"))
        elif how == "core_insert":
            session.execute(Person.__table__.insert().values(id="x", subject_id="s", phone="13800000000"))
        else:
            session.execute(Person.__table__.select().where(Person.phone == "13812345678")).all()
    assert isinstance(err.value, PlaintextRefused) or isinstance(err.value.__cause__, PlaintextRefused) \
        or isinstance(getattr(err.value, "orig", None), PlaintextRefused)
    assert _load(database, person.id).id_number == "11010519491231002X"


def test_writing_for_an_erased_subject_is_refused(vault, database, audit_log) -> None:
    person = _add(database)
    with database.transaction() as session:
        erase_subject(session, person.subject_id, audit=audit_log, actor="test")
    with pytest.raises(SubjectErased):
        _add(database, person.subject_id)


@pytest.mark.parametrize("missing", ["primary_key", "subject"])
def test_record_without_row_id_or_subject(vault, database, missing: str) -> None:
    person = Person(id=None if missing == "primary_key" else "p1",
                    subject_id=None if missing == "subject" else "subj_1", phone="13812345678")
    with pytest.raises(VaultError, match="primary key|subject id"), database.transaction() as session:
        session.add(person)


def test_subject_of_a_record_cannot_change(vault, database) -> None:
    person = _add(database)
    with pytest.raises(VaultError, match="cannot change"), database.transaction() as session:
        loaded = session.get(Person, person.id)
        loaded.subject_id = new_subject_id()
        loaded.phone = "13900000000"


def test_nonces_are_fresh(vault, database) -> None:
    a, b = _add(database), _add(database)
    subject = new_subject_id()
    c, d = _add(database, subject), _add(database, subject)
    blobs = [_raw(database, p.id) for p in (a, b, c, d)]
    assert len({blob[17:29] for blob in blobs}) == 4
    assert len(set(blobs)) == 4


@pytest.mark.parametrize("damage", ["not_json", "mode_644"])
def test_keyring_damaged_while_running(vault, database, keyring, damage: str) -> None:
    """A keyring file broken under a running service: a clear 503-type error, not a trace or plaintext."""
    import os

    person = _add(database)
    keyring.path.write_text("{oops" if damage == "not_json" else keyring.path.read_text())
    os.chmod(keyring.path, 0o644 if damage == "mode_644" else 0o600)
    os.utime(keyring.path, ns=(1, 1))  # a changed mtime is what makes the vault reload the file
    vault.forget()
    vault._versions_checked = 0.0
    with pytest.raises(KeyUnavailable, match="cannot be reloaded") as err:
        _load(database, person.id)
    assert err.value.status == 503
