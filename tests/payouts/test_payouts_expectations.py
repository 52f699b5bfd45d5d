"""great-expectations: imported lazily once per process, in memory only, suite kept in the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from payout_gen import clean

from riskguard.config import PROJECT_ROOT
from riskguard.payouts.batch import frame_from_rows, prepare
from riskguard.payouts.checks import expectations
from riskguard.payouts.findings import Findings
from riskguard.payouts.policy import load_policy

POLICY = load_policy(PROJECT_ROOT / "policies")


def test_importing_the_payouts_package_does_not_import_gx() -> None:
    code = ("import sys, riskguard.payouts, riskguard.payouts.checks, riskguard.payouts.service, "
            "riskguard.payouts.cli; print('great_expectations' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    assert out.stdout.strip() == "False"


def test_runner_is_built_once_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    frame = prepare(frame_from_rows(clean(2, payees=20).frame(), max_rows=100))
    first = expectations.run_suite(frame, POLICY, Findings(len(frame)))
    runner = expectations.suite_runner()
    second = expectations.run_suite(frame, POLICY, Findings(len(frame)))
    assert expectations.suite_runner() is runner
    assert expectations.import_seconds() is not None
    assert first["success"] and second["success"]
    assert os.listdir(tmp_path) == []  # no gx/ directory, no data docs, no stores on disk


def test_suite_in_repository_matches_the_report() -> None:
    spec = json.loads(expectations.SUITE_PATH.read_text("utf-8"))
    frame = prepare(frame_from_rows(clean(2, payees=20).frame(), max_rows=100))
    report = expectations.run_suite(frame, POLICY, Findings(len(frame)))
    assert [e["check"] for e in report["expectations"]] == [e["meta"]["check"] for e in spec["expectations"]]
    assert report["statistics"]["evaluated_expectations"] == len(spec["expectations"])
    checks = [e["meta"]["check"] for e in spec["expectations"]]
    assert len(checks) == len(set(checks))


@pytest.mark.parametrize(("column", "value", "check", "flagged"), [
    ("amount_fen", "100", "dq.amount_fen.positive_integer", False),
    ("amount_fen", "0100", "dq.amount_fen.positive_integer", False),
    ("amount_fen", "1e3", "dq.amount_fen.positive_integer", True),
    ("amount_fen", "100.0", "dq.amount_fen.positive_integer", True),
    ("amount_fen", " -1", "dq.amount_fen.positive_integer", True),
    ("contract_rate", "0.15", "dq.contract_rate.decimal_rate", False),
    ("contract_rate", "1.5", "dq.contract_rate.decimal_rate", True),
    ("contract_rate", "15%", "dq.contract_rate.decimal_rate", True),
    ("created_at", "2026-11-19T09:00:00Z", "dq.created_at.iso8601", False),
    ("created_at", "19/11/2026", "dq.created_at.iso8601", True),
    ("bank_account_changed_at", None, "dq.bank_account_changed_at.iso8601", False),
    ("bank_account_changed_at", "2026-13-01", "dq.bank_account_changed_at.iso8601", True),
    ("bank_account_changed_at", "2026-11-30", "dq.bank_account_changed_at.not_after_created", True),
    ("currency", "CNY", "dq.currency.allowed", False),
    ("currency", "cny", "dq.currency.allowed", True),
    ("created_by", None, "dq.created_by.required", True),
    ("payee_id", "=HYPERLINK(\"http://x\")", "dq.payee_id.formula_like", True),
    ("payee_id", "M-001", "dq.payee_id.formula_like", False),
    ("payout_id", "-P1", "dq.payout_id.formula_like", True),
    ("payout_id", "\tP1", "dq.payout_id.formula_like", True),
    ("bank_account_token", "\r=1", "dq.bank_account_token.formula_like", True),
    ("upline_payee_id", "+86", "dq.upline_payee_id.formula_like", True),
    ("upline_payee_id", None, "dq.upline_payee_id.formula_like", False),
    ("created_by", "@alice", "dq.created_by.formula_like", True),
    ("created_by", "alice@finance", "dq.created_by.formula_like", False),
    ("bank_account_changed_by", "=1", "dq.bank_account_changed_by.formula_like", True),
])
def test_expectations_must_and_must_not_flag(column: str, value: str | None, check: str, flagged: bool) -> None:
    rows = clean(4, payees=10).rows
    rows = [r for r in rows if r["payee_type"] == "kol"][:1] + rows
    rows[0][column] = value
    frame = prepare(frame_from_rows(__import__("pandas").DataFrame(rows), max_rows=100))
    findings = Findings(len(frame))
    expectations.run_suite(frame, POLICY, findings)
    row0 = [f["check"] for f in findings.per_row()[0]]
    assert (check in row0) is flagged, row0
