"""Blind indexes: normalised, keyed per field, truncated by expected row count; duplicates found without
decrypting; values gone after erasure."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select, text

from riskguard.ids import new_id
from riskguard.keyring import Keyring
from riskguard.privacy.vault import erase_subject, find_candidates, find_records, new_subject_id
from riskguard.privacy.vault.models import BlindIndexEntry
from riskguard.privacy.vault.policy import BlindIndexSpec, index_bits

from .conftest import Person, make_vault

# (index, a, b): must give the same index value
SAME = [
    ("id_number", "11010519491231002X", "11010519491231002x"),
    ("id_number", "11010519491231002X", " 110105 19491231 002X "),
    ("id_number", "11010519491231002X", "１１０１０５１９４９１２３１００２Ｘ"),  # full-width
    ("phone", "13812345678", "+86 138-1234-5678"),
    ("phone", "13812345678", "0086 13812345678"),
    ("phone", "13812345678", "１３８１２３４５６７８"),
    ("bank_account", "6222 0212 3456 7890 123", "6222021234567890123"),
    ("email", "Zhang.San@Example.COM", " zhang.san@example.com"),
]
# must differ (compared at 32 bits so that a chance collision is ~2^-32)
DIFFERENT = [
    ("id_number", "11010519491231002X", "110105194912310021"),
    ("phone", "13812345678", "13812345679"),
    ("phone", "13812345678", "+852 13812345678"),  # not the +86 prefix
    ("bank_account", "6222021234567890123", "6222021234567890124"),
]


@pytest.fixture
def wide_vault(keyring):  # type: ignore[no-untyped-def]
    v = make_vault(keyring)
    v.policy = replace(v.policy, blind_indexes={k: replace(s, expected_rows=2**40)
                                                for k, s in v.policy.blind_indexes.items()})
    return v


@pytest.mark.parametrize(("field", "a", "b"), SAME)
def test_normalised_variants_share_an_index(wide_vault, field: str, a: str, b: str) -> None:
    assert wide_vault.blind_index(field, a) == wide_vault.blind_index(field, b)


@pytest.mark.parametrize(("field", "a", "b"), DIFFERENT)
def test_different_values_differ(wide_vault, field: str, a: str, b: str) -> None:
    assert wide_vault.blind_index(field, a) != wide_vault.blind_index(field, b)


def test_keys_are_per_field_and_per_keyring(wide_vault, tmp_path) -> None:
    value = "13812345678"
    assert wide_vault.blind_index("phone", value) != wide_vault.blind_index("bank_account", value)
    other = make_vault(Keyring.generate(tmp_path / "other.json"))
    other.policy = wide_vault.policy
    assert other.blind_index("phone", value) != wide_vault.blind_index("phone", value)


@pytest.mark.parametrize(("rows", "bits"), [(1, 8), (10, 8), (1000, 8), (10_000, 12), (1_000_000, 18),
                                            (50_000_000, 24), (10**12, 32)])
def test_length_follows_expected_rows(rows: int, bits: int) -> None:
    assert index_bits(rows) == bits
    spec = BlindIndexSpec("x", "digits", rows)
    assert spec.bits == bits


def test_stored_value_has_policy_length(vault) -> None:
    value = vault.blind_index("id_number", "11010519491231002X")
    bits = vault.policy.blind_indexes["id_number"].bits
    assert len(value) == (bits + 3) // 4 and int(value, 16) < 2**bits


def _add(database, subject: str, **values):  # type: ignore[no-untyped-def]
    person = Person(id=new_id("p"), subject_id=subject, **values)
    with database.transaction() as session:
        session.add(person)
    return person


def test_duplicate_id_behind_two_accounts(vault, database) -> None:
    first = _add(database, new_subject_id(), id_number="11010519491231002X", phone="13812345678")
    second = _add(database, new_subject_id(), id_number="11010519491231002x", phone="13900000000")
    _add(database, new_subject_id(), id_number="110105194912310021", phone="13812345678")
    with database.sessions() as session:
        hits = find_candidates(session, "id_number", "11010519491231002X", record_type="vault_test_person")
        assert {first.id, second.id} <= {h.record_id for h in hits}
        exact = find_records(session, Person, "id_number", " 11010519491231002X ")
        assert sorted(p.id for p in exact) == sorted([first.id, second.id])
        assert find_records(session, Person, "id_number", "11010119900307001X") == []
    with database.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(text("SELECT * FROM vault_blind_indexes")) for v in row)
    assert "11010519491231002" not in stored and "13812345678" not in stored


def test_update_and_clear_move_the_index(vault, database) -> None:
    person = _add(database, new_subject_id(), phone="13812345678")
    with database.transaction() as session:
        session.get(Person, person.id).phone = "13700000000"
    with database.sessions() as session:
        assert [p.id for p in find_records(session, Person, "phone", "13700000000")] == [person.id]
        assert find_records(session, Person, "phone", "13812345678") == []
    with database.transaction() as session:
        session.get(Person, person.id).phone = None
    with database.sessions() as session:
        assert session.scalars(select(BlindIndexEntry).where(BlindIndexEntry.record_id == person.id)).all() == []


def test_erasure_removes_index_values(vault, database, audit_log) -> None:
    person = _add(database, new_subject_id(), id_number="11010519491231002X", phone="13812345678")
    keep = _add(database, new_subject_id(), phone="13812345678")
    with database.transaction() as session:
        erasure = erase_subject(session, person.subject_id, audit=audit_log, actor="test")
    assert erasure.blind_indexes_removed == 2
    with database.sessions() as session:
        assert [h.record_id for h in find_candidates(session, "phone", "13812345678")] == [keep.id]
        assert find_candidates(session, "id_number", "11010519491231002X") == []
