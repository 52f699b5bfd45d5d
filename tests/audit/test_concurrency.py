"""Reliability under concurrency and crashes, on SQLite and PostgreSQL: 8 processes x 8 threads, gunicorn
with several workers, and a writer killed with SIGKILL. No lost entry, no duplicate or missing index,
every acknowledged entry present, and the tree verifies."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from riskguard.audit.models import AuditEntry
from riskguard.auth import create_key

E = AuditEntry.__table__
WRITER = Path(__file__).with_name("writer.py")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow
BODY = '{"text": "最好"}'.encode()
_ACK = re.compile(r"ack (aud_[0-9a-f]{32})\b")


def _writer(audit_log, keyring, threads: int, per_thread: int) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    return subprocess.Popen([sys.executable, str(WRITER), audit_log.db.url, str(keyring.path),
                             audit_log.keys.origin, str(threads), str(per_thread)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)


def _acks(out: str) -> list[str]:
    """The entry ids a writer acknowledged. Each ``ack <id>`` is one write, but a log line of the writer's
    sequencer (``audit.sequencer.failed`` when SQLite is busy: logged and retried) is printed as text and
    newline in two writes, so an ack can land mid-line: they are found anywhere, not per line."""
    return _ACK.findall(out)


def _logged(audit_log) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    with audit_log.db.engine.connect() as conn:
        return [(r.idx, r.entry_id) for r in conn.execute(
            select(E.c.idx, E.c.entry_id).where(E.c.idx.is_not(None)).order_by(E.c.idx))]


def _assert_complete(audit_log, acknowledged: set[str]) -> None:  # type: ignore[no-untyped-def]
    audit_log.integrate()
    logged = _logged(audit_log)
    assert [i for i, _ in logged] == list(range(len(logged)))  # contiguous, no gap, no duplicate
    ids = [e for _, e in logged]
    assert len(set(ids)) == len(ids)
    assert acknowledged <= set(ids)  # every acknowledged append is there
    report = audit_log.verify()
    assert report.ok, report.problems


def test_eight_processes_of_eight_threads(audit_log, keyring) -> None:
    # The log is open, as a server's is before it takes requests: on SQLite this process's pooled connection
    # keeps the WAL index alive. (64 threads opening a never-opened WAL file at the same instant can see
    # SQLITE_BUSY on their first append, which fails closed; test databases are copies of a migrated file
    # that nothing has opened yet, unlike one Alembic migrated in place.)
    _logged(audit_log)
    procs = [_writer(audit_log, keyring, threads=8, per_thread=20) for _ in range(8)]
    acknowledged: set[str] = set()
    for p in procs:
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0
        acknowledged |= set(_acks(out))
    assert len(acknowledged) == 8 * 8 * 20
    _assert_complete(audit_log, acknowledged)
    assert len(_logged(audit_log)) == len(acknowledged)


def test_writer_killed_with_sigkill(audit_log, keyring) -> None:
    for round_ in range(2):
        proc = _writer(audit_log, keyring, threads=4, per_thread=0)
        acknowledged: list[str] = []
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        while len(acknowledged) < 200 * (round_ + 1) and time.monotonic() < deadline:
            acknowledged += _acks(proc.stdout.readline())
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        acknowledged += _acks(rest)  # written before the kill landed: acknowledged too
        assert proc.returncode == -signal.SIGKILL
        _assert_complete(audit_log, set(acknowledged))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving(audit_log, keyring, tmp_path, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:  # type: ignore[no-untyped-def]
    """``riskguard serve`` on the test database: its base URL and the master process."""
    port = _free_port()
    env = {**os.environ, "RISKGUARD_DATABASE_URL": audit_log.db.url, "RISKGUARD_KEYRING": str(keyring.path),
           "RISKGUARD_DATA_DIR": str(tmp_path), "RISKGUARD_AUDIT_ORIGIN": audit_log.keys.origin,
           "RISKGUARD_LOG_LEVEL": "ERROR"}
    env.pop("RISKGUARD_MASTER_KEY", None)
    server = subprocess.Popen([sys.executable, "-m", "riskguard.cli", "serve", "--port", str(port),
                               "--workers", str(workers)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the server did not start")
                time.sleep(0.5)
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_gunicorn_workers_append_concurrently(audit_log, keyring, tmp_path) -> None:
    if audit_log.db.engine.dialect.name == "postgresql":
        pytest.skip("on PostgreSQL test_two_hosts_on_one_postgresql runs two servers of workers at once")
    with audit_log.db.transaction() as session:
        _, token = create_key(session, role="auditor", name="load")
        _, monitor = create_key(session, role="monitor", name="prometheus")
    ok = []
    with _serving(audit_log, keyring, tmp_path, workers=3) as (base, _):
        lock = threading.Lock()

        def client() -> None:
            for _ in range(15):
                req = urllib.request.Request(base + "/v1/audit/entries?limit=1",
                                             headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(req, timeout=60) as res:
                    assert res.status == 200
                with lock:
                    ok.append(1)

        clients = [threading.Thread(target=client) for _ in range(8)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        # /metrics adds up every worker's counters (multiprocess mode), whichever worker answers
        for _ in range(3):
            req = urllib.request.Request(base + "/metrics", headers={"Authorization": f"Bearer {monitor}"})
            with urllib.request.urlopen(req, timeout=60) as res:
                text = res.read().decode()
            assert 'riskguard_http_requests_total{endpoint="/v1/audit/entries",method="GET",status="200"} 120.0' \
                in text
    assert len(ok) == 8 * 15
    audit_log.integrate()
    with audit_log.db.engine.connect() as conn:  # the server's start may also record its policy load
        queried = conn.execute(select(E.c.entry_id).where(E.c.action == "audit:entries:queried")).all()
    assert len(queried) == 8 * 15  # one audited query per answered request
    _assert_complete(audit_log, set())


def _children(pid: int) -> dict[int, str]:
    """Child processes of ``pid``: their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError):
                continue
    return found


