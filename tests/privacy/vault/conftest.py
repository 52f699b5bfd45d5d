"""Vault fixtures: a test-only model holding personal data, on its own declarative base (so it never
joins the service's metadata or migrations), created on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from riskguard.audit.service import AuditLog
from riskguard.config import PROJECT_ROOT, Settings
from riskguard.db import Database
from riskguard.ids import utcnow
from riskguard.keyring import Keyring
from riskguard.privacy.vault import Encrypted, Vault, VaultRecord, bind_vault, register_record_type
from riskguard.privacy.vault.policy import FieldPolicy, PrivacyPolicy, load_policy


class VaultTestBase(DeclarativeBase):
    pass


class Person(VaultRecord, VaultTestBase):
    __tablename__ = "vault_test_people"
    __vault_subject__ = "subject_id"
    __vault_record_type__ = "vault_test_person"
    __vault_blind_indexes__ = {"id_number": "id_number", "phone": "phone"}

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(128), index=True)
    name: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    id_number: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    phone: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


PERSON_TYPE = register_record_type(Person)

TEST_FIELDS = {
    ("vault_test_people", "name"): ("personal", None, "keep_first_1", 30),
    ("vault_test_people", "id_number"): ("sensitive_personal", "id_number", "id_number", 30),
    ("vault_test_people", "phone"): ("personal", "phone", "phone", None),
}


def with_test_fields(policy: PrivacyPolicy) -> PrivacyPolicy:
    fields = dict(policy.fields)
    for (table, column), (cls, index, mask, days) in TEST_FIELDS.items():
        fields[(table, column)] = FieldPolicy(table, column, cls, True, index, mask, days, "created_at")
    return replace(policy, fields=fields)


def make_vault(keyring: Keyring, **kwargs: object) -> Vault:
    policy = with_test_fields(load_policy(PROJECT_ROOT / "policies" / "privacy.yaml"))
    return Vault(keyring, policy, blind_secret=keyring.secret("blind_index"), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Keyring:
    """A file keyring, also named in the environment so that code outside an app (the audit recorder,
    the CLI) finds the same keys."""
    ring = Keyring.generate(tmp_path / "vault-keyring.json")
    ring.save()
    monkeypatch.setenv("RISKGUARD_KEYRING", str(ring.path))
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    return ring


@pytest.fixture
def audit_log(database: Database, keyring: Keyring, tmp_path: Path) -> AuditLog:
    """The audit log of ``database`` with the background sequencer off (it would race the schema drop)."""
    settings = Settings.from_env(data_dir=tmp_path, keyring_path=keyring.path,
                                 extra={"audit_sequencer": False})
    return AuditLog.create(database, keyring, settings)


@pytest.fixture
def vault(keyring: Keyring, database: Database, audit_log: AuditLog) -> Iterator[Vault]:
    """A vault over ``database`` (SQLite and PostgreSQL) with the test table created."""
    VaultTestBase.metadata.create_all(database.engine)
    v = make_vault(keyring)
    bind_vault(database, v)
    yield v


def _with_test_table(app):  # type: ignore[no-untyped-def]
    ext = app.extensions["riskguard"]
    VaultTestBase.metadata.create_all(ext.db.engine)
    ext.vault.policy = with_test_fields(ext.vault.policy)
    return app


@pytest.fixture
def vault_app(app):  # type: ignore[no-untyped-def]
    """The app (both backends) with the test table and test policy fields."""
    return _with_test_table(app)


@pytest.fixture(scope="module")
def shared_vault_app(shared_app):  # type: ignore[no-untyped-def]
    """``shared_app`` (one per test module and backend) with the test table and test policy fields, for
    tables of cases whose checks hold whatever the module's other cases did on it before."""
    return _with_test_table(shared_app)
