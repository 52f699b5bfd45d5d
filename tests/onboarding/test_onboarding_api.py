"""The onboarding API on SQLite and PostgreSQL: roles, storage through the vault, decisions and their
audit entries, duplicates, the review round trip, bad input, and no personal data at rest."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from riskguard.audit import Action
from riskguard.audit.models import AuditEntry
from riskguard.auth import Role

from .builders import application, card, mobile, resident_id

URL = "/v1/merchants/applications"


def submit(client: Any, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    res = client.post(URL, json=body, headers=headers)
    assert res.status_code == 201, res.get_json()
    return res.get_json()


def audit_entries(app: Any, action: str) -> list[dict[str, Any]]:
    with app.extensions["riskguard"].db.sessions() as session:
        rows = session.execute(select(AuditEntry).where(AuditEntry.action == action)
                               .order_by(AuditEntry.idx)).scalars()
        return [json.loads(r.entry) for r in rows]


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(sclient, sauth, role: Role) -> None:
    stored = submit(sclient, sauth(Role.ONBOARDING), application())
    post = sclient.post(URL, json=application(), headers=sauth(role))
    get = sclient.get(f"{URL}/{stored['application_id']}", headers=sauth(role))
    assert post.status_code == (201 if role is Role.ONBOARDING else 403)
    assert get.status_code == (200 if role in (Role.ONBOARDING, Role.REVIEWER) else 403)


@pytest.mark.parametrize(("method", "path"), [("post", URL), ("get", f"{URL}/APP-1")])
def test_no_token_is_401(sclient, method: str, path: str) -> None:
    assert getattr(sclient, method)(path, json=application()).status_code == 401


def test_clean_application_is_allowed_and_audited(app, client, auth) -> None:
    body = application()
    result = submit(client, auth(Role.ONBOARDING), body)
    assert (result["decision"], result["findings"], result["review_case_id"]) == ("allow", [], None)
    assert result["application_id"] == body["id"] and result["decision_id"].startswith("dec_")
    [entry] = audit_entries(app, Action.MERCHANT_DECIDED)
    assert entry["subject"] == {"type": "merchant_application", "id": body["id"]}
    assert entry["decision"] == "allow" and entry["details"]["decision_id"] == result["decision_id"]
    assert entry["policy_revision"].startswith("merchant-onboarding/")
    assert entry["input_digest"].startswith("hmac-sha256:")
    assert audit_entries(app, Action.REVIEW_CASE_OPENED) == []
    view = client.get(f"{URL}/{body['id']}", headers=auth(Role.ONBOARDING)).get_json()
    assert view["final_decision"] == "allow" and view["decision"]["decision_id"] == result["decision_id"]


def test_view_is_masked(sclient, sauth) -> None:
    body = application()
    submit(sclient, sauth(Role.ONBOARDING), body)
    view = sclient.get(f"{URL}/{body['id']}", headers=sauth(Role.REVIEWER)).get_json()
    rep, bank = body["legal_rep"], body["bank_account"]
    assert view["legal_rep"]["id_number"] == rep["id_number"][0] + "*" * 16 + rep["id_number"][-1]
    assert view["legal_rep"]["phone"] == rep["phone"][:3] + "****" + rep["phone"][-4:]
    assert view["bank_account"]["number"].endswith(bank["number"][-4:])
    assert view["legal_rep"]["name"].startswith(rep["name"][0]) and view["legal_rep"]["name"] != rep["name"]
    text = json.dumps(view, ensure_ascii=False)
    for secret in (rep["id_number"], rep["phone"], body["contact_phone"], bank["number"], rep["name"],
                   body["registered_address"]):
        assert secret not in text


def test_review_round_trip(app, client, auth, token) -> None:
    soon = (date.today() + timedelta(days=10)).isoformat()
    body = application(business_license_valid_until=soon)
    result = submit(client, auth(Role.ONBOARDING), body)
    assert result["decision"] == "review" and result["review_case_id"]
    assert [f["check"] for f in result["findings"]] == ["licence_expiring"]
    reviewer = {"Authorization": f"Bearer {token(Role.REVIEWER)}"}
    listed = client.get("/v1/review/cases?kind=merchant_application", headers=reviewer).get_json()["cases"]
    assert [c["id"] for c in listed] == [result["review_case_id"]]
    case = client.get(f"/v1/review/cases/{result['review_case_id']}", headers=reviewer).get_json()
    assert case["decision_id"] == result["decision_id"] and case["subject"]["id"] == body["id"]
    assert case["articles"] == ["中华人民共和国电子商务法 12"]
    assert case["subject_view"]["legal_rep"]["id_number"] != body["legal_rep"]["id_number"]
    decided = client.post(f"/v1/review/cases/{case['id']}/decision", headers=reviewer,
                          json={"decision": "allow", "reason": "续期材料已核验"})
    assert decided.status_code == 200
    view = client.get(f"{URL}/{body['id']}", headers=auth(Role.ONBOARDING)).get_json()
    assert (view["decision"]["decision"], view["final_decision"]) == ("review", "allow")
    [entry] = audit_entries(app, Action.REVIEW_DECIDED)
    assert entry["links"] == {"overrides": result["decision_id"]}
    assert entry["details"]["articles"] == ["中华人民共和国电子商务法 12"]


@pytest.mark.parametrize(("shared", "field"), [
    ("uscc", "uscc"), ("legal_rep.id_number", "legal_rep.id_number"), ("legal_rep.phone", "legal_rep.phone"),
    ("contact_phone", "contact_phone"), ("bank_account.number", "bank_account.number"),
])
def test_duplicates_name_the_other_application(app, client, auth, shared: str, field: str) -> None:
    headers = auth(Role.ONBOARDING)
    first = application()
    submit(client, headers, first)
    value = first
    for part in shared.split("."):
        value = value[part]
    second = application(**{shared: value})
    result = submit(client, headers, second)
    dups = [f for f in result["findings"] if f["check"] == "duplicate"]
    assert [(f["field"], f["other_application"]) for f in dups] == [(field, first["id"])]
    assert result["decision"] == "review"
    assert value not in json.dumps(result, ensure_ascii=False)


def test_phone_reused_across_fields_is_a_duplicate(client, auth) -> None:
    headers = auth(Role.ONBOARDING)
    first = application()
    submit(client, headers, first)
    result = submit(client, headers, application(contact_phone="+86 " + first["legal_rep"]["phone"]))
    assert [(f["field"], f["other_application"]) for f in result["findings"]] == \
        [("contact_phone", first["id"])]


def test_same_representative_shares_one_data_subject(app, client, auth) -> None:
    from riskguard.onboarding.models import MerchantApplication

    headers = auth(Role.ONBOARDING)
    first = application()
    second = application(**{"legal_rep.id_number": first["legal_rep"]["id_number"]})
    third = application()
    for body in (first, second, third):
        submit(client, headers, body)
    with app.app_context(), app.extensions["riskguard"].db.sessions() as session:
        subjects = {r.id: r.legal_rep_subject_id for r in session.execute(select(MerchantApplication)).scalars()}
    assert subjects[first["id"]] == subjects[second["id"]] != subjects[third["id"]]


def test_resubmitting_an_id_is_a_conflict(client, auth) -> None:  # both backends: a unique key
    body = application()
    submit(client, auth(Role.ONBOARDING), body)
    res = client.post(URL, json=body, headers=auth(Role.ONBOARDING))
    assert res.status_code == 409 and res.get_json()["error"]["code"] == "application_exists"


def test_unknown_application_is_404(sclient, sauth) -> None:
    res = sclient.get(f"{URL}/APP-NOPE", headers=sauth(Role.ONBOARDING))
    assert res.status_code == 404 and res.get_json()["error"]["code"] == "application_not_found"


def test_audit_failure_fails_closed(app, client, auth) -> None:
    from faults import refuse_audit_entries

    from riskguard.onboarding.models import MerchantApplication
    from riskguard.privacy.vault.models import BlindIndexEntry

    refuse_audit_entries(app.extensions["riskguard"].db)
    res = client.post(URL, json=application(), headers=auth(Role.ONBOARDING))
    assert res.status_code == 503 and res.get_json()["error"]["code"] == "audit_unavailable"
    assert "refused" not in res.get_data(as_text=True)
    with app.app_context(), app.extensions["riskguard"].db.sessions() as session:
        assert session.execute(select(MerchantApplication)).first() is None
        assert session.execute(select(BlindIndexEntry)).first() is None


def test_erased_representative(app, client, auth) -> None:
    from riskguard.onboarding.models import MerchantApplication
    from riskguard.privacy.vault import erase_subject

    headers = auth(Role.ONBOARDING)
    first = application()
    submit(client, headers, first)
    rg = app.extensions["riskguard"]
    with rg.db.transaction() as session:
        subject = session.get(MerchantApplication, first["id"]).legal_rep_subject_id
        erase_subject(session, subject, audit=rg.audit, actor="key:test", reason="data_subject_request:T-1")
    view = client.get(f"{URL}/{first['id']}", headers=headers).get_json()
    assert view["legal_rep"]["id_number"] == "ERASED" and view["bank_account"]["number"] == "ERASED"
    again = submit(client, headers, application(**{"legal_rep.id_number": first["legal_rep"]["id_number"]}))
    assert [f for f in again["findings"] if f["check"] == "duplicate"] == []


# -- bad input ------------------------------------------------------------------------------------
D = application.DELETE  # type: ignore[attr-defined]
BAD_INPUT = [
    ({"id": D}, "id"),
    ({"id": ""}, "id"),
    ({"id": "has space"}, "id"),
    ({"id": 12}, "id"),
    ({"business_name": D}, "business_name"),
    ({"business_name": "   "}, "business_name"),
    ({"store_name": None}, "store_name"),
    ({"store_name": "店" * 101}, "store_name"),
    ({"uscc": 911100001234567890}, "uscc"),
    ({"business_license_valid_until": D}, "business_license_valid_until"),
    ({"business_license_valid_until": "2026-02-30"}, "business_license_valid_until"),
    ({"business_license_valid_until": "next year"}, "business_license_valid_until"),
    ({"legal_rep": None}, "legal_rep"),
    ({"legal_rep": "张三"}, "legal_rep._schema"),  # marshmallow's name for "not an object"
    ({"legal_rep.id_number": D}, "legal_rep.id_number"),
    ({"legal_rep.phone": 13812345678}, "legal_rep.phone"),
    ({"legal_rep.nickname": "x"}, "legal_rep.nickname"),
    ({"contact_phone": D}, "contact_phone"),
    ({"bank_account.number": "6222-abc"}, "bank_account.number"),
    ({"bank_account.holder": D}, "bank_account.holder"),
    ({"bank_account.type": "wallet"}, "bank_account.type"),
    ({"registered_address": D}, "registered_address"),
    ({"categories": []}, "categories"),
    ({"categories": ["weapons"]}, "categories.0"),
    ({"categories": "food"}, "categories"),
    ({"categories": ["food", "food"]}, "categories"),
    ({"qualifications": [{"type": "fishing_permit", "number": "1", "valid_until": None}]},
     "qualifications.0.type"),
    ({"qualifications": [{"type": "food_business_license", "number": "1"}]}, "qualifications.0.valid_until"),
    ({"qualifications": [{"type": "food_business_license", "number": "1", "valid_until": "2027-13-01"}]},
     "qualifications.0.valid_until"),
    ({"qualifications": {"type": "food_business_license"}}, "qualifications"),
    ({"surprise": True}, "surprise"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUT)
def test_bad_input_names_the_field(sclient, sauth, overrides: dict[str, Any], field: str) -> None:
    res = sclient.post(URL, json=application(**overrides), headers=sauth(Role.ONBOARDING))
    assert res.status_code == 400, res.get_json()
    assert res.get_json()["error"]["field"] == field


@pytest.mark.parametrize(("data", "content_type", "status"), [
    (b"{not json", "application/json", 400), (b"[]", "application/json", 400),
    ("{\"id\": \"\xff\"}".encode("latin-1"), "application/json", 400), (b"id=1", "text/plain", 415),
])
def test_malformed_bodies(sclient, sauth, data: bytes, content_type: str, status: int) -> None:
    res = sclient.post(URL, data=data, content_type=content_type, headers=sauth(Role.ONBOARDING))
    assert res.status_code == status and "error" in res.get_json()


def test_oversize_body_is_413(sclient, sauth) -> None:
    body = application(store_description="好" * 600_000)
    res = sclient.post(URL, json=body, headers=sauth(Role.ONBOARDING))
    assert res.status_code == 413 and res.get_json()["error"]["code"] == "body_too_large"


# -- no personal data at rest ---------------------------------------------------------------------
def _stored_text(app: Any) -> str:
    """Everything the database holds, as text: the SQLite file (and its WAL), or every PostgreSQL row."""
    from sqlalchemy import inspect, text

    db = app.extensions["riskguard"].db
    if db.is_sqlite:
        path = db.url.split("///", 1)[1]
        db.engine.dispose()  # checkpoint and close; read the WAL too in case it was not merged
        blobs = []
        for suffix in ("", "-wal", "-journal"):
            try:
                with open(path + suffix, "rb") as fh:
                    blobs.append(fh.read())
            except FileNotFoundError:
                pass
        return b"\n".join(blobs).decode("latin-1") + "\n" + b"\n".join(blobs).decode("utf-8", "replace")
    parts = []
    with db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            parts.extend(str(row[0]) for row in conn.execute(text(f'SELECT t::text FROM "{table}" t')))
    return "\n".join(parts)


def test_no_raw_personal_data_at_rest(app, client, auth) -> None:
    headers = auth(Role.ONBOARDING)
    bodies = [application(), application(business_license_valid_until=(date.today() + timedelta(days=5))
                                         .isoformat()),
              application(**{"bank_account.number": card(valid=False)})]
    shared = application(**{"legal_rep.phone": bodies[0]["legal_rep"]["phone"]})  # a duplicate: review
    bodies.append(shared)
    in_text = mobile()  # a contact number in the store description: the content check flags it
    bodies.append(application(store_description=f"本店销售日用百货，有问题请致电{in_text}，微信abc_12345"))
    results = [submit(client, headers, body) for body in bodies]
    assert {f["check"] for f in results[-1]["findings"]} >= {"content"}
    view = client.get(f"{URL}/{bodies[-1]['id']}", headers=auth(Role.REVIEWER)).get_json()
    masked = view["store_description"]
    assert len(masked) == len(bodies[-1]["store_description"]) and in_text not in masked
    assert "*" * len(in_text) in masked and "abc_12345" not in masked
    for f in results[-1]["findings"]:  # the content findings' spans still index the stored text
        if f.get("field") == "store_description":
            original = bodies[-1]["store_description"][f["start"]:f["end"]]
            assert all(c in ("*", o) for c, o in zip(masked[f["start"]:f["end"]], original, strict=True))
    stored = _stored_text(app)
    assert bodies[0]["id"] in stored  # the scan does see the stored rows
    assert in_text not in stored and "abc_12345" not in stored
    for body in bodies:
        secrets = [body["legal_rep"]["id_number"], body["legal_rep"]["phone"], body["contact_phone"],
                   body["bank_account"]["number"], body["legal_rep"]["name"], body["registered_address"]]
        for secret in secrets:
            assert secret not in stored, "personal data stored in the clear"
            assert secret.encode("utf-8").hex() not in stored  # nor hex-encoded (PostgreSQL bytea)


@pytest.mark.parametrize("mk", [lambda: resident_id(date(1990, 1, 1), seq=42), mobile, card])
def test_builders_make_valid_identifiers(mk: Any) -> None:
    from riskguard import cn_identifiers

    value = mk()
    assert cn_identifiers.resident_id_valid(value) or cn_identifiers.cn_mobile_valid(value) or \
        cn_identifiers.luhn_valid(value)


# -- the decision, end to end ---------------------------------------------------------------------
def lic(qtype: str) -> dict[str, Any]:
    return {"type": qtype, "number": "LIC-2026-0001", "valid_until": None}


@pytest.mark.parametrize(("overrides", "decision", "checks"), [
    ({}, "allow", set()),
    ({"store_description": "有问题加VX：shop8888"}, "review", {"content"}),
    ({"bank_account.number": card(valid=False)}, "review", {"card_luhn"}),
    ({"contact_phone": "010-62345678"}, "review", {"phone_invalid"}),
    ({"legal_rep.id_number": resident_id(date.today() - timedelta(days=365 * 10))}, "block", {"rep_minor"}),
    ({"categories": ["drug"]}, "block", {"qualification_missing"}),
    ({"categories": ["drug"], "bank_account.number": card(valid=False)}, "block",
     {"qualification_missing", "card_luhn"}),
    ({"categories": ["health_food"], "qualifications": [lic("prepackaged_food_filing")]}, "allow", set()),
    ({"categories": ["drug"], "qualifications": [lic("drug_business_license")]}, "block",
     {"qualification_missing"}),
    ({"categories": ["payment"], "qualifications": [lic("payment_business_license")]}, "review",
     {"qualification_unverifiable"}),
])
def test_decision_table(sclient, sauth, overrides: dict[str, Any], decision: str, checks: set[str]) -> None:
    result = submit(sclient, sauth(Role.ONBOARDING), application(**overrides))
    assert result["decision"] == decision
    assert {f["check"] for f in result["findings"]} == checks
    assert (result["review_case_id"] is not None) is (decision == "review")


@pytest.mark.parametrize(("account", "decision", "checks"), [
    ({"number": card(prefix="120202", valid=False)}, "allow", set()),  # a 对公账户: no Luhn digit
    ({"number": card(prefix="120202", valid=False), "type": "card"}, "review", {"card_luhn"}),
    ({"number": card(prefix="6217", valid=False), "type": "account"}, "allow", set()),
])
def test_settlement_account_type_is_stored(client, auth, account: dict[str, Any], decision: str,
                                           checks: set[str]) -> None:
    body = application()
    body["bank_account"].update(account)
    result = submit(client, auth(Role.ONBOARDING), body)
    assert (result["decision"], {f["check"] for f in result["findings"]}) == (decision, checks)
    view = client.get(f"{URL}/{body['id']}", headers=auth(Role.REVIEWER)).get_json()
    assert view["bank_account"]["type"] == account.get("type")
    assert view["bank_account"]["number"].endswith(account["number"][-4:])


def test_logs_carry_no_personal_data(sclient, sauth) -> None:
    import logging

    import structlog
    from structlog.testing import capture_logs

    body = application(contact_phone="010-62345678")  # a finding, so the decision is logged with checks
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    try:
        with capture_logs() as logs:
            result = submit(sclient, sauth(Role.ONBOARDING), body)
    finally:
        structlog.configure(**saved)
    events = [e for e in logs if e["event"] == "merchant.decided"]
    assert [e["decision_id"] for e in events] == [result["decision_id"]]
    text = json.dumps(logs, ensure_ascii=False, default=str)
    for secret in (body["legal_rep"]["id_number"], body["legal_rep"]["phone"], body["bank_account"]["number"],
                   body["legal_rep"]["name"], body["registered_address"], "62345678"):
        assert secret not in text


def test_openapi_documents_the_endpoints(sclient) -> None:
    paths = sclient.get("/openapi.json").get_json()["paths"]
    assert {"post"} <= set(paths["/v1/merchants/applications"])
    assert "get" in paths["/v1/merchants/applications/{application_id}"]
    assert "get" in paths["/v1/review/cases"] and "post" in paths["/v1/review/cases/{case_id}/decision"]
    body = paths["/v1/merchants/applications"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]


@pytest.mark.parametrize(("role", "reason", "clear"), [
    (Role.PRIVACY_OFFICER, "kyc_review:CASE-2026-1", True),
    (Role.PRIVACY_OFFICER, None, False),
    (Role.REVIEWER, "kyc_review:CASE-2026-1", False),
])
def test_reveal_through_the_vault(sclient, sauth, role: Role, reason: str | None, clear: bool) -> None:
    body = application()
    submit(sclient, sauth(Role.ONBOARDING), body)
    headers = {**sauth(role), **({"X-Reveal-Reason": reason} if reason else {})}
    res = sclient.get(f"/v1/privacy/records/merchant_application/{body['id']}", headers=headers)
    assert res.status_code == 200, res.get_json()
    fields = res.get_json()["fields"]
    assert set(fields) == {"uscc", "legal_rep_name", "legal_rep_id_number", "legal_rep_phone", "contact_phone",
                           "bank_account", "bank_account_holder", "registered_address"}
    assert (fields["legal_rep_id_number"] == body["legal_rep"]["id_number"]) is clear
    assert (fields["bank_account"] == body["bank_account"]["number"]) is clear


def test_identifiers_are_stored_compact(sclient, sauth) -> None:
    body = application(contact_phone="+86 139-1234-5678")
    digits = body["bank_account"]["number"]
    body["bank_account"]["number"] = " ".join(digits[i:i + 4] for i in range(0, 19, 4))
    body["legal_rep"]["id_number"] = body["legal_rep"]["id_number"].lower()
    submit(sclient, sauth(Role.ONBOARDING), body)
    view = sclient.get(f"{URL}/{body['id']}", headers=sauth(Role.REVIEWER)).get_json()
    assert view["contact_phone"] == "139****5678"
    assert view["bank_account"]["number"] == "*" * 15 + digits[-4:]
    assert len(view["legal_rep"]["id_number"]) == 18


def test_nul_in_stored_text_is_a_400_on_both_databases(client, auth) -> None:
    """Found by the contract fuzzer: PostgreSQL text cannot hold NUL, so it was a 500 there."""
    res = client.post(URL, json=application(store_name="店\x00铺"), headers=auth(Role.ONBOARDING))
    assert res.status_code == 400
    assert res.get_json()["error"]["field"] == "store_name"
