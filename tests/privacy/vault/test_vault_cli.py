"""The CLI end to end on SQLite: keys status/rotate/rewrap/retire and privacy purge-expired, each
leaving its audit entries."""

from __future__ import annotations

import json
from datetime import timedelta

import yaml
from click.testing import CliRunner
from sqlalchemy import select

from riskguard import migrate
from riskguard.audit.models import AuditEntry
from riskguard.cli import main
from riskguard.config import PROJECT_ROOT
from riskguard.db import Database
from riskguard.ids import new_id, utcnow
from riskguard.privacy.vault import SESSION_KEY, bind_vault, new_subject_id

from .conftest import Person, VaultTestBase, make_vault


def test_key_lifecycle_and_purge(tmp_path, sqlite_url, keyring) -> None:  # type: ignore[no-untyped-def]
    db = Database(sqlite_url)
    migrate.upgrade(db)
    VaultTestBase.metadata.create_all(db.engine)
    people = [Person(id=new_id("p"), subject_id=new_subject_id(), name="周七", phone=f"1380000000{i}",
                     created_at=utcnow() - timedelta(days=60 if i else 1)) for i in range(3)]
    bind_vault(db, make_vault(keyring))
    with db.transaction() as session:
        session.add_all(people)
    policies = tmp_path / "policies"
    policies.mkdir()
    policy = yaml.safe_load((PROJECT_ROOT / "policies" / "privacy.yaml").read_text("utf-8"))
    policy["fields"].append({"table": "vault_test_people", "column": "name", "class": "personal",
                             "encrypted": True, "retention_days": 30})
    (policies / "privacy.yaml").write_text(yaml.safe_dump(policy, allow_unicode=True), "utf-8")
    env = {"RISKGUARD_POLICIES_DIR": str(policies), "RISKGUARD_DATABASE_URL": sqlite_url, "RISKGUARD_KEYRING": str(keyring.path),
           "RISKGUARD_DATA_DIR": str(tmp_path), "RISKGUARD_MASTER_KEY": ""}
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.stdout.strip().splitlines()[-1]

    assert json.loads(run("keys", "status"))["data_keys_by_version"] == {"1": 3}
    assert run("keys", "rotate") == "2"
    refused = runner.invoke(main, ["keys", "retire", "--min-version", "2"], env=env)
    assert refused.exit_code == 1 and "rewrap" in refused.output
    assert json.loads(run("keys", "rewrap", "--quiet", "--batch-size", "2"))["rewrapped"] == 3
    assert json.loads(run("keys", "retire", "--min-version", "2", "--destroy"))["destroyed_versions"] == [1]
    assert json.loads(run("keys", "status"))["data_keys_by_version"] == {"2": 3}
    dry = json.loads(run("privacy", "purge-expired", "--dry-run"))
    shown = runner.invoke(main, ["privacy", "purge-expired", "--dry-run", "--progress"], env=env)
    assert json.loads(shown.stdout.splitlines()[-1]) == dry and "purge-expired" in shown.stderr
    assert {"record_type": "vault_test_person", "records": 2, "fields": 2} in dry["purged"]
    done = json.loads(run("privacy", "purge-expired"))
    assert {"record_type": "vault_test_person", "records": 2, "fields": 2} in done["purged"]
    with db.sessions() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    for action, count in [("vault:kek:rotated", 1), ("vault:kek:rewrapped", 2), ("vault:kek:retired", 1),
                          ("privacy:retention:purged", 2)]:
        assert actions.count(action) == count, action
    with db.sessions(info={SESSION_KEY: make_vault(keyring.load(keyring.path))}) as session:
        names = sorted(str(p.name) for p in session.scalars(select(Person)))
    assert names == ["None", "None", "周七"]
    db.dispose()
