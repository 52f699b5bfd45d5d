"""Review queue benchmarks: one page of the queue at 10,000 cases, through the API and the console, on
SQLite (and PostgreSQL unless --no-pg), each next to a same-run baseline.

    .venv/bin/python bench/review_queue.py [--cases 10000] [--runs 30]
                                           [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test | --no-pg]

The cases are written in bulk (rows and labels as ``ReviewService.open_case`` writes them, without their
audit entries, which the queue never reads): four kinds, twelve categories, forty rules, every severity,
thirty submitting keys, one in five decided, opened over the last 30 days, each with a 120-character
masked text. Each figure is a whole request handled in-process (Flask test client: authentication,
query, rendering, JSON or HTML), page size 50:

* baseline       — ``SELECT`` of the first 50 open cases, oldest first, through the same session path
* api first      — GET /v1/review/cases (open, oldest first)
* api deep       — the page after following ``next`` 40 times (2,000 cases in)
* api prev       — the page before that one, by its ``prev`` cursor
* api filtered   — rule + severity filter, most severe first
* api submitter  — by a key name, with a date range
* api decided    — the decided view, newest first
* console first / filtered / decided — GET /console/review with the same queries, signed in

The goal is a page load under 300 ms. Figures depend on machine load; this 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/ itself must not be on the path: bench/http.py would shadow the standard library's http
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

from sqlalchemy import insert, select, text  # noqa: E402

from bench._app import latency, make_app, on_each_backend, signed_in_console, timed  # noqa: E402
from riskguard.auth import Role, create_key  # noqa: E402
from riskguard.review.models import ReviewCase, ReviewCaseLabel  # noqa: E402
from riskguard.review.service import CASE_KINDS, SEVERITIES, severity_rank  # noqa: E402

GOAL_MS = 300
PAGE = 50
TEXT = ("本品采用天然植物配方，温和不刺激，适合各种肤质日常使用。" * 4)[:100] + "全网最低价，效果最好，订购电话***********"
def seed(app: Any, n: int) -> list[str]:
    """``n`` cases in bulk; returns the submitting keys' names."""
    rng = random.Random(7)
    db = app.extensions["riskguard"].db
    with db.transaction() as session:
        keys = [create_key(session, role=Role.SCREENER, name=f"商家接口-{i:02d}")[0] for i in range(30)]
        refs = [f"key:{k.id}" for k in keys]
        names = [k.name for k in keys]
    now = datetime.now(UTC)
    categories = [f"cat{i:02d}" for i in range(12)]
    rules = [f"adlaw.bench.rule-{i:02d}" for i in range(40)]
    cases, labels = [], []
    for i in range(n):
        severity = rng.choice(SEVERITIES)
        rule, category = rng.choice(rules), rng.choice(categories)
        created = now - timedelta(seconds=rng.randrange(30 * 86400))
        decided = i % 5 == 0
        case_id = f"case_{uuid.uuid4().hex[:24]}"
        cases.append({
            "id": case_id, "kind": CASE_KINDS[i % len(CASE_KINDS)], "subject_type": CASE_KINDS[i % len(CASE_KINDS)],
            "subject_id": f"AD-{i:05d}", "decision_id": f"dec_{uuid.uuid4().hex[:24]}",
            "automated_decision": "review", "policy_revision": "ad-prepublish/bench", "submitted_by": rng.choice(refs),
            "categories": [category], "top_severity": severity, "severity_rank": severity_rank(severity),
            "rule_ids": [rule], "articles": ["广告法 9(3)"],
            "findings": [{"rule_id": rule, "severity": severity, "start": 100, "end": 105, "law": "广告法",
                          "article": "9(3)", "message": "使用绝对化用语"}],
            "content": TEXT, "status": "decided" if decided else "open", "created_at": created,
            "decided_at": created + timedelta(hours=2) if decided else None,
            "decided_by": "key:reviewer" if decided else None, "decision": "block" if decided else None,
            "reason": "绝对化用语，无证据支持" if decided else None})
        labels += [{"case_id": case_id, "type": "category", "value": category},
                   {"case_id": case_id, "type": "rule", "value": rule}]
    with db.transaction() as session:
        for start in range(0, n, 1000):
            session.execute(insert(ReviewCase), cases[start:start + 1000])
            session.execute(insert(ReviewCaseLabel), labels[2 * start:2 * start + 2000])
    with db.engine.connect() as conn:  # planner statistics, as a running database keeps them
        conn.execute(text("ANALYZE"))
        conn.commit()
    return names


def bench_backend(name: str, url: str, tmp: Path, n: int, runs: int) -> None:
    app = make_app(tmp, url, audit_policy_loads=False)
    names = seed(app, n)
    with app.extensions["riskguard"].db.transaction() as session:
        _, tok = create_key(session, role=Role.REVIEWER, name="bench-reviewer")
    headers = {"Authorization": f"Bearer {tok}"}
    api = app.test_client()
    console = signed_in_console(app, tok)
    db = app.extensions["riskguard"].db

    def baseline() -> None:
        with db.sessions() as session:
            rows = session.execute(select(ReviewCase).where(ReviewCase.status == "open")
                                   .order_by(ReviewCase.created_at, ReviewCase.id).limit(PAGE)).scalars().all()
            assert len(rows) == PAGE

    def get(client: Any, path: str, **kw: Any) -> Any:
        res = client.get(path, **kw)
        assert res.status_code == 200, (path, res.status_code)
        return res

    cursor = get(api, "/v1/review/cases", headers=headers).get_json()["next"]
    for _ in range(39):  # 40 pages in, or the last page of a smaller run
        following = get(api, f"/v1/review/cases?cursor={cursor}", headers=headers).get_json()["next"]
        if following is None:
            break
        cursor = following
    deep = get(api, f"/v1/review/cases?cursor={cursor}", headers=headers).get_json()
    since = (datetime.now(UTC) - timedelta(days=10)).date().isoformat()
    queries = {
        "first": "",
        "filtered": "?rule=adlaw.bench.rule-07&severity=high&sort=severity",
        "submitter": f"?submitter={names[3]}&from={since}",
        "decided": "?status=decided&sort=newest",
    }
    first = get(api, "/v1/review/cases", headers=headers).get_json()
    print(f"[{name}] {n} cases: {first['counts']['open']} open, {first['counts']['decided']} decided, "
          f"{first['counts']['overdue']} overdue")
    print(f"[{name}] baseline         {latency(timed(baseline, runs), GOAL_MS)}")
    for label, query in queries.items():
        print(f"[{name}] api {label:<12} {latency(timed(lambda q=query: get(api, '/v1/review/cases' + q, headers=headers), runs), GOAL_MS)}")
        if label == "first":
            print(f"[{name}] api deep         "
                  f"{latency(timed(lambda: get(api, f'/v1/review/cases?cursor={cursor}', headers=headers), runs), GOAL_MS)}")
            print(f"[{name}] api prev         "
                  f"{latency(timed(lambda: get(api, '/v1/review/cases?cursor=' + deep['prev'], headers=headers), runs), GOAL_MS)}")
    for label in ("first", "filtered", "decided"):
        print(f"[{name}] console {label:<8} "
              f"{latency(timed(lambda q=queries[label]: get(console, '/console/review' + q), runs), GOAL_MS)}")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    on_each_backend(lambda name, url, tmp: bench_backend(name, url, tmp, args.cases, args.runs), args.pg, args.no_pg)

if __name__ == "__main__":
    main()
