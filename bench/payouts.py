"""Benchmark: checking a 100,000-row payout batch against 8 weeks of history.

Prints the great-expectations import and set-up time (once per process), then for several runs the
total check time and its parts (data quality with GX, rules, statistics), and a same-run baseline
(pandas reading the same CSV bytes) so figures taken on a loaded machine can be compared.

    .venv/bin/python bench/payouts.py [--rows 100000] [--runs 3] [--store]

``--store`` also times storing the checked batch in a fresh SQLite database (one transaction).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Replace the script's own directory (sys.path[0]): bench/http.py would shadow the standard library.
sys.path[0:1] = [str(ROOT), str(ROOT / "tests" / "payouts")]

import pandas as pd  # noqa: E402
from payout_gen import AS_OF, inject  # noqa: E402

from riskguard.config import PROJECT_ROOT  # noqa: E402
from riskguard.payouts.batch import prepare, read_batch  # noqa: E402
from riskguard.payouts.checks import check_batch, history_from_batch  # noqa: E402
from riskguard.payouts.checks import expectations as gx_checks  # noqa: E402
from riskguard.payouts.policy import load_policy  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", action="store_true")
    args = parser.parse_args()
    print(f"payouts benchmark: {args.rows} rows, 8 weeks of history; cpus={os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.2f} (other work may be running)")

    started = time.perf_counter()
    g = inject("structuring", seed=1, payees=args.rows - 3)  # a few anomalies; the rest clean
    batch_csv = pd.DataFrame(g.rows).to_csv(index=False).encode("utf-8")
    hist_frame = pd.DataFrame(g.history)
    history_csv = hist_frame.to_csv(index=False).encode("utf-8")
    print(f"generated batch ({len(g.rows)} rows, {len(batch_csv) / 1e6:.1f} MB) and history "
          f"({len(g.history)} rows) in {time.perf_counter() - started:.1f} s")

    policy = load_policy(PROJECT_ROOT / "policies")
    started = time.perf_counter()
    raw_hist = read_batch(history_csv, fmt="csv", max_rows=10**7, keep=("paid_at",))
    paid = pd.to_datetime(raw_hist["paid_at"], utc=True, format="ISO8601").astype("datetime64[us, UTC]")
    history = history_from_batch(prepare(raw_hist), paid)
    print(f"history frame built in {time.perf_counter() - started:.2f} s (service: loaded from the database)")

    started = time.perf_counter()
    gx_checks.suite_runner()
    setup = time.perf_counter() - started
    print(f"great-expectations import      {_ms(gx_checks.import_seconds() or 0.0)}  (once per process)")
    print(f"great-expectations set-up      {_ms(setup - (gx_checks.import_seconds() or 0.0))}  "
          "(ephemeral context, suite, validation definition)")

    rows = []
    for run in range(args.runs):
        t0 = time.perf_counter()
        baseline = pd.read_csv(io.BytesIO(batch_csv), dtype=str, keep_default_na=False)
        base = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        raw = read_batch(batch_csv, fmt="csv", max_rows=policy.max_rows)
        read = time.perf_counter() - t0
        result = check_batch(raw, history, policy, AS_OF)
        cpu = time.process_time() - c0
        t = result.timings
        rows.append((base, read, t["total"], t["data_quality"], t["rules"], t["statistics"], t["prepare"],
                     t["decide"], cpu))
        print(f"run {run + 1}: baseline read_csv {_ms(base)} | read {_ms(read)} | check {_ms(t['total'])} "
              f"(prepare {_ms(t['prepare'])}, GX {_ms(t['data_quality'])}, rules {_ms(t['rules'])}, "
              f"statistics {_ms(t['statistics'])}, decide {_ms(t['decide'])}) | read+check CPU {_ms(cpu)}")
        del baseline
    med = [statistics.median(col) for col in zip(*rows, strict=True)]
    print(f"median: baseline pandas read_csv {_ms(med[0])}; read+check {_ms(med[1] + med[2])}; "
          f"check {_ms(med[2])}; GX validation {_ms(med[3])}; rules {_ms(med[4])}; statistics {_ms(med[5])}; "
          f"read+check CPU time {_ms(med[8])}")
    print(f"decisions: {result.summary['decisions']}; goal: read+check under 5000 ms after start-up")

    if args.store:
        _store(batch_csv, history, policy)


def _store(batch_csv: bytes, history: pd.DataFrame, policy) -> None:  # type: ignore[no-untyped-def]
    from riskguard import migrate
    from riskguard.audit import AuditLog
    from riskguard.audit._keys import LogKeys
    from riskguard.auth import Actor, Role
    from riskguard.db import Database
    from riskguard.keyring import Keyring
    from riskguard.payouts.service import PayoutService

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        migrate.upgrade(db)
        keyring = Keyring.generate()
        audit = AuditLog(db, LogKeys.from_keyring(keyring, "bench.local/audit"), sequencer="request")
        service = PayoutService(db=db, policy=policy, keyring=keyring, audit=audit)
        actor = Actor(key_id="bench", name="bench", role=Role.FINANCE)
        t0 = time.perf_counter()
        service.submit(batch_csv, fmt="csv", actor=actor, as_of=AS_OF)
        print(f"submit to SQLite (read, check against the empty in-db history, store every row and the audit "
              f"entry in one transaction) {_ms(time.perf_counter() - t0)}")
        db.dispose()


if __name__ == "__main__":
    main()
