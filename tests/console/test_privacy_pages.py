"""The privacy officer's console pages through the test client (SQLite and PostgreSQL where they touch the
vault): subject lookup, the subject page with its erasure preview, export downloads, erasure with
confirmation, reveal with a reason, retention, and the PII try-out with each operator."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from onboarding.builders import application
from sqlalchemy import select

from riskguard.audit.models import AuditEntry
from riskguard.console.i18n import MESSAGES
from riskguard.privacy.pii.analyzer import ALL_ENTITIES
from riskguard.privacy.pii.redaction import OPERATORS

from .conftest import csrf_from, make_token

REASON = {"reason_kind": "data_subject_request", "reason_ref": "DSR-2026-17"}


def _submit(app: Any) -> dict[str, Any]:
    body = application()
    res = app.test_client().post("/v1/merchants/applications", json=body,
                                 headers={"Authorization": f"Bearer {make_token(app, 'onboarding')}"})
    assert res.status_code == 201, res.get_json()
    return body


def _post(client: Any, url: str, data: dict[str, str], page: str | None = None) -> Any:
    html = client.get(page or url).text
    return client.post(url, data={"csrf_token": csrf_from(html), **data})


def _actions(app: Any, action: str) -> list[bytes]:
    with app.extensions["riskguard"].db.sessions() as session:
        return list(session.scalars(select(AuditEntry.entry).where(AuditEntry.action == action)))


def _lookup(client: Any, kind: str, value: str, **extra: str) -> Any:
    return _post(client, "/console/privacy", {"kind": kind, "value": value, **REASON, **extra})


def _subject_of(html: str) -> str:
    start = html.index('data-subject="') + len('data-subject="')
    return html[start:html.index('"', start)]


def test_officer_finds_reveals_exports_and_erases(app, console_login) -> None:  # type: ignore[no-untyped-def]
    body = _submit(app)
    phone, card = body["legal_rep"]["phone"], body["bank_account"]["number"]
    client = app.test_client()
    console_login(client, "privacy_officer")
    assert 'data-area="privacy"' in client.get("/console/").text

    found = _lookup(client, "phone", f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}")
    assert found.status_code == 200, found.text
    assert phone not in found.text and f"{phone[:3]}****{phone[-4:]}" in found.text
    subject = _subject_of(found.text)
    assert _subject_of(_lookup(client, "bank_card", card).text) == subject
    entries = _actions(app, "privacy:subject:looked_up")
    assert len(entries) == 2 and not any(phone.encode() in e or card.encode() in e for e in entries)
    assert 'id="no-subjects"' in _lookup(client, "email", "nobody@example.com").text

    page = client.get(f"/console/privacy/subjects/{subject}")
    assert page.status_code == 200 and body["id"] in page.text and 'id="erase-summary"' in page.text
    assert "1 条记录中的 8 个字段" in page.text and phone not in page.text

    record = f"/console/privacy/records/merchant_application/{body['id']}"
    assert 'data-revealed="false"' in client.get(record).text
    shown = _post(client, record, REASON)
    assert 'data-revealed="true"' in shown.text and phone in shown.text
    assert len(_actions(app, "privacy:record:revealed")) == 1

    subject_url = f"/console/privacy/subjects/{subject}"
    exported = _post(client, f"{subject_url}/export", {**REASON, "format": "json"}, page=subject_url)
    assert exported.status_code == 200 and exported.headers["Content-Disposition"].endswith('.json"')
    document = json.loads(exported.get_data(as_text=True))
    assert document["records"][0]["fields"]["legal_rep_phone"] == phone
    as_csv = _post(client, f"{subject_url}/export", {**REASON, "format": "csv"}, page=subject_url)
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert ["legal_rep_phone", phone] in [[r[3], r[5]] for r in rows]
    assert len(_actions(app, "privacy:subject:exported")) == 2

    refused = _post(client, f"{subject_url}/erase", {**REASON, "confirm": "yes"}, page=subject_url)
    assert refused.status_code == 400 and MESSAGES["privacy.err.confirm_required"][0] in refused.text
    assert _actions(app, "privacy:subject:erased") == []
    erased = _post(client, f"{subject_url}/erase", {**REASON, "confirm": subject}, page=subject_url)
    assert erased.status_code == 302
    after = client.get(subject_url).text
    assert 'data-status="erased"' in after and "ERASED" in after and 'id="erase-form"' not in after
    assert len(_actions(app, "privacy:subject:erased")) == 1


# (form fields, status, message key)
BAD = [
    ({"reason_kind": "", "reason_ref": ""}, 400, "privacy.err.reason_required"),
    ({"reason_kind": "curious", "reason_ref": "X-1"}, 400, "privacy.err.invalid_reason"),
    ({"reason_kind": "legal_request", "reason_ref": "13812345678"}, 400, "privacy.err.reason_contains_personal_data"),
    ({"kind": "passport"}, 400, "privacy.err.validation_error"),
    ({"value": "   "}, 400, "privacy.err.validation_error"),
]


@pytest.mark.parametrize(("fields", "status", "key"), BAD)
def test_bad_lookups_show_the_error(sclient, console_login, fields, status, key) -> None:  # type: ignore[no-untyped-def]
    console_login(sclient, "privacy_officer")
    res = _post(sclient, "/console/privacy", {"kind": "phone", "value": "13812345678", **REASON, **fields})
    assert res.status_code == status and MESSAGES[key][0] in res.text
    assert _actions(sclient.application, "privacy:subject:looked_up") == []


@pytest.mark.parametrize(("role", "url", "status"), [
    ("reviewer", "/console/privacy", 403), ("screener", "/console/privacy", 403),
    ("auditor", "/console/privacy/retention", 200), ("screener", "/console/privacy/pii", 200),
    ("reviewer", "/console/privacy/pii", 403), ("auditor", "/console/privacy/subjects/subj_x", 403),
    ("privacy_officer", "/console/privacy/subjects/subj_nobody", 404),
])
def test_who_may_open_what(sclient, console_login, role: str, url: str, status: int) -> None:  # type: ignore[no-untyped-def]
    console_login(sclient, role)
    assert sclient.get(url).status_code == status


def test_retention_page(sclient, console_login) -> None:  # type: ignore[no-untyped-def]
    _submit(sclient.application)
    console_login(sclient, "privacy_officer")
    page = sclient.get("/console/privacy/retention")
    assert page.status_code == 200
    assert 'data-field="merchant_applications.bank_account"' in page.text and "1825" in page.text


@pytest.mark.parametrize("operator", OPERATORS)
def test_pii_try_out_redacts_with_each_operator(sclient, console_login, operator: str) -> None:  # type: ignore[no-untyped-def]
    console_login(sclient, "privacy_officer")
    text = "请拨打 13812345678 联系我"
    res = _post(sclient, "/console/privacy/pii", {"text": text, "mode": "redact", "operator": operator})
    assert res.status_code == 200, res.text
    redacted = res.text.split('id="redacted-text">', 1)[1].split("</div>", 1)[0]
    assert "13812345678" not in redacted and redacted.startswith("请拨打 ")
    assert len(_actions(sclient.application, "privacy:text:scanned")) == 1


def test_pii_try_out_detects_and_refuses_blank_text(sclient, console_login) -> None:  # type: ignore[no-untyped-def]
    console_login(sclient, "screener")
    res = _post(sclient, "/console/privacy/pii", {"text": "手机 13812345678", "mode": "detect"})
    assert res.status_code == 200 and 'data-type="CN_MOBILE"' in res.text and '<mark class="hit"' in res.text
    blank = _post(sclient, "/console/privacy/pii", {"text": "  \n ", "mode": "detect"})
    assert blank.status_code == 400 and 'id="text-error"' in blank.text


@pytest.mark.parametrize(("role", "listed"), [("screener", False), ("privacy_officer", True)])
def test_only_an_officer_gets_the_values_listed(sclient, console_login, role: str, listed: bool) -> None:  # type: ignore[no-untyped-def]
    """As the API's include_text: the table lists matched values for a privacy officer only."""
    console_login(sclient, role)
    res = _post(sclient, "/console/privacy/pii", {"text": "手机 13812345678", "mode": "detect"})
    table = res.text.split('id="detections"', 1)[1]
    assert ("<td>13812345678</td>" in table) is listed
    [entry] = _actions(sclient.application, "privacy:text:scanned")
    assert (b'"include_text":true' in entry) is listed


