"""Benchmark: the approver's batch list at 1,000 batches, API and console, on SQLite and PostgreSQL.

    .venv/bin/python bench/payout_list.py [--batches 1000] [--n 30] [--pg postgresql+psycopg://… | --no-pg]

One real batch (600 payouts, checked by the service) is submitted first; its stored summary is then
copied into ``--batches`` batch rows with creation times a minute apart, a third of them approved, the
preparer one of five keys. Each figure is the median and the 95th percentile of ``--n`` requests through
the Flask test client (no network), key look-up, session and template included:

* baseline            — ``GET /healthz`` (what a request costs with no work behind it)
* API, first page     — ``GET /v1/payouts/batches?limit=50``
* API, awaiting       — the same with ``status=checked`` (the approver's queue)
* API, 10th page      — with the cursor of page 9 (keyset: as fast as the first)
* API, by submitter   — ``submitted_by=<one of the five keys>&status=checked``
* console, list       — ``GET /console/payouts`` as a finance approver (awaiting batches, 50 a page)
* console, batch page — the real batch's page: held and review payouts in words, Benford chart

The goal is under 300 ms a page (issue #19). Figures depend on machine load; this 2-core machine is
shared with other work, hence the same-run baseline.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/ itself must not be on the path: bench/http.py would shadow the standard library's http
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

from console.payouts_data import batch_csv  # noqa: E402

from bench._app import latency, make_app, on_each_backend, signed_in_console, timed  # noqa: E402
from riskguard.auth import Role, create_key  # noqa: E402
from riskguard.payouts.models import PayoutBatch  # noqa: E402

GOAL_MS = 300  # issue 19: a page load under 300 ms


def token(app: Any, role: Role, name: str) -> str:
    with app.extensions["riskguard"].db.transaction() as session:
        _, tok = create_key(session, role=role, name=name)
    return tok


def fill(app: Any, batches: int) -> tuple[str, list[str]]:
    """One real batch through the service, then ``batches - 1`` rows with its summary; returns the real
    batch's id and the five preparers' refs."""
    maker = token(app, Role.FINANCE, "bench-maker")
    client = app.test_client()
    res = client.post("/v1/payouts/batches", data=batch_csv(over_net=True).replace(b",acct-0003,", b",acct-0002,"),
                      content_type="text/csv", headers={"Authorization": f"Bearer {maker}"})
    assert res.status_code == 201, res.get_json()
    real = res.get_json()["batch_id"]
    preparers = [f"key:kbench{i:011d}" for i in range(5)]
    db = app.extensions["riskguard"].db
    with db.transaction() as session:
        template = session.get(PayoutBatch, real)
        start = datetime.now(UTC) - timedelta(minutes=batches)
        for i in range(batches - 1):
            approved = i % 3 == 0
            at = start + timedelta(minutes=i)
            session.add(PayoutBatch(
                id=f"pb_{uuid.uuid4().hex}", status="approved" if approved else "checked",
                preparer=preparers[i % 5], policy_revision=template.policy_revision, as_of=at,
                row_count=template.row_count, input_digest=template.input_digest,
                data_quality=copy.deepcopy(template.data_quality), summary=copy.deepcopy(template.summary),
                created_at=at, approved_by="key:kbenchapprover" if approved else None,
                approved_at=at + timedelta(seconds=30) if approved else None))
    return real, preparers


def bench_backend(name: str, url: str, tmp: Path, batches: int, n: int) -> None:
    app = make_app(tmp, url, audit_sequencer=False)
    started = time.perf_counter()
    real, preparers = fill(app, batches)
    print(f"[{name}] {batches} batches stored in {time.perf_counter() - started:.1f} s")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token(app, Role.FINANCE_APPROVER, 'bench-approver')}"}

    def listing(**query: Any) -> Any:
        return api.get("/v1/payouts/batches", query_string={"limit": 50, **query}, headers=headers)

    cursor = None
    for _ in range(9):
        cursor = listing(**({"cursor": cursor} if cursor else {})).get_json()["next_cursor"]
    assert cursor
    console = signed_in_console(app, token(app, Role.FINANCE_APPROVER, "bench-console"))
    listed = console.get("/console/payouts").text
    assert listed.count("<tr data-batch=") == 50

    rows = [
        ("baseline (GET /healthz)", lambda: api.get("/healthz")),
        ("API, first page", lambda: listing()),
        ("API, awaiting approval", lambda: listing(status="checked")),
        ("API, 10th page (cursor)", lambda: listing(cursor=cursor)),
        ("API, by submitter", lambda: listing(status="checked", submitted_by=preparers[2])),
        ("console, batch list", lambda: console.get("/console/payouts")),
        ("console, batch page", lambda: console.get(f"/console/payouts/{real}")),
    ]
    for label, get in rows:
        print(f"[{name}] {label:<26} {latency(timed(get, n), GOAL_MS)}")
    app.extensions["riskguard"].db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=1000)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    print(f"payout batch list: {args.batches} batches, {args.n} requests a figure; cpus={os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.2f} (other work may be running)")
    on_each_backend(lambda name, url, tmp: bench_backend(name, url, tmp, args.batches, args.n), args.pg, args.no_pg)


if __name__ == "__main__":
    main()
