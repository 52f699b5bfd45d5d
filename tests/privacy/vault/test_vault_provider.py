"""The vault runs on any KeyProvider, not only the local keyring: here a stand-in for a KMS that wraps
with AES key wrap (RFC 3394) and keeps its KEKs to itself. SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from sqlalchemy import select

from riskguard.ids import new_id
from riskguard.keyring import KeyProvider, KeyringError
from riskguard.privacy.vault import ERASED, KeyUnavailable, Vault, bind_vault, erase_subject, new_subject_id

from .conftest import Person, with_test_fields


class FakeKms:
    """Remote-style provider: callers see versions and wrapped bytes, never a KEK."""

    def __init__(self) -> None:
        self._keks = {1: os.urandom(32)}
        self.calls = 0

    @property
    def current_kek_version(self) -> int:
        return max(self._keks)

    @property
    def retired_below(self) -> int:
        return 1

    def wrap_key(self, version: int, data_key: bytes, aad: bytes) -> bytes:
        self.calls += 1
        return aes_key_wrap(self._keks[version], data_key)  # no AAD in RFC 3394: bound by the KMS instead

    def unwrap_key(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        self.calls += 1
        if version not in self._keks:
            raise KeyringError(f"unknown key version {version}")
        try:
            return aes_key_unwrap(self._keks[version], bytes(wrapped))
        except InvalidUnwrap:
            raise KeyringError("unwrap refused") from None

    def refresh(self) -> None:
        pass


def test_vault_on_another_provider(database, keyring, audit_log) -> None:
    from riskguard.config import PROJECT_ROOT
    from riskguard.privacy.vault.column import VaultRecord  # noqa: F401
    from riskguard.privacy.vault.policy import load_policy

    from .conftest import VaultTestBase

    kms = FakeKms()
    assert isinstance(kms, KeyProvider)
    VaultTestBase.metadata.create_all(database.engine)
    vault = Vault(kms, with_test_fields(load_policy(PROJECT_ROOT / "policies" / "privacy.yaml")),
                  blind_secret=keyring.secret("blind_index"))
    bind_vault(database, vault)
    person = Person(id=new_id("p"), subject_id=new_subject_id(), phone="13812345678")
    with database.transaction() as session:
        session.add(person)
    vault.forget()
    with database.sessions() as session:
        assert session.scalars(select(Person)).one().phone == "13812345678"
    assert kms.calls == 2  # one wrap, one unwrap: KEK operations go through the provider only
    kms._keks = {1: os.urandom(32)}  # the KMS lost (or replaced) the key
    vault.forget()
    with pytest.raises(KeyUnavailable), database.sessions() as session:
        session.scalars(select(Person)).one()
    with database.transaction() as session:
        erase_subject(session, person.subject_id, audit=audit_log, actor="test")
    with database.sessions() as session:
        assert session.scalars(select(Person)).one().phone is ERASED
