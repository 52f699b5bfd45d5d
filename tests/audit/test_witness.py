"""Rollback detection: the witness (own state outside the database, consistency proofs, C2SP
cosignatures) and ``verify``'s trust store, against someone who can write the database (both backends)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, update

from riskguard.audit.checkpoints import CheckpointError
from riskguard.audit.models import AuditCheckpoint, AuditEntry, AuditTree
from riskguard.audit.store import StoredTree
from riskguard.audit.trust import TrustStore
from riskguard.audit.witness import (
    Witness,
    WitnessError,
    WitnessState,
    cosigner_vkey,
    load_or_create_key,
    parse_cosigner_vkey,
    verify_cosignature,
    witness_latest,
)

E, T, C = AuditEntry.__table__, AuditTree.__table__, AuditCheckpoint.__table__
NAME = "test.riskguard/witness"


@pytest.fixture
def witness(audit_log, tmp_path: Path) -> Witness:
    state = tmp_path / "witness"  # outside the database, as in production
    return Witness(WitnessState(state / "state.jsonl"), load_or_create_key(state / "witness.key"), NAME,
                   origin=audit_log.keys.origin, log_key=audit_log.keys.public_key)


@pytest.fixture
def trust(tmp_path: Path) -> TrustStore:
    return TrustStore(tmp_path / "verifier" / "trusted-checkpoint")


def truncate(log, size: int) -> None:  # type: ignore[no-untyped-def]
    """What a database writer does to hide entries: cut the rows, the newer checkpoints and the head."""
    with log.db.engine.begin() as conn:
        root = StoredTree(conn).root_at(size)
        conn.execute(delete(E).where(E.c.idx >= size))
        conn.execute(delete(C).where(C.c.tree_size > size))
        conn.execute(update(T).where(T.c.id == 1).values(size=size, root=root))


def witnessed_then_cut(log, append, witness, trust) -> None:  # type: ignore[no-untyped-def]
    """12 entries witnessed (at 8 and 12) and verified, then cut back to 8."""
    append(8)
    witness_latest(log, witness)
    append(4, start=8)
    witness_latest(log, witness)
    assert log.verify(trust_store=trust).ok
    truncate(log, 8)


def kinds(report) -> set[str]:  # type: ignore[no-untyped-def]
    return {p.kind for p in report.problems}


def test_honest_log_is_cosigned_and_verifies(audit_log, append, witness, trust) -> None:
    append(5)
    first = witness_latest(audit_log, witness)
    name, key = parse_cosigner_vkey(witness.vkey)
    assert name == NAME and witness.vkey == cosigner_vkey(NAME, key)
    stamp = verify_cosignature(first, name, key)
    append(4, start=5)
    second = witness_latest(audit_log, witness)
    assert second.split("\n")[1] == "9" and verify_cosignature(second, name, key) >= stamp
    assert audit_log.checkpoint().note == second  # the stored note carries the cosignature
    report = audit_log.verify(trust_store=trust)
    assert report.ok, report.problems
    assert trust.load(audit_log.keys).size == 9
    append(2, start=9)
    assert audit_log.verify(trust_store=trust).ok  # entries after the trusted checkpoint are fine
    forged = second.replace("\n9\n", "\n10\n", 1)
    with pytest.raises(CheckpointError):
        verify_cosignature(forged, name, key)
    lines = (witness.state.path).read_text().splitlines()
    assert [line.count('"size":') for line in lines] == [1, 1]  # one record per co-signed size, appended


def test_truncation_is_refused_and_fails_verify(audit_log, append, witness, trust) -> None:
    witnessed_then_cut(audit_log, append, witness, trust)
    assert audit_log.verify().ok  # the database alone still looks right: the defect of issue 18
    report = audit_log.verify(trust_store=trust)
    assert not report.ok and {"rollback", "checkpoint_missing", "truncated"} <= kinds(report), report.problems
    with pytest.raises(WitnessError) as refused:
        witness_latest(audit_log, witness)
    assert refused.value.kind == "rollback"
    assert trust.load(audit_log.keys).size == 12  # a failed run does not lower the trusted size


def test_truncate_and_regrow_fails_the_consistency_proof(audit_log, append, witness, trust) -> None:
    witnessed_then_cut(audit_log, append, witness, trust)
    append(6, start=100)  # other entries: the log is now larger (14) than the witnessed 12
    assert audit_log.checkpoint().size == 14
    report = audit_log.verify(trust_store=trust)
    assert not report.ok and "checkpoint_root" in kinds(report), report.problems
    with pytest.raises(WitnessError) as refused:
        witness_latest(audit_log, witness)
    assert refused.value.kind == "inconsistent"
    assert witness.latest().size == 12  # nothing recorded for the refused checkpoint


def test_checkpoint_deletion_fails_verify(audit_log, append, trust) -> None:
    append(6)
    audit_log.checkpoint()
    assert audit_log.verify(trust_store=trust).ok
    with audit_log.db.engine.begin() as conn:
        conn.execute(delete(C))
    report = audit_log.verify(trust_store=trust)
    assert not report.ok and kinds(report) == {"checkpoint_missing"}, report.problems


def test_non_empty_log_without_a_checkpoint_fails(audit_log, append, tmp_path) -> None:
    fresh = TrustStore(tmp_path / "first-run")
    assert audit_log.verify(trust_store=fresh).ok  # an empty log needs none
    append(3)
    report = audit_log.verify(trust_store=fresh)
    assert kinds(report) == {"checkpoint_missing"} and not fresh.path.exists()


def test_witness_refuses_a_fork_and_a_foreign_checkpoint(audit_log, append, witness, keyring) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from riskguard.audit._keys import LogKeys
    from riskguard.audit.checkpoints import sign
    from riskguard.ids import utcnow

    append(4)
    witness_latest(audit_log, witness)
    last = witness.latest()
    other = LogKeys(mac_key=b"", seal_key=b"", signing_key=audit_log.keys.signing_key, origin=audit_log.keys.origin)
    fork = sign(other, last.size, bytes(32), utcnow())  # same size, another root, the log's own key
    with pytest.raises(WitnessError) as refused:
        witness.add_checkpoint(fork, last.size, [])
    assert refused.value.kind == "inconsistent"
    foreign = LogKeys(mac_key=b"", seal_key=b"", signing_key=Ed25519PrivateKey.generate(),
                      origin=audit_log.keys.origin)
    with pytest.raises(WitnessError) as refused:
        witness.add_checkpoint(sign(foreign, 9, bytes(32), utcnow()), last.size, [])
    assert refused.value.kind == "bad_checkpoint"
    with pytest.raises(WitnessError) as refused:
        witness.add_checkpoint(last.note, 0, [])
    assert refused.value.kind == "conflict"


def test_damaged_witness_state_fails_closed(audit_log, append, witness) -> None:
    append(2)
    witness_latest(audit_log, witness)
    with witness.state.path.open("a") as fh:
        fh.write("not json\n")
    with pytest.raises(WitnessError) as refused:
        witness_latest(audit_log, witness)
    assert refused.value.kind == "state"


def test_cli_witness_and_verify(audit_log, append, cli_environment, tmp_path) -> None:
    from riskguard.cli import main

    runner = CliRunner()
    append(6)
    ok = runner.invoke(main, ["audit", "witness", "--out", str(tmp_path / "cosigned.txt")])
    assert ok.exit_code == 0, ok.output
    vkey = (tmp_path / "data" / "witness" / "witness.vkey").read_text()
    assert verify_cosignature((tmp_path / "cosigned.txt").read_text(), *parse_cosigner_vkey(vkey)) > 0
    assert oct((tmp_path / "data" / "witness" / "witness.key").stat().st_mode & 0o777) == "0o600"
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0
    assert (tmp_path / "data" / "audit-trusted-checkpoint").exists()
    truncate(audit_log, 3)
    refused = runner.invoke(main, ["audit", "witness"])
    assert refused.exit_code == 1 and "REFUSED: [rollback]" in refused.output
    failed = runner.invoke(main, ["audit", "verify"])
    assert failed.exit_code == 1 and "[rollback]" in failed.output
    assert base64.b64decode(vkey.strip().split("+", 2)[2])[0] == 4  # a cosignature/v1 (Ed25519) verifier key


def test_standalone_verifier_checks_the_witness(audit_log, append, witness, cli_environment, tmp_path) -> None:
    """verify_export.py --witness-key: the export is checked against a checkpoint the witness co-signed."""
    import os
    import subprocess
    import sys

    from riskguard.cli import main
    from riskguard.config import PROJECT_ROOT

    append(6)
    (tmp_path / "cosigned.txt").write_text(witness_latest(audit_log, witness))
    (tmp_path / "witness.vkey").write_text(witness.vkey + "\n")
    append(3, start=6)
    runner = CliRunner()
    for args in (["audit", "pubkey", "--out-dir", str(tmp_path)],
                 ["audit", "export", "--out", str(tmp_path / "audit.jsonl")]):
        assert runner.invoke(main, args).exit_code == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKGUARD")}

    def run(*checkpoints: str) -> subprocess.CompletedProcess[str]:
        args = [a for c in checkpoints for a in ("--checkpoint", c)]
        return subprocess.run([sys.executable, "-I", str(PROJECT_ROOT / "audit" / "verify_export.py"),
                               "--export", "audit.jsonl", "--public-key", "audit_public_key.pem",
                               "--witness-key", "witness.vkey", *args], capture_output=True, text=True,
                              env=env, cwd=tmp_path, check=False)

    assert run("audit.jsonl.checkpoint", "cosigned.txt").returncode == 0
    unwitnessed = run("audit.jsonl.checkpoint")
    assert unwitnessed.returncode == 2 and "co-signed by the witness" in unwitnessed.stderr
    note = (tmp_path / "cosigned.txt").read_text().splitlines()
    blob = bytearray(base64.b64decode(note[-1].split(" ")[2]))
    blob[-1] ^= 1  # a damaged cosignature
    (tmp_path / "bad.txt").write_text("\n".join([*note[:-1], note[-1].rsplit(" ", 1)[0] + " "
                                                 + base64.b64encode(bytes(blob)).decode()]) + "\n")
    damaged = run("audit.jsonl.checkpoint", "bad.txt")
    assert damaged.returncode == 2 and "does not verify" in damaged.stderr
