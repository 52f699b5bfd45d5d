"""One failure, one answer: when the audit store refuses writes, every endpoint that records answers
503 ``audit_unavailable`` and returns nothing it decided (real trigger in the database, no mocks); and
the audit log keeps no state outside its instance (two logs, two keyrings, two databases, one process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from faults import refuse_audit_entries
from sqlalchemy import func, select

from riskguard import migrate
from riskguard.audit import AuditEvent, AuditLog, AuditUnavailable
from riskguard.audit.checkpoints import CheckpointError, parse
from riskguard.audit.models import AuditEntry
from riskguard.auth import create_key
from riskguard.config import Settings
from riskguard.db import Database
from riskguard.keyring import Keyring
from tests.onboarding.builders import application

PII_TEXT = "联系电话 13812345678"

# endpoint × role × body: every one records before it answers.
CASES: list[tuple[str, str, str, Any]] = [
    ("POST", "/v1/screen/ad", "screener", {"text": "最好的面霜"}),
    ("POST", "/v1/screen/listing/batch", "screener", {"items": [{"text": "口碑很好"}, {"text": "最好"}]}),
    ("POST", "/v1/pii/detect", "screener", {"text": PII_TEXT}),
    ("POST", "/v1/pii/redact", "screener", {"text": PII_TEXT}),
    ("POST", "/v1/merchants/applications", "onboarding", application),
    ("GET", "/v1/audit/entries", "auditor", None),
    ("GET", "/v1/audit/checkpoints/latest", "auditor", None),
    ("GET", "/v1/audit/reports", "auditor", None),
    ("GET", "/v1/audit/public-key", "auditor", None),
]


@pytest.fixture(scope="module")
def refusing(shared_app) -> tuple[Any, dict[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """One app per backend whose database refuses every audit entry, and a key of each role made before
    the refusal: every case below needs that same state, so they share it instead of each building,
    migrating and breaking an app of its own."""
    db = shared_app.extensions["riskguard"].db
    with db.transaction() as session:
        tokens = {role: create_key(session, role=role, name=f"refused-{role}")[1]
                  for role in sorted({role for _, _, role, _ in CASES})}
    headers = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
    refuse_audit_entries(db)
    return shared_app, headers


@pytest.mark.parametrize(("method", "path", "role", "body"), CASES, ids=[f"{m} {p}" for m, p, _, _ in CASES])
def test_audit_refusal_is_one_503_everywhere(refusing, method: str, path: str, role: str,
                                             body: Any) -> None:  # type: ignore[no-untyped-def]
    app, headers = refusing
    db = app.extensions["riskguard"].db
    with db.engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(AuditEntry))
    res = app.test_client().open(path, method=method, json=body() if callable(body) else body,
                                 headers=headers[role])
    assert res.status_code == 503, res.get_data(as_text=True)
    out = res.get_json()
    assert set(out) == {"error"} and out["error"]["code"] == "audit_unavailable"
    assert "refused" not in res.get_data(as_text=True)  # never the database's own words
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditEntry)) == before


def _log(url: str, tmp: Path, name: str) -> AuditLog:
    db = Database(url)
    migrate.upgrade(db)
    ring = Keyring.generate(tmp / f"{name}.json")
    return AuditLog.create(db, ring, Settings.from_env(data_dir=tmp, audit_origin=f"{name}.test/audit",
                                                      extra={"audit_sequencer": False}))


def test_two_logs_in_one_process_share_nothing(tmp_path: Path) -> None:
    """Keys, sequencer and database belong to each AuditLog: entries of one verify under its own keys
    only, and refusing writes in one database leaves the other recording."""
    a = _log(f"sqlite:///{tmp_path}/a.db", tmp_path, "a")
    b = _log(f"sqlite:///{tmp_path}/b.db", tmp_path, "b")
    try:
        for log, n in ((a, 3), (b, 2)):
            for i in range(n):
                with log.transaction() as tx:
                    tx.record(AuditEvent(action="screening:content:decided", actor="key:t", subject_type="ad",
                                         subject_id=f"{log.keys.origin}-{i}"))
        # a joined Session records in its own log, whichever was used last
        with b.db.transaction() as session, b.transaction(session) as tx:
            tx.record(AuditEvent(action="screening:content:decided", actor="key:t", subject_type="ad",
                                 subject_id="b-joined"))
        assert (a.integrate(), b.integrate()) == (3, 3)
        assert a.verify().ok and b.verify().ok  # each entry's MAC and seal under its own log's keys
        note_a, note_b = a.checkpoint().note, b.checkpoint().note
        assert parse(note_a, a.keys.public_key).size == 3 and parse(note_b, b.keys.public_key).size == 3
        with pytest.raises(CheckpointError):
            parse(note_a, b.keys.public_key)
        refuse_audit_entries(a.db)
        with pytest.raises(AuditUnavailable), a.transaction() as tx:
            tx.record(AuditEvent(action="x:y:z", actor="key:t", subject_type="ad", subject_id="refused"))
        with b.transaction() as tx:
            tx.record(AuditEvent(action="x:y:z", actor="key:t", subject_type="ad", subject_id="still-fine"))
        assert (a.integrate(), b.integrate()) == (0, 1)
        assert a.sequencer is not b.sequencer and a.keys.mac_key != b.keys.mac_key
    finally:
        a.db.dispose()
        b.db.dispose()


def test_no_module_state_keyed_by_engine() -> None:
    """The removed engine-keyed map and its fallbacks stay removed."""
    from riskguard.audit import _keys, recorder, sequencer

    for name in ("bind", "keys_for", "_bound", "_from_env", "engine_of"):
        assert not hasattr(_keys, name), name
    for name in ("_workers", "_worker_of", "after_commit", "wake", "integrate_quietly", "_last_checkpoint"):
        assert not hasattr(sequencer, name), name
    for name in ("record", "recording", "append"):
        assert not hasattr(recorder, name), name
    for module in Path(recorder.__file__).parent.glob("*.py"):
        if module.name != "views.py":  # the auditors' API is the web layer; nothing else reads Flask state
            source = module.read_text("utf-8")
            for framework_state in ("flask import g", "has_request_context", "has_app_context", "current_app"):
                assert framework_state not in source, (module.name, framework_state)
