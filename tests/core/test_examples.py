"""The inputs in examples/ run through the commands the README shows, with the outcomes it promises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from riskguard.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RISKGUARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RISKGUARD_KEYRING", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("RISKGUARD_DATABASE_URL", f"sqlite:///{tmp_path / 'riskguard.db'}")
    monkeypatch.setenv("RISKGUARD_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    return tmp_path


def run(*args: str, stdin: str | None = None) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_screen_example(data_dir: Path) -> None:
    out = run("screen", "--kind", "ad", "--no-progress", stdin=(EXAMPLES / "screen-ads.jsonl").read_text("utf-8"))
    assert {o["id"]: o["decision"] for o in out} == {
        "AD-1001": "block", "AD-1002": "allow", "AD-1003": "block", "AD-1004": "allow"}


def test_pii_examples(data_dir: Path) -> None:
    found = {o["id"]: [e["type"] for e in o["entities"]]
             for o in run("pii", "detect", stdin=(EXAMPLES / "pii-messages.jsonl").read_text("utf-8"))}
    assert found["msg-1"] == ["PERSON", "CN_MOBILE", "LOCATION"]
    assert "EMAIL_ADDRESS" in found["msg-3"] and "WECHAT_ID" in found["msg-3"]
    redacted = {o["id"]: o["text"] for o in run("pii", "redact", "--operator", "mask",
                                                "-i", str(EXAMPLES / "pii-messages.jsonl"))}
    assert "13812345678" not in redacted["msg-1"] and "科技园路" not in redacted["msg-1"]
    assert "20261205001" in redacted["msg-2"]  # an order number is not personal data


def test_merchant_review_example(data_dir: Path) -> None:
    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    out = run("merchants", "review", "--no-duplicates", "--as-of", "2026-12-05",
              str(EXAMPLES / "merchant-applications.jsonl"))
    assert {o["id"]: o["decision"] for o in out} == {"APP-0001": "allow", "APP-0002": "block", "APP-0003": "review"}
    assert [f["check"] for f in out[1]["findings"]] == ["uscc_invalid"]


def test_payout_example(data_dir: Path) -> None:
    out = run("payouts", "check", "--input", str(EXAMPLES / "payout-batch.csv"),
              "--history", str(EXAMPLES / "payout-history.csv"), "--as-of", "2026-11-20")
    *rows, summary = out
    assert len(rows) == 42 and summary["summary"]["decisions"] == {"allow": 39, "review": 0, "block": 3}
    held = {o["payout_id"]: {f["check"] for f in o["findings"]} for o in rows if o["decision"] != "allow"}
    assert set(held) == {"B0000015", "B_STRUCT0", "B_STRUCT1"}
    assert all("rule.structuring" in checks for checks in held.values())
