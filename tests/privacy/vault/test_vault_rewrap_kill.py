"""A real crash: ``rewrap`` in another process is killed with SIGKILL in the middle of a batch. Nothing
is lost, batches are all-or-nothing, and running it again finishes the job. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from riskguard.config import PROJECT_ROOT
from riskguard.ids import new_id
from riskguard.keyring import Keyring
from riskguard.privacy.vault import SESSION_KEY, new_subject_id
from riskguard.privacy.vault.keys import kek_status, rewrap, rotate

from .conftest import Person, make_vault

# Unwrapping is slowed down so that the kill lands inside a batch's transaction.
CHILD = """
import sys, time
from pathlib import Path
from riskguard.audit import AuditLog
from riskguard.audit._keys import LogKeys
from riskguard.db import Database
from riskguard.keyring import Keyring
from riskguard.privacy.vault.keys import rewrap

class Slow(Keyring):
    def unwrap_key(self, version, wrapped, aad):
        time.sleep(0.03)
        return super().unwrap_key(version, wrapped, aad)

keys = Keyring.load(Path(sys.argv[2]))
keys.__class__ = Slow
db = Database(sys.argv[1])
audit = AuditLog(db, LogKeys.from_keyring(keys, "test.riskguard/audit"), sequencer="request")
rewrap(db, keys, audit=audit, batch_size=5, after_batch=lambda n: print(n, flush=True))
"""

BATCH, KEYS = 5, 40


@pytest.mark.slow
def test_sigkill_during_rewrap_loses_nothing(vault, database, keyring, audit_log) -> None:
    people = [Person(id=new_id("p"), subject_id=new_subject_id(), phone=f"139{i:08d}") for i in range(KEYS)]
    with database.transaction() as session:
        session.add_all(people)
    rotate(database, keyring, audit=audit_log)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    with subprocess.Popen([sys.executable, "-c", CHILD, database.url, str(keyring.path)],
                          stdout=subprocess.PIPE, text=True, env=env) as child:
        try:
            assert child.stdout is not None
            while child.stdout.readline().strip() != "2":  # two batches committed
                assert child.poll() is None, "rewrap ended before it could be killed"
            time.sleep(0.08)  # about half-way through the third batch's unwraps
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    counts = kek_status(database, keyring)
    moved = counts.get(2, 0)
    assert counts.get(1, 0) + moved == KEYS
    assert moved % BATCH == 0 and 2 * BATCH <= moved < KEYS  # whole batches only, and not finished
    expected = {p.id: p.phone for p in people}
    with database.sessions(info={SESSION_KEY: make_vault(Keyring.load(keyring.path))}) as session:
        assert {p.id: p.phone for p in session.scalars(select(Person))} == expected
    result = rewrap(database, keyring, audit=audit_log, batch_size=BATCH)
    assert result.rewrapped == KEYS - moved and result.remaining == 0
    assert kek_status(database, keyring) == {2: KEYS}
    with database.sessions(info={SESSION_KEY: make_vault(Keyring.load(keyring.path))}) as session:
        assert {p.id: p.phone for p in session.scalars(select(Person))} == expected
