"""The encrypt operator and /v1/pii/decrypt on SQLite and PostgreSQL: round trip, subjects, tamper,
erasure, roles, audit entries free of raw values."""

from __future__ import annotations

import base64
import json
import re

import pytest
from sqlalchemy import select

from riskguard.audit.models import AuditEntry
from riskguard.privacy.pii.tokens import DEFAULT_SUBJECT, TOKEN_RE

from .cases import EMAIL, ID, MOBILE, UNIONPAY

PII_TEXT = f"客户身份证{ID}，手机{MOBILE}，卡号{UNIONPAY}，邮箱{EMAIL}"
RAW_VALUES = (ID, MOBILE, UNIONPAY, EMAIL)
EXPECTED = {"CN_RESIDENT_ID": ID, "CN_MOBILE": MOBILE, "BANK_CARD": UNIONPAY, "EMAIL_ADDRESS": EMAIL}
REASON = {"X-Reveal-Reason": "data_subject_request:ticket-42"}
ENCRYPT = {"DEFAULT": {"type": "encrypt"}}
ROLES = ["privacy_officer", "screener", "reviewer", "onboarding", "finance", "finance_approver", "auditor",
         "admin"]


@pytest.fixture(scope="module")
def app(shared_app):  # type: ignore[no-untyped-def]
    """One app per backend for the module: each test uses its own tokens, subjects and entry ids."""
    return shared_app


def _redact(client, auth, operators=ENCRYPT, text=PII_TEXT, role="screener"):  # type: ignore[no-untyped-def]
    response = client.post("/v1/pii/redact", json={"text": text, "operators": operators}, headers=auth(role))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _tokens(body: dict) -> list[str]:  # type: ignore[type-arg]
    return [m.group(0) for m in TOKEN_RE.finditer(body["text"])]


def _decrypt(client, auth, tokens, role="privacy_officer", headers=REASON, **extra):  # type: ignore[no-untyped-def]
    return client.post("/v1/pii/decrypt", json={"tokens": tokens, **extra}, headers={**auth(role), **headers})


def _entries(app) -> list[bytes]:  # type: ignore[no-untyped-def]
    with app.extensions["riskguard"].db.sessions() as session:
        return [row.entry for row in session.execute(select(AuditEntry)).scalars()]


