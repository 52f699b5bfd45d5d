"""HTTP round trips on SQLite and PostgreSQL: submit, read, approve (maker-checker), and the audit trail."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from payout_gen import AS_OF, clean, inject
from sqlalchemy import func, select, text

from riskguard.audit.models import AuditEntry
from riskguard.payouts.models import PayoutBatch, PayoutItem, PayoutOverride

AS_OF_Q = {"as_of": AS_OF.isoformat()}


def csv_bytes(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def submit(client, headers, rows, *, as_of=AS_OF, kind="csv"):  # type: ignore[no-untyped-def]
    if kind == "csv":
        body, ctype = csv_bytes(rows), "text/csv"
    else:
        body, ctype = json.dumps({"payouts": rows}).encode("utf-8"), "application/json"
    return client.post("/v1/payouts/batches", data=body, content_type=ctype,
                       query_string={"as_of": as_of.isoformat()}, headers=headers)


def entries(app, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    with app.extensions["riskguard"].db.sessions() as session:
        rows = session.execute(select(AuditEntry).where(AuditEntry.action == action)
                               .order_by(AuditEntry.seq)).scalars().all()
        return [json.loads(r.entry) for r in rows]


def small(seed: int = 7) -> list[dict]:
    return clean(seed, payees=40).rows


def variant(rows: list[dict], tag: int) -> list[dict]:
    """The same payees and amounts with new payout ids and a later period end: not a repeat payment."""
    end = (pd.Timestamp("2026-11-15") + pd.Timedelta(days=tag)).date().isoformat()
    return [dict(r, payout_id=f"{r['payout_id']}-{tag}", period_end=end) for r in rows]


# -- roles -------------------------------------------------------------------------------------------
ROLES = ["screener", "onboarding", "reviewer", "finance", "finance_approver", "privacy_officer", "auditor",
         "admin"]
ALLOWED = {
    "submit": {"finance"},
    "read": {"finance", "finance_approver", "auditor", "admin"},
    "approve": {"finance_approver"},
}


@pytest.mark.parametrize("endpoint", sorted(ALLOWED))
def test_role_matrix(app, client, auth, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    """Every role against one endpoint (one app per endpoint and backend: building an app is slow).

    Reads and approvals go to one batch made for the purpose: a refused call changes nothing, and the
    roles allowed to approve come last, so every refused call meets the batch as it was made."""
    batch_id = None
    if endpoint != "submit":
        made = submit(client, auth("finance", "maker"), small())
        assert made.status_code == 201
        batch_id = made.get_json()["batch_id"]
    seen = {}
    for n, role in enumerate(sorted(ROLES, key=lambda r: r in ALLOWED[endpoint])):
        headers = auth(role, f"caller-{role}")
        if endpoint == "submit":
            resp = submit(client, headers, variant(small(), n))
        elif endpoint == "read":
            resp = client.get(f"/v1/payouts/batches/{batch_id}", headers=headers)
        else:
            resp = client.post(f"/v1/payouts/batches/{batch_id}/approve", json={}, headers=headers)
        seen[role] = resp.status_code
        if role not in ALLOWED[endpoint]:
            assert resp.get_json()["error"]["code"] == "forbidden"
        elif endpoint == "read":
            assert resp.get_json()["batch_id"] == batch_id
    assert seen == {role: (201 if endpoint == "submit" else 200) if role in ALLOWED[endpoint] else 403
                    for role in ROLES}


@pytest.mark.parametrize("endpoint", ["/v1/payouts/batches", "/v1/payouts/batches/pb_x/approve"])
def test_no_token_is_401(client, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    assert client.post(endpoint, data=b"x", content_type="text/csv").status_code == 401


# -- submit and read ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["csv", "json"])
def test_submit_stores_batch_with_decisions_and_audit(app, client, auth, kind: str) -> None:  # type: ignore[no-untyped-def]
    g = inject("merchant_over_net", payees=40)
    resp = submit(client, auth("finance"), g.rows, kind=kind)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert [p["payout_id"] for p in body["payouts"]] == [r["payout_id"] for r in g.rows]
    blocked = {p["payout_id"] for p in body["payouts"] if p["decision"] == "block"}
    assert blocked == {pid for pid, (_, d) in g.expected.items() if d == "block"}
    assert body["data_quality"]["success"] is True and body["data_quality"]["expectations"]
    assert body["summary"]["policy_revision"].startswith("payout-review/")
    read = client.get(f"/v1/payouts/batches/{body['batch_id']}", headers=auth("auditor")).get_json()
    assert read["payouts_total"] == len(g.rows) and read["status"] == "checked"
    assert [p["decision"] for p in read["payouts"]] == [p["decision"] for p in body["payouts"]]
    only_blocked = client.get(f"/v1/payouts/batches/{body['batch_id']}", query_string={"decision": "block"},
                              headers=auth("auditor")).get_json()
    assert {p["payout_id"] for p in only_blocked["payouts"]} == blocked
    [entry] = entries(app, "payouts:batch:checked")
    assert entry["subject"]["id"] == body["batch_id"] and entry["decision"] == "block"
    assert entry["details"]["preparer"] == body["preparer"]
    assert entry["input_digest"].startswith("hmac-sha256:")
    assert "rule.merchant_over_net" in entry["rule_ids"]
    raw = json.dumps(entry, ensure_ascii=False)
    assert g.rows[0]["bank_account_token"] not in raw and g.rows[0]["payee_id"] not in raw


@pytest.mark.parametrize(("body", "ctype", "status", "code"), [
    (b"\xff\xfe\x00garbage", "text/csv", 400, "invalid_encoding"),
    (b"just,some,columns\n1,2,3\n", "text/csv", 400, "missing_columns"),
    (b"{not json", "application/json", 400, "malformed_json"),
    (b'{"payouts": 5}', "application/json", 400, "malformed_batch"),
    (b"[1, 2]", "application/json", 400, "malformed_batch"),
    (b"", "text/csv", 400, "empty_batch"),
    (b"payout_id,payee_id,payee_type,amount_fen,currency,period_start,period_end,bank_account_token,created_by,"
     b"created_at\n", "text/csv", 400, "empty_batch"),
])
def test_unreadable_batches_are_4xx_and_store_nothing(app, client, auth, body: bytes, ctype: str, status: int,
                                                      code: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.post("/v1/payouts/batches", data=body, content_type=ctype, headers=auth("finance"),
                       query_string=AS_OF_Q)
    assert resp.status_code == status and resp.get_json()["error"]["code"] == code
    with app.extensions["riskguard"].db.sessions() as session:
        assert session.execute(select(func.count()).select_from(PayoutBatch)).scalar_one() == 0


def test_a_json_batch_is_parsed_once(client, auth, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The input layer reads every JSON body strictly; the batch reader takes that value, not the text."""
    from riskguard import strictjson

    parsed: list[int] = []
    loads = strictjson.loads

    def counted(text: str, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(len(text))
        return loads(text, **kwargs)

    monkeypatch.setattr(strictjson, "loads", counted)
    resp = submit(client, auth("finance"), small(), kind="json")
    assert resp.status_code == 201 and resp.get_json()["summary"]["rows"] == len(small())
    assert len(parsed) == 1


def test_too_many_rows_is_413(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    service = app.extensions["riskguard"].payouts
    service.policy = type(service.policy)(**{**service.policy.__dict__, "input": {**service.policy.input,
                                                                                  "max_rows": 10}})
    resp = submit(client, auth("finance"), small())
    assert resp.status_code == 413 and resp.get_json()["error"]["code"] == "too_many_rows"


def test_audit_failure_stores_nothing_and_answers_503(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    headers = auth("finance")
    db = app.extensions["riskguard"].db
    with db.transaction() as session:
        session.execute(text("DROP TABLE audit_entries"))
    resp = submit(client, headers, small())
    assert resp.status_code == 503 and resp.get_json()["error"]["code"] == "audit_unavailable"
    with db.sessions() as session:
        assert session.execute(select(func.count()).select_from(PayoutBatch)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(PayoutItem)).scalar_one() == 0


def test_stored_batches_are_the_history(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    g = clean(3, payees=30)
    headers = auth("finance")
    by_week: dict[str, list[dict]] = {}
    for row in g.history:
        by_week.setdefault(row["paid_at"], []).append({k: v for k, v in row.items() if k != "paid_at"})
    for paid_at, rows in sorted(by_week.items()):
        assert submit(client, headers, rows, as_of=pd.Timestamp(paid_at)).status_code == 201
    rows = [dict(r) for r in g.rows]
    rows[0].update(amount_fen=str(int(rows[0]["amount_fen"]) * 10), gross_sales_fen=str(10**12))
    rows[1]["payout_id"] = g.history[1]["payout_id"]
    body = submit(client, headers, rows).get_json()
    first, second = body["payouts"][0], body["payouts"][1]
    assert "stat.amount_z" in [f["check"] for f in first["findings"]]
    assert "rule.duplicate_payout_id" in [f["check"] for f in second["findings"]]
    assert all(p["decision"] == "allow" for p in body["payouts"][2:])


# -- approval ----------------------------------------------------------------------------------------
def _approve(client, headers, batch_id, **body):  # type: ignore[no-untyped-def]
    return client.post(f"/v1/payouts/batches/{batch_id}/approve", json=body, headers=headers)


def test_preparer_cannot_approve_even_with_an_approver_key(app, client, token) -> None:  # type: ignore[no-untyped-def]
    tok = token("finance")
    made = submit(client, {"Authorization": f"Bearer {tok}"}, small()).get_json()
    # the same key cannot hold two roles; the check is on the key identity in the stored batch
    db = app.extensions["riskguard"].db
    approver = token("finance_approver", "approver")
    approver_ref = "key:" + approver.split("_")[1]
    with db.transaction() as session:
        session.get(PayoutBatch, made["batch_id"]).preparer = approver_ref
    resp = _approve(client, {"Authorization": f"Bearer {approver}"}, made["batch_id"])
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "approver_is_preparer"


@pytest.mark.parametrize(("column", "code"), [("created_by", "approver_created_payouts"),
                                              ("bank_account_changed_by", "approver_changed_bank_details")])
@pytest.mark.parametrize("who", ["name", "ref"])
def test_approver_named_in_rows_is_refused_unless_excluded(app, client, auth, token, column: str, code: str,
                                                           who: str) -> None:  # type: ignore[no-untyped-def]
    approver = token("finance_approver", "bob@finance")
    identity = "bob@finance" if who == "name" else "key:" + approver.split("_")[1]
    rows = small()
    rows[3][column] = identity
    batch_id = submit(client, auth("finance"), rows).get_json()["batch_id"]
    headers = {"Authorization": f"Bearer {approver}"}
    refused = _approve(client, headers, batch_id)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == code
    assert refused.get_json()["error"]["details"]["rows"] == [{"row": 4, "payout_id": rows[3]["payout_id"]}]
    other = _approve(client, auth("finance_approver", "carol"), batch_id)
    assert other.status_code == 200
    rows = variant(small(), 1)
    rows[3][column] = identity
    again = submit(client, auth("finance"), rows).get_json()
    ok = _approve(client, headers, again["batch_id"], exclude=[rows[3]["payout_id"]])
    assert ok.status_code == 200 and ok.get_json()["excluded"] == 1


def test_blocked_payouts_must_be_excluded_or_overridden(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    g = inject("self_dealing_account", payees=40)
    g.rows[0]["amount_fen"] = "-5"
    preparer = auth("finance", "maker")
    made = submit(client, preparer, g.rows).get_json()
    batch_id = made["batch_id"]
    blocked = [p for p in made["payouts"] if p["decision"] == "block"]
    assert len(blocked) == 2
    approver = auth("finance_approver", "checker")
    refused = _approve(client, approver, batch_id)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "blocked_payouts_unresolved"
    assert refused.get_json()["error"]["details"]["count"] == 2
    review = next(p for p in made["payouts"] if p["decision"] == "review")
    allowed = next(p for p in made["payouts"] if p["decision"] == "allow")
    bad = [
        ({"exclude": ["nope"]}, 400, "unknown_payout"),
        ({"overrides": [{"payout_id": allowed["payout_id"], "reason": "looks fine to me"}]}, 400,
         "nothing_to_override"),
        ({"exclude": [blocked[0]["payout_id"]],
          "overrides": [{"payout_id": blocked[0]["payout_id"], "reason": "both at once"}]}, 400,
         "conflicting_actions"),
        ({"overrides": [{"payout_id": blocked[1]["payout_id"], "reason": ""}]}, 400, "validation_error"),
        ({"exclude_rows": [10_000]}, 400, "unknown_row"),
        ({"exclude_rows": [1], "overrides": [{"payout_id": blocked[1]["payout_id"], "reason": "payee said ok"},
                                             {"payout_id": review["payout_id"], "reason": "call 13812345678"}]},
         400, "reason_contains_personal_data"),
    ]
    for body, status, code in bad:
        resp = _approve(client, approver, batch_id, **body)
        assert (resp.status_code, resp.get_json()["error"]["code"]) == (status, code), body
    assert resp.get_json()["error"]["field"] == "overrides.1.reason"
    reason = "contract amendment 2026-11 moves this distributor's payouts to the merchant's account"
    done = _approve(client, approver, batch_id, exclude_rows=[1],
                    overrides=[{"payout_id": blocked[1]["payout_id"], "reason": reason},
                               {"payout_id": review["payout_id"], "reason": "checked with the merchant"}])
    assert done.status_code == 200, done.get_json()
    result = done.get_json()
    assert (result["approved"], result["excluded"], result["overridden"]) == (len(g.rows) - 1, 1, 2)
    assert _approve(client, approver, batch_id).status_code == 409
    read = client.get(f"/v1/payouts/batches/{batch_id}", headers=approver).get_json()
    assert read["status"] == "approved" and read["approved_by"] == result["approver"]
    statuses = {p["row"]: p["status"] for p in read["payouts"]}
    assert statuses[1] == "excluded" and set(statuses.values()) == {"excluded", "approved"}
    [approval] = entries(app, "payouts:batch:approved")
    overrides = entries(app, "payouts:payout:overridden")
    [checked] = entries(app, "payouts:batch:checked")
    assert approval["details"]["preparer"] == made["preparer"] != approval["details"]["approver"]
    assert approval["actor"] == result["approver"]
    assert approval["links"]["checked"] == checked["id"]
    assert result["audit_entry"] == approval["id"]
    assert sorted(approval["details"]["override_entries"]) == sorted(o["id"] for o in overrides)
    assert sorted(v for k, v in approval["links"].items() if k.startswith("override_")) == sorted(
        o["id"] for o in overrides)
    reasons = {blocked[1]["row"]: reason, review["row"]: "checked with the merchant"}
    automated = {p["row"]: p for p in made["payouts"]}
    for entry in overrides:  # each override names the automated decision and findings it overrides
        row = entry["details"]["row"]
        assert entry["links"] == {"batch": batch_id, "overrides": checked["id"]}
        assert entry["reason"] == reasons[row] and entry["decision"] == "allow"
        assert entry["details"]["automated_decision"] == automated[row]["decision"]
        assert [f["check"] for f in entry["details"]["findings"]] == [f["check"] for f in automated[row]["findings"]]
        assert "values" not in json.dumps(entry["details"]["findings"])  # never the compared payee data
    linked = {o["row"]: o for o in approval["details"]["overrides"]}
    assert set(linked) == set(reasons)
    for o in overrides:
        row = o["details"]["row"]
        assert linked[row]["entry"] == o["id"] and linked[row]["automated_decision"] == automated[row]["decision"]
        assert linked[row]["findings"] == o["details"]["findings"]
    with app.extensions["riskguard"].db.sessions() as session:
        stored = session.execute(select(PayoutOverride.reason)).scalars().all()
    assert reason in stored
    shown = {p["row"]: p for p in read["payouts"]}  # GET of the batch: what the approver decided over
    for row, why in reasons.items():
        override = shown[row]["override"]
        assert (override["decision"], override["reason"], override["by"]) == ("allow", why, result["approver"])
        assert override["audit_entry"] in result["override_entries"] and override["at"].endswith("+00:00")
        assert shown[row]["decision"] == automated[row]["decision"] and shown[row]["findings"]
    assert all(p["override"] is None for r, p in shown.items() if r not in reasons)
    assert {"amount_fen", "payee_id", "currency"} <= set(shown[1]) and read["approval_entry"] == approval["id"]
    report = client.get("/v1/audit/reports/overrides?format=json", headers=auth("auditor")).get_json()
    payout_rows = {r["subject_id"]: r for r in report["rows"] if r["action"] == "payouts:payout:overridden"}
    assert {r["reason"] for r in payout_rows.values()} == set(reasons.values())
    assert {r["details.automated_decision"] for r in payout_rows.values()} == {"block", "review"}


def test_preparer_approver_report_query(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    """The auditors' "approved by their preparer" report needs preparer and approver on each approval."""
    batch_id = submit(client, auth("finance", "m"), small()).get_json()["batch_id"]
    assert _approve(client, auth("finance_approver", "c"), batch_id).status_code == 200
    [approval] = entries(app, "payouts:batch:approved")
    same = [e for e in entries(app, "payouts:batch:approved") if e["details"]["preparer"] == e["details"]["approver"]]
    assert same == [] and approval["details"]["preparer"].startswith("key:")


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_cells_that_start_like_a_formula_are_data_quality_findings(app, client, auth, kind: str) -> None:  # type: ignore[no-untyped-def]
    rows = small()
    rows[0]["payee_id"] = '=HYPERLINK("http://evil.example","x")'
    rows[1]["created_by"] = "@SUM(A1)"
    rows[2]["payout_id"] = "+" + rows[2]["payout_id"]
    resp = submit(client, auth("finance"), rows, kind=kind)
    assert resp.status_code == 201, resp.get_json()
    payouts = resp.get_json()["payouts"]
    for row, check in ((0, "dq.payee_id.formula_like"), (1, "dq.created_by.formula_like"),
                       (2, "dq.payout_id.formula_like")):
        assert payouts[row]["decision"] == "block", payouts[row]
        assert check in [f["check"] for f in payouts[row]["findings"]]
    assert not [f for p in payouts[3:] for f in p["findings"] if f["check"].endswith(".formula_like")]


def test_batches_above_the_ordinary_body_limit_are_accepted_up_to_the_policy_limit(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    rows = clean(12, payees=8000).rows
    body = csv_bytes(rows)
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]  # the service-wide limit for ordinary bodies
    resp = client.post("/v1/payouts/batches", data=body, content_type="text/csv", headers=auth("finance"),
                       query_string=AS_OF_Q)
    assert resp.status_code == 201 and resp.get_json()["summary"]["rows"] == len(rows)
    as_json = submit(client, auth("finance"), variant(rows, 1), kind="json")  # the input layer reads it too
    assert as_json.status_code == 201 and as_json.get_json()["summary"]["rows"] == len(rows)
    service = app.extensions["riskguard"].payouts
    service.policy = type(service.policy)(**{**service.policy.__dict__,
                                             "input": {**service.policy.input, "max_bytes": len(body) - 1}})
    too_big = client.post("/v1/payouts/batches", data=body, content_type="text/csv", headers=auth("finance"),
                          query_string=AS_OF_Q)
    assert too_big.status_code == 413 and too_big.get_json()["error"]["code"] == "body_too_large"


def test_approval_audit_failure_approves_nothing(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    batch_id = submit(client, auth("finance", "m"), small()).get_json()["batch_id"]
    approver = auth("finance_approver", "c")
    db = app.extensions["riskguard"].db
    with db.transaction() as session:
        session.execute(text("DROP TABLE audit_entries"))
    resp = _approve(client, approver, batch_id)
    assert resp.status_code == 503 and resp.get_json()["error"]["code"] == "audit_unavailable"
    with db.sessions() as session:
        assert session.get(PayoutBatch, batch_id).status == "checked"
        statuses = set(session.execute(select(PayoutItem.status).where(PayoutItem.batch_id == batch_id)).scalars())
    assert statuses == {"pending"}


def test_review_payouts_need_a_choice_and_the_batch_shows_the_outcome(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    g = inject("self_dealing_account", payees=40)
    made = submit(client, auth("finance", "maker"), g.rows).get_json()
    approver = auth("finance_approver", "checker")
    read = client.get(f"/v1/payouts/batches/{made['batch_id']}", headers=approver).get_json()
    by_decision = {d: [p for p in read["payouts"] if p["decision"] == d] for d in ("allow", "review", "block")}
    assert by_decision["review"] and by_decision["block"]
    assert read["outcome"]["paid"] == {"count": 0, "amount_fen": 0}
    blocked_excluded = {"exclude": [p["payout_id"] for p in by_decision["block"]]}
    refused = _approve(client, approver, made["batch_id"], **blocked_excluded)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "review_payouts_unresolved"
    assert refused.get_json()["error"]["details"]["rows"] == [
        {"row": p["row"], "payout_id": p["payout_id"]} for p in by_decision["review"]]
    [first, *rest] = by_decision["review"]
    done = _approve(client, approver, made["batch_id"], exclude=blocked_excluded["exclude"] + [p["payout_id"] for p in rest],
                    overrides=[{"payout_id": first["payout_id"], "reason": "merchant sent the contract amendment"}])
    assert done.status_code == 200, done.get_json()
    outcome = client.get(f"/v1/payouts/batches/{made['batch_id']}", query_string={"limit": 1},
                         headers=auth("auditor")).get_json()["outcome"]

    def total(items: list[dict]) -> dict[str, int]:
        return {"count": len(items), "amount_fen": sum(p["amount_fen"] for p in items)}

    held = by_decision["block"] + by_decision["review"]
    assert outcome == {"held": total(held), "released": total([first]),
                       "excluded": total(by_decision["block"] + rest),
                       "paid": total(by_decision["allow"] + [first])}
    assert outcome["paid"]["amount_fen"] == done.get_json()["amount_fen_approved"]
