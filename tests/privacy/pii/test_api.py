"""HTTP round trips on SQLite and PostgreSQL: roles, include_text, audit entries, batches, errors."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from riskguard.audit.models import AuditEntry

from .cases import EMAIL, ID, MOBILE, UNIONPAY

PII_TEXT = f"客户张伟，身份证{ID}，手机{MOBILE}，卡号{UNIONPAY}，邮箱{EMAIL}"
RAW_VALUES = (ID, MOBILE, UNIONPAY, EMAIL)
ENDPOINTS = {
    "/v1/pii/detect": {"text": PII_TEXT},
    "/v1/pii/detect/batch": {"texts": [PII_TEXT, "没有个人信息"]},
    "/v1/pii/redact": {"text": PII_TEXT},
    "/v1/pii/redact/batch": {"texts": [PII_TEXT]},
}
ROLES = ["privacy_officer", "screener", "reviewer", "onboarding", "finance", "finance_approver", "auditor",
         "admin"]
ALLOWED = {"privacy_officer", "screener"}


@pytest.fixture(scope="module")
def app(shared_app):  # type: ignore[no-untyped-def]
    """One app per backend for the module: each test finds its own answers and audit entries."""
    return shared_app


def _audit_entries(app) -> list[bytes]:  # type: ignore[no-untyped-def]
    db = app.extensions["riskguard"].db
    with db.sessions() as session:
        return [row.entry for row in session.execute(select(AuditEntry)).scalars()]


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, auth, path: str, role: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post(path, json=ENDPOINTS[path], headers=auth(role))
    assert response.status_code == (200 if role in ALLOWED else 403)


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_no_token_is_401(client, path: str) -> None:  # type: ignore[no-untyped-def]
    assert client.post(path, json=ENDPOINTS[path]).status_code == 401


def test_detect_answers_digests_not_values_and_records_audit(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/pii/detect", json={"text": PII_TEXT}, headers=auth("screener"))
    assert response.status_code == 200
    body = response.get_json()
    found = {e["type"]: PII_TEXT[e["start"]:e["end"]] for e in body["entities"]}
    assert found["CN_RESIDENT_ID"] == ID and found["CN_MOBILE"] == MOBILE
    assert found["BANK_CARD"] == UNIONPAY and found["EMAIL_ADDRESS"] == EMAIL
    raw = response.get_data(as_text=True)
    assert not any(v in raw for v in RAW_VALUES)
    assert all(e["text_digest"].startswith("hmac-sha256:") and "text" not in e for e in body["entities"])
    entries = _audit_entries(app)
    mine = [json.loads(e) for e in entries if body["scan_id"].encode() in e]
    assert len(mine) == 1 and mine[0]["action"] == "privacy:text:scanned"
    assert mine[0]["details"]["entities"]["CN_MOBILE"] == 1
    assert not any(v.encode() in e for e in entries for v in RAW_VALUES)


@pytest.mark.parametrize(("role", "status"), [("privacy_officer", 200), ("screener", 403)])
@pytest.mark.parametrize("path", ["/v1/pii/detect", "/v1/pii/detect/batch"])
def test_include_text_only_for_privacy_officer(client, auth, role: str, status: int,  # type: ignore[no-untyped-def]
                                               path: str) -> None:
    body = dict(ENDPOINTS[path], include_text=True)
    response = client.post(path, json=body, headers=auth(role))
    assert response.status_code == status
    if status == 200:
        assert MOBILE in response.get_data(as_text=True)
    else:
        assert response.get_json()["error"]["code"] == "include_text_forbidden"


@pytest.mark.parametrize(("operators", "expect_in", "expect_out"), [
    (None, ["<CN_MOBILE>", "<CN_RESIDENT_ID>"], [MOBILE, ID]),
    ({"DEFAULT": {"type": "mask"}}, ["*******8000", ID[-4:]], [MOBILE, ID]),
    ({"CN_MOBILE": {"type": "hash"}}, ["<CN_MOBILE:", "<CN_RESIDENT_ID>"], [MOBILE, ID]),
    ({"DEFAULT": {"type": "mask", "keep_last": 0, "masking_char": "#"}}, ["###########"], [MOBILE, "8000"]),
])
def test_redact_operators(client, auth, operators, expect_in, expect_out) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/pii/redact", json={"text": PII_TEXT, "operators": operators},
                           headers=auth("privacy_officer"))
    assert response.status_code == 200, response.get_json()
    text = response.get_json()["text"]
    assert all(s in text for s in expect_in), text
    assert not any(s in text for s in expect_out), text
    items = response.get_json()["items"]
    assert all(text[i["start"]:i["end"]] for i in items)


@pytest.mark.parametrize(("body", "field"), [
    ({}, "text"),
    ({"text": 5}, "text"),
    ({"text": "x", "language": "fr"}, "language"),
    ({"text": "x", "entities": ["SSN"]}, "entities.0"),
    ({"text": "x", "score_threshold": 1.5}, "score_threshold"),
    ({"text": "x", "extra": 1}, "extra"),
])
def test_detect_validation(client, auth, body, field) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/pii/detect", json=body, headers=auth("screener"))
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


@pytest.mark.parametrize(("body", "status"), [
    ({"texts": []}, 400),
    ({"texts": ["a"] * 1001}, 400),
    ({"texts": ["手机13800138000"] * 1000}, 200),
])
def test_batch_limits(client, auth, body, status) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/pii/detect/batch", json=body, headers=auth("screener"))
    assert response.status_code == status
    if status == 200:
        assert len(response.get_json()["results"]) == len(body["texts"])


def test_redact_rejects_unknown_operator(client, auth) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/pii/redact", json={"text": "x", "operators": {"DEFAULT": {"type": "rot13"}}},
                           headers=auth("screener"))
    assert response.status_code == 400


def test_audit_failure_means_no_answer(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    from faults import refuse_audit_entries

    from riskguard.auth import create_key

    db = sqlite_app.extensions["riskguard"].db
    with db.transaction() as session:
        _, tok = create_key(session, role="screener", name="t")
    refuse_audit_entries(db)
    response = sqlite_app.test_client().post("/v1/pii/detect", json={"text": PII_TEXT},
                                             headers={"Authorization": f"Bearer {tok}"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "audit_unavailable"
    assert MOBILE not in response.get_data(as_text=True)


def test_openapi_lists_pii_endpoints(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").get_json()
    assert set(ENDPOINTS) <= set(spec["paths"])
    assert "include_text" in json.dumps(spec["components"]["schemas"]["PiiDetect"])