def test_english_pages(sclient, console_login) -> None:  # type: ignore[no-untyped-def]
    console_login(sclient, "privacy_officer")
    _post(sclient, "/console/lang", {"lang": "en", "next": "/console/privacy"}, page="/console/privacy")
    page = sclient.get("/console/privacy").text
    assert "Subject lookup" in page and "查找数据主体" not in page


def test_every_built_key_exists() -> None:
    """Keys the privacy templates build from data."""
    import riskguard.models  # noqa: F401
    from riskguard.config import PROJECT_ROOT
    from riskguard.console.views.privacy import FORM_ERRORS, LOOKUP_KINDS
    from riskguard.privacy.vault.policy import CLASSES, load_policy
    from riskguard.privacy.vault.registry import all_record_types

    policy = load_policy(PROJECT_ROOT / "policies" / "privacy.yaml")
    keys = {f"privacy.err.{c}" for c in FORM_ERRORS | {"other", "blank"}}
    keys |= {f"privacy.kind.{k}" for k in LOOKUP_KINDS} | {f"privacy.reason.{r}" for r in policy.reveal_reasons}
    keys |= {f"privacy.class.{c}" for c in CLASSES} | {f"privacy.status.{s}" for s in ("active", "erased")}
    keys |= {f"privacy.field.{column}" for _, column in policy.fields}
    keys |= {f"privacy.field.{f}" for kind in all_record_types() for f in kind.fields}
    keys |= {f"privacy.entity.{e}" for e in ALL_ENTITIES} | {f"privacy.operator.{o}" for o in OPERATORS}
    missing = sorted(k for k in keys if k not in MESSAGES)
    assert missing == []
