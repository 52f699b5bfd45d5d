"""Appending, sequencing, stored proofs, the canonical form and checkpoints, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import insert, select

from riskguard.audit import AuditEvent, merkle
from riskguard.audit.canonical import PersonalDataError, canonical_entry, dumps
from riskguard.audit.checkpoints import CheckpointError, latest_checkpoint, parse
from riskguard.audit.models import AuditEntry, AuditTree
from riskguard.audit.sequencer import BATCH, _integrate, _Worker, follow, lock_head
from riskguard.audit.service import AuditLog
from riskguard.audit.store import StoredTree
from riskguard.auth import create_key
from riskguard.config import Settings
from riskguard.ids import utcnow
from riskguard.keyring import Keyring

from .conftest import ORIGIN, event

E = AuditEntry.__table__
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "audit" / "entry.schema.json").read_text())


def _entries(log: AuditLog) -> list[bytes]:
    with log.db.engine.connect() as conn:
        return [bytes(e) for (e,) in conn.execute(select(E.c.entry).where(E.c.idx.is_not(None)).order_by(E.c.idx))]


def test_appends_get_contiguous_indexes_and_the_root_matches(audit_log, append) -> None:
    receipts = append(20)
    with audit_log.db.transaction() as session, audit_log.transaction(session) as tx:  # in a caller's
        receipts += [tx.record(event(100 + i)) for i in range(5)]
    assert audit_log.integrate() == 5
    with audit_log.db.engine.connect() as conn:
        rows = conn.execute(select(E.c.idx, E.c.entry_id).order_by(E.c.idx)).all()
        head = conn.execute(select(AuditTree.size, AuditTree.root)).one()
    assert [r.idx for r in rows] == list(range(25))
    assert [r.entry_id for r in rows] == [x.entry_id for x in receipts]
    assert head.size == 25 and bytes(head.root) == merkle.root(_entries(audit_log))


def test_a_rolled_back_transaction_leaves_no_entry(audit_log, append) -> None:
    append(3)
    with pytest.raises(RuntimeError), audit_log.transaction() as tx:
        tx.record(event(9))
        raise RuntimeError("the caller's decision failed")
    audit_log.integrate()
    assert len(_entries(audit_log)) == 3


@pytest.mark.parametrize("size", [1, 2, 5, 8, 13, 33])
def test_stored_proofs_equal_the_pure_ones(audit_log, append, size: int) -> None:
    append(size)
    entries = _entries(audit_log)
    with audit_log.db.engine.connect() as conn:
        tree = StoredTree(conn)
        for n in range(1, size + 1):
            assert tree.root_at(n) == merkle.root(entries[:n])
            for i in {0, n // 2, n - 1}:
                assert tree.inclusion(i, n) == merkle.inclusion_proof(entries[:n], i)
            assert tree.consistency(n // 2, n) == merkle.consistency_proof(entries[:n], n // 2)
        with pytest.raises(ValueError):
            tree.inclusion(size, size)
        with pytest.raises(ValueError):
            tree.consistency(2, size + 1)


def test_late_commit_gets_the_next_index_not_a_gap(database, keyring, tmp_path) -> None:
    """PostgreSQL hands out sequence numbers at insert, not commit: indexes must follow commit order."""
    if database.is_sqlite:
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    log = AuditLog.create(database, keyring, Settings.from_env(data_dir=tmp_path, audit_origin=ORIGIN,
                                                              extra={"audit_sequencer": False}))
    early = database.sessions()
    early.begin()
    with log.transaction(early) as tx:
        slow = tx.record(event(1))  # inserted first, committed last
    with log.transaction() as tx:
        fast = tx.record(event(2))
    log.integrate()
    early.commit()
    early.close()
    log.integrate()
    with database.engine.connect() as conn:
        order = conn.execute(select(E.c.entry_id).order_by(E.c.idx)).scalars().all()
    assert order == [fast.entry_id, slow.entry_id]


def test_canonical_entry_follows_the_schema() -> None:
    ev = AuditEvent(action="review:case:decided", actor="key:ab12", subject_type="review_case",
                    subject_id="case_1", decision="allow", rule_ids=["b", "a"], reason="已核实资质",
                    links={"overrides": "dec_1"}, details={"articles": ["广告法 9(3)"]})
    data = canonical_entry(ev, "aud_" + "0" * 32, utcnow())
    body = json.loads(data)
    jsonschema.validate(body, SCHEMA)
    assert data == dumps(body)  # already canonical: re-serialising changes nothing
    assert body["rule_ids"] == ["a", "b"] and "已核实资质".encode() in data


@pytest.mark.parametrize("field,value,refused", [
    ("reason", "customer 13812345678 called", True),
    ("reason", "ID 11010519491231002X on file", True),
    ("reason", "mail me at a.b@example.com", True),
    ("details", {"card": "6222 0212 3456 7890"}, True),
    ("details", {"nested": {"list": ["ok", "13912345678"]}}, True),
    ("reason", "最后一天促销, 第一次违规", False),
    ("reason", "checked listing 2 of 3", False),
    ("details", {"decision_id": "dec_1381234567890123456789abcdef0123"}, False),
    ("details", {"bank_account": "hmac-sha256:" + "1" * 64}, False),
    ("details", {"amount_fen": 5000000, "count": 13812345678}, False),  # numbers are not checked
])
def test_personal_data_stays_out(field: str, value: object, refused: bool) -> None:
    ev = event(1, **{field: value})
    if refused:
        with pytest.raises(PersonalDataError):
            canonical_entry(ev, "aud_" + "0" * 32, utcnow())
    else:
        canonical_entry(ev, "aud_" + "0" * 32, utcnow())


def test_refused_event_fails_the_callers_transaction(audit_log, append) -> None:
    with pytest.raises(PersonalDataError), audit_log.transaction() as tx:
        tx.record(event(1, reason="phone 13812345678"))
    assert audit_log.integrate() == 0


def test_background_sequencer_integrates_after_commit(database, keyring, tmp_path) -> None:
    log = AuditLog.create(database, keyring, Settings.from_env(
        data_dir=tmp_path, audit_origin=ORIGIN, extra={"audit_checkpoint_interval": 0}))
    with log.transaction() as tx:
        receipt = tx.record(event(1))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with database.engine.connect() as conn:
            if conn.execute(select(E.c.idx).where(E.c.entry_id == receipt.entry_id)).scalar() == 0:
                break
        time.sleep(0.05)
    else:
        pytest.fail("the background sequencer did not integrate the entry")
    assert log.verify(integrate_first=False).ok


def test_with_a_sequencer_process_requests_leave_integration_to_it(app_factory, db_url) -> None:
    """In "process" mode neither a thread nor the request itself integrates (after its response, as
    with ``audit_sequencer: false``); ``follow``, the sequencer process's loop, does."""
    app = app_factory(db_url, extra={"audit_sequencer": "process", "audit_checkpoint_interval": 0})
    ext = app.extensions["riskguard"]
    database, log = ext.db, ext.audit
    with database.transaction() as session:
        _, token = create_key(session, role="screener", name="mode")
    client = app.test_client()
    # one block, one allow (not 你好: the claim model sends that to review, a false alarm docs/screening.md
    # lists, and the review case would be a third entry)
    for text in ("最好", "纯棉T恤，三色可选"):
        response = client.post("/v1/screen/ad", json={"text": text}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        response.close()  # runs the after-response callbacks
    time.sleep(0.5)  # several background batch windows
    assert _pending(database) == 2
    stop = threading.Event()
    follower = threading.Thread(target=follow, args=(database.engine, log.keys, stop, 0.05))
    follower.start()
    try:
        deadline = time.monotonic() + 10
        while _pending(database):
            assert time.monotonic() < deadline, "follow did not integrate the queue"
            time.sleep(0.05)
    finally:
        stop.set()
        follower.join(timeout=10)
    assert not follower.is_alive()
    assert log.verify(integrate_first=False).ok


def test_an_unknown_sequencer_mode_is_refused(database, keyring, tmp_path) -> None:
    with pytest.raises(ValueError, match="audit_sequencer"):
        AuditLog.create(database, keyring, Settings.from_env(data_dir=tmp_path, extra={"audit_sequencer": "yes"}))


def _pending(database) -> int:  # type: ignore[no-untyped-def]
    with database.engine.connect() as conn:
        return len(conn.execute(select(E.c.seq).where(E.c.idx.is_(None))).all())


def test_background_sequencer_steps_aside_while_another_holds_the_lock(database, keyring, tmp_path) -> None:
    """On PostgreSQL the background sequencer does not queue behind one that is integrating: it reports
    the lock busy at once, leaves the entries pending, and integrates them once the lock is free."""
    if database.is_sqlite:
        pytest.skip("SQLite has no row lock to skip; its sequencers wait for the write lock")
    log = AuditLog.create(database, keyring, Settings.from_env(data_dir=tmp_path, audit_origin=ORIGIN,
                                                              extra={"audit_sequencer": False}))
    with log.transaction() as tx:
        tx.record(event(1))
    holder = database.engine.connect()
    lock_head(holder)
    outcome: list[tuple[int, bool]] = []
    stepping_aside = threading.Thread(target=lambda: outcome.append(_integrate(database.engine, log.keys, BATCH,
                                                                               wait=False)))
    stepping_aside.start()
    stepping_aside.join(timeout=10)
    holder.rollback()
    holder.close()
    stepping_aside.join()
    assert outcome == [(0, True)] and _pending(database) == 1
    assert _integrate(database.engine, log.keys, BATCH, wait=False) == (1, False) and _pending(database) == 0


def test_background_sequencer_looks_again_after_stepping_aside(database, keyring, tmp_path) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite has no row lock to skip; its sequencers wait for the write lock")
    log = AuditLog.create(database, keyring, Settings.from_env(data_dir=tmp_path, audit_origin=ORIGIN,
                                                               extra={"audit_checkpoint_interval": 0}))
    holder = database.engine.connect()
    lock_head(holder)
    with log.transaction() as tx:  # wakes the background sequencer, which finds the lock busy
        tx.record(event(1))
    time.sleep(3 * _Worker.BATCH_WINDOW)
    pending_while_locked = _pending(database)
    holder.rollback()  # no further commit wakes it: it must look again by itself
    holder.close()
    deadline = time.monotonic() + 10
    while _pending(database) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (pending_while_locked, _pending(database)) == (1, 0)


def test_forged_pending_row_is_quarantined(audit_log, append) -> None:
    append(2)
    forged = b'{"forged":true}'
    with audit_log.db.engine.begin() as conn:
        conn.execute(insert(E).values(entry_id="aud_forged", created_at=utcnow(), action="x:y:z", actor="dba",
                                      subject_type="t", subject_id="s", entry=forged, mac=b"\0" * 32))
    append(1, start=2)
    assert _entries(audit_log)[-1] != forged and len(_entries(audit_log)) == 3
    report = audit_log.verify()
    assert [p.kind for p in report.problems] == ["quarantined"]


def test_checkpoints_are_signed_once_per_size_and_verify(audit_log, append, keyring) -> None:
    append(3)
    first = audit_log.checkpoint()
    assert audit_log.checkpoint().note == first.note  # no growth, same checkpoint
    append(2, start=3)
    second = latest_checkpoint(audit_log.db.engine, audit_log.keys)
    assert (first.size, second.size) == (3, 5)
    assert parse(second.note, audit_log.keys.public_key, ORIGIN).root == merkle.root(_entries(audit_log))
    lines = second.note.split("\n")
    assert lines[0] == ORIGIN and lines[1] == "5" and lines[3].startswith("time ") and lines[4] == ""
    assert lines[5].startswith("\u2014 " + ORIGIN + " ")


@pytest.mark.parametrize("mutate", [
    lambda n: n.replace("\n5\n", "\n6\n"),
    lambda n: n.replace(n.split("\n")[2], "A" * 43 + "="),
    lambda n: n.replace("\n\n", "\n"),
    lambda n: n.split("\n\n")[0] + "\n\n",
    lambda n: n.replace("time 20", "time 19"),
    lambda n: "other.origin" + n[len(ORIGIN):],
], ids=["size", "root", "no-blank-line", "no-signature", "time", "origin"])
def test_altered_checkpoints_do_not_verify(audit_log, append, mutate) -> None:
    append(5)
    note = audit_log.checkpoint().note
    with pytest.raises(CheckpointError):
        parse(mutate(note), audit_log.keys.public_key, ORIGIN)


def test_checkpoint_from_another_key_does_not_verify(audit_log, append, tmp_path) -> None:
    append(1)
    note = audit_log.checkpoint().note
    other = AuditLog.create(audit_log.db, Keyring.generate(), Settings.from_env(audit_origin=ORIGIN))
    with pytest.raises(CheckpointError):
        parse(note, other.keys.public_key, ORIGIN)
