"""The ``riskguard`` command itself: lazy command loading, --version, the shared output conventions."""

from __future__ import annotations

import json
import subprocess
import sys

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
