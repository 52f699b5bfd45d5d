"""A rule change from end to end on PostgreSQL, as docs/revisions.md walks it: edit → ``rules test`` →
``rules diff`` on a catalogue sample → shadow on live traffic → the report → promote → ``rescreen
--only-changed --open-cases`` of a catalogue table, the base being the revision active before the
promote. Every step leaves its entry in one audit log, which verifies at the end.

One app and one migrated schema; the commands run against the same database, keyring and data folder
as the app, the way an operator's shell and the API hosts share them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from flask import Flask
from rescreen.tables import source_url, write_table
from sqlalchemy import text

from riskguard.auth import create_key
from riskguard.cli import main

from .builders import ITEMS, expect_counts, tree

pytestmark = pytest.mark.postgres


def _cli(args: list[str], **env: Path) -> dict[str, Any] | str:
    result = CliRunner().invoke(main, args, env={f"RISKGUARD_{k}": str(v) for k, v in env.items()})
    assert result.exit_code == 0, (args, result.output)
    lines = result.stdout.strip()
    return json.loads(lines) if lines.startswith("{") else lines


def _headers(app: Flask, role: str) -> dict[str, str]:
    with app.extensions["riskguard"].db.transaction() as session:
        _, token = create_key(session, role=role, name=f"flow-{role}")
    return {"Authorization": f"Bearer {token}"}


def _trail(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["riskguard"].db.engine.connect() as conn:
        return [json.loads(bytes(raw)) for raw in conn.execute(text("SELECT entry FROM audit_entries ORDER BY seq"))
                .scalars()]


def test_a_rule_change_from_edit_to_rescreen_is_in_the_audit_trail(
        tmp_path: Path, pg_url: str, make_settings: Any, app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = make_settings(pg_url).policies_dir
    today = tree(tmp_path / "today", other_policies=shipped)
    app = app_factory(pg_url, rules_dir=today / "rules", policies_dir=today / "policies", rules_refresh_seconds=0)
    rg = app.extensions["riskguard"]
    for name, value in {"DATABASE_URL": pg_url, "KEYRING": tmp_path / "keyring.json", "DATA_DIR": tmp_path,
                        "RULES_DIR": today / "rules", "POLICIES_DIR": today / "policies",
                        "LOG_LEVEL": "ERROR"}.items():
        monkeypatch.setenv(f"RISKGUARD_{name}", str(value))
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    base = _cli(["rules", "promote", "files", "--label", "today"])["revision"]  # what is live before the change
    catalogue = write_table(pg_url, "catalogue", [{**i, "kind": "ad"} for i in ITEMS],
                            {"id": "text", "text": "text", "kind": "text", "category": "text"})
    rescreen = ["rescreen", "--input", source_url(pg_url), "--table", catalogue, "--engine", "local",
                "--only-changed", "--as-of", "2026-12-01"]
    early = CliRunner().invoke(main, [*rescreen, "--output", str(tmp_path / "early")])
    assert early.exit_code == 1 and "no revision was active before" in early.output  # nothing to compare with

    # 1. the edit: a checkout whose superlative rule knows 无敌 and whose ad policy sends high to review
    checkout = tree(tmp_path / "checkout", candidate=True, other_policies=shipped)
    # 2. its rules' own examples, recorded
    tested = _cli(["rules", "test", "--record", "--no-progress"], RULES_DIR=checkout / "rules",
                  POLICIES_DIR=checkout / "policies")
    assert isinstance(tested, str) and "examples pass" in tested
    # 3. the diff on a catalogue sample
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS), "utf-8")
    diff = _cli(["rules", "diff", "--base", "active", "--candidate", str(checkout), "--input", str(sample),
                 "--no-mask"])
    expect_counts(diff)
    candidate = diff["candidate"]
    # 4. shadow on live traffic: answers stay the active revision's; the candidate decides each item after
    _cli(["rules", "shadow", str(checkout), "--sample", "1"])
    rg.active_rules.book  # noqa: B018 - the next request notices the shadow and loads it in the background
    rg.active_rules.wait_loaded(60)
    answered = app.test_client().post("/v1/screen/ad/batch", json={"items": ITEMS}, headers=_headers(app, "screener"))
    assert answered.status_code == 200 and answered.get_json()["policy_revision"] == base
    assert rg.shadow.flush(60)
    # 5. the report an auditor reads before promoting
    report = app.test_client().get("/v1/rules/shadow/report", headers=_headers(app, "auditor")).get_json()
    assert report["candidate"] == candidate and report["records"] == len(ITEMS)
    expect_counts(report)
    _cli(["rules", "shadow", "--off"])
    # 6. promote
    promoted = _cli(["rules", "promote", str(checkout), "--label", "无敌; high → review", "--expect-generation", "1"])
    assert (promoted["revision"], promoted["previous_revision"]) == (candidate, base)
    # 7. what is published: the catalogue table, against the revision active before the promote
    summary = _cli([*rescreen, "--output", str(tmp_path / "run"), "--open-cases"])
    written = {r["id"]: (r["base_decision"], r["decision"]) for r in pq.read_table(tmp_path / "run" / "decisions")
               .to_pylist()}
    assert written == {"a1": ("block", "review"), "a2": ("allow", "review")}  # the changes the diff foresaw
    assert summary["cases_opened"] == 2
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text("utf-8"))
    assert (manifest["revision"], manifest["base_revision"]) == (candidate, base)
    assert manifest["rules_from"] == {"revision": {"from": "active", "generation": 2},
                                      "base": {"from": "previous", "generation": 1}}
    assert manifest["input"]["rows"] == len(ITEMS) and manifest["output"]["changes"] == diff["changes"]

    trail = _trail(app)
    steps = [(e["action"], e["subject"]["id"], e.get("decision")) for e in trail
             if e["action"].startswith(("rulebook:revision:", "screening:catalogue:"))
             or e["subject"]["id"] == "rules-shadow-report"]
    assert steps == [
        ("rulebook:revision:promoted", f"sha256:{base}", "promote"),
        ("rulebook:revision:tested", f"sha256:{candidate}", "pass"),
        ("rulebook:revision:diffed", f"sha256:{candidate}", "diff"),
        ("rulebook:revision:shadowed", f"sha256:{candidate}", "shadow"),
        ("audit:report:run", "rules-shadow-report", None),
        ("rulebook:revision:shadowed", "none", "off"),
        ("rulebook:revision:promoted", f"sha256:{candidate}", "promote"),
        ("screening:catalogue:rescreened", manifest["run_id"], None),
    ]
    by_action = {e["action"]: e for e in trail}
    assert by_action["rulebook:revision:diffed"]["details"]["changes"] == diff["changes"]
    assert by_action["audit:report:run"]["details"]["records"] == len(ITEMS)
    assert by_action["screening:catalogue:rescreened"]["details"]["manifest"] == manifest
    decided = [e for e in trail if e["action"] == "screening:content:decided"]
    assert len(decided) == len(ITEMS) and {e["policy_revision"] for e in decided} == {base}
    with rg.db.engine.connect() as conn:
        cases = dict(conn.execute(text("SELECT id, subject_id FROM review_cases WHERE submitted_by = :by"),
                                  {"by": "cli:rescreen"}).all())
    assert sorted(cases.values()) == ["a1", "a2"]  # (live traffic opened its own for a4's review)
    opened = [e for e in trail if e["action"] == "review:case:opened" and e["subject"]["id"] in cases]
    assert len(opened) == len(cases)
    assert all(e["policy_revision"] == candidate for e in opened)
    assert rg.audit.verify().ok

    named = _cli([*rescreen, "--output", str(tmp_path / "named"), "--base", base[:12], "--revision", candidate[:12]])
    again = json.loads((tmp_path / "named" / "manifest.json").read_text("utf-8"))
    assert (again["revision"], again["base_revision"], named["written"]) == (candidate, base, 2)
    assert again["rules_from"] == {"revision": {"from": "stored"}, "base": {"from": "stored"}}
