"""``riskguard rescreen`` on one machine: rows as the API screens them, the formats, the pool, and a run
recorded as one audit entry with its cases (both backends)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from riskguard._data import packaged_dir
from riskguard.audit import Action
from riskguard.audit.models import AuditEntry
from riskguard.cli import main
from riskguard.config import Settings
from riskguard.db import Database
from riskguard.rescreen import RescreenJob, RulebookBundle, run_job, screen_rows
from riskguard.rescreen.files import read_batches
from riskguard.review.models import ReviewCase
from riskguard.rulebook import load_rulebook
from riskguard.screening.service import screen_text
from tests.faults import refuse_audit_entries

AS_OF = date(2026, 12, 1)
ROWS = [
    {"id": "a1", "text": "全网最低价，最好的面霜", "category": "cosmetics"},
    {"id": "a2", "text": "纯棉T恤，舒适透气，七天无理由退换", "category": "apparel"},
    {"id": "a3", "text": "治疗失眠，无副作用", "category": "food", "kind": "ad", "labelled_as_ad": True},
    {"id": "a4", "text": "加微信13800138000领取优惠", "has_purchase_link": True},
    {"id": "a5", "text": "本店销量第一，正品保障", "kind": "livestream"},
]
INVALID = [  # (row, the field its INVALID_ROW finding names)
    ({"id": "b1", "text": None}, "text"),
    ({"text": "没有编号"}, "id"),
    ({"id": "b3", "text": "最好", "kind": "tweet"}, "kind"),
    ({"id": "b4", "text": "最好", "category": "Not A Category"}, "category"),
    ({"id": "b5", "text": "最好", "has_purchase_link": "maybe"}, "has_purchase_link"),
]


@pytest.fixture(scope="module")
def bundle() -> RulebookBundle:
    return RulebookBundle.from_dirs(packaged_dir("rules"), packaged_dir("policies"))


def api_decision(bundle: RulebookBundle, row: dict[str, Any]) -> tuple[str, list[str]]:
    """What screening itself decides for the row (the function other domains and ``riskguard screen`` use)."""
    decision = screen_text(bundle.rulebook(), kind=row.get("kind") or "listing", text=row["text"],
                           category=row.get("category") or "general",
                           has_purchase_link=bool(row.get("has_purchase_link")),
                           labelled_as_ad=bool(row.get("labelled_as_ad")), as_of=AS_OF)
    return decision.decision, decision.rule_ids


def test_the_bundle_carries_the_claim_model(bundle: RulebookBundle) -> None:
    """Executors get the model file with the YAML: the rulebook they build has the revision the API stamps
    and screens a text only the model flags the same way."""
    assert "rules/models/claims.json.gz" in dict(bundle.files)
    book = bundle.rulebook()
    assert book.revision == load_rulebook(packaged_dir("rules"), packaged_dir("policies")).revision
    assert set(book.models) == {"claims"}
    assert api_decision(bundle, {"text": "用过的姐妹脸上的斑一个月就淡了", "kind": "ad", "category": "cosmetics"}) \
        == ("review", ["model.claims"])


def test_rows_are_screened_as_the_api_screens_them(bundle: RulebookBundle) -> None:
    out = list(screen_rows([*ROWS, *(row for row, _ in INVALID)], bundle.rulebook(), as_of=AS_OF))
    assert [(o["decision"], o["rule_ids"]) for o in out[:len(ROWS)]] == [api_decision(bundle, r) for r in ROWS]
    assert {o["decision"] for o in out[:len(ROWS)]} >= {"allow", "block"}
    for o, (row, field) in zip(out[len(ROWS):], INVALID, strict=True):
        assert (o["id"], o["decision"], o["rule_ids"]) == (row.get("id"), "review", ["INVALID_ROW"])
        assert f"field {field} " in json.loads(o["findings"])[0]["message"]


def write_input(rows: list[dict[str, Any]], path: Path) -> Path:
    columns = ("id", "text", "kind", "category", "has_purchase_link", "labelled_as_ad")
    table = pa.table({c: [r.get(c) for r in rows] for c in columns})
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    elif path.suffix == ".csv":
        pacsv.write_csv(table, path)
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_each_format_reads_the_same_rows(tmp_path: Path, suffix: str) -> None:
    rows = [{**r, "id": f"00{i}"} for i, r in enumerate(ROWS)]  # ids stay text: "001" is not 1
    read = [r for batch in read_batches(write_input(rows, tmp_path / f"in{suffix}"), suffix[1:], 2) for r in batch]
    assert [r["id"] for r in read] == [r["id"] for r in rows]
    assert [r["text"] for r in read] == [r["text"] for r in rows]


def decisions(output: Path) -> dict[str, tuple[str, list[str]]]:
    table = pq.read_table(output / "decisions").to_pylist()
    return {r["id"]: (r["decision"], list(r["rule_ids"])) for r in table}


def test_pool_writes_what_one_process_writes(tmp_path: Path, bundle: RulebookBundle) -> None:
    rows = [{**r, "id": f"{r['id']}-{n}"} for n in range(8) for r in ROWS]
    source = write_input(rows, tmp_path / "in.parquet")
    runs = {engine: run_job(RescreenJob(input=source, format="parquet", output=tmp_path / engine, bundle=bundle,
                                        as_of=AS_OF, engine=engine, workers=2, batch_rows=7))
            for engine in ("local", "pool")}
    assert decisions(tmp_path / "pool") == decisions(tmp_path / "local")
    assert len(list((tmp_path / "pool" / "decisions").glob("part-*.parquet"))) == 6  # 40 rows, 7 a batch
    for manifest in runs.values():
        assert manifest["input"]["rows"] == manifest["output"]["rows"] == len(rows)
        assert manifest["revision"] == bundle.rulebook().revision
    assert runs["pool"]["output"]["decisions"] == runs["local"]["output"]["decisions"]
    assert runs["pool"]["input"]["digest"] == runs["local"]["input"]["digest"]


def base_without(rule_id: str, folder: Path) -> tuple[Path, Path]:
    """A copy of the shipped rules with one rule taken out: the rules before a change added it."""
    shutil.copytree(packaged_dir("rules"), folder / "rules")
    shutil.copytree(packaged_dir("policies"), folder / "policies")
    for path in (folder / "rules").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(data, dict) and any(r.get("id") == rule_id for r in data.get("rules", [])):
            data["rules"] = [r for r in data["rules"] if r.get("id") != rule_id]
            path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
            return folder / "rules", folder / "policies"
    raise AssertionError(rule_id)


@pytest.fixture
def cli_env(tmp_path: Path, db_url: str, database: Database, make_settings: Callable[[str], Settings],
            monkeypatch: pytest.MonkeyPatch) -> Database:
    settings = make_settings(db_url)
    for name, value in (("DATABASE_URL", db_url), ("KEYRING", str(settings.keyring_path)),
                        ("DATA_DIR", str(tmp_path)), ("LOG_LEVEL", "ERROR")):
        monkeypatch.setenv(f"RISKGUARD_{name}", value)
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    return database


def test_a_run_the_audit_refuses_has_no_manifest(tmp_path: Path, cli_env: Database) -> None:
    refuse_audit_entries(cli_env)
    source = write_input(ROWS, tmp_path / "in.csv")
    result = CliRunner().invoke(main, ["rescreen", "--input", str(source), "--output", str(tmp_path / "out"),
                                       "--engine", "local"])
    assert result.exit_code == 1 and "could not be recorded" in result.output
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_only_changed_run_is_one_audit_entry_and_opens_cases(tmp_path: Path, cli_env: Database) -> None:
    database = cli_env
    base_rules, base_policies = base_without("adlaw.9-3.lowest-price", tmp_path / "base")
    rows = [*ROWS, {"id": "c1", "text": "全网最低价", "category": "general"},
            {"id": "c2", "text": "联系电话13912345678，全网最低价"}]
    source = write_input(rows, tmp_path / "in.jsonl")
    args = ["rescreen", "--input", str(source), "--output", str(tmp_path / "out"), "--engine", "local",
            "--base-rules", str(base_rules), "--base-policies", str(base_policies), "--only-changed",
            "--open-cases", "--as-of", AS_OF.isoformat()]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])

    written = pq.read_table(tmp_path / "out" / "decisions").to_pylist()
    assert sorted(r["id"] for r in written) == ["a1", "c1", "c2"]  # the rows the taken-out rule fires on
    assert all("adlaw.9-3.lowest-price" in r["rule_ids"] and "adlaw.9-3.lowest-price" not in r["base_rule_ids"]
               for r in written)
    raw = (tmp_path / "out" / "manifest.json").read_bytes()
    manifest = json.loads(raw)
    assert manifest["input"]["rows"] == len(rows) and manifest["output"]["rows"] == 3
    assert manifest["base_revision"] != manifest["revision"] and manifest["as_of"] == "2026-12-01"
    assert summary["manifest_digest"] == "sha256:" + hashlib.sha256(raw).hexdigest()

    with database.sessions() as session:
        entries = [json.loads(e.entry) for e in session.execute(select(AuditEntry).order_by(AuditEntry.idx)).scalars()]
        cases = session.execute(select(ReviewCase)).scalars().all()
        runs = [e for e in entries if e["action"] == Action.CATALOGUE_RESCREENED]
        assert len(runs) == 1 and runs[0]["details"]["manifest_digest"] == summary["manifest_digest"]
        assert runs[0]["details"]["manifest"]["output"]["digest"] == manifest["output"]["digest"]
        flagged = {r["id"]: r for r in written if r["decision"] in ("review", "block")}
        assert summary["cases_opened"] == len(cases) == len(flagged) > 0
        assert {c.subject_id: c.decision_id for c in cases} == {i: r["decision_id"] for i, r in flagged.items()}
        assert all("13912345678" not in (c.content or "") for c in cases)  # masked as screening masks it
        assert sum(e["action"] == Action.REVIEW_CASE_OPENED for e in entries) == len(cases)

    again = CliRunner().invoke(main, args)  # a run never overwrites another's output
    assert again.exit_code != 0 and "not empty" in again.output
