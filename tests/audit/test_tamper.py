"""Every kind of alteration makes ``verify`` fail and name the first bad index, on both backends."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, insert, select, update

from riskguard.audit import merkle
from riskguard.audit.models import AuditCheckpoint, AuditEntry, AuditTree
from riskguard.audit.store import StoredTree

E = AuditEntry.__table__
T = AuditTree.__table__
C = AuditCheckpoint.__table__
SIZE = 12


def _row(conn, idx: int):  # type: ignore[no-untyped-def]
    return conn.execute(select(E).where(E.c.idx == idx)).one()


def _move(conn, src: int, dst: int) -> None:  # type: ignore[no-untyped-def]
    conn.execute(update(E).where(E.c.idx == src).values(idx=dst))


def edit(conn, log) -> int:  # type: ignore[no-untyped-def]
    row = _row(conn, 4)
    conn.execute(update(E).where(E.c.idx == 4).values(entry=bytes(row.entry).replace(b"subj-0004", b"subj-9999")))
    return 4


def edit_with_leaf_hash(conn, log) -> int:  # type: ignore[no-untyped-def]
    forged = bytes(_row(conn, 4).entry).replace(b"subj-0004", b"subj-9999")
    conn.execute(update(E).where(E.c.idx == 4).values(entry=forged, leaf_hash=merkle.leaf_hash(forged)))
    return 4


def delete_one(conn, log) -> int:  # type: ignore[no-untyped-def]
    conn.execute(delete(E).where(E.c.idx == 5))
    return 5


def delete_and_renumber(conn, log) -> int:  # type: ignore[no-untyped-def]
    conn.execute(delete(E).where(E.c.idx == 5))
    for i in range(6, SIZE):
        _move(conn, i, i - 1)
    return 5


def insert_in_middle(conn, log) -> int:  # type: ignore[no-untyped-def]
    for i in range(SIZE - 1, 2, -1):
        _move(conn, i, i + 1)
    template = _row(conn, 2)
    forged = bytes(template.entry).replace(b"subj-0002", b"subj-7777").replace(template.entry_id.encode(),
                                                                                 b"aud_" + b"f" * 32)
    values = {c.name: getattr(template, c.name) for c in E.c if c.name != "seq"}
    values.update(entry_id="aud_" + "f" * 32, idx=3, entry=forged, leaf_hash=merkle.leaf_hash(forged))
    conn.execute(insert(E).values(**values))
    return 3


def swap(conn, log) -> int:  # type: ignore[no-untyped-def]
    _move(conn, 2, -1)
    _move(conn, 7, 2)
    _move(conn, -1, 7)
    return 2


def edit_interior_nodes(conn, log) -> int:  # type: ignore[no-untyped-def]
    conn.execute(update(E).where(E.c.idx == 7).values(nodes=b"\1" * 96))
    return 7


def edit_filter_column(conn, log) -> int:  # type: ignore[no-untyped-def]
    conn.execute(update(E).where(E.c.idx == 9).values(actor="key:someone-else"))
    return 9


def truncate(conn, log) -> int:  # type: ignore[no-untyped-def]
    root9 = StoredTree(conn).root_at(9)
    conn.execute(delete(E).where(E.c.idx >= 9))
    conn.execute(update(T).values(size=9, root=root9))
    return 9


def _truncate_to_8(conn) -> None:  # type: ignore[no-untyped-def]
    root8 = StoredTree(conn).root_at(8)
    conn.execute(delete(E).where(E.c.idx >= 8))
    conn.execute(update(T).values(size=8, root=root8))


def truncate_and_regrow(conn, log) -> str:  # type: ignore[no-untyped-def]
    _truncate_to_8(conn)
    return "regrow"


def truncate_regrow_and_drop_checkpoints(conn, log) -> str:  # type: ignore[no-untyped-def]
    _truncate_to_8(conn)
    conn.execute(delete(C))
    return "regrow-external"


CASES = [(edit, 4), (edit_with_leaf_hash, 4), (delete_one, 5), (delete_and_renumber, 5), (insert_in_middle, 3),
         (swap, 2), (edit_interior_nodes, 7), (edit_filter_column, 9), (truncate, 9), (truncate_and_regrow, 8),
         (truncate_regrow_and_drop_checkpoints, 8)]


@pytest.mark.parametrize("tamper,first_bad", CASES, ids=[c[0].__name__ for c in CASES])
def test_tampering_is_detected_and_located(audit_log, append, tamper, first_bad: int) -> None:
    append(6)
    audit_log.checkpoint()
    append(SIZE - 6, start=6)
    held = audit_log.checkpoint().note  # an auditor keeps this one outside the database
    assert audit_log.verify().ok
    with audit_log.db.engine.begin() as conn:
        mode = tamper(conn, audit_log)
    if mode in ("regrow", "regrow-external"):
        time.sleep(0.002)
        append(SIZE - 8, start=100)  # new traffic refills indexes 8..11 through the service itself
    report = audit_log.verify([held] if mode == "regrow-external" else [])
    assert not report.ok
    assert report.first_bad_index == first_bad, report.problems


def test_untouched_log_verifies_with_an_external_checkpoint(audit_log, append) -> None:
    append(SIZE)
    held = audit_log.checkpoint().note
    append(3, start=SIZE)
    report = audit_log.verify([held])
    assert report.ok and report.entries_checked == SIZE + 3 and report.checkpoints_checked == 2


def test_direct_edit_of_the_sqlite_file(audit_log, append, sqlite_url: str) -> None:
    if not audit_log.db.is_sqlite:
        pytest.skip("an edit of the database file itself")
    append(SIZE)
    audit_log.checkpoint()
    with audit_log.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    audit_log.db.dispose()
    path = Path(sqlite_url.split("///", 1)[1])
    raw = path.read_bytes()
    needle = b'"subj-0006"'
    assert raw.count(needle) == 1  # only in the canonical entry (the filter column is stored unquoted)
    path.write_bytes(raw.replace(needle, b'"subj-0007"'))
    report = audit_log.verify()
    assert report.first_bad_index == 6, report.problems


def test_cli_verify_exit_codes(audit_log, append, keyring, tmp_path, monkeypatch) -> None:
    from riskguard.cli import main

    append(SIZE)
    monkeypatch.setenv("RISKGUARD_DATABASE_URL", audit_log.db.url)
    monkeypatch.setenv("RISKGUARD_KEYRING", str(keyring.path))
    monkeypatch.setenv("RISKGUARD_AUDIT_ORIGIN", audit_log.keys.origin)
    monkeypatch.setenv("RISKGUARD_LOG_LEVEL", "ERROR")
    monkeypatch.setenv("RISKGUARD_DATA_DIR", str(tmp_path / "data"))  # verify's trust store
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    runner = CliRunner()
    result = runner.invoke(main, ["audit", "checkpoint", "--out", str(tmp_path / "cp.txt")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["audit", "verify", "--checkpoint", str(tmp_path / "cp.txt")])
    assert result.exit_code == 0 and result.output.startswith("OK: 12 entries"), result.output
    with audit_log.db.engine.begin() as conn:
        swap(conn, audit_log)
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert "first bad entry index 2" in result.output


def test_standalone_verifier(audit_log, append, tmp_path, monkeypatch, keyring) -> None:
    """audit/verify_export.py: export + public key + checkpoint, no riskguard import, in a subprocess."""
    import subprocess
    import sys

    from riskguard.cli import main

    append(SIZE)
    monkeypatch.setenv("RISKGUARD_DATABASE_URL", audit_log.db.url)
    monkeypatch.setenv("RISKGUARD_KEYRING", str(keyring.path))
    monkeypatch.setenv("RISKGUARD_AUDIT_ORIGIN", audit_log.keys.origin)
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    runner = CliRunner()
    for args in (["audit", "checkpoint", "--out", str(tmp_path / "cp.txt")],
                 ["audit", "pubkey", "--out-dir", str(tmp_path / "pub")],
                 ["audit", "export", "--out", str(tmp_path / "log.jsonl")],
                 ["audit", "export", "--format", "csv", "--out", str(tmp_path / "log.csv")]):
        assert runner.invoke(main, args).exit_code == 0
    script = Path(__file__).resolve().parents[2] / "audit" / "verify_export.py"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKGUARD")}

    def run(export: str, key: str = "pub/audit_public_key.pem") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-I", str(script), "--export", str(tmp_path / export),
                               "--public-key", str(tmp_path / key), "--checkpoint", str(tmp_path / "cp.txt")],
                              capture_output=True, text=True, env=env, cwd=tmp_path, check=False)

    assert run("log.jsonl").returncode == 0
    assert run("log.csv", "pub/checkpoint.vkey").returncode == 0
    lines = (tmp_path / "log.jsonl").read_text().splitlines()
    tampered = {
        "edited": [*lines[:5], lines[5].replace("subj-0005", "subj-0006"), *lines[6:]],
        "dropped": [*lines[:5], *lines[6:]],
        "swapped": [*lines[:3], lines[7], *lines[4:7], lines[3], *lines[8:]],
        "truncated": lines[:9],
    }
    expected = {"edited": 5, "dropped": 5, "swapped": 3, "truncated": 9}
    for name, content in tampered.items():
        (tmp_path / f"{name}.jsonl").write_text("\n".join(content) + "\n")
        result = run(f"{name}.jsonl")
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert f"first bad entry index {expected[name]}" in result.stderr, (name, result.stderr)
    other = hashlib.sha256(b"x").hexdigest()
    (tmp_path / "wrong.vkey").write_text(f"{audit_log.keys.origin}+{other[:8]}+AQ" + "A" * 42 + "=\n")
    assert run("log.jsonl", "wrong.vkey").returncode == 2
