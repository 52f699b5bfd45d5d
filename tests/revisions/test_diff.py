"""``riskguard rules diff`` and its library: decision changes per rule and per category, examples; and
``rules promote|rollback|revisions`` from the command line, the log verifying afterwards."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rulebook.packs import POLICIES, packs, write_rulebook

from riskguard.cli import main
from riskguard.revisions.diff import NO_RULE, Comparison, DiffReport, diff_items
from riskguard.rulebook import load_rulebook

ITEMS = [
    {"id": "a1", "text": "全网最低价，最好的面霜", "category": "cosmetics"},  # block -> review (high: review)
    {"id": "a2", "text": "无敌好用的面霜", "category": "cosmetics"},          # allow -> review (new term)
    {"id": "a3", "text": "口碑很好的面霜", "category": "cosmetics"},          # allow, both
    {"id": "a4", "text": "三天见效"},                                        # review, both (rule's own action)
]
SUPERLATIVE = "adlaw.9-3.superlative"


def _candidate(root: Path) -> tuple[Path, Path]:
    rules = packs()
    rules["cn/adlaw.yaml"]["rules"][0]["match"]["terms"].append("无敌")
    ad = POLICIES["ad-prepublish.yaml"]
    return write_rulebook(root, rules, {**POLICIES, "ad-prepublish.yaml": {**ad, "actions": {**ad["actions"],
                                                                                             "high": "review"}}})


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("diff")
    write_rulebook(tmp / "base")
    _candidate(tmp / "candidate")
    return tmp / "base", tmp / "candidate"


def _expect_counts(report: dict[str, Any]) -> None:
    assert (report["items"], report["agree"], report["changed"]) == (4, 2, 2)
    assert report["changes"] == {"allow->review": 1, "block->review": 1}
    assert (report["newly_blocked"], report["newly_allowed"]) == (0, 0)
    rule = report["rules"][SUPERLATIVE]
    assert (rule["base"], rule["candidate"], rule["changed"], rule["stricter"], rule["looser"]) == (1, 2, 2, 1, 1)
    assert report["rules"]["adlaw.28.unsourced"]["changed"] == 0
    assert report["categories"]["cosmetics"] == {"items": 3, "changed": 2, "newly_blocked": 0, "newly_allowed": 0,
                                                 "stricter": 1, "looser": 1}
    assert report["categories"]["general"]["changed"] == 0


def test_diff_items_counts_changes_per_rule_and_category(books: tuple[Path, Path]) -> None:
    base, candidate = (load_rulebook(p / "rules", p / "policies") for p in books)
    report = diff_items(base, candidate, [dict(i) for i in ITEMS], kind="ad", mask=lambda t: "*" * len(t)).as_dict()
    _expect_counts(report)
    [example] = report["examples"]["block->review"]
    assert example["id"] == "a1" and example["text"] == "*" * len(ITEMS[0]["text"])  # masked, never raw
    assert example["base_rules"] == example["candidate_rules"] == [SUPERLATIVE]


@pytest.mark.parametrize(("c", "newly_blocked", "newly_allowed", "blamed"), [
    (Comparison("x", "food", "allow", "block", (), ("r1",)), 1, 0, {"r1"}),
    (Comparison("x", "food", "block", "allow", ("r1", "r2"), ("r2",)), 0, 1, {"r1"}),
    (Comparison("x", "food", "review", "block", ("r1",), ("r1",)), 1, 0, {"r1"}),   # a policy change
    (Comparison("x", "food", "allow", "review", (), ()), 0, 0, {NO_RULE}),          # a threshold change
])
def test_a_changed_decision_is_put_down_to_the_rules_that_moved(c: Comparison, newly_blocked: int,
                                                               newly_allowed: int, blamed: set[str]) -> None:
    report = DiffReport().extend([c]).as_dict()
    assert (report["newly_blocked"], report["newly_allowed"]) == (newly_blocked, newly_allowed)
    assert {r for r, counts in report["rules"].items() if counts["changed"]} == blamed


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, books: tuple[Path, Path]) -> CliRunner:
    """``riskguard`` over a fresh SQLite database whose rule files are the base test packs."""
    from riskguard.config import Settings

    policies = tmp_path / "policies"
    policies.mkdir()
    for path in [*Settings.from_env().policies_dir.glob("*.yaml"), *(books[0] / "policies").glob("*.yaml")]:
        if path.parent == books[0] / "policies" or "type: screening" not in path.read_text("utf-8"):
            (policies / path.name).write_bytes(path.read_bytes())
    for name, value in {"DATA_DIR": tmp_path / "data", "KEYRING": tmp_path / "data" / "keyring.json",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'rg.db'}", "RULES_DIR": books[0] / "rules",
                        "POLICIES_DIR": policies, "LOG_LEVEL": "ERROR"}.items():
        monkeypatch.setenv(f"RISKGUARD_{name}", str(value))
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    return runner


def test_rules_diff_reads_jsonl_and_csv(cli: CliRunner, books: tuple[Path, Path], tmp_path: Path) -> None:
    jsonl = tmp_path / "items.jsonl"
    jsonl.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS) + '{"id": "bad"}\n', "utf-8")
    table = tmp_path / "items.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["id", "text", "category", "kind"])
        writer.writeheader()
        writer.writerows([{**i, "kind": "ad"} for i in ITEMS])
    for source in (jsonl, table):
        res = cli.invoke(main, ["rules", "diff", "--base", "files", "--candidate", str(books[1]),
                                "--input", str(source), "--no-mask"])
        assert res.exit_code == 0, res.output
        report = json.loads(res.stdout)
        _expect_counts(report)
        assert report["bad_rows"] == ({"validation_error": 1} if source == jsonl else {})
        assert "text" not in report["examples"]["block->review"][0]  # --no-mask: no text at all


def test_parquet_without_pyarrow_says_so(cli: CliRunner, books: tuple[Path, Path], tmp_path: Path) -> None:
    try:
        import pyarrow  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        (tmp_path / "items.parquet").write_bytes(b"PAR1")
        res = cli.invoke(main, ["rules", "diff", "--base", "files", "--candidate", str(books[1]),
                                "--input", str(tmp_path / "items.parquet"), "--no-mask"])
        assert res.exit_code == 1 and "pyarrow" in res.output
    else:
        pytest.skip("pyarrow is installed")


def test_promote_and_rollback_from_the_command_line(cli: CliRunner, books: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS), "utf-8")
    promoted = cli.invoke(main, ["rules", "promote", str(books[0] / "rules"), "--label", "baseline"])
    assert promoted.exit_code == 0, promoted.output
    base = json.loads(promoted.stdout)["revision"]
    candidate = cli.invoke(main, ["rules", "promote", str(books[1]), "--label", "无敌 + high→review",
                                  "--expect-generation", "1"])
    assert candidate.exit_code == 0, candidate.output
    stale = cli.invoke(main, ["rules", "promote", base[:12], "--expect-generation", "1"])
    assert stale.exit_code == 1 and "rules_generation_conflict" in stale.output
    diffed = cli.invoke(main, ["rules", "diff", "--base", base[:12], "--candidate", "active", "--input",
                               str(items), "--no-mask"])
    assert diffed.exit_code == 0, diffed.output
    _expect_counts(json.loads(diffed.stdout))
    assert cli.invoke(main, ["rules", "rollback"]).exit_code == 0
    listed = json.loads(cli.invoke(main, ["rules", "revisions"]).stdout)
    assert listed["active"] == base and listed["generation"] == 3
    assert [h["action"] for h in listed["history"]] == ["rollback", "promote", "promote"]
    assert listed["history"][1]["label"] == "无敌 + high→review"
    assert cli.invoke(main, ["audit", "checkpoint"]).exit_code == 0
    verified = cli.invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
