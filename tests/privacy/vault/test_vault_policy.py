"""policies/privacy.yaml: it loads, and no model stores a field it classifies in plaintext."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, LargeBinary, MetaData, String, Table

import riskguard.models  # noqa: F401 - every domain's tables on Base.metadata
from riskguard.config import PROJECT_ROOT
from riskguard.db import Base
from riskguard.privacy.vault import Encrypted
from riskguard.privacy.vault.column import plaintext_violations
from riskguard.privacy.vault.policy import PolicyError, load_policy

POLICY = PROJECT_ROOT / "policies" / "privacy.yaml"


def test_policy_loads_and_classifies_fields() -> None:
    policy = load_policy(POLICY)
    assert policy.revision and policy.fields
    assert {f.classification for f in policy.fields.values()} <= {"personal", "sensitive_personal", "financial"}
    indexed = {f.blind_index for f in policy.fields.values() if f.blind_index}
    assert indexed <= set(policy.blind_indexes)


def test_no_model_stores_a_classified_field_in_plaintext() -> None:
    assert plaintext_violations(Base.metadata, load_policy(POLICY)) == []


# (column type in a synthetic model, is it a violation?)
CASES = [(Encrypted(), False), (String(18), True), (LargeBinary(), True), (None, True)]


@pytest.mark.parametrize(("column_type", "violation"), CASES,
                         ids=["encrypted", "string", "raw-binary", "column-missing"])
def test_the_check_catches_plaintext(column_type, violation: bool) -> None:  # type: ignore[no-untyped-def]
    metadata = MetaData()
    columns = [Column("id", String(40), primary_key=True)]
    if column_type is not None:
        columns.append(Column("legal_rep_id_number", column_type))
    Table("merchant_applications", metadata, *columns)
    problems = plaintext_violations(metadata, load_policy(POLICY))
    assert any("merchant_applications.legal_rep_id_number" in p for p in problems) is violation


BROKEN = [
    ("revision: 1\nreveal_reasons: [x]\n", "revision"),
    ("revision: r\nreveal_reasons: []\n", "reveal_reasons"),
    ("revision: r\nreveal_reasons: [x]\nblind_indexes: {phone: {normalise: soundex, expected_rows: 9}}\n",
     "blind_indexes.phone"),
    ("revision: r\nreveal_reasons: [x]\nfields: [{table: t, column: c, class: secret, encrypted: true}]\n",
     "field t.c"),
    ("revision: r\nreveal_reasons: [x]\nfields: [{table: t, column: c, class: personal, encrypted: true, "
     "blind_index: nope}]\n", "field t.c"),
    ("revision: r\nreveal_reasons: [x]\nfields: [{table: t, column: c, class: personal, encrypted: yes_please}]\n",
     "encrypted"),
    ("revision: r\nreveal_reasons: [x]\nfields: [{table: t, column: c, class: personal, encrypted: true, "
     "retention_days: -1}]\n", "retention_days"),
    ("[unclosed", "cannot read"),
]


@pytest.mark.parametrize(("content", "names"), BROKEN)
def test_broken_policy_names_the_entry(tmp_path: Path, content: str, names: str) -> None:
    path = tmp_path / "privacy.yaml"
    path.write_text(content)
    with pytest.raises(PolicyError, match=names):
        load_policy(path)


def test_retention_anchors_exist() -> None:
    """Every field with a retention period names a date-time column of its table as the anchor."""
    from sqlalchemy import DateTime

    wrong = []
    for (table, column), field in load_policy(POLICY).fields.items():
        if field.retention_days is None or table not in Base.metadata.tables:
            continue
        anchor = Base.metadata.tables[table].columns.get(field.retention_anchor)
        if anchor is None or not isinstance(anchor.type, DateTime):
            wrong.append(f"{table}.{column} -> {field.retention_anchor}")
    assert wrong == []
