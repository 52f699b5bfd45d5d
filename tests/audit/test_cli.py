"""``riskguard audit report|export`` from the command line (both backends)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from riskguard.audit import AuditEvent
from riskguard.cli import main


@pytest.fixture
def cli_env(audit_log, keyring, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RISKGUARD_DATABASE_URL", audit_log.db.url)
    monkeypatch.setenv("RISKGUARD_KEYRING", str(keyring.path))
    monkeypatch.setenv("RISKGUARD_AUDIT_ORIGIN", audit_log.keys.origin)
    monkeypatch.setenv("RISKGUARD_LOG_LEVEL", "ERROR")
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    return audit_log


def _approve(log, batch: str, preparer: str, approver: str) -> None:  # type: ignore[no-untyped-def]
    with log.transaction() as tx:
        tx.record(AuditEvent(action="payouts:batch:approved", actor=approver, subject_type="payout_batch",
                             subject_id=batch, details={"preparer": preparer, "approver": approver}))


@pytest.mark.parametrize("approvals,exit_code,rows", [
    ([("b1", "key:f1", "key:fa1"), ("b2", "key:f2", "key:fa1")], 0, []),
    ([("b1", "key:f1", "key:fa1"), ("b2", "key:f2", "key:f2")], 3, ["b2"]),
])
def test_segregation_of_duties_control(cli_env, approvals, exit_code: int, rows: list[str]) -> None:
    for batch, preparer, approver in approvals:
        _approve(cli_env, batch, preparer, approver)
    result = CliRunner().invoke(main, ["audit", "report", "payouts-approved-by-preparer", "--format", "jsonl"])
    assert result.exit_code == exit_code
    found = [json.loads(line)["subject_id"] for line in result.stdout.splitlines() if line.startswith("{")]
    assert found == rows


@pytest.mark.parametrize("args,error", [
    (["audit", "report", "no-such-report"], "no report"),
    (["audit", "report", "overrides", "--from", "2026-02-01", "--to", "2026-01-01"], "--from must be before"),
    (["audit", "report", "overrides", "--from", "last week"], "not an ISO-8601 time"),
])
def test_report_bad_arguments(cli_env, args: list[str], error: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and error in result.output


def test_cli_reports_and_exports_are_audited(cli_env) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["audit", "report", "overrides"]).exit_code == 0
    assert runner.invoke(main, ["audit", "export", "--format", "csv"]).exit_code == 0
    out = runner.invoke(main, ["audit", "export", "--action", "audit:*"]).stdout
    access = [json.loads(line) for line in out.splitlines()]
    assert [(a["action"], a["actor"], a["subject_id"]) for a in access] == [
        ("audit:report:run", "cli", "overrides"), ("audit:entries:exported", "cli", "export"),
        ("audit:entries:exported", "cli", "export")]  # an export holds its own access entry


def test_verify_shows_progress_on_stderr_only_when_asked(cli_env, cli_environment) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        _approve(cli_env, f"b{n}", "key:f1", "key:fa1")
    runner = CliRunner()
    assert runner.invoke(main, ["audit", "checkpoint"]).exit_code == 0  # verify needs one on a non-empty log
    shown = runner.invoke(main, ["audit", "verify", "--progress"])
    assert shown.exit_code == 0 and shown.stdout.startswith("OK: 3 entries")
    assert "verify" in shown.stderr
    quiet = runner.invoke(main, ["audit", "verify"])  # stderr is no terminal here
    assert quiet.exit_code == 0 and quiet.stderr == ""
