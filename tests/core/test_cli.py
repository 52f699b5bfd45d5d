"""The ``riskguard`` command itself: lazy command loading, --version, the shared output conventions."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from collections.abc import Callable

import click
import pytest
from click.testing import CliRunner

from riskguard.auth import Role
from riskguard.cli import LAZY_COMMANDS, ROLES, main
from riskguard.cli_io import BAD_LINES, finish_lines, json_line

LAZY = [(group, name, spec, short) for group, table in LAZY_COMMANDS.items()
        for name, (spec, short) in table.items()]


@pytest.mark.parametrize(("group", "name", "spec", "short"), LAZY, ids=[f"{g or 'main'}.{n}" for g, n, *_ in LAZY])
def test_stored_short_help_is_the_commands_own(group: str, name: str, spec: str, short: str) -> None:
    parent = main if not group else main.get_command(click.Context(main), group)
    assert isinstance(parent, click.Group)
    command = parent.get_command(click.Context(parent), name)
    assert command is not None and command.name == name, spec
    assert command.get_short_help_str(limit=10_000) == short


def test_roles_are_the_auth_roles() -> None:
    assert tuple(r.value for r in Role) == ROLES


def test_help_imports_no_domain() -> None:
    """Listing commands must not import the domains (Presidio, spaCy, pandas): that took seconds."""
    code = ("import sys\nfrom riskguard.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "main_help = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'presidio_analyzer', 'spacy', 'pandas', 'great_expectations', 'jieba'} "
            "or m.startswith(('riskguard.screening', 'riskguard.privacy', 'riskguard.payouts', "
            "'riskguard.onboarding', 'riskguard.audit')))\n"
            "print(main_help, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Commands:" in done.stdout and "screen" in done.stdout
    assert done.stderr.strip() == "[]"


def test_version_from_package_metadata() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"riskguard, version {version('riskguard')}\n"


def test_json_line_is_compact_and_keeps_chinese() -> None:
    assert json_line({"id": "a", "text": "面霜", "n": [1, 2]}) == '{"id":"a","text":"面霜","n":[1,2]}'
    assert json.loads(json_line({"x": 1})) == {"x": 1}


def test_finish_lines_exits_bad_lines_only_when_a_line_failed(capsys: pytest.CaptureFixture[str]) -> None:
    finish_lines(0, 5)
    with pytest.raises(SystemExit) as exited:
        finish_lines(2, 5)
    assert exited.value.code == BAD_LINES == 1
    assert capsys.readouterr().err == "2 of 5 line(s) had errors\n"


# -- one convention for bad input across the commands that read many records ---------------------------

def _jsonl(*items: object) -> bytes:
    return b"".join((i if isinstance(i, bytes) else json.dumps(i, ensure_ascii=False).encode()) + b"\n"
                    for i in items)


def _screen_input(good: bool) -> tuple[list[str], bytes]:
    bad = [b"", b"{broken", {"id": "x", "text": 5}] if not good else []
    return ["screen", "--kind", "ad"], _jsonl({"id": "a", "text": "口碑好"}, *bad, {"id": "b", "text": "好"})


def _pii_input(mode: str) -> Callable[[bool], tuple[list[str], bytes]]:
    def make(good: bool) -> tuple[list[str], bytes]:
        bad = [b"", b"{broken", {"id": "x"}] if not good else []
        return ["pii", mode], _jsonl({"id": "a", "text": "无"}, *bad, {"id": "b", "text": "无"})
    return make


def _merchants_input(good: bool) -> tuple[list[str], bytes]:
    from onboarding.builders import application

    bad = [b"", b"{broken", {**application(id="x"), "categories": ["weapons"]}] if not good else []
    return ["merchants", "review", "--no-duplicates"], _jsonl(application(), *bad, application())


JSONL_COMMANDS = {"screen": _screen_input, "pii detect": _pii_input("detect"),
                  "pii redact": _pii_input("redact"), "merchants review": _merchants_input}


@pytest.fixture
def cli_env(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from riskguard.keyring import Keyring

    Keyring.generate(tmp_path / "keyring.json").save()
    monkeypatch.setenv("RISKGUARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RISKGUARD_KEYRING", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("RISKGUARD_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    return tmp_path


@pytest.mark.parametrize("command", list(JSONL_COMMANDS))
def test_bad_lines_have_one_shape_and_one_exit_status(cli_env, command: str) -> None:
    """Lines 3 and 4 are bad (line 2 is blank): each gets {line, id, error} in its place, exit 1;
    the same input without them exits 0; an unreadable source or a bad option exits 2."""
    args, stdin = JSONL_COMMANDS[command](False)
    result = CliRunner().invoke(main, [*args, "--no-progress"], input=stdin)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == BAD_LINES, result.output
    assert result.stderr.endswith("2 of 4 line(s) had errors\n")
    assert [o.get("line") for o in out] == [None, 3, 4, None]
    assert [set(o) for o in out[1:3]] == [{"line", "id", "error"}] * 2
    assert out[1]["id"] is None and out[1]["error"] == {"code": "malformed_json",
                                                        "message": "malformed JSON at column 2"}
    assert out[2]["id"] == "x" and out[2]["error"]["code"] == "validation_error" and out[2]["error"]["field"]
    args, stdin = JSONL_COMMANDS[command](True)
    assert CliRunner().invoke(main, args, input=stdin).exit_code == 0
    assert CliRunner().invoke(main, [*args, "--no-such-option"], input=stdin).exit_code == 2


@pytest.mark.parametrize(("command", "source"), [("pii detect", ["-i", "missing.jsonl"]),
                                                 ("merchants review", ["missing.jsonl"]),
                                                 ("payouts check", ["--input", "missing.csv"])])
def test_an_unreadable_source_exits_2(cli_env, command: str, source: list[str]) -> None:
    result = CliRunner().invoke(main, [*command.split(), *[str(cli_env / s) if "." in s else s for s in source]])
    assert result.exit_code == 2 and result.stdout == ""


def test_payout_rows_that_fail_data_quality_are_its_bad_lines(cli_env) -> None:
    from payouts.payout_gen import clean

    rows = clean(1, payees=10).rows
    path = cli_env / "batch.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    assert CliRunner().invoke(main, ["payouts", "check", "--input", str(path)]).exit_code == 0
    rows[2]["amount_fen"] = "twelve"
    path.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["payouts", "check", "--input", str(path), "--no-progress"])
    *out, _summary = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == BAD_LINES and result.stderr.endswith("1 of 10 row(s) had errors\n")
    assert [o["row"] for o in out] == list(range(1, 11))
    assert [o["row"] for o in out if any(f["check"].startswith("dq.") for f in o["findings"])] == [3]


def test_demo_key_is_reused_until_it_stops_working(cli_env) -> None:
    def demo() -> str:
        result = CliRunner().invoke(main, ["keys", "demo"])
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    first = demo()
    assert demo() == first  # `make run` twice: one key
    assert stat.S_IMODE((cli_env / "demo-key").stat().st_mode) == 0o600
    assert CliRunner().invoke(main, ["keys", "revoke", first.split("_")[1]]).exit_code == 0
    second = demo()
    assert second != first and second.startswith("rg_")
    assert (cli_env / "demo-key").read_text("utf-8").strip() == second
