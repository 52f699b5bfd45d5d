"""Benchmark: the applications one onboarding key submitted, at 10,000 of them, API and console, on SQLite
and PostgreSQL.

    .venv/bin/python bench/onboarding_list.py [--applications 10000] [--n 30] [--pg postgresql+psycopg://… | --no-pg]

One real application is submitted through the API first (stored through the vault, decided, audited); its
row, without its personal fields, is then copied into ``--applications`` rows of the same key a second apart, and as many again for a
second key (which the first key's list must skip). Each figure is the median and the 95th percentile of
``--n`` requests through the Flask test client (no network), key look-up, session and template included:

* baseline             — ``GET /healthz`` (what a request costs with no work behind it)
* API, first page      — ``GET /v1/merchants/applications?limit=50``
* API, 100th page      — with the cursor of page 99 (keyset: as fast as the first)
* console, list        — ``GET /console/onboarding`` (25 a page, newest first, with the total)
* console, 100th page  — the same with the cursor of page 99
* console, application — the real application's page, masked

The goal is under 300 ms a page (issue #19). Figures depend on machine load; this 2-core machine is
shared with other work, hence the same-run baseline.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/ itself must not be on the path: bench/http.py would shadow the standard library's http
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

from onboarding.builders import application  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from bench._app import latency, make_app, on_each_backend, signed_in_console, timed  # noqa: E402
from riskguard.auth import Role, create_key  # noqa: E402
from riskguard.onboarding.models import PERSONAL_FIELDS, MerchantApplication  # noqa: E402

GOAL_MS = 300  # issue 19: a page load under 300 ms
URL = "/v1/merchants/applications"
_NEXT = re.compile(r'href="([^"]+)" id="next-page"')


def token(app: Any, role: Role, name: str) -> tuple[str, str]:
    with app.extensions["riskguard"].db.transaction() as session:
        key, tok = create_key(session, role=role, name=name)
    return tok, f"key:{tok.split('_')[1]}"


def fill(app: Any, tok: str, ref: str, count: int) -> str:
    """One real application through the API, then ``count - 1`` copies of its row for ``ref`` and
    ``count`` for another key; returns the real application's id."""
    res = app.test_client().post(URL, json=application(), headers={"Authorization": f"Bearer {tok}"})
    assert res.status_code == 201, res.get_json()
    real = res.get_json()["application_id"]
    table = MerchantApplication.__table__
    db = app.extensions["riskguard"].db
    with db.transaction() as session:
        row = dict(session.execute(select(table).where(table.c.id == real)).mappings().one())
        # the copies hold no personal data (the vault refuses plaintext there; the list never reads it)
        row.update(dict.fromkeys(PERSONAL_FIELDS))
        rows = []
        for owner, n in ((ref, count - 1), ("key:kbenchother00000", count)):
            for i in range(n):
                rows.append({**row, "id": f"APP-{owner[-6:]}-{i:07d}", "decision_id": f"dec_{owner[-6:]}{i:07d}",
                             "submitted_by": owner, "created_at": row["created_at"] - timedelta(seconds=i + 1)})
        for start in range(0, len(rows), 2000):
            session.execute(insert(table), rows[start:start + 2000])
    return real


def page_cursor(get: Any, pages: int) -> str:
    cursor = None
    for _ in range(pages):
        cursor = get(cursor)
    assert cursor
    return cursor


def bench_backend(name: str, url: str, tmp: Path, count: int, n: int) -> None:
    app = make_app(tmp, url, audit_sequencer=False)
    tok, ref = token(app, Role.ONBOARDING, "bench-onboarding")
    started = time.perf_counter()
    real = fill(app, tok, ref, count)
    print(f"[{name}] {count} applications of one key (and {count} of another) stored in "
          f"{time.perf_counter() - started:.1f} s")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {tok}"}

    def listing(cursor: str | None = None) -> Any:
        return api.get(URL, query_string={"limit": 50, **({"cursor": cursor} if cursor else {})}, headers=headers)

    api_cursor = page_cursor(lambda c: listing(c).get_json()["next"], 99)
    console = signed_in_console(app, tok)
    first = console.get("/console/onboarding").text
    assert first.count("<tr data-application=") == 25 and f"共 {count} 份申请" in first
    console_url = page_cursor(lambda c: _NEXT.search(console.get(c or "/console/onboarding").text)
                              .group(1).replace("&amp;", "&"), 99)
    assert console.get(console_url).text.count("<tr data-application=") == 25

    rows = [
        ("baseline (GET /healthz)", lambda: api.get("/healthz")),
        ("API, first page", lambda: listing()),
        ("API, 100th page (cursor)", lambda: listing(api_cursor)),
        ("console, list", lambda: console.get("/console/onboarding")),
        ("console, 100th page", lambda: console.get(console_url)),
        ("console, application", lambda: console.get(f"/console/onboarding/applications/{real}")),
    ]
    for label, get in rows:
        print(f"[{name}] {label:<26} {latency(timed(get, n), GOAL_MS)}")
    app.extensions["riskguard"].db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    print(f"onboarding list: {args.applications} applications of one key, {args.n} requests a figure; "
          f"cpus={os.cpu_count()}, load average {os.getloadavg()[0]:.2f} (other work may be running)")
    on_each_backend(lambda name, url, tmp: bench_backend(name, url, tmp, args.applications, args.n), args.pg,
                    args.no_pg)


if __name__ == "__main__":
    main()
