"""Audit log benchmarks: appends/s (single and concurrent writers, SQLite and PostgreSQL), verify time
and proof latency on a large log, each with a same-run baseline.

    .venv/bin/python bench/audit.py [--appends 3000] [--writers 4x4 2x8 8x4] [--verify-size 1000000]
                                    [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test | --no-pg]

* appends, baseline  — a plain INSERT of a row of the same shape into a scratch table, one per transaction,
                       through the same SQLAlchemy session path (what any write costs here)
* appends, record    — ``audit.transaction()`` with one entry (acknowledged = committed), background
                       sequencer integrating meanwhile; then the time until every entry is integrated
* appends, record x10 — ten entries per transaction
* in a Session       — one entry per transaction, joined to a caller's Session (``audit.transaction(s)``)
* concurrent         — P processes x T threads, one entry per transaction, sequencers racing, next to a
                       plain INSERT from the same writers. PostgreSQL group-commits WAL flushes when many
                       commits wait together, but on 2 cores the writers' own CPU soon bounds it: 2 x 8
                       (fewer processes, more threads) is where it lands highest here, 8 x 4 past that
* verify N           — ``verify_log`` over a generated log of N sequenced entries (SQLite), against a
                       baseline that only re-hashes the same entries in memory (RFC 6962 leaves + tree)
* proofs at N        — inclusion and consistency proofs from the stored tree (one query each)

Each append figure is printed next to the goal it is held to (SQLite 3,000/s, PostgreSQL 1,500/s).
Figures depend on machine load; this 2-core machine is shared with other work, so run it more than once.
"""

from __future__ import annotations

import argparse
import hmac
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

# bench/ holds other scripts (e.g. http.py) that must not shadow the standard library: drop it from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, create_engine, insert, text  # noqa: E402

from riskguard import migrate  # noqa: E402
from riskguard.audit import AuditEvent, merkle  # noqa: E402
from riskguard.audit.canonical import canonical_entry  # noqa: E402
from riskguard.audit.models import AuditEntry, AuditTree  # noqa: E402
from riskguard.audit.sequencer import seal  # noqa: E402
from riskguard.audit.service import AuditLog  # noqa: E402
from riskguard.audit.store import StoredTree  # noqa: E402
from riskguard.config import Settings  # noqa: E402
from riskguard.db import Database  # noqa: E402
from riskguard.ids import new_id, utcnow  # noqa: E402
from riskguard.keyring import Keyring  # noqa: E402

E = AuditEntry.__table__
ORIGIN = "bench.riskguard/audit"


def event(i: int, t: int = 0) -> AuditEvent:
    return AuditEvent(action="screening:content:decided", actor=f"key:bench{t}", subject_type="ad",
                      subject_id=f"ad_{t}_{i}", decision="allow" if i % 3 else "block",
                      rule_ids=["adlaw.9-3.superlative"], policy_revision="rev-1",
                      input_digest="hmac-sha256:" + "ab" * 32, details={"findings": i % 4})


def open_log(url: str, ring_path: Path, background: bool = True) -> AuditLog:
    db = Database(url) if url.startswith("sqlite") else Database(url, pool_size=20)
    return AuditLog.create(db, Keyring.load(ring_path), Settings.from_env(
        audit_origin=ORIGIN, extra={"audit_sequencer": background, "audit_checkpoint_interval": 0}))


def drain(log: AuditLog) -> float:
    start = time.perf_counter()
    log.integrate()
    return time.perf_counter() - start


def bench_baseline(db: Database, n: int) -> float:
    stmt = insert(_scratch(db))
    body = canonical_entry(event(0), new_id("aud"), utcnow())
    start = time.perf_counter()
    for i in range(n):
        with db.transaction() as session:
            session.execute(stmt, {"entry_id": new_id("aud"), "action": "screening:content:decided",
                                   "actor": "key:bench", "subject_id": f"ad_{i}", "entry": body})
    return n / (time.perf_counter() - start)


def bench_record(log: AuditLog, n: int, per_txn: int, joined: bool = False) -> tuple[float, float]:
    """``audit.transaction()`` (entries alone: the cheapest path), or joined to a caller's Session."""
    start = time.perf_counter()
    for i in range(0, n, per_txn):
        if joined:
            with log.db.transaction() as session, log.transaction(session) as tx:
                for j in range(per_txn):
                    tx.record(event(i + j))
        else:
            with log.transaction() as tx:
                for j in range(per_txn):
                    tx.record(event(i + j))
    acked = time.perf_counter() - start
    drained = drain(log)
    return n / acked, n / (acked + drained)


def _scratch(db: Database) -> Table:
    table = Table("bench_plain", MetaData(), Column("id", Integer, primary_key=True),
                  Column("entry_id", String(40)), Column("action", String(64)), Column("actor", String(64)),
                  Column("subject_id", String(128)), Column("entry", LargeBinary))
    table.create(db.engine, checkfirst=True)
    return table


