"""The reveal and erasure API on SQLite and PostgreSQL: role matrix, masking, reasons, audit, erasure,
fail-closed behaviour."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from riskguard.audit.models import AuditEntry
from riskguard.auth import Role
from riskguard.ids import new_id
from riskguard.privacy.vault import new_subject_id

from .conftest import Person

VALUES = {"name": "王小明", "id_number": "11010519491231002X", "phone": "13812345678"}
MASKED = {"name": "王**", "id_number": "1****************X", "phone": "138****5678"}
REASON = {"X-Reveal-Reason": "fraud_investigation:CASE-2026-0042"}


@pytest.fixture
def person(vault_app):  # type: ignore[no-untyped-def]
    db = vault_app.extensions["riskguard"].db
    row = Person(id=new_id("p"), subject_id=new_subject_id(), **VALUES)
    with vault_app.app_context(), db.transaction() as session:
        session.add(row)
    return row


@pytest.fixture(scope="module")
def shared_person(shared_vault_app):  # type: ignore[no-untyped-def]
    """One active person on ``shared_vault_app``, for the cases that only read: nothing on that app erases
    the person, and what they count they count as what their own request added."""
    row = Person(id=new_id("p"), subject_id=new_subject_id(), **VALUES)
    with shared_vault_app.app_context(), shared_vault_app.extensions["riskguard"].db.transaction() as session:
        session.add(row)
    return row


def _audit(app, action: str) -> list[bytes]:  # type: ignore[no-untyped-def]
    db = app.extensions["riskguard"].db
    with db.sessions() as session:
        return list(session.scalars(select(AuditEntry.entry).where(AuditEntry.action == action)))


def _url(person) -> str:  # type: ignore[no-untyped-def]
    return f"/v1/privacy/records/vault_test_person/{person.id}"


READERS = {Role.PRIVACY_OFFICER, Role.REVIEWER, Role.ONBOARDING, Role.AUDITOR}
# (method, endpoint, roles that may call it)
MATRIX = [("GET", "reveal", READERS), ("GET", "subject", {Role.PRIVACY_OFFICER, Role.AUDITOR}),
          ("DELETE", "subject", {Role.PRIVACY_OFFICER})]


def test_role_matrix(client, auth, person) -> None:
    """Every role against every endpoint (one app per backend: the table is walked inside the test).
    DELETE comes last, since it erases the subject."""
    wrong = []
    for method, endpoint, allowed in MATRIX:
        for role in Role:
            url = _url(person) if endpoint == "reveal" else f"/v1/privacy/subjects/{person.subject_id}"
            res = client.open(url, method=method, headers=auth(role))
            expected = 200 if role in allowed else 403
            if res.status_code != expected:
                wrong.append((method, endpoint, role.value, res.status_code, expected))
    assert wrong == []


def test_unauthenticated(client, person) -> None:
    assert client.get(_url(person)).status_code == 401
    assert client.delete(f"/v1/privacy/subjects/{person.subject_id}").status_code == 401


# (role, headers, revealed?)
READS = [
    (Role.PRIVACY_OFFICER, REASON, True),
    (Role.PRIVACY_OFFICER, {}, False),
    (Role.REVIEWER, REASON, False),
    (Role.ONBOARDING, {}, False),
    (Role.AUDITOR, REASON, False),
]


@pytest.mark.parametrize(("role", "headers", "revealed"), READS)
def test_reveal_or_mask(shared_app, shared_client, shared_auth, shared_person, role: Role, headers: dict,
                        revealed: bool) -> None:
    before = _audit(shared_app, "privacy:record:revealed")
    res = shared_client.get(_url(shared_person), headers={**shared_auth(role), **headers})
    assert res.status_code == 200
    body = res.get_json()
    assert body["revealed"] is revealed and body["subject_status"] == "active"
    assert body["fields"] == (VALUES if revealed else MASKED)
    entries = _audit(shared_app, "privacy:record:revealed")
    assert len(entries) == len(before) + (1 if revealed else 0)
    if revealed:
        [entry] = [e for e in entries if e not in before]
        assert body["reveal_id"] and body["reveal_id"].encode() in entry
        assert b"fraud_investigation:CASE-2026-0042" in entry
        assert not any(v.encode() in entry for v in VALUES.values())


def test_field_selection(client, auth, person) -> None:
    res = client.get(_url(person) + "?fields=phone", headers={**auth(Role.PRIVACY_OFFICER), **REASON})
    assert res.get_json()["fields"] == {"phone": VALUES["phone"]}


# (path suffix, headers, status, code)
BAD = [
    ("?fields=salary", REASON, 400, "unknown_field"),
    ("?fields=phone;drop", REASON, 400, "validation_error"),
    ("", {"X-Reveal-Reason": "curious"}, 400, "invalid_reason"),
    ("", {"X-Reveal-Reason": "fraud_investigation:"}, 400, "invalid_reason"),
    ("", {"X-Reveal-Reason": "because:CASE-1"}, 400, "invalid_reason"),
]


@pytest.mark.parametrize(("suffix", "headers", "status", "code"), BAD)
def test_bad_reveal_requests(shared_client, shared_auth, shared_person, suffix: str, headers: dict,
                             status: int, code: str) -> None:
    officer = shared_auth(Role.PRIVACY_OFFICER)
    res = shared_client.get(_url(shared_person) + suffix, headers={**officer, **headers})
    assert res.status_code == status and res.get_json()["error"]["code"] == code


@pytest.mark.parametrize(("url", "code"), [("/v1/privacy/records/nope/p_1", "unknown_record_type"),
                                           ("/v1/privacy/records/vault_test_person/p_missing", "record_not_found"),
                                           ("/v1/privacy/subjects/subj_missing", "subject_not_found")])
def test_not_found(shared_client, shared_auth, shared_person, url: str, code: str) -> None:
    res = shared_client.get(url, headers={**shared_auth(Role.PRIVACY_OFFICER), **REASON})
    assert res.status_code == 404 and res.get_json()["error"]["code"] == code


def test_erasure_end_to_end(vault_app, client, auth, person) -> None:
    officer = auth(Role.PRIVACY_OFFICER)
    res = client.delete(f"/v1/privacy/subjects/{person.subject_id}",
                        headers={**officer, "X-Erasure-Reason": "data_subject_request:DSR-17"})
    assert res.status_code == 200
    assert res.get_json()["status"] == "erased" and res.get_json()["blind_indexes_removed"] == 2
    again = client.delete(f"/v1/privacy/subjects/{person.subject_id}", headers=officer)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "subject_already_erased"
    body = client.get(_url(person), headers={**officer, **REASON}).get_json()
    assert body["subject_status"] == "erased" and set(body["fields"].values()) == {"ERASED"}
    masked = client.get(_url(person), headers=auth(Role.REVIEWER)).get_json()
    assert set(masked["fields"].values()) == {"ERASED"}
    status = client.get(f"/v1/privacy/subjects/{person.subject_id}", headers=officer).get_json()
    assert status["status"] == "erased"
    entries = _audit(vault_app, "privacy:subject:erased")
    assert len(entries) == 1 and person.subject_id.encode() in entries[0] and b"DSR-17" in entries[0]


def test_unknown_subject_cannot_be_erased(client, auth) -> None:
    res = client.delete("/v1/privacy/subjects/subj_nobody", headers=auth(Role.PRIVACY_OFFICER))
    assert res.status_code == 404 and res.get_json()["error"]["code"] == "subject_not_found"


@pytest.mark.parametrize("action", ["reveal", "erase"])
def test_fails_closed_when_audit_cannot_record(vault_app, client, auth, person, action: str) -> None:
    officer = auth(Role.PRIVACY_OFFICER)
    db = vault_app.extensions["riskguard"].db
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_entries" + (" CASCADE" if not db.is_sqlite else "")))
    if action == "reveal":
        res = client.get(_url(person), headers={**officer, **REASON})
    else:
        res = client.delete(f"/v1/privacy/subjects/{person.subject_id}", headers=officer)
    assert res.status_code == 503 and res.get_json()["error"]["code"] == "audit_unavailable"
    assert "13812345678" not in res.get_data(as_text=True)
    with db.sessions() as session:  # nothing erased: the data key is still there
        assert session.scalar(text("SELECT count(*) FROM vault_subject_keys WHERE wrapped_key IS NOT NULL")) == 1
    with vault_app.app_context(), db.sessions() as session:
        assert session.get(Person, person.id).phone == VALUES["phone"]


def test_tampered_record_is_a_clear_error(vault_app, client, auth, person) -> None:
    db = vault_app.extensions["riskguard"].db
    with db.engine.begin() as conn:
        blob = bytearray(conn.execute(text("SELECT phone FROM vault_test_people")).scalar_one())
        blob[-1] ^= 1
        conn.execute(text("UPDATE vault_test_people SET phone = :b"), {"b": bytes(blob)})
    res = client.get(_url(person), headers={**auth(Role.PRIVACY_OFFICER), **REASON})
    assert res.status_code == 500 and res.get_json()["error"]["code"] == "ciphertext_rejected"
    assert "Traceback" not in res.get_data(as_text=True) and VALUES["name"] not in res.get_data(as_text=True)


def test_openapi_documents_the_vault(client) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "get" in paths["/v1/privacy/records/{record_type}/{record_id}"]
    assert "delete" in paths["/v1/privacy/subjects/{subject_id}"]


def test_audit_count_helper_sees_rows(vault_app) -> None:  # guards the helper the tests above rely on
    db = vault_app.extensions["riskguard"].db
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) is not None
