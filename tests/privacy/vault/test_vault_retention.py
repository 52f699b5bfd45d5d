"""Retention (``riskguard privacy purge-expired``): fields past their policy period are cleared with
their blind-index values, fresh ones are kept, every purge is audited. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from riskguard.audit.models import AuditEntry
from riskguard.ids import new_id, utcnow
from riskguard.privacy.vault import find_candidates, new_subject_id
from riskguard.privacy.vault.retention import purge_expired

from .conftest import Person

# test policy: name and id_number kept 30 days, phone kept without limit
VALUES = {"name": "赵六", "id_number": "11010519491231002X", "phone": "13812345678"}


@pytest.mark.parametrize(("age_days", "expired"), [(40, True), (31, True), (29, False), (0, False)])
def test_purge_by_age(vault, database, audit_log, age_days: int, expired: bool) -> None:
    person = Person(id=new_id("p"), subject_id=new_subject_id(), created_at=utcnow() - timedelta(days=age_days),
                    **VALUES)
    with database.transaction() as session:
        session.add(person)
    results = {r.record_type: r for r in purge_expired(database, vault, audit=audit_log)}
    assert results["vault_test_person"].records == (1 if expired else 0)
    with database.sessions() as session:
        row = session.get(Person, person.id)
        assert (row.name, row.id_number) == ((None, None) if expired else (VALUES["name"], VALUES["id_number"]))
        assert row.phone == VALUES["phone"]  # no retention limit
        assert bool(find_candidates(session, "id_number", VALUES["id_number"])) is not expired
        assert bool(find_candidates(session, "phone", VALUES["phone"]))
        purged = session.scalar(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "privacy:retention:purged"))
    assert purged == (1 if expired else 0)


def test_dry_run_changes_nothing(vault, database, audit_log) -> None:
    people = [Person(id=new_id("p"), subject_id=new_subject_id(), created_at=utcnow() - timedelta(days=90),
                     **VALUES) for _ in range(3)]
    with database.transaction() as session:
        session.add_all(people)
    results = {r.record_type: r for r in purge_expired(database, vault, audit=audit_log, dry_run=True, batch_size=2)}
    assert (results["vault_test_person"].records, results["vault_test_person"].fields) == (3, 6)
    with database.sessions() as session:
        assert all(session.get(Person, p.id).name == VALUES["name"] for p in people)
    results = {r.record_type: r for r in purge_expired(database, vault, audit=audit_log, batch_size=2)}
    assert results["vault_test_person"].records == 3
    assert {r.record_type: r for r in purge_expired(database, vault, audit=audit_log)}["vault_test_person"].records == 0


def test_retention_covers_every_vault_model() -> None:
    import riskguard.models  # noqa: F401
    from riskguard.db import Base
    from riskguard.privacy.vault import VaultRecord
    from riskguard.privacy.vault.registry import all_record_types

    kinds = {k.model for k in all_record_types()}
    service_models = {m.class_ for m in Base.registry.mappers if issubclass(m.class_, VaultRecord)}
    assert service_models <= kinds and Person in kinds