def writer_main(url: str, ring: str, threads: int, per_thread: int, plain: bool) -> None:
    log = open_log(url, Path(ring))
    stmt = insert(_scratch(log.db))
    body = canonical_entry(event(0), new_id("aud"), utcnow())
    print("ready", flush=True)
    sys.stdin.readline()  # start together: imports and connections are not part of the figure

    def work(t: int) -> None:
        for i in range(per_thread):
            if plain:
                with log.db.transaction() as session:
                    session.execute(stmt, {"entry_id": new_id("aud"), "action": "screening:content:decided",
                                           "actor": f"key:bench{t}", "subject_id": f"ad_{i}", "entry": body})
            else:
                with log.transaction() as tx:
                    tx.record(event(i, t))

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def bench_concurrent(log: AuditLog, ring: Path, procs: int, threads: int, per_thread: int,
                     plain: bool = False) -> tuple[float, float]:
    cmd = [sys.executable, __file__, "--_writer", log.db.url, str(ring), str(threads), str(per_thread),
           "plain" if plain else "record"]
    running = [subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for _ in range(procs)]
    for p in running:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for p in running:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in running:
        if p.wait() != 0:
            raise SystemExit("a writer process failed")
    acked = time.perf_counter() - start
    drained = 0.0 if plain else drain(log)
    n = procs * threads * per_thread
    return n / acked, n / (acked + drained)


def generate(log: AuditLog, n: int, chunk: int = 20000) -> float:
    """Write n already-sequenced entries straight into storage (what the sequencer would have written).
    Entries come from a canonical template (sorted keys, as ``canonical_entry`` writes them)."""
    keys = log.keys
    frontier = merkle.Frontier()
    start = time.perf_counter()
    now = utcnow()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    template = ('{{"action":"screening:content:decided","actor":"key:bench{t}","decision":"{d}",'
                '"details":{{"findings":{f}}},"id":"{id}","input_digest":"hmac-sha256:' + "ab" * 32 + '",'
                '"links":{{}},"policy_revision":"rev-1","reason":null,"rule_ids":["adlaw.9-3.superlative"],'
                '"subject":{{"id":"ad_{t}_{i}","type":"ad"}},"time":"' + stamp + '","v":1}}')
    mac_key = keys.mac_key
    with log.db.engine.begin() as conn:
        for lo in range(0, n, chunk):
            rows = []
            for i in range(lo, min(n, lo + chunk)):
                entry_id = f"aud_{uuid.uuid4().hex}"
                t, d = i % 8, "allow" if i % 3 else "block"
                data = template.format(t=t, d=d, f=i % 4, id=entry_id, i=i).encode()
                lh = merkle.leaf_hash(data)
                nodes = b"".join(h for _, _, h in frontier.append(lh))
                rows.append({"seq": i + 1, "entry_id": entry_id, "idx": i, "created_at": now,
                             "action": "screening:content:decided", "actor": f"key:bench{t}",
                             "subject_type": "ad", "subject_id": f"ad_{t}_{i}", "decision": d,
                             "policy_revision": "rev-1", "entry": data,
                             "mac": hmac.digest(mac_key, data, "sha256"), "leaf_hash": lh, "nodes": nodes,
                             "seal": seal(keys, i, lh)})
            conn.execute(insert(E), rows)
        conn.execute(AuditTree.__table__.update().values(size=n, root=frontier.root(), updated_at=now))
    return time.perf_counter() - start


def bench_verify(log: AuditLog, n: int) -> tuple[float, float, float, bool]:
    log.checkpoint()
    start = time.perf_counter()  # baseline: read the same rows in the same pages and only re-hash them
    frontier = merkle.Frontier()
    last = -1
    with log.db.engine.connect() as conn:
        while True:
            rows = conn.execute(text("SELECT idx, entry FROM audit_entries WHERE idx > :last ORDER BY idx "
                                     "LIMIT 20000"), {"last": last}).all()
            if not rows:
                break
            for _, entry in rows:
                frontier.append(merkle.leaf_hash(bytes(entry)))
            last = rows[-1][0]
    frontier.root()
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    fast = log.verify(integrate_first=False, deep=False)
    fast_s = time.perf_counter() - start
    start = time.perf_counter()
    deep = log.verify(integrate_first=False)
    return fast_s, time.perf_counter() - start, baseline, fast.ok and deep.ok