def test_round_trip(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    body = _redact(client, auth)
    assert not any(v in body["text"] for v in RAW_VALUES)
    tokens = _tokens(body)
    assert len(tokens) == 4 and {i["operator"] for i in body["items"]} == {"encrypt"}
    assert [body["text"][i["start"]:i["end"]] for i in body["items"]] == tokens
    response = _decrypt(client, auth, tokens)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert {r["type"]: r["text"] for r in results} == EXPECTED
    assert {(r["status"], r["subject_id"], r["purpose"]) for r in results} == {
        ("revealed", DEFAULT_SUBJECT, "redaction")}


def test_same_value_gives_different_tokens(client, auth) -> None:  # type: ignore[no-untyped-def]
    """Random nonces: unlike the hash operator, tokens cannot be joined or compared."""
    first, second = _tokens(_redact(client, auth)), _tokens(_redact(client, auth))
    assert set(first).isdisjoint(second)


@pytest.mark.parametrize(("operators", "subjects", "purposes"), [
    ({"DEFAULT": {"type": "encrypt", "subject_id": "subj_alice"}}, {"subj_alice"}, {"redaction"}),
    ({"DEFAULT": {"type": "encrypt", "purpose": "support_ticket"}}, {DEFAULT_SUBJECT}, {"support_ticket"}),
    ({"DEFAULT": {"type": "replace"}, "CN_MOBILE": {"type": "encrypt", "subject_id": "subj_bob"}},
     {"subj_bob"}, {"redaction"}),
])
def test_subject_and_purpose_travel_in_the_token(client, auth, operators, subjects, purposes) -> None:  # type: ignore[no-untyped-def]
    body = _redact(client, auth, operators)
    results = _decrypt(client, auth, _tokens(body)).get_json()["results"]
    assert {r["subject_id"] for r in results} == subjects and {r["purpose"] for r in results} == purposes
    assert all(r["text"] == EXPECTED[r["type"]] for r in results)
    if "CN_MOBILE" in operators:  # the other types were replaced with their tag
        assert "<CN_RESIDENT_ID>" in body["text"] and len(results) == 1


def _retarget(token: str, change) -> str:  # type: ignore[no-untyped-def]
    m = TOKEN_RE.fullmatch(token)
    assert m is not None
    entity, payload = m.group(1), m.group(2)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    entity, raw = change(entity, raw)
    return f"<ENC:v1:{entity}:{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}>"


def _flip_last(entity: str, raw: bytearray):  # type: ignore[no-untyped-def]
    raw[-1] ^= 1
    return entity, raw


def _flip_nonce(entity: str, raw: bytearray):  # type: ignore[no-untyped-def]
    raw[-30] ^= 1
    return entity, raw


def _other_type(entity: str, raw: bytearray):  # type: ignore[no-untyped-def]
    return ("QQ_NUMBER" if entity != "QQ_NUMBER" else "CN_MOBILE"), raw


def _other_purpose(entity: str, raw: bytearray):  # type: ignore[no-untyped-def]
    size = int.from_bytes(raw[:2], "big")
    at = 2 + size  # purpose length, then purpose
    plen = int.from_bytes(raw[at:at + 2], "big")
    raw[at + 2:at + 2 + plen] = b"R" + raw[at + 3:at + 2 + plen]
    return entity, raw


def _other_subject(entity: str, raw: bytearray):  # type: ignore[no-untyped-def]
    subject = b"subj_alice"
    size = int.from_bytes(raw[:2], "big")
    return entity, bytearray(len(subject).to_bytes(2, "big") + subject) + raw[2 + size:]


def _truncated(entity: str, raw: bytearray):  # type: ignore[no-untyped-def]
    return entity, raw[:-20]


@pytest.mark.parametrize("change", [_flip_last, _flip_nonce, _other_type, _other_purpose, _other_subject,
                                    _truncated])
def test_tampered_token_is_400(app, client, auth, change) -> None:  # type: ignore[no-untyped-def]
    _redact(client, auth, {"DEFAULT": {"type": "encrypt", "subject_id": "subj_alice"}})  # alice has a key
    good = _tokens(_redact(client, auth))
    bad = _retarget(good[1], change)
    before = len(_entries(app))
    response = _decrypt(client, auth, [good[0], bad])
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("token_invalid", "tokens.1")
    assert not any(v in response.get_data(as_text=True) for v in RAW_VALUES)
    assert len(_entries(app)) == before  # nothing revealed, nothing recorded


@pytest.mark.parametrize("token", ["<ENC:v1:CN_MOBILE:!!!>", "not a token", "<ENC:v2:CN_MOBILE:AAAAAAAAAAAAAAAAAAAAAAAA>",
                                   "<ENC:v1:CN_MOBILE:AAAAAAAAAAAAAAAAAAAAAAAAAAAA>"])
def test_malformed_token_is_400(client, auth, token: str) -> None:  # type: ignore[no-untyped-def]
    response = _decrypt(client, auth, [token])
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "token_invalid"


def test_erased_subject_tokens_come_back_erased(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    erased = _tokens(_redact(client, auth, {"DEFAULT": {"type": "encrypt", "subject_id": "subj_gone"}}))
    kept = _tokens(_redact(client, auth, {"DEFAULT": {"type": "encrypt", "subject_id": "subj_kept"}}))
    response = client.delete("/v1/privacy/subjects/subj_gone", headers=auth("privacy_officer"))
    assert response.status_code == 200
    results = _decrypt(client, auth, erased + kept).get_json()["results"]
    assert [(r["subject_id"], r["status"], r["text"]) for r in results[:len(erased)]] == \
        [("subj_gone", "erased", None)] * len(erased)
    assert {r["text"] for r in results[len(erased):]} == set(RAW_VALUES)
    # and no new tokens for an erased subject
    response = client.post("/v1/pii/redact", headers=auth("screener"), json={
        "text": PII_TEXT, "operators": {"DEFAULT": {"type": "encrypt", "subject_id": "subj_gone"}}})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "subject_erased"
    assert not any(v in response.get_data(as_text=True) for v in RAW_VALUES)


@pytest.mark.parametrize("role", ROLES)
def test_roles(client, auth, role: str) -> None:  # type: ignore[no-untyped-def]
    redact = client.post("/v1/pii/redact", json={"text": PII_TEXT, "operators": ENCRYPT}, headers=auth(role))
    assert redact.status_code == (200 if role in {"privacy_officer", "screener"} else 403)
    tokens = _tokens(_redact(client, auth))
    response = _decrypt(client, auth, tokens, role=role)
    assert response.status_code == (200 if role == "privacy_officer" else 403)
    if role != "privacy_officer":
        assert not any(v in response.get_data(as_text=True) for v in RAW_VALUES)


@pytest.mark.parametrize(("headers", "extra", "status", "code"), [
    ({}, {}, 400, "reason_required"),
    ({}, {"reason": "data_subject_request:ticket-42"}, 200, None),
    (REASON, {"reason": "data_subject_request:ticket-42"}, 200, None),
    (REASON, {"reason": "legal_request:case-1"}, 400, "invalid_reason"),
    ({"X-Reveal-Reason": "curiosity:me"}, {}, 400, "invalid_reason"),
    ({"X-Reveal-Reason": "legal_request"}, {}, 400, "invalid_reason"),
])
def test_reason_is_required(client, auth, headers, extra, status, code) -> None:  # type: ignore[no-untyped-def]
    tokens = _tokens(_redact(client, auth))
    response = _decrypt(client, auth, tokens, headers=headers, **extra)
    assert response.status_code == status
    if code:
        assert response.get_json()["error"]["code"] == code


def test_audit_entries_present_and_free_of_raw_values(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    body = _redact(client, auth, {"DEFAULT": {"type": "encrypt", "subject_id": "subj_carol"}})
    tokens = _tokens(body)
    response = _decrypt(client, auth, tokens)
    reveal_id = response.get_json()["reveal_id"]
    entries = _entries(app)
    scans = [json.loads(e) for e in entries if body["scan_id"].encode() in e]
    assert len(scans) == 1 and scans[0]["details"]["operators"] == {"DEFAULT": "encrypt"}
    assert scans[0]["details"]["subjects"] == ["subj_carol"]
    reveals = [json.loads(e) for e in entries if reveal_id.encode() in e]
    assert len(reveals) == 1
    reveal = reveals[0]
    assert reveal["action"] == "privacy:record:revealed" and reveal["reason"] == REASON["X-Reveal-Reason"]
    assert reveal["details"]["tokens"] == 4 and reveal["details"]["data_subjects"] == ["subj_carol"]
    assert len(reveal["details"]["token_digests"]) == 4
    assert all(d.startswith("hmac-sha256:") for d in reveal["details"]["token_digests"])
    assert not any(v.encode() in e for e in entries for v in RAW_VALUES)
    payloads = [re.sub(r"^<ENC:v1:[A-Z_]+:|>$", "", t) for t in tokens]
    assert not any(p.encode() in e for e in entries for p in payloads)


def test_audit_failure_reveals_nothing(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    from faults import refuse_audit_entries

    from riskguard.auth import create_key

    db = sqlite_app.extensions["riskguard"].db
    with db.transaction() as session:
        _, screener = create_key(session, role="screener", name="s")
        _, officer = create_key(session, role="privacy_officer", name="p")
    client = sqlite_app.test_client()
    body = client.post("/v1/pii/redact", json={"text": PII_TEXT, "operators": ENCRYPT},
                       headers={"Authorization": f"Bearer {screener}"}).get_json()

    refuse_audit_entries(db)
    for path, payload, tok, extra in [
        ("/v1/pii/decrypt", {"tokens": _tokens(body)}, officer, REASON),
        ("/v1/pii/redact", {"text": PII_TEXT, "operators": ENCRYPT}, screener, {}),
    ]:
        response = client.post(path, json=payload, headers={"Authorization": f"Bearer {tok}", **extra})
        assert response.status_code == 503 and response.get_json()["error"]["code"] == "audit_unavailable"
        assert not any(v in response.get_data(as_text=True) for v in RAW_VALUES)
        assert "<ENC:" not in response.get_data(as_text=True)


def test_openapi_lists_decrypt(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").get_json()
    assert "/v1/pii/decrypt" in spec["paths"]
    assert "encrypt" in json.dumps(spec["components"]["schemas"])


@pytest.mark.parametrize("subject", [None, "subj_cli"])
def test_cli_encrypt_then_decrypt_over_http(app, client, auth, tmp_path, subject) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from riskguard.cli import main

    settings = app.extensions["riskguard"].settings
    env = {"RISKGUARD_DATABASE_URL": settings.database_url, "RISKGUARD_KEYRING": str(settings.keyring_path),
           "RISKGUARD_DATA_DIR": str(tmp_path), "RISKGUARD_MASTER_KEY": ""}
    args = ["pii", "redact", "--operator", "encrypt", "--purpose", "export"]
    args += ["--subject-id", subject] if subject else []
    lines = "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False)
                      for i, t in enumerate([PII_TEXT, "没有个人信息"]))
    result = CliRunner().invoke(main, args, input=lines + "\n", env=env)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [0, 1] and out[1]["text"] == "没有个人信息"
    assert not any(v in result.stdout for v in RAW_VALUES)
    results = _decrypt(client, auth, _tokens(out[0])).get_json()["results"]
    assert {r["type"]: r["text"] for r in results} == EXPECTED
    assert {(r["subject_id"], r["purpose"]) for r in results} == {(subject or DEFAULT_SUBJECT, "export")}


@pytest.mark.parametrize("bad", ["--subject-id=a b", "--purpose=x/y"])
def test_cli_rejects_bad_names(bad: str) -> None:
    from click.testing import CliRunner

    from riskguard.cli import main

    result = CliRunner().invoke(main, ["pii", "redact", "--operator", "encrypt", bad], input="")
    assert result.exit_code == 2


def test_batch_encrypt_round_trip_and_logs_hold_no_values(client, auth) -> None:  # type: ignore[no-untyped-def]
    from structlog.testing import capture_logs

    with capture_logs() as logs:
        response = client.post("/v1/pii/redact/batch", headers=auth("screener"), json={
            "texts": [PII_TEXT, "没有个人信息", f"手机{MOBILE}"], "operators": ENCRYPT})
        assert response.status_code == 200
        texts = [r["text"] for r in response.get_json()["results"]]
        tokens = [t for text in texts for t in _tokens({"text": text})]
        decrypted = _decrypt(client, auth, tokens).get_json()["results"]
        _decrypt(client, auth, [tokens[0][:-3] + "AA>"])  # a rejected one is logged too
    assert texts[1] == "没有个人信息" and len(tokens) == 5
    assert [r["text"] for r in decrypted] == [*EXPECTED.values(), MOBILE]
    dumped = json.dumps(logs, ensure_ascii=False, default=str)
    assert "pii.token_rejected" in dumped  # (info events are filtered at the tests' WARNING level)
    assert not any(v in dumped for v in RAW_VALUES) and "<ENC:" not in dumped
