"""The auditors' API: role matrix, bad input, pagination and filters, proofs, export, reports, and the
auditing of every query — on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from faults import refuse_audit_entries

from riskguard.audit import AuditEvent, merkle
from riskguard.audit.checkpoints import parse
from riskguard.audit.query import EXPORT_COLUMNS
from riskguard.auth import Role

ENDPOINTS = ["/v1/audit/entries", "/v1/audit/entries/0", "/v1/audit/entries/0/proof",
             "/v1/audit/checkpoints/latest", "/v1/audit/consistency?from=0&to=1", "/v1/audit/export",
             "/v1/audit/reports", "/v1/audit/reports/overrides", "/v1/audit/public-key"]


def _seed(app, events: list[AuditEvent]) -> None:  # type: ignore[no-untyped-def]
    """Record as a request of another domain would (integrated when that request ends)."""
    audit = app.extensions["riskguard"].audit
    for ev in events:
        with audit.transaction() as tx:
            tx.record(ev)
    audit.integrate()


def _ev(i: int, **kw: object) -> AuditEvent:
    base: dict = {"action": "screening:content:decided", "actor": f"key:a{i % 2}", "subject_type": "ad",
                  "subject_id": f"ad_{i}", "decision": "block" if i % 3 == 0 else "allow",
                  "policy_revision": "rev-2" if i >= 20 else "rev-1"}
    base.update(kw)
    return AuditEvent(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_role_matrix(shared_app, shared_client, shared_auth, path: str) -> None:
    """On one app per module and backend: the matrix holds at any size of the log."""
    app, client, auth = shared_app, shared_client, shared_auth
    _seed(app, [_ev(1), _ev(2)])
    assert client.get(path).status_code == 401
    for role in Role:
        res = client.get(path, headers=auth(role))
        res.get_data()  # consume (and so close) streamed bodies
        expected = 200 if role is Role.AUDITOR else 403
        assert res.status_code == expected, (role, res.get_json(silent=True))
        if expected == 403:
            assert res.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("query,status,code", [
    ("cursor=!!!", 400, "bad_cursor"),
    ("cursor=aWR4Oi0x", 400, "bad_cursor"),  # "idx:-1"
    ("cursor=" + "A" * 65, 400, "validation_error"),
    ("limit=0", 400, "validation_error"),
    ("limit=1001", 400, "validation_error"),
    ("limit=99999999999999999999", 400, "validation_error"),
    ("limit=ten", 400, "validation_error"),
    ("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", 400, "validation_error"),
    ("since=2026-01-01T00:00:00Z&until=2026-01-01T00:00:00Z", 400, "validation_error"),
    ("since=yesterday", 400, "validation_error"),
    ("colour=red", 400, "validation_error"),
    ("action=DROP TABLE", 400, "validation_error"),
    ("subject_id=" + "x" * 200, 400, "validation_error"),
])
def test_bad_entry_queries_are_json_4xx(shared_client, shared_auth, query: str, status: int, code: str) -> None:
    res = shared_client.get(f"/v1/audit/entries?{query}", headers=shared_auth("auditor"))
    assert res.status_code == status and res.get_json()["error"]["code"] == code


@pytest.mark.parametrize("path,status,code", [
    ("/v1/audit/consistency?from=3&to=1", 400, "validation_error"),
    ("/v1/audit/consistency?from=0&to=999999", 400, "tree_size_too_large"),
    ("/v1/audit/consistency?to=1", 400, "validation_error"),
    ("/v1/audit/consistency?from=-1&to=1", 400, "validation_error"),
    ("/v1/audit/entries/999999", 404, "entry_not_found"),
    ("/v1/audit/entries/-1", 404, "not_found"),
    ("/v1/audit/entries/99999999999999999999999", 404, "entry_not_found"),
    ("/v1/audit/entries/99999999999999999999999/proof", 404, "entry_not_found"),
    ("/v1/audit/consistency?from=0&to=99999999999999999999999", 400, "validation_error"),
    ("/v1/audit/entries/0/proof?tree_size=0", 400, "validation_error"),
    ("/v1/audit/entries/0/proof?tree_size=999999", 400, "tree_size_too_large"),
    ("/v1/audit/entries/3/proof?tree_size=2", 404, "entry_not_found"),
    ("/v1/audit/export?format=xml", 400, "validation_error"),
    ("/v1/audit/export?limit=5", 400, "validation_error"),
    ("/v1/audit/reports/nope", 404, "report_not_found"),
    ("/v1/audit/reports/overrides?format=pdf", 400, "validation_error"),
    ("/v1/audit/reports/overrides?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", 400, "validation_error"),
])
def test_bad_requests_elsewhere_are_json_4xx(shared_app, shared_client, shared_auth, path: str, status: int,
                                             code: str) -> None:
    """On one app per module and backend (its log at least five entries long, and far shorter than the
    sizes these ask beyond)."""
    _seed(shared_app, [_ev(i) for i in range(5)])
    res = shared_client.get(path, headers=shared_auth("auditor"))
    assert res.status_code == status, res.get_json()
    assert res.get_json()["error"]["code"] == code


def test_pagination_and_filters(app, client, auth) -> None:
    _seed(app, [_ev(i) for i in range(25)])
    headers = auth("auditor")
    seen, cursor = [], None
    while True:
        res = client.get("/v1/audit/entries?limit=10&action=screening:content:decided"
                         + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        body = res.get_json()
        seen += [e["index"] for e in body["entries"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == list(range(25))
    expectations = {
        "actor=key:a1": [i for i in range(25) if i % 2 == 1],
        "decision=block": [i for i in range(25) if i % 3 == 0],
        "policy_revision=rev-2": list(range(20, 25)),
        "subject_type=ad&subject_id=ad_7": [7],
        "action=screening:*": list(range(25)),
        "action=review:case:decided": [],
    }
    for query, want in expectations.items():
        got = [e["index"] for e in client.get(f"/v1/audit/entries?limit=1000&{query}",
                                               headers=headers).get_json()["entries"]]
        assert got == want, query
    future = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert client.get(f"/v1/audit/entries?since={future}", headers=headers).get_json()["entries"] == []
    entry = client.get("/v1/audit/entries/7", headers=headers).get_json()
    assert entry["subject_id"] == "ad_7" and entry["time"].endswith("Z")
    assert base64.b64decode(entry["leaf_hash"]) == merkle.leaf_hash(entry["canonical"].encode())


def test_every_query_is_itself_audited(app, client, auth, token) -> None:
    _seed(app, [_ev(1)])
    tok = token("auditor")
    key_id = tok.split("_")[1]
    headers = {"Authorization": f"Bearer {tok}"}
    for path in ENDPOINTS:
        res = client.get(path, headers=headers)
        res.get_data()
        assert res.status_code == 200, path
    res = client.get("/v1/audit/entries?limit=1000&action=audit:*", headers=headers).get_json()
    mine = [e for e in res["entries"] if e["actor"] == f"key:{key_id}"]
    assert [e["subject_id"] for e in mine] == ["entries", "entry", "proof", "checkpoint", "consistency",
                                               "export", "reports", "overrides", "public-key"]
    assert {e["action"] for e in mine} == {"audit:entries:queried", "audit:entries:exported", "audit:report:run"}


def test_query_fails_closed_when_it_cannot_be_recorded(app, client, auth, monkeypatch) -> None:
    _seed(app, [_ev(1)])
    headers = auth("auditor")

    refuse_audit_entries(app.extensions["riskguard"].db)  # the database refuses every new entry
    for path in ENDPOINTS:
        res = client.get(path, headers=headers)
        assert res.status_code == 503, path
        assert res.get_json()["error"]["code"] == "audit_unavailable"
        assert "refused" not in res.get_data(as_text=True)


def test_inclusion_and_consistency_proofs_verify_against_the_signed_checkpoint(app, client, auth) -> None:
    _seed(app, [_ev(i) for i in range(9)])
    headers = auth("auditor")
    key = client.get("/v1/audit/public-key", headers=headers).get_json()
    public = base64.b64decode(key["verifier_key"].split("+", 2)[2])[1:]
    old = client.get("/v1/audit/checkpoints/latest", headers=headers).get_json()
    old_cp = parse(old["note"], public, key["origin"])
    _seed(app, [_ev(i) for i in range(9, 14)])
    new = parse(client.get("/v1/audit/checkpoints/latest", headers=headers).get_json()["note"], public)
    assert new.size > old_cp.size
    for index in (0, 4, old_cp.size - 1):
        body = client.get(f"/v1/audit/entries/{index}/proof?tree_size={old_cp.size}", headers=headers).get_json()
        proof = [base64.b64decode(p) for p in body["proof"]]
        assert body["checkpoint"] == old["note"]
        assert merkle.verify_inclusion(body["entry"]["canonical"].encode(), index, old_cp.size, proof, old_cp.root)
    latest = client.get("/v1/audit/entries/2/proof", headers=headers).get_json()
    assert latest["tree_size"] >= new.size and latest["checkpoint"]
    res = client.get(f"/v1/audit/consistency?from={old_cp.size}&to={new.size}", headers=headers).get_json()
    proof = [base64.b64decode(p) for p in res["proof"]]
    assert merkle.verify_consistency(old_cp.size, new.size, old_cp.root, new.root, proof)
    assert not merkle.verify_consistency(old_cp.size, new.size, new.root, old_cp.root, proof)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_streams_fixed_columns(app, client, auth, fmt: str) -> None:
    _seed(app, [_ev(i, reason="=cmd|' /C calc'!A0" if i == 2 else None) for i in range(6)])
    res = client.get(f"/v1/audit/export?format={fmt}&actor=key:a0", headers=auth("auditor"))
    assert res.status_code == 200 and res.is_streamed
    text = res.get_data(as_text=True)
    if fmt == "jsonl":
        rows = [json.loads(line) for line in text.splitlines()]
        assert all(tuple(r) == EXPORT_COLUMNS for r in rows)
    else:
        reader = csv.DictReader(io.StringIO(text))
        assert tuple(reader.fieldnames or ()) == EXPORT_COLUMNS
        rows = list(reader)
        assert rows[1]["reason"].startswith("'=")  # spreadsheet formulas are neutralised
    assert [int(r["index"]) for r in rows] == [0, 2, 4]
    for r in rows:
        datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert base64.b64decode(r["leaf_hash"]) == merkle.leaf_hash(r["canonical"].encode())


FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_every_csv_the_api_writes_neutralises_formulas(app, client, auth) -> None:
    """Export and report CSVs: no cell starts like a formula; the text is kept after a quote."""
    _seed(app, [AuditEvent(action="review:case:decided", actor="key:rev1", subject_type="review_case",
                           subject_id=f"{f}case", decision="allow", reason=f, links={"overrides": f"{f}dec"})
                for f in FORMULAS])
    headers = auth("auditor")
    for url in ("/v1/audit/export?format=csv&action=review:case:decided", "/v1/audit/reports/overrides?format=csv"):
        res = client.get(url, headers=headers)
        assert res.status_code == 200, url
        rows = list(csv.DictReader(io.StringIO(res.get_data(as_text=True), newline="")))
        assert len(rows) == len(FORMULAS), url
        cells = [cell for row in rows for cell in row.values()]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], url
        assert [r["reason"] for r in rows] == ["'" + f for f in FORMULAS], url


def test_named_reports(app, client, auth) -> None:
    _seed(app, [
        AuditEvent(action="review:case:decided", actor="key:rev1", subject_type="review_case", subject_id="case_1",
                   decision="allow", reason="资质已核实", links={"overrides": "dec_1"},
                   details={"articles": ["广告法 9(3)"], "automated_decision": "block"}),
        AuditEvent(action="review:case:decided", actor="key:rev1", subject_type="review_case", subject_id="case_2",
                   decision="block", links={}),
        AuditEvent(action="privacy:record:revealed", actor="key:po2", subject_type="merchant", subject_id="m_1",
                   reason="regulator request", details={"fields": ["id_number"]}),
        AuditEvent(action="privacy:record:revealed", actor="key:po1", subject_type="merchant", subject_id="m_2",
                   reason="KYC recheck", details={"fields": ["bank_account"]}),
        AuditEvent(action="payouts:batch:approved", actor="key:fa1", subject_type="payout_batch",
                   subject_id="b_1", details={"preparer": "key:f1", "approver": "key:fa1"}),
        AuditEvent(action="payouts:batch:approved", actor="key:f1", subject_type="payout_batch",
                   subject_id="b_2", details={"preparer": "key:f1", "approver": "key:f1"}),
        AuditEvent(action="rulebook:policy:loaded", actor="system", subject_type="policy", subject_id="ad",
                   policy_revision="rev-9"),
        AuditEvent(action="vault:kek:rotated", actor="key:po1", subject_type="kek", subject_id="2"),
        AuditEvent(action="auth:key:revoked", actor="cli", subject_type="api_key", subject_id="k1"),
    ])
    headers = auth("auditor")
    names = {r["name"] for r in client.get("/v1/audit/reports", headers=headers).get_json()["reports"]}
    assert names >= {"overrides", "decryptions-by-actor", "payouts-approved-by-preparer",
                     "policy-and-key-changes", "auditor-access"}

    def rows(name: str) -> list[dict]:
        return client.get(f"/v1/audit/reports/{name}", headers=headers).get_json()["rows"]

    over = rows("overrides")
    assert [(r["subject_id"], r["links.overrides"], r["details.articles"]) for r in over] == \
        [("case_1", "dec_1", ["广告法 9(3)"])]
    assert [r["actor"] for r in rows("decryptions-by-actor")] == ["key:po1", "key:po2"]
    sod = client.get("/v1/audit/reports/payouts-approved-by-preparer", headers=headers).get_json()
    assert [r["subject_id"] for r in sod["rows"]] == ["b_2"] and sod["finding"] is True
    assert [r["subject_id"] for r in rows("policy-and-key-changes")] == ["ad", "2", "k1"]
    assert {r["subject_id"] for r in rows("auditor-access")} >= {"reports", "overrides"}
    res = client.get("/v1/audit/reports/overrides?format=csv", headers=headers)
    assert res.get_data(as_text=True).splitlines()[0].startswith("index,time,actor,action")
    past = client.get("/v1/audit/reports/overrides?to=2020-01-01T00:00:00Z", headers=headers).get_json()
    assert past["rows"] == []


def test_openapi_documents_the_audit_endpoints(client) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/v1/audit/entries", "/v1/audit/entries/{index}/proof", "/v1/audit/consistency",
                 "/v1/audit/export", "/v1/audit/reports/{name}", "/v1/audit/checkpoints/latest"):
        assert "auditor" in paths[path]["get"]["description"], path


def test_requests_that_record_are_integrated_and_checkpointed(app, client, auth) -> None:
    """After a request that recorded something, the log is integrated and, when due, checkpointed."""
    from sqlalchemy import func, select

    from riskguard.audit.models import AuditCheckpoint, AuditEntry

    headers = auth("auditor")
    res = client.get("/v1/audit/reports", headers=headers)
    assert res.status_code == 200
    res.close()
    # The worker's background sequencer integrates (and signs the due checkpoint) shortly after the
    # commit, off the request path; wait for it rather than for a fixed time.
    import time

    db = app.extensions["riskguard"].db
    deadline = time.monotonic() + 10
    while True:
        with db.engine.connect() as conn:
            pending = conn.execute(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.idx.is_(None))).scalar_one()
            checkpoints = conn.execute(select(func.count()).select_from(AuditCheckpoint)).scalar_one()
        if (pending == 0 and checkpoints >= 1) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert pending == 0 and checkpoints >= 1


def test_a_filter_value_that_looks_personal_is_logged_as_a_digest(app, client, auth) -> None:
    _seed(app, [_ev(1)])
    headers = auth("auditor")
    res = client.get("/v1/audit/entries?subject_id=13812345678", headers=headers)
    assert res.status_code == 200 and res.get_json()["entries"] == []
    access = client.get("/v1/audit/entries?action=audit:entries:queried", headers=headers).get_json()["entries"]
    assert access[0]["details"]["subject_id"].startswith("hmac-sha256:")
    assert "13812345678" not in access[0]["canonical"]