def bench_proofs(log: AuditLog, n: int, count: int = 1000) -> dict[str, float]:
    rnd = random.Random(7)
    out: dict[str, float] = {}
    with log.db.engine.connect() as conn:
        tree = StoredTree(conn)
        times = []
        for _ in range(count):
            i = rnd.randrange(n)
            t0 = time.perf_counter()
            proof = tree.inclusion(i, n)
            times.append(time.perf_counter() - t0)
        entry, _ = tree.leaf(i)
        assert merkle.verify_inclusion(entry, i, n, proof, tree.root)
        out["inclusion_p50_ms"] = statistics.median(times) * 1000
        out["inclusion_p99_ms"] = sorted(times)[int(count * 0.99)] * 1000
        times = []
        for _ in range(count // 4):
            m = rnd.randrange(1, n)
            t0 = time.perf_counter()
            tree.consistency(m, n)
            times.append(time.perf_counter() - t0)
        out["consistency_p50_ms"] = statistics.median(times) * 1000
        t0 = time.perf_counter()
        for _ in range(count):
            proof = merkle.inclusion_path(i, n, lambda lo, hi: b"\0" * 32)
        out["baseline_path_only_ms"] = (time.perf_counter() - t0) / count * 1000
    return out


def pg_schema(url: str) -> tuple[str, callable] | None:  # type: ignore[valid-type]
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        schema = f"rgbench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL not reachable ({type(exc).__name__}); skipping it")
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{url}?options=-csearch_path%3D{schema}", drop


GOALS = {"sqlite": 3000, "postgresql": 1500}  # appends/s, issue 3 (2-core machine)


def _goal(rate: float, goal: int, plain: float | None = None) -> str:
    if rate >= goal:
        return f"goal {goal:,}/s: met"
    if plain is not None and plain < goal:
        return f"goal {goal:,}/s: not met (plain INSERT here is {plain:,.0f}/s)"
    return f"goal {goal:,}/s: NOT MET"


def _row(label: str, acked: float, integrated: float, plain: float | None, goal: int) -> None:
    baseline = f"{plain:8,.0f}" if plain is not None else "       -"
    print(f"{label:34s} {acked:8,.0f} {integrated:10,.0f}   {baseline}   {_goal(acked, goal, plain)}")


def run_appends(name: str, url: str, ring: Path, args: argparse.Namespace) -> None:
    db = Database(url)
    migrate.upgrade(db)
    goal = GOALS[db.engine.dialect.name]
    print(f"\n== appends on {name} ==")
    print(f"{'':34s} {'acked/s':>8s} {'integr./s':>10s}   {'plain/s':>8s}   (plain: INSERT of a row of the same "
          "shape, 1/txn, same writers)")
    plain = bench_baseline(db, args.appends)
    db.dispose()
    log = open_log(url, ring)
    _row("1 writer, 1 entry/txn", *bench_record(log, args.appends, 1), plain, goal)
    _row("1 writer, 10 entries/txn", *bench_record(log, args.appends, 10), None, goal)
    _row("1 writer, 1 entry/txn, in a Session", *bench_record(log, args.appends, 1, joined=True), plain, goal)
    for procs, threads in args.writers:
        per = max(1, args.appends // (procs * threads))
        plain, _ = bench_concurrent(log, ring, procs, threads, per, plain=True)
        acked, integrated = bench_concurrent(log, ring, procs, threads, per)
        _row(f"{procs} procs x {threads} threads, 1 entry/txn", acked, integrated, plain, goal)
    report = log.verify()
    print(f"log after the runs: {report.entries_checked} entries, verify ok={report.ok}")
    log.db.dispose()


def _writers(value: str) -> tuple[int, int]:
    procs, _, threads = value.partition("x")
    return int(procs), int(threads)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appends", type=int, default=3000)
    parser.add_argument("--writers", type=_writers, nargs="+", default=[(4, 4), (2, 8), (8, 4)],
                        help="concurrent runs as PROCSxTHREADS (default: 4x4 2x8 8x4)")
    parser.add_argument("--verify-size", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--_writer", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._writer:
        url, ring, threads, per, mode = args._writer
        writer_main(url, ring, int(threads), int(per), mode == "plain")
        return
    with tempfile.TemporaryDirectory() as tmp:
        ring = Path(tmp) / "keyring.json"
        Keyring.generate(ring).save()
        if args.appends:
            run_appends("SQLite (WAL, synchronous=NORMAL)", f"sqlite:///{tmp}/append.db", ring, args)
        if args.appends and not args.no_pg and (pg := pg_schema(args.pg)):
            url, drop = pg
            try:
                run_appends("PostgreSQL 15 (local, synchronous_commit on)", url, ring, args)
            finally:
                drop()
        n = args.verify_size
        if not n:
            return
        url = f"sqlite:///{tmp}/verify.db"
        db = Database(url)
        migrate.upgrade(db)
        db.dispose()
        log = open_log(url, ring, background=False)
        print(f"\n== verify and proofs, SQLite, {n:,} entries ==")
        print(f"generated {n:,} sequenced entries in {generate(log, n):.1f}s")
        seconds, deep, baseline, ok = bench_verify(log, n)
        print(f"verify (hashes, seals, nodes, checkpoints, times): {seconds:8.2f} s (ok={ok}); "
              f"{n / seconds:,.0f} entries/s")
        print(f"verify --deep (also parses entries, checks filter columns): {deep:8.2f} s")
        print(f"baseline: same reads, re-hash only: {baseline:8.2f} s")
        for key, value in bench_proofs(log, n).items():
            print(f"{key:34s}: {value:8.3f} ms")
        log.db.dispose()


if __name__ == "__main__":
    main()
