"""riskguard screen / rules test / rules lint, driven through click with real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rulebook.packs import packs, rule, write_rulebook

from riskguard.cli import main


def run(tmp_path: Path, args: list[str], stdin: bytes = b"", rules: dict | None = None):  # type: ignore[no-untyped-def]
    rules_dir, policies_dir = write_rulebook(tmp_path / "rb", packs=rules)
    env = {"RISKGUARD_RULES_DIR": str(rules_dir), "RISKGUARD_POLICIES_DIR": str(policies_dir),
           "RISKGUARD_LOG_LEVEL": "WARNING"}  # the group reads its settings from the environment
    return CliRunner().invoke(main, args, input=stdin, env=env, catch_exceptions=False)


def lines(*items: object) -> bytes:
    return b"".join((i if isinstance(i, bytes) else json.dumps(i, ensure_ascii=False).encode()) + b"\n"
                    for i in items)


def test_screen_json_lines_in_order_bad_lines_go_on(tmp_path: Path) -> None:
    stdin = lines({"id": "a", "text": "最好的面霜"}, b"{broken", {"id": "c", "text": "口碑好"},
                  {"id": "d", "text": "x", "category": "Toys!"}, b"\xff\xfe", [1, 2],
                  {"id": "g", "text": "加薇信", "category": "general"})
    result = run(tmp_path, ["screen", "--kind", "listing", "--no-progress"], stdin)
    assert result.exit_code == 1  # some lines were bad: each has its error line, the rest were screened
    assert result.stderr == "4 of 7 line(s) had errors\n"
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c", "d", None, None, "g"]
    assert [o.get("decision") for o in out] == ["block", None, "allow", None, None, None, "block"]
    assert [o["error"]["code"] for o in out if "error" in o] == ["malformed_json", "validation_error",
                                                                 "invalid_utf8", "malformed_json"]
    assert out[3]["error"]["field"] == "category"
    for o in out:
        for f in o.get("findings", []):
            assert set(f) >= {"rule_id", "law", "article", "severity", "start", "end", "matched", "message",
                              "suggestion"}


@pytest.mark.parametrize(("as_of", "article"), [("2025-10-14", "8"), ("2025-10-15", "9")])
def test_screen_as_of(tmp_path: Path, as_of: str, article: str) -> None:
    result = run(tmp_path, ["screen", "--kind", "ad", "--as-of", as_of], lines({"text": "刷单"}))
    assert json.loads(result.stdout)["findings"][0]["article"] == article


@pytest.mark.parametrize("args", [["screen", "--kind", "tweet"], ["screen", "--kind", "ad", "--as-of", "soon"],
                                  ["screen", "--kind", "ad", "--policy", "nope"]])
def test_screen_bad_options(tmp_path: Path, args: list[str]) -> None:
    assert run(tmp_path, args).exit_code == 2


def test_progress_bar_on_stderr_for_large_input(tmp_path: Path) -> None:
    stdin = lines(*({"id": str(n), "text": "口碑好"} for n in range(1_200)))
    result = run(tmp_path, ["screen", "--kind", "ad", "--progress"], stdin)
    assert len(result.stdout.splitlines()) == 1_200
    assert "screening" in result.stderr


def test_rules_test_passes_and_fails(tmp_path: Path) -> None:
    ok = run(tmp_path / "ok", ["rules", "test"])
    assert ok.exit_code == 0, ok.stdout
    data = packs()
    data["cn/adlaw.yaml"]["rules"].append(rule("adlaw.x.broken", match={"terms": ["保证"]},
                                               examples={"must_match": ["没有这个词"],
                                                         "must_not_match": ["我们保证"]}))
    bad = run(tmp_path / "bad", ["rules", "test"], rules=data)
    assert bad.exit_code == 1
    failing = [line for line in bad.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failing) == 2 and all("adlaw.x.broken" in line for line in failing)


def test_rules_lint_reports_errors_and_warnings(tmp_path: Path) -> None:
    result = run(tmp_path, ["rules", "lint"])
    assert result.exit_code == 1                                # the test packs have < 10 examples each
    assert "ERROR pack adlaw" in result.stdout
    assert "terms exercised by no must_match example" in result.stdout


def test_broken_pack_stops_the_cli_naming_file_rule_field(tmp_path: Path) -> None:
    data = packs()
    data["cn/adlaw.yaml"]["rules"][0]["severity"] = "severe"
    result = run(tmp_path, ["rules", "test"], rules=data)
    assert result.exit_code == 1
    assert "cn/adlaw.yaml: rule adlaw.9-3.superlative: field severity" in result.output


def test_yaml_in_packs_is_what_the_loader_reads(tmp_path: Path) -> None:
    rules_dir, _ = write_rulebook(tmp_path)
    assert yaml.safe_load((rules_dir / "cn" / "adlaw.yaml").read_text("utf-8"))["pack"] == "adlaw"


@pytest.mark.parametrize(("line", "expected_id"), [({"id": 17, "text": "好"}, "17"), ({"text": "好"}, None),
                                                   ({"id": True, "text": "好"}, None)])
def test_screen_ids(tmp_path: Path, line: dict, expected_id: str | None) -> None:
    out = json.loads(run(tmp_path, ["screen", "--kind", "ad"], lines(line)).stdout)
    assert out["id"] == expected_id


def test_lines_the_api_would_refuse_are_error_lines_not_a_crash(tmp_path: Path) -> None:
    """The CLIs read each line with the API's input rules (riskguard.strictjson)."""
    stdin = lines(b'{"id": "n", "text": NaN}', b'{"id": 1' + b"0" * 5000 + b', "text": "x"}',
                  b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b"}", b'{"id": "z", "text": "a\\u0000b"}',
                  {"id": "ok", "text": "口碑好"})
    result = run(tmp_path, ["screen", "--kind", "ad", "--no-progress"], stdin)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("error", {}).get("code") for o in out] == [
        "json_non_finite_number", "json_number_too_large", "json_too_deep", "json_nul_character", None]
    assert out[3]["error"]["field"] == "text" and out[4]["decision"] == "allow"