def _sequencers(server: subprocess.Popen[bytes]) -> list[int]:
    return [p for p, cmd in _children(server.pid).items() if "audit.cli sequencer" in cmd]


def _wait_integrated(audit_log, count: int, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Wait, without integrating here, until ``count`` entries have leaf indexes."""
    deadline = time.monotonic() + seconds
    while len(_logged(audit_log)) < count:
        assert time.monotonic() < deadline, f"{len(_logged(audit_log))} of {count} entries integrated"
        time.sleep(0.2)


def test_serve_integrates_in_a_sequencer_process_it_restarts(audit_log, keyring, tmp_path) -> None:
    """The workers leave integration to one sequencer process beside them, which the master starts
    again when it dies; entries screened meanwhile are integrated by the new one."""
    with audit_log.db.transaction() as session:
        _, token = create_key(session, role="screener", name="serve")

    def screen(n: int, base: str) -> None:
        for _ in range(n):
            req = urllib.request.Request(base + "/v1/screen/ad", data=BODY, method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=60) as res:
                assert res.status == 200

    with _serving(audit_log, keyring, tmp_path, workers=2) as (base, server):
        [first] = _sequencers(server)
        screen(6, base)
        _wait_integrated(audit_log, 6)
        os.kill(first, signal.SIGKILL)
        screen(4, base)
        deadline = time.monotonic() + 30
        while not (restarted := _sequencers(server)):
            assert time.monotonic() < deadline, "the sequencer was not started again"
            time.sleep(0.2)
        assert restarted != [first]
        _wait_integrated(audit_log, 10)
    assert _sequencers(server) == []  # stopped with the server
    _assert_complete(audit_log, set())


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_the_sequencer_exits_when_the_server_is_killed(audit_log, keyring, tmp_path) -> None:
    """A master killed outright cannot stop its sequencer: the sequencer notices and exits by itself."""
    with _serving(audit_log, keyring, tmp_path, workers=1) as (_, server):
        [sequencer] = _sequencers(server)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        deadline = time.monotonic() + 20
        while _running(sequencer):
            assert time.monotonic() < deadline, "the orphaned sequencer kept running"
            time.sleep(0.2)


def test_two_hosts_on_one_postgresql(audit_log, keyring, tmp_path) -> None:
    """The production shape: two `riskguard serve` instances (each with its workers and its own sequencer)
    behind a balancer, one PostgreSQL. Every answered decision is in one contiguous log that verifies."""
    if audit_log.db.engine.dialect.name != "postgresql":
        pytest.skip("several hosts share a PostgreSQL; SQLite is one host's file")
    with audit_log.db.transaction() as session:
        _, token = create_key(session, role="screener", name="balancer")
    answered: list[str] = []
    lock = threading.Lock()
    with _serving(audit_log, keyring, tmp_path / "a", workers=2) as (base_a, _), \
            _serving(audit_log, keyring, tmp_path / "b", workers=2) as (base_b, _):

        def client(n: int) -> None:
            for i in range(25):  # the balancer alternates hosts
                req = urllib.request.Request((base_a, base_b)[(n + i) % 2] + "/v1/screen/ad", data=BODY,
                                             method="POST", headers={"Authorization": f"Bearer {token}",
                                                                     "Content-Type": "application/json"})
                with urllib.request.urlopen(req, timeout=60) as res:
                    assert res.status == 200
                    decision_id = json.loads(res.read())["decision_id"]
                with lock:
                    answered.append(decision_id)

        clients = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
    assert len(answered) == 8 * 25
    _assert_complete(audit_log, set())
    with audit_log.db.engine.connect() as conn:
        screened = {r.subject_id for r in conn.execute(
            select(E.c.subject_id).where(E.c.action == "screening:content:decided"))}
    assert set(answered) <= screened
