"""The privacy officer's API on SQLite and PostgreSQL: subject lookup through the blind indexes, the erasure
preview, the access export (JSON and CSV) and retention status; reasons, roles, and what the audit trail
keeps (never the looked-up value, never the exported data)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from riskguard.audit.models import AuditEntry
from riskguard.auth import Role
from riskguard.ids import keyed_digest, new_id, utcnow
from riskguard.privacy.vault import new_subject_id

from .conftest import Person

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"
REASON = "data_subject_request:DSR-17"


@pytest.fixture
def people(vault_app):  # type: ignore[no-untyped-def]
    """Two records of one subject (the phone on both), and another subject with another phone."""
    db = vault_app.extensions["riskguard"].db
    alice, bob = new_subject_id(), new_subject_id()
    rows = [Person(id=new_id("p"), subject_id=alice, name="=王小明", id_number=ID_NUMBER, phone=PHONE),
            Person(id=new_id("p"), subject_id=alice, name="王小明", phone=PHONE,
                   created_at=utcnow() - timedelta(days=60)),
            Person(id=new_id("p"), subject_id=bob, name="李四", phone="13900001111")]
    with vault_app.app_context(), db.transaction() as session:
        session.add_all(rows)
    return {"alice": alice, "bob": bob, "ids": [r.id for r in rows]}


def _entries(app, action: str) -> list[bytes]:  # type: ignore[no-untyped-def]
    with app.extensions["riskguard"].db.sessions() as session:
        return list(session.scalars(select(AuditEntry.entry).where(AuditEntry.action == action)))


def _lookup(client, headers, **body):  # type: ignore[no-untyped-def]
    return client.post("/v1/privacy/subjects/lookup", json={"reason": REASON, **body}, headers=headers)


def test_lookup_finds_the_subject_and_keeps_only_a_digest(vault_app, client, auth, people) -> None:
    officer = auth(Role.PRIVACY_OFFICER)
    res = _lookup(client, officer, kind="phone", value="+86 138-1234-5678")
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert [s["subject_id"] for s in body["subjects"]] == [people["alice"]]
    [subject] = body["subjects"]
    assert subject["status"] == "active" and len(subject["records"]) == 2 and subject["blind_indexes"] == 3
    assert {r["fields"]["phone"] for r in subject["records"]} == {"138****5678"}
    assert PHONE not in res.get_data(as_text=True) and ID_NUMBER not in res.get_data(as_text=True)
    [entry] = _entries(vault_app, "privacy:subject:looked_up")
    # neither the value as sent nor its masked form (a bare b"5678" would also match random hex ids)
    assert not any(v in entry for v in (PHONE.encode(), b"1234-5678", b"****5678", b"138-1234"))
    digest = keyed_digest(vault_app.extensions["riskguard"].keyring.secret("digest"), f"phone:{PHONE}")
    assert digest.encode() in entry and REASON.encode() in entry and body["lookup_id"].encode() in entry
    by_id = _lookup(client, officer, kind="id_number", value=ID_NUMBER.lower()).get_json()
    assert [s["subject_id"] for s in by_id["subjects"]] == [people["alice"]]
    assert _lookup(client, officer, kind="bank_card", value="6222020200112233445").get_json()["subjects"] == []
    assert len(_entries(vault_app, "privacy:subject:looked_up")) == 3  # a miss is recorded too


# (body, status, code, field)
BAD_LOOKUPS = [
    ({"kind": "phone", "value": PHONE, "reason": None}, 400, "validation_error", "reason"),
    ({"kind": "phone", "value": PHONE, "reason": "  "}, 400, "reason_required", "reason"),
    ({"kind": "phone", "value": PHONE, "reason": "curious:x1"}, 400, "invalid_reason", "reason"),
    ({"kind": "phone", "value": PHONE, "reason": f"legal_request:{PHONE}"}, 400,
     "reason_contains_personal_data", "reason"),
    ({"kind": "passport", "value": PHONE}, 400, "validation_error", "kind"),
    ({"kind": "phone", "value": ""}, 400, "validation_error", "value"),
    ({"kind": "phone", "value": "-- --"}, 400, "validation_error", "value"),
]


@pytest.mark.parametrize(("body", "status", "code", "field"), BAD_LOOKUPS)
def test_bad_lookups_are_refused_and_not_recorded(shared_vault_app, shared_client, shared_auth, body, status,
                                                  code, field) -> None:
    """On one app per module and backend, which only these refused lookups use: none of them is recorded."""
    res = _lookup(shared_client, shared_auth(Role.PRIVACY_OFFICER), **body)
    error = res.get_json()["error"]
    assert (res.status_code, error["code"]) == (status, code) and field in json.dumps(error), error
    assert _entries(shared_vault_app, "privacy:subject:looked_up") == []


def test_roles(client, auth, people) -> None:
    alice = people["alice"]
    matrix = [("POST", "/v1/privacy/subjects/lookup", {"kind": "phone", "value": PHONE, "reason": REASON},
               {Role.PRIVACY_OFFICER}),
              ("GET", f"/v1/privacy/subjects/{alice}/records", None, {Role.PRIVACY_OFFICER}),
              ("POST", f"/v1/privacy/subjects/{alice}/export", {"reason": REASON}, {Role.PRIVACY_OFFICER}),
              ("GET", "/v1/privacy/retention", None, {Role.PRIVACY_OFFICER, Role.AUDITOR})]
    wrong = []
    for method, url, body, allowed in matrix:
        for role in Role:
            res = client.open(url, method=method, json=body, headers=auth(role))
            if res.status_code != (200 if role in allowed else 403):
                wrong.append((method, url, role.value, res.status_code))
    assert wrong == []
    assert client.post("/v1/privacy/subjects/lookup", json={}).status_code == 401


def test_preview_then_erase(vault_app, client, auth, people) -> None:
    officer = auth(Role.PRIVACY_OFFICER)
    url = f"/v1/privacy/subjects/{people['alice']}/records"
    before = client.get(url, headers=officer).get_json()
    assert before["status"] == "active" and before["blind_indexes"] == 3
    assert sorted(r["record_id"] for r in before["records"]) == sorted(people["ids"][:2])
    assert all(r["created_at"].endswith("+00:00") for r in before["records"])
    assert {r["fields"]["name"] for r in before["records"]} == {"=***", "王**"}
    erased = client.delete(f"/v1/privacy/subjects/{people['alice']}",
                           headers={**officer, "X-Erasure-Reason": REASON})
    assert erased.get_json()["blind_indexes_removed"] == before["blind_indexes"]
    after = client.get(url, headers=officer).get_json()
    assert after["status"] == "erased" and after["blind_indexes"] == 0
    assert {v for r in after["records"] for v in r["fields"].values() if v} == {"ERASED"}
    assert _lookup(client, officer, kind="phone", value=PHONE).get_json()["subjects"] == []
    missing = client.get("/v1/privacy/subjects/subj_nobody/records", headers=officer)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "subject_not_found"


def test_export_json_and_csv(vault_app, client, auth, people) -> None:
    officer = auth(Role.PRIVACY_OFFICER)
    url = f"/v1/privacy/subjects/{people['alice']}/export"
    res = client.post(url, json={"reason": REASON}, headers=officer)
    assert res.status_code == 200, res.get_json()
    doc = res.get_json()
    assert doc["subject_id"] == people["alice"] and doc["legal_basis"] == "PIPL Art. 45"
    assert doc["exported_at"].endswith("+00:00")
    assert {r["fields"]["phone"] for r in doc["records"]} == {PHONE}
    assert {"name", "id_number", "phone"} <= {f["column"] for f in doc["fields"] if f["table"] == "vault_test_people"}
    res = client.post(url, json={"reason": REASON, "format": "csv"}, headers=officer)
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert res.headers["Content-Disposition"] == f'attachment; filename="{people["alice"]}.csv"'
    rows = list(csv.reader(io.StringIO(res.get_data(as_text=True))))
    assert rows[0] == ["subject_id", "record_type", "record_id", "field", "classification", "value"]
    values = {(r[3], r[5]) for r in rows[1:]}
    assert ("phone", PHONE) in values and ("id_number", ID_NUMBER) in values
    assert ("name", "'=王小明") in values  # a formula-like cell is written as text
    assert ("id_number", "sensitive_personal") in {(r[3], r[4]) for r in rows[1:]}
    entries = _entries(vault_app, "privacy:subject:exported")
    assert len(entries) == 2 and all(PHONE.encode() not in e and "王小明".encode() not in e for e in entries)
    assert doc["export_id"].encode() in entries[0] and REASON.encode() in entries[0]
    for body, code in [({}, "validation_error"), ({"reason": ""}, "reason_required")]:
        refused = client.post(url, json=body, headers=officer)
        assert refused.status_code == 400 and refused.get_json()["error"]["code"] == code
    missing = client.post("/v1/privacy/subjects/subj_nobody/export", json={"reason": REASON}, headers=officer)
    assert missing.status_code == 404


def test_export_fails_closed_when_audit_cannot_record(vault_app, client, auth, people) -> None:
    db = vault_app.extensions["riskguard"].db
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_entries" + (" CASCADE" if not db.is_sqlite else "")))
    res = client.post(f"/v1/privacy/subjects/{people['alice']}/export", json={"reason": REASON},
                      headers=auth(Role.PRIVACY_OFFICER))
    assert res.status_code == 503 and PHONE not in res.get_data(as_text=True)


def test_retention_status(client, auth, people) -> None:
    res = client.get("/v1/privacy/retention", headers=auth(Role.AUDITOR))
    assert res.status_code == 200
    body = res.get_json()
    fields = {(f["table"], f["column"]): f for f in body["fields"]}
    name = fields[("vault_test_people", "name")]
    assert (name["retention_days"], name["records_with_value"], name["expired"]) == (30, 3, 1)
    assert name["next_expiry"].endswith("+00:00") and body["checked_at"].endswith("+00:00")
    phone = fields[("vault_test_people", "phone")]
    assert phone["retention_days"] is None and phone["expired"] is None and phone["records_with_value"] == 3
    assert fields[("merchant_applications", "bank_account")]["retention_days"] == 1825


def test_openapi_declares_the_officer_operations(client) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    for path, method in [("/v1/privacy/subjects/lookup", "post"), ("/v1/privacy/subjects/{subject_id}/records", "get"),
                         ("/v1/privacy/subjects/{subject_id}/export", "post"), ("/v1/privacy/retention", "get")]:
        operation = paths[path][method]
        assert operation["x-roles"] and "200" in operation["responses"], path
    export = paths["/v1/privacy/subjects/{subject_id}/export"]["post"]["responses"]["200"]["content"]
    assert {"application/json", "text/csv"} <= set(export)
