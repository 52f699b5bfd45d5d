"""The privacy officer's CLI on SQLite and PostgreSQL: lookup (value on stdin), records, reveal, export,
erase with confirmation, retention; each leaving the same audit entries as the API."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from riskguard.audit.models import AuditEntry
from riskguard.cli import main
from riskguard.db import Database
from riskguard.ids import new_id
from riskguard.keyring import Keyring
from riskguard.privacy.vault import bind_vault, new_subject_id

from .conftest import Person, VaultTestBase, make_vault

PHONE = "13812345678"
REASON = "legal_request:LR-2026-9"


def test_officer_commands(tmp_path: Path, db_url: str, database: Database, keyring: Keyring) -> None:
    VaultTestBase.metadata.create_all(database.engine)
    bind_vault(database, make_vault(keyring))
    alice, bob = new_subject_id(), new_subject_id()
    mine = Person(id=new_id("p"), subject_id=alice, name="=SUM(A1)", phone=PHONE)
    with database.transaction() as session:
        session.add_all([mine, Person(id=new_id("p"), subject_id=bob, name="李四", phone="13900001111")])
    env = {"RISKGUARD_DATABASE_URL": db_url, "RISKGUARD_KEYRING": str(keyring.path),
           "RISKGUARD_DATA_DIR": str(tmp_path), "RISKGUARD_MASTER_KEY": ""}
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(main, list(args), env=env, input=stdin)
        assert result.exit_code == code, (args, result.output)
        return result

    found = json.loads(run("privacy", "lookup", "phone", "--reason", REASON, stdin="138 1234 5678\n").stdout)
    assert [s["subject_id"] for s in found["subjects"]] == [alice]
    assert PHONE not in json.dumps(found)
    assert "give the value on stdin" in run("privacy", "lookup", "phone", "--reason", REASON, stdin="",
                                            code=2).output
    assert "invalid_reason" in run("privacy", "lookup", "phone", "--reason", "because", stdin=PHONE, code=1).output
    assert "reason_contains_personal_data" in run("privacy", "lookup", "phone", "--reason",
                                                  f"legal_request:{PHONE}", stdin=PHONE, code=1).output

    records = json.loads(run("privacy", "records", alice).stdout)
    assert [r["record_id"] for r in records["records"]] == [mine.id] and records["blind_indexes"] == 1
    revealed = json.loads(run("privacy", "reveal", "vault_test_person", mine.id, "--reason", REASON).stdout)
    assert revealed["revealed"] is True and revealed["fields"]["phone"] == PHONE

    rows = list(csv.reader(io.StringIO(run("privacy", "export", alice, "--reason", REASON, "--format", "csv").stdout)))
    assert ("name", "'=SUM(A1)") in {(r[3], r[5]) for r in rows} and ("phone", PHONE) in {(r[3], r[5]) for r in rows}
    assert json.loads(run("privacy", "export", alice, "--reason", REASON).stdout)["status"] == "active"

    declined = run("privacy", "erase", alice, "--reason", REASON, stdin="n\n", code=1)
    assert f"vault_test_person {mine.id}: name, phone" in declined.stderr and "1 record(s)" in declined.stderr
    erased = json.loads(run("privacy", "erase", alice, "--reason", REASON, stdin="y\n").stdout.splitlines()[-1])
    assert erased["status"] == "erased" and erased["records"] == 1
    assert "subject_already_erased" in run("privacy", "erase", alice, "--reason", REASON, "--yes", code=1).output
    assert "subject_not_found" in run("privacy", "records", "subj_nobody", code=1).output

    retention = json.loads(run("privacy", "retention").stdout)
    assert retention["checked_at"].endswith("+00:00")
    assert {"table": "merchant_applications", "column": "bank_account", "retention_days": 1825}.items() <= \
        next(f for f in retention["fields"] if f["column"] == "bank_account").items()

    with database.sessions() as session:
        entries = {e.action: e.entry for e in session.scalars(select(AuditEntry))}
        actions = list(session.scalars(select(AuditEntry.action)))
    assert actions.count("privacy:subject:looked_up") == 1 and actions.count("privacy:subject:exported") == 2
    assert actions.count("privacy:record:revealed") == 1 and actions.count("privacy:subject:erased") == 1
    assert PHONE.encode() not in entries["privacy:subject:looked_up"] and b'"cli"' in entries["privacy:subject:erased"]
