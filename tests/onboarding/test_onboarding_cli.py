"""``riskguard merchants review`` (dry run, JSON lines) and ``riskguard merchants digest``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from riskguard.audit.models import AuditEntry
from riskguard.auth import Role
from riskguard.cli import main
from riskguard.ids import keyed_digest
from riskguard.keyring import Keyring

from .builders import application, resident_id


@pytest.fixture
def cli_env(sqlite_app, tmp_path: Path, monkeypatch) -> Any:  # type: ignore[no-untyped-def]
    """The CLI pointed at the same database and keyring as ``sqlite_app``."""
    monkeypatch.setenv("RISKGUARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RISKGUARD_DATABASE_URL", sqlite_app.extensions["riskguard"].db.url)
    monkeypatch.setenv("RISKGUARD_KEYRING", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("RISKGUARD_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    return sqlite_app


def run(args: list[str], lines: list[Any]) -> tuple[int, list[dict[str, Any]]]:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    result = CliRunner().invoke(main, args, input=text)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def counts(app: Any) -> tuple[int, int]:
    from riskguard.onboarding.models import MerchantApplication

    with app.app_context(), app.extensions["riskguard"].db.sessions() as session:
        return (session.scalar(select(func.count()).select_from(MerchantApplication)) or 0,
                session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.mark.parametrize(("as_of", "decision", "checks"), [
    ("2026-11-26", "allow", []),
    ("2026-12-20", "review", ["licence_expiring"]),
    ("2027-01-11", "block", ["licence_expired"]),
])
def test_as_of_sets_the_evaluation_date(cli_env, as_of: str, decision: str, checks: list[str]) -> None:
    body = application(business_license_valid_until="2027-01-10")
    code, out = run(["merchants", "review", "--as-of", as_of], [body])
    assert code == 0
    assert out == [{"id": body["id"], "decision": decision, "findings": out[0]["findings"]}]
    assert [f["check"] for f in out[0]["findings"]] == checks


def test_dry_run_stores_nothing_and_reports_each_line(cli_env) -> None:
    client = cli_env.test_client()
    with cli_env.extensions["riskguard"].db.transaction() as session:
        from riskguard.auth import create_key

        _, tok = create_key(session, role=Role.ONBOARDING, name="t")
    stored = application()
    assert client.post("/v1/merchants/applications", json=stored,
                       headers={"Authorization": f"Bearer {tok}"}).status_code == 201
    before = counts(cli_env)
    clean, dup = application(), application(contact_phone=stored["contact_phone"])
    code, out = run(["merchants", "review", "--as-of", "2026-11-26"],
                    [clean, "{broken", dup, {**application(), "categories": ["weapons"]}, "[1]"])
    assert code == 1
    assert [o.get("decision") for o in out] == ["allow", None, "review", None, None]
    assert out[1] == {"line": 2, "id": None, "error": {"code": "malformed_json",
                                                       "message": "malformed JSON at column 2"}}
    assert out[2]["findings"][0]["other_application"] == stored["id"]
    assert out[3]["error"]["field"] == "categories.0" and out[3]["line"] == 4
    assert counts(cli_env) == before  # no application, no audit entry
    code, out = run(["merchants", "review", "--as-of", "2026-11-26", "--no-duplicates"], [dup])
    assert code == 0 and out[0]["decision"] == "allow"


@pytest.mark.parametrize("args", [["--as-of", "26/11/2026"], ["--as-of", "2026-02-30"]])
def test_bad_as_of(cli_env, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["merchants", "review", *args], input="")
    assert result.exit_code == 2 and "--as-of" in result.output


def test_digest_matches_the_block_list_check(cli_env, tmp_path: Path) -> None:
    number = resident_id(date(1970, 3, 3), seq=9)
    result = CliRunner().invoke(main, ["merchants", "digest"], input=number.lower() + "\n")
    assert result.exit_code == 0
    key = Keyring.load(tmp_path / "keyring.json").secret("digest")
    assert result.stdout.strip() == keyed_digest(key, number.upper())
    assert number not in result.stdout


def test_uninitialised_database_needs_no_duplicates(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    Keyring.generate(tmp_path / "keyring.json").save()
    monkeypatch.setenv("RISKGUARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RISKGUARD_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("RISKGUARD_KEYRING", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("RISKGUARD_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    body = json.dumps(application()) + "\n"
    refused = CliRunner().invoke(main, ["merchants", "review"], input=body)
    assert refused.exit_code == 2 and "--no-duplicates" in refused.output
    code, out = run(["merchants", "review", "--no-duplicates"], [json.loads(body)])
    assert code == 0 and out[0]["decision"] == "allow"


def test_duplicates_within_the_input(cli_env) -> None:
    first = application()
    second = application(**{"bank_account.number": first["bank_account"]["number"]})
    code, out = run(["merchants", "review", "--as-of", "2026-11-26", "--no-duplicates"], [first, second])
    assert code == 0 and out[0]["decision"] == "allow"
    assert [(f["check"], f["field"], f["other_application"]) for f in out[1]["findings"]] == \
        [("duplicate", "bank_account.number", first["id"])]
