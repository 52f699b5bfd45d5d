"""Key operations on SQLite and PostgreSQL: rotate, rewrap (crash and resume), retire; file and
master-key keyrings; every operation audited."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import func, select

from riskguard.audit.models import AuditEntry
from riskguard.audit.service import AuditLog
from riskguard.config import Settings
from riskguard.ids import new_id
from riskguard.keyring import Keyring, KeyringError
from riskguard.privacy.vault import SESSION_KEY, KeyUnavailable, bind_vault, new_subject_id
from riskguard.privacy.vault.keys import kek_status, pending_rewrap, retire, rewrap, rotate
from riskguard.privacy.vault.models import SubjectKey

from .conftest import Person, VaultTestBase, make_vault


def _people(database, n: int) -> list[Person]:  # type: ignore[no-untyped-def]
    people = [Person(id=new_id("p"), subject_id=new_subject_id(), phone=f"138{i:08d}") for i in range(n)]
    with database.transaction() as session:
        session.add_all(people)
    return people


def _phones(database, keyring: Keyring) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Read everything back through a fresh vault (no cached data keys)."""
    with database.sessions(info={SESSION_KEY: make_vault(keyring)}) as session:
        return {p.id: p.phone for p in session.scalars(select(Person))}


def _audited(database, action: str) -> int:  # type: ignore[no-untyped-def]
    with database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == action)) or 0)


def test_rotate_keeps_old_data_readable(vault, database, keyring, audit_log) -> None:
    old = _people(database, 3)
    assert rotate(database, keyring, audit=audit_log) == 2
    assert Keyring.load(keyring.path).current_kek_version == 2  # persisted
    vault.forget()
    new = _people(database, 2)
    assert kek_status(database, keyring) == {1: 3, 2: 2}
    assert _phones(database, keyring) == {p.id: p.phone for p in old + new}
    assert _audited(database, "vault:kek:rotated") == 1


class Crash(Exception):
    pass


def test_rewrap_crash_then_resume(vault, database, keyring, audit_log) -> None:
    people = _people(database, 10)
    expected = {p.id: p.phone for p in people}
    rotate(database, keyring, audit=audit_log)

    def crash_after_two(batch: int) -> None:
        if batch == 2:
            raise Crash

    with pytest.raises(Crash):
        rewrap(database, keyring, audit=audit_log, batch_size=3, after_batch=crash_after_two)
    assert kek_status(database, keyring) == {1: 4, 2: 6}
    assert _phones(database, keyring) == expected  # nothing lost mid-way
    result = rewrap(database, keyring, audit=audit_log, batch_size=3)
    assert (result.rewrapped, result.remaining, result.target_version) == (4, 0, 2)
    assert kek_status(database, keyring) == {2: 10}
    assert _phones(database, keyring) == expected
    assert _audited(database, "vault:kek:rewrapped") == 4  # 2 batches before the crash, 2 after


def test_failed_batch_rolls_back_whole(vault, database, keyring, audit_log) -> None:
    _people(database, 4)
    rotate(database, keyring, audit=audit_log)
    keyring.keks.pop(1)  # the old KEK is missing: the first unwrap of the batch fails
    with pytest.raises(KeyringError):
        rewrap(database, Keyring(secrets=keyring.secrets, keks=dict(keyring.keks), path=None), audit=audit_log,
               batch_size=10)
    assert pending_rewrap(database, Keyring.load(keyring.path)) == 4


def test_retire_refused_until_rewrapped_then_destroys(vault, database, keyring, audit_log) -> None:
    people = _people(database, 3)
    rotate(database, keyring, audit=audit_log)
    with pytest.raises(KeyringError, match="3 data key.*rewrap"):
        retire(database, keyring, 2, audit=audit_log)
    rewrap(database, keyring, audit=audit_log)
    assert retire(database, keyring, 2, audit=audit_log, destroy=True) == [1]
    ring = Keyring.load(keyring.path)
    assert ring.min_kek_version == 2 and 1 not in ring.keks
    assert _phones(database, ring) == {p.id: p.phone for p in people}
    assert _audited(database, "vault:kek:retired") == 1
    with pytest.raises(KeyringError, match="current key version"):
        retire(database, keyring, 3, audit=audit_log)


def test_retired_version_refuses_old_backup_key(vault, database, keyring, audit_log) -> None:
    """A data key restored from an old backup, wrapped under a retired KEK, no longer opens."""
    _people(database, 1)
    with database.sessions() as session:
        backup = session.scalars(select(SubjectKey)).one()
        saved = (backup.wrapped_key, backup.kek_version)
    rotate(database, keyring, audit=audit_log)
    rewrap(database, keyring, audit=audit_log)
    retire(database, keyring, 2, audit=audit_log, destroy=True)
    with database.transaction() as session:  # restore the backup's wrapped key
        row = session.scalars(select(SubjectKey)).one()
        row.wrapped_key, row.kek_version = saved
    with pytest.raises(KeyUnavailable, match="retired|unknown key version"):
        _phones(database, Keyring.load(keyring.path))


def test_master_key_rotation_state_lives_in_the_database(database, monkeypatch, tmp_path) -> None:
    master = base64.b64encode(b"m" * 32).decode()
    monkeypatch.setenv("RISKGUARD_MASTER_KEY", master)
    VaultTestBase.metadata.create_all(database.engine)
    keys = Keyring.from_master_key(master)
    audit_log = AuditLog.create(database, keys, Settings.from_env(data_dir=tmp_path,
                                                                  extra={"audit_sequencer": False}))
    bind_vault(database, make_vault(keys))
    people = _people(database, 3)
    assert rotate(database, keys, audit=audit_log) == 2
    fresh = Keyring.from_master_key(master)  # another process: learns version 2 from the database
    assert kek_status(database, fresh) == {1: 3} and fresh.current_kek_version == 2
    assert rewrap(database, fresh, audit=audit_log).rewrapped == 3
    assert retire(database, fresh, 2, audit=audit_log) == []
    again = Keyring.from_master_key(master)
    v = make_vault(again)
    with database.sessions(info={SESSION_KEY: v}) as session:
        v.sync_versions(session.connection(), force=True)
        assert (again.current_kek_version, again.min_kek_version) == (2, 2)
        assert {p.id: p.phone for p in session.scalars(select(Person))} == {p.id: p.phone for p in people}
