"""No personal data enters the audit trail (issue #18, item 3): every identifier or free-text field a
client sends that reaches an entry is either refused with a 400 naming the field, or recorded as a keyed
digest (the table in docs/audit.md). After each request the clear value is looked for in every audit
table, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from onboarding.builders import application
from sqlalchemy import select

from riskguard.audit.models import AuditEntry
from riskguard.db import Base
from riskguard.ids import keyed_digest

MOBILE = "15817263549"  # the reproduction in the issue
RESIDENT_ID = "11010519491231002X"
CARD = "6222021234567894"
EMAIL = "zhang.san@example.com"
SPACED_MOBILE = "u-158-1726-3549"  # found by the mobile recognizer, not by the audit log's own guard


def _audit_text(app: Flask) -> str:
    """Every row of every audit table, as text (entry bytes decoded)."""
    out = []
    with app.extensions["riskguard"].db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name.startswith("audit"):
                for row in conn.execute(select(table)):
                    out.extend(bytes(v).decode("utf-8", "replace") if isinstance(v, bytes | memoryview) else str(v)
                               for v in row)
    return "\n".join(out)


def _assert_absent(app: Flask, *values: str) -> None:
    text = _audit_text(app)
    assert text, "the audit tables are empty: the check would prove nothing"
    for value in values:
        assert value not in text


def _entries(app: Flask, action: str) -> list[dict[str, Any]]:
    with app.extensions["riskguard"].db.engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.entry).where(AuditEntry.action == action)).scalars().all()
    return [json.loads(bytes(r)) for r in rows]


def _digest(app: Flask, value: str) -> str:
    return keyed_digest(app.extensions["riskguard"].keyring.secret("digest"), value)


# -- digested: content ids ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", [MOBILE, RESIDENT_ID, CARD, SPACED_MOBILE])  # ids have no "@"
def test_a_screening_id_that_is_personal_data_is_recorded_as_its_digest(shared_app: Flask, shared_auth: Any,
                                                                        value: str) -> None:
    client, auditor = shared_app.test_client(), shared_auth("auditor")
    res = client.post("/v1/screen/ad", json={"id": value, "text": "三天见效"}, headers=shared_auth("screener"))
    assert res.status_code == 200 and res.get_json()["id"] == value  # the client still gets its id back
    assert res.get_json()["decision"] == "review"  # and a review case was opened for it
    batch = client.post("/v1/screen/ad/batch", json={"items": [{"id": f"x-{value}", "text": "好"}]},
                        headers=shared_auth("screener"))
    assert batch.status_code == 200
    _assert_absent(shared_app, value)
    subjects = {e["subject"]["id"] for e in _entries(shared_app, "screening:content:decided")}
    assert {_digest(shared_app, value), _digest(shared_app, f"x-{value}")} <= subjects
    opened = [e["details"]["subject"]["id"] for e in _entries(shared_app, "review:case:opened")]
    assert _digest(shared_app, value) in opened
    # an auditor filtering by the clear id finds the entries (the filter goes through the same digest)
    found = client.get("/v1/audit/entries", query_string={"subject_id": value}, headers=auditor).get_json()
    assert [e["subject_id"] for e in found["entries"]] == [_digest(shared_app, value)]
    _assert_absent(shared_app, value)  # ... and the query's own audit entry holds no clear value either


def test_an_ordinary_screening_id_stays_readable(shared_app: Flask, shared_auth: Any) -> None:
    res = shared_app.test_client().post("/v1/screen/ad", json={"id": "listing-20261205-7", "text": "好"},
                                        headers=shared_auth("screener"))
    assert res.status_code == 200
    assert "listing-20261205-7" in {e["subject"]["id"] for e in _entries(shared_app, "screening:content:decided")}


# -- refused: application ids and every free-text field ---------------------------------------------
@pytest.mark.parametrize("value", [MOBILE, RESIDENT_ID, CARD])
def test_a_merchant_application_id_that_is_personal_data_is_refused(shared_app: Flask, shared_auth: Any,
                                                                    value: str) -> None:
    res = shared_app.test_client().post("/v1/merchants/applications", json=application(id=value),
                                        headers=shared_auth("onboarding"))
    assert res.status_code == 400, res.get_json()
    assert res.get_json()["error"]["code"] == "validation_error" and res.get_json()["error"]["field"] == "id"
    _assert_absent(shared_app, value)


def _free_text_requests(value: str) -> list[tuple[str, str, str, dict[str, Any], dict[str, str], str]]:
    """(role, method, url, json body, extra headers, field named in the 400)."""
    return [
        ("reviewer", "POST", "/v1/review/cases/case_0/decision", {"decision": "allow", "reason": f"已电话核实 {value}"},
         {}, "reason"),
        ("finance_approver", "POST", "/v1/payouts/batches/pb_0/approve",
         {"overrides": [{"payout_id": "P1", "reason": f"payee confirmed via {value}"}]}, {}, "overrides.0.reason"),
        ("privacy_officer", "GET", "/v1/privacy/records/merchant_application/app-1", {},
         {"X-Reveal-Reason": f"legal_request:{value}"}, "X-Reveal-Reason"),
        ("privacy_officer", "DELETE", "/v1/privacy/subjects/ds_0", {},
         {"X-Erasure-Reason": f"data_subject_request:{value}"}, "X-Erasure-Reason"),
        ("privacy_officer", "POST", "/v1/pii/decrypt", {"tokens": ["x"], "reason": f"legal_request:{value}"}, {},
         "reason"),
    ]


@pytest.mark.parametrize("value", [MOBILE, RESIDENT_ID, CARD, EMAIL])
@pytest.mark.parametrize("case", range(5), ids=["review_reason", "override_reason", "reveal_reason",
                                                  "erasure_reason", "decrypt_reason"])
def test_free_text_that_holds_personal_data_is_refused_naming_the_field(shared_app: Flask, shared_auth: Any,
                                                                        case: int, value: str) -> None:
    role, method, url, body, extra, field = _free_text_requests(value)[case]
    res = shared_app.test_client().open(url, method=method, json=body or None,
                                        headers={**shared_auth(role), **extra})
    assert res.status_code == 400, res.get_json()
    error = res.get_json()["error"]
    # a '<reason>:<reference>' reference cannot hold "@": that syntax check refuses an e-mail address first
    code = "invalid_reason" if "@" in value and case >= 2 else "reason_contains_personal_data"
    assert (error["code"], error["field"]) == (code, field), error
    _assert_absent(shared_app, value)


def test_our_own_ids_never_read_as_personal_data() -> None:
    """Ids we generate are recorded in clear: none holds a digit run a recognizer takes for a mobile, resident
    ID or card number (before, about 1 in 800 did, e.g. ``pii_1e7e13238468765b…``, and was digested)."""
    from riskguard.audit.canonical import looks_personal
    from riskguard.ids import new_id
    from riskguard.privacy.pii.fields import identifier_is_personal

    ids = [new_id("pii") for _ in range(20000)]
    assert [i for i in ids if looks_personal(i) or identifier_is_personal(i)] == []


@pytest.mark.parametrize("value", ["ad_13812345678", "x_6222021234567894", "ad_11010519491231002x"])
def test_a_client_id_shaped_like_ours_is_still_personal(value: str) -> None:
    """The log's own guard lets ``prefix_hex`` ids through (ours, and digits are hex digits too), so a
    client id such as ``ad_13812345678`` must be caught by the recognizers the audit log also consults."""
    from riskguard.privacy.pii.fields import identifier_is_personal

    assert identifier_is_personal(value)
