"""``riskguard rules diff`` and its library: decision changes per rule and per category, examples; and
``rules promote|rollback|revisions`` from the command line, the log verifying afterwards."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from riskguard.cli import main
from riskguard.revisions.diff import NO_RULE, Comparison, DiffReport, diff_items
from riskguard.rulebook import load_rulebook

from .builders import ITEMS, SUPERLATIVE, expect_counts, tree


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("diff")
    return tree(tmp / "base"), tree(tmp / "candidate", candidate=True)


def test_diff_items_counts_changes_per_rule_and_category(books: tuple[Path, Path]) -> None:
    base, candidate = (load_rulebook(p / "rules", p / "policies") for p in books)
    report = diff_items(base, candidate, [dict(i) for i in ITEMS], kind="ad", mask=lambda t: "*" * len(t)).as_dict()
    expect_counts(report)
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

    deployed = tree(tmp_path / "deployed", other_policies=Settings.from_env().policies_dir)
    for name, value in {"DATA_DIR": tmp_path / "data", "KEYRING": tmp_path / "data" / "keyring.json",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'rg.db'}", "RULES_DIR": deployed / "rules",
                        "POLICIES_DIR": deployed / "policies", "LOG_LEVEL": "ERROR"}.items():
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
        expect_counts(report)
        assert report["bad_rows"] == ({"validation_error": 1} if source == jsonl else {})
        assert "text" not in report["examples"]["block->review"][0]  # --no-mask: no text at all


def test_rules_diff_reads_parquet_when_pyarrow_is_there(cli: CliRunner, books: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    """pyarrow is not a dependency: without it the command says so, with it Parquet reads like the rest."""
    path = tmp_path / "items.parquet"
    args = ["rules", "diff", "--base", "files", "--candidate", str(books[1]), "--input", str(path), "--no-mask"]
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        path.write_bytes(b"PAR1")
        res = cli.invoke(main, args)
        assert res.exit_code == 1 and "pyarrow" in res.output
        return
    pq.write_table(pa.Table.from_pylist([{**i, "category": i.get("category"), "kind": "ad"} for i in ITEMS]), path)
    res = cli.invoke(main, args)
    assert res.exit_code == 0, res.output
    expect_counts(json.loads(res.stdout))


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
    expect_counts(json.loads(diffed.stdout))
    assert cli.invoke(main, ["rules", "rollback"]).exit_code == 0
    listed = json.loads(cli.invoke(main, ["rules", "revisions"]).stdout)
    assert listed["active"] == base and listed["generation"] == 3
    assert [h["action"] for h in listed["history"]] == ["rollback", "promote", "promote"]
    assert listed["history"][1]["label"] == "无敌 + high→review"
    assert cli.invoke(main, ["audit", "checkpoint"]).exit_code == 0
    verified = cli.invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
