"""The auditor kit as the docs give it (README.md, docs/audit.md, audit/README.md: one order), run as
written on an untouched log, on a busy one, and through the API's export headers (both backends)."""

from __future__ import annotations

import base64
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from riskguard.cli import main
from riskguard.config import PROJECT_ROOT

DOCS = ["README.md", "docs/audit.md", "audit/README.md"]
SCRIPT = PROJECT_ROOT / "audit" / "verify_export.py"


def kit(doc: str) -> list[list[str]]:
    """The commands of the ``# auditor kit`` block of ``doc``, comments dropped."""
    text = (PROJECT_ROOT / doc).read_text("utf-8")
    blocks = re.findall(r"```sh\n# auditor kit\n(.*?)```", text, re.S)
    assert len(blocks) == 1, doc
    return [shlex.split(line, comments=True) for line in blocks[0].splitlines() if line.strip()]


def _normalised(commands: list[list[str]]) -> list[list[str]]:
    return [[Path(a).name if a.endswith("verify_export.py") else a for a in c] for c in commands]


def test_the_docs_give_one_order() -> None:
    orders = {doc: _normalised(kit(doc)) for doc in DOCS}
    assert len({repr(o) for o in orders.values()}) == 1, orders
    names = [c[1] if c[0] == "riskguard" else Path(c[1]).name for c in orders[DOCS[0]]]
    assert names == ["audit", "audit", "verify_export.py"]


def _verify(cwd: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKGUARD")}
    return subprocess.run([sys.executable, "-I", str(SCRIPT), *args], capture_output=True, text=True, env=env,
                          cwd=cwd, check=False)


def run_kit(cwd: Path, between=None) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """Run audit/README.md's block as written in ``cwd``; ``between()`` runs before the verifier."""
    runner = CliRunner()
    for command in kit("audit/README.md"):
        if command[0] == "riskguard":
            result = runner.invoke(main, command[1:])
            assert result.exit_code == 0, (command, result.output)
            continue
        assert command[0] == "python" and command[1] == "verify_export.py"
        if between is not None:
            between()
        return _verify(cwd, command[2:])
    raise AssertionError("the kit has no verifier step")


@pytest.fixture
def kit_env(cli_environment, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    work = tmp_path / "auditor"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_kit_as_written_on_an_untouched_log(audit_log, append, kit_env) -> None:
    append(7)
    result = run_kit(kit_env)
    assert result.returncode == 0, result.stderr
    assert "OK: 8 entries" in result.stdout  # 7 + the export's own access entry
    exported = (kit_env / "audit.jsonl").read_text().splitlines()
    assert '"audit:entries:exported"' in exported[-1]
    # the order the README gave before (export, then checkpoint) verifies too on a quiet log
    assert CliRunner().invoke(main, ["audit", "checkpoint", "--out", "later.txt"]).exit_code == 0
    both = _verify(kit_env, ["--export", "audit.jsonl", "--public-key", "audit_public_key.pem",
                             "--checkpoint", "checkpoint.txt", "--checkpoint", "later.txt"])
    assert both.returncode == 0, both.stderr


def test_kit_on_a_busy_log(audit_log, append, kit_env) -> None:
    append(5)

    def traffic() -> None:
        append(4, start=50)
        audit_log.checkpoint()

    result = run_kit(kit_env, between=traffic)
    assert result.returncode == 0, result.stderr
    lines = (kit_env / "audit.jsonl").read_text().splitlines()
    (kit_env / "short.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    cut = _verify(kit_env, ["--export", "short.jsonl", "--public-key", "audit_public_key.pem",
                            "--checkpoint", "checkpoint.txt"])
    assert cut.returncode == 1 and f"first bad entry index {len(lines) - 1}" in cut.stderr


def test_api_export_carries_its_checkpoint(app, client, token, tmp_path) -> None:
    from riskguard.audit import AuditEvent

    audit = app.extensions["riskguard"].audit
    for i in range(4):
        with audit.transaction() as tx:
            tx.record(AuditEvent(action="screening:content:decided", actor="key:a", subject_type="ad",
                                 subject_id=f"ad_{i}", decision="allow"))
    headers = {"Authorization": f"Bearer {token('auditor')}"}
    res = client.get("/v1/audit/export?format=csv", headers=headers)
    (tmp_path / "audit.csv").write_bytes(res.get_data())
    note = base64.b64decode(res.headers["X-Audit-Checkpoint"]).decode()
    assert note.split("\n")[1] == res.headers["X-Audit-Tree-Size"]
    (tmp_path / "checkpoint.txt").write_text(note)
    key = client.get("/v1/audit/public-key", headers=headers).get_json()
    (tmp_path / "audit_public_key.pem").write_text(key["public_key_pem"])
    result = _verify(tmp_path, ["--export", "audit.csv", "--public-key", "audit_public_key.pem",
                                "--checkpoint", "checkpoint.txt"])
    assert result.returncode == 0, result.stderr
