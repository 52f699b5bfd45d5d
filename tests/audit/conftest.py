"""Fixtures for the audit log without the web app: a log over the migrated test database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from riskguard.audit import AuditEvent, Receipt
from riskguard.audit.service import AuditLog
from riskguard.config import Settings
from riskguard.db import Database
from riskguard.keyring import Keyring

ORIGIN = "test.riskguard/audit"


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    ring = Keyring.generate(tmp_path / "keyring.json")
    ring.save()
    return ring


@pytest.fixture
def audit_log(database: Database, keyring: Keyring, tmp_path: Path) -> AuditLog:
    """The log on both backends, with the background sequencer off (tests integrate explicitly)."""
    settings = Settings.from_env(data_dir=tmp_path, audit_origin=ORIGIN, extra={"audit_sequencer": False})
    return AuditLog.create(database, keyring, settings)


def event(i: int, **overrides: object) -> AuditEvent:
    fields: dict = {"action": "screening:content:decided", "actor": f"key:actor{i % 3}", "subject_type": "ad",
                    "subject_id": f"subj-{i:04d}", "decision": "block" if i % 2 else "allow",
                    "rule_ids": ["adlaw.9-3.superlative"], "policy_revision": "rev-1",
                    "details": {"n": i}}
    fields.update(overrides)
    return AuditEvent(**fields)  # type: ignore[arg-type]


@pytest.fixture
def append(audit_log: AuditLog) -> Callable[..., list[Receipt]]:
    """``append(n)`` records n entries, one transaction each, and integrates them."""

    def run(n: int, start: int = 0, integrate: bool = True, **overrides: object) -> list[Receipt]:
        out = []
        for i in range(start, start + n):
            with audit_log.transaction() as tx:
                out.append(tx.record(event(i, **overrides)))
        if integrate:
            audit_log.integrate()
        return out

    return run


@pytest.fixture
def cli_environment(audit_log: AuditLog, keyring: Keyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for ``riskguard`` commands over ``audit_log``; its data directory (trust store,
    witness) is returned, under ``tmp_path``."""
    data = tmp_path / "data"
    monkeypatch.setenv("RISKGUARD_DATABASE_URL", audit_log.db.url)
    monkeypatch.setenv("RISKGUARD_KEYRING", str(keyring.path))
    monkeypatch.setenv("RISKGUARD_AUDIT_ORIGIN", audit_log.keys.origin)
    monkeypatch.setenv("RISKGUARD_DATA_DIR", str(data))
    monkeypatch.setenv("RISKGUARD_LOG_LEVEL", "ERROR")
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    return data
