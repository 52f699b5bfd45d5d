"""The audit explorer through the test client (SQLite and PostgreSQL): search, the decisions chart,
entry detail with a verified inclusion proof, reports, export, and every read recorded."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from typing import Any

import pytest
from sqlalchemy import update

from riskguard.audit import merkle
from riskguard.audit.checkpoints import parse
from riskguard.audit.models import AuditEntry

from .conftest import csrf_from

SCREENED = [("全网最低价", "block"), ("温和的面霜", "allow"), ("7天见效", "review"), ("最好的", "block")]


def _screen_some(client, console_login) -> None:  # type: ignore[no-untyped-def]
    console_login(client, "screener")
    token = csrf_from(client.get("/console/screening").text)
    for text, _ in SCREENED:
        assert client.post("/console/screening", data={"csrf_token": token, "text": text, "kind": "ad",
                                                        "category": "general"}).status_code == 200


@pytest.fixture
def auditor(app, client, console_login):  # type: ignore[no-untyped-def]
    """Four screening decisions (one opens a review case), then the client signed in as an auditor."""
    _screen_some(client, console_login)
    auditor_client = app.test_client()
    console_login(auditor_client, "auditor")
    return auditor_client


def _indexes(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-index="(\d+)"', html)]


def _entries(app) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    from riskguard.audit.query import EntryFilter, iter_entries

    log = app.extensions["riskguard"].audit
    log.integrate()
    with log.db.engine.connect() as conn:
        return list(iter_entries(conn, EntryFilter()))


@pytest.mark.parametrize("query,expect", [
    ("", lambda e: e["action"] != "audit:entries:queried"),
    ("?decision=block", lambda e: e["decision"] == "block"),
    ("?action=screening:content:decided", lambda e: e["action"] == "screening:content:decided"),
    ("?action=review:case:opened", lambda e: e["action"] == "review:case:opened"),
    ("?since=2000-01-01T00:00&until=2000-01-02T00:00", lambda e: False),
])
def test_search(app, auditor, query: str, expect) -> None:  # type: ignore[no-untyped-def]
    before = [e["index"] for e in _entries(app) if expect(e)]
    res = auditor.get(f"/console/audit{query}")
    assert res.status_code == 200
    assert _indexes(res.text) == before[::-1]  # newest first


def test_search_by_actor_and_subject(app, auditor) -> None:
    entries = _entries(app)
    first = entries[0]
    res = auditor.get(f"/console/audit?actor={first['actor']}")
    assert set(_indexes(res.text)) == {e["index"] for e in entries if e["actor"] == first["actor"]}
    res = auditor.get(f"/console/audit?subject_id={first['subject_id']}")
    assert _indexes(res.text) == [e["index"] for e in entries if e["subject_id"] == first["subject_id"]][::-1]


def test_every_read_is_recorded_without_personal_data(app, auditor) -> None:
    auditor.get("/console/audit?actor=13800138000")
    reads = [e for e in _entries(app) if e["action"] == "audit:entries:queried"]
    assert reads and all(e["details"].get("via") == "console" for e in reads)
    assert "13800138000" not in json.dumps(reads)


def test_decisions_chart_counts_each_outcome(auditor) -> None:
    svg = auditor.get("/console/audit").text
    counted: dict[str, int] = {}
    for outcome, n in re.findall(r'data-outcome="(\w+)" data-count="(\d+)"', svg):
        counted[outcome] = counted.get(outcome, 0) + int(n)
    expected: dict[str, int] = {}
    for _, outcome in SCREENED:
        expected[outcome] = expected.get(outcome, 0) + 1
    assert counted == expected


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "<script>"])
def test_bad_times_are_refused(auditor, value: str) -> None:
    res = auditor.get(f"/console/audit?since={value}")
    assert res.status_code == 400 and "<script>" not in res.text


def test_entry_proof_verifies_against_the_signed_checkpoint(app, auditor) -> None:
    index = _entries(app)[1]["index"]
    res = auditor.get(f"/console/audit/entries/{index}")
    assert res.status_code == 200
    assert 'id="server-check" data-ok="true"' in res.text
    data = json.loads(re.search(r'<script type="application/json" id="proof-data">(.*?)</script>', res.text).group(1))
    # The data the page's script checks proves inclusion on its own, with the published key.
    log = app.extensions["riskguard"].audit
    checkpoint = parse(data["checkpoint"], base64.b64decode(data["public_key"]))
    assert base64.b64decode(data["public_key"]) == log.keys.public_key
    assert merkle.verify_inclusion(base64.b64decode(data["entry"]), index, data["tree_size"],
                                   [base64.b64decode(p) for p in data["proof"]], checkpoint.root)


def test_a_tampered_entry_fails_the_server_check(app, auditor) -> None:
    index = _entries(app)[0]["index"]
    auditor.get(f"/console/audit/entries/{index}")  # a checkpoint now covers the entry
    with app.extensions["riskguard"].db.transaction() as session:
        table = AuditEntry.__table__
        entry = session.execute(table.select().where(table.c.idx == index)).one()
        forged = bytes(entry.entry).replace(b'"block"', b'"allow"')
        assert forged != bytes(entry.entry)
        session.execute(update(table).where(table.c.idx == index).values(entry=forged))
    res = auditor.get(f"/console/audit/entries/{index}")
    assert 'id="server-check" data-ok="false"' in res.text


def test_unknown_entry_is_404(auditor) -> None:
    assert auditor.get("/console/audit/entries/999999").status_code == 404


def test_reports_list_and_run(app, auditor, console_login) -> None:
    listing = auditor.get("/console/audit/reports")
    names = re.findall(r'<tr data-report="([^"]+)"', listing.text)
    assert "overrides" in names
    # a review decision is an override the report must show
    reviewer = app.test_client()
    console_login(reviewer, "reviewer")
    case_id = re.search(r'data-case="([^"]+)"', reviewer.get("/console/review").text).group(1)
    page = reviewer.get(f"/console/review/{case_id}")
    assert reviewer.post(f"/console/review/{case_id}", data={"csrf_token": csrf_from(page.text),
                                                              "decision": "allow", "reason": "有数据来源"}).status_code == 302
    res = auditor.get("/console/audit/reports/overrides")
    assert res.status_code == 200
    body = re.search(r'<table id="report-rows">.*?<tbody>(.*?)</tbody>', res.text, re.S).group(1)
    assert body.count("<tr>") == 1 and case_id in body and "有数据来源" in body
    assert auditor.get("/console/audit/reports/no-such-report").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export(app, auditor, fmt: str) -> None:
    res = auditor.get(f"/console/audit/export?format={fmt}&decision=block")
    assert res.status_code == 200 and "attachment" in res.headers["Content-Disposition"]
    text = res.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text))) if fmt == "csv" else [json.loads(x) for x in text.splitlines()]
    assert [str(r["decision"]) for r in rows] == ["block"] * sum(1 for _, d in SCREENED if d == "block")
    exports = [e for e in _entries(app) if e["action"] == "audit:entries:exported"]
    assert len(exports) == 1 and exports[0]["details"]["format"] == fmt


def test_export_refuses_unknown_formats(auditor) -> None:
    assert auditor.get("/console/audit/export?format=xlsx").status_code == 404


def test_explorer_pages_newest_first_both_ways_with_a_total(app, auditor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from riskguard.console.views import audit as pages

    monkeypatch.setattr(pages, "PAGE", 2)
    wanted = [e["index"] for e in _entries(app) if e["action"] == "screening:content:decided"][::-1]
    first = auditor.get("/console/audit?action=screening:content:decided").text
    assert _indexes(first) == wanted[:2] and 'id="prev-page"' not in first
    assert f"共 {len(wanted)} 条记录" in first
    older = re.search(r'href="([^"]+)" id="next-page"', first).group(1).replace("&amp;", "&")
    second = auditor.get(older).text
    assert _indexes(second) == wanted[2:4] and 'id="next-page"' not in second  # four decisions in all
    newer = re.search(r'href="([^"]+)" id="prev-page"', second).group(1).replace("&amp;", "&")
    back = auditor.get(newer).text
    assert _indexes(back) == wanted[:2] and 'id="prev-page"' not in back
