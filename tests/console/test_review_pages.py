"""Review pages through the test client (SQLite and PostgreSQL): queue filters, the case page with
highlights and masked fields, deciding with a reason, and the submitter never deciding their own case."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import select

from riskguard.audit import Action
from riskguard.audit.models import AuditEntry
from riskguard.ids import new_id
from riskguard.review import CaseRequest

from .conftest import csrf_from

AD_TEXT = "这是全网最低价的面霜，效果最好"
AD_FINDINGS = [
    {"rule_id": "adlaw.9-3.superlative", "law": "广告法", "article": "9(3)", "severity": "high",
     "message": "使用绝对化用语", "start": 2, "end": 6},
    {"rule_id": "adlaw.9-3.superlative", "law": "广告法", "article": "9(3)", "severity": "high",
     "message": "使用绝对化用语", "start": 13, "end": 15},
]


def open_case(app: Any, *, kind: str = "ad", submitted_by: str = "key:submitter", category: str = "cosmetics",
              findings: list[dict] | None = None, content: str | None = None) -> str:
    service = app.extensions["riskguard"].review
    with app.app_context(), app.extensions["riskguard"].db.transaction() as session:
        case = service.open_case(session, CaseRequest(
            kind=kind, subject_type=kind, subject_id=new_id("subj"), decision_id=new_id("dec"),
            automated_decision="review", submitted_by=submitted_by, policy_revision="ad/1",
            categories=[category], rule_ids=[f.get("rule_id") or f["check"] for f in findings or AD_FINDINGS],
            articles=["广告法 9(3)"], findings=findings or AD_FINDINGS, content=content))
        return case.id


@pytest.fixture
def with_subjects(app):  # type: ignore[no-untyped-def]
    """Subject views as the screening and onboarding domains provide them: the text, masked fields."""
    service = app.extensions["riskguard"].review
    service.register_subject_view("ad", lambda _s, _id: {"text": AD_TEXT})
    service.register_subject_view("merchant_application",
                                  lambda _s, _id: {"legal_rep": {"name": "张*", "id_number": "110***********1234"}})
    return service


FILTERS = [  # query string → which of the three cases below the queue shows
    ("", {"ad-cosmetics", "ad-food", "listing-food"}),
    ("?kind=ad", {"ad-cosmetics", "ad-food"}),
    ("?kind=listing", {"listing-food"}),
    ("?category=food", {"ad-food", "listing-food"}),
    ("?severity=critical", {"listing-food"}),
    ("?severity=high", {"ad-cosmetics", "ad-food", "listing-food"}),
    ("?kind=ad&category=food", {"ad-food"}),
    ("?min_age_hours=0", {"ad-cosmetics", "ad-food", "listing-food"}),
    ("?min_age_hours=5", set()),
    ("?kind=bogus&severity=bogus&min_age_hours=x", {"ad-cosmetics", "ad-food", "listing-food"}),
]


def test_queue_filters(app, client, console_login) -> None:
    critical = [{**AD_FINDINGS[0], "severity": "critical"}]
    ids = {"ad-cosmetics": open_case(app), "ad-food": open_case(app, category="food"),
           "listing-food": open_case(app, kind="listing", category="food", findings=critical)}
    console_login(client, "reviewer")
    for query, shown in FILTERS:
        res = client.get(f"/console/review{query}")
        assert res.status_code == 200
        assert {name for name, cid in ids.items() if f'data-case="{cid}"' in res.text} == shown, query


def test_case_page_highlights_the_text_beside_its_findings(app, client, console_login, with_subjects) -> None:
    case_id = open_case(app)
    console_login(client, "reviewer")
    res = client.get(f"/console/review/{case_id}")
    assert res.status_code == 200
    assert res.text.count('<mark class="hit"') == 2
    assert ">全网最低<sup>1</sup></mark>" in res.text and ">最好<sup>2</sup></mark>" in res.text
    assert "广告法" in res.text and "9(3)" in res.text and "使用绝对化用语" in res.text


MASKED_AD = "这是全网最低价的面霜，效果最好，电话***********"  # as the screening hook stores it


@pytest.mark.parametrize(("content", "marks", "shown", "absent"), [
    (MASKED_AD, [">全网最低<sup>1</sup></mark>", ">最好<sup>2</sup></mark>"], ["电话***********"], []),
    (MASKED_AD, [], ["广告法"], ["13800138000"]),
    ("<b>最好</b>的全网最低价", [], ["&lt;b"], ["<b>"]),  # the stored text is escaped like any other
    (None, [], ['id="findings"'], ['id="marked-text"']),  # no stored text: findings only, no highlight
])
def test_screening_case_page_shows_the_stored_masked_text(app, client, console_login, content: str | None,
                                                          marks: list[str], shown: list[str],
                                                          absent: list[str]) -> None:
    case_id = open_case(app, content=content)  # no subject view registered: the case's own content
    console_login(client, "reviewer")
    res = client.get(f"/console/review/{case_id}")
    assert res.status_code == 200
    for piece in [*marks, *shown]:
        assert piece in res.text
    for piece in absent:
        assert piece not in res.text
    if marks:
        assert res.text.count('<mark class="hit"') == len(marks) and 'id="marked-text"' in res.text


def test_application_fields_are_shown_masked(app, client, console_login, with_subjects) -> None:
    case_id = open_case(app, kind="merchant_application", findings=[
        {"check": "licence_expiring", "severity": "medium", "law": "电子商务法", "article": "12",
         "field": "licence"}])
    console_login(client, "reviewer")
    res = client.get(f"/console/review/{case_id}")
    assert "110***********1234" in res.text and "张*" in res.text and "legal_rep.id_number" in res.text
    assert "licence_expiring" in res.text


def _decide(client, case_id: str, **form: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/console/review/{case_id}")
    return client.post(f"/console/review/{case_id}", data={"csrf_token": csrf_from(page.text), **form})


def test_deciding_records_an_audit_entry(app, client, console_login) -> None:
    case_id = open_case(app)
    tok = console_login(client, "reviewer")
    res = _decide(client, case_id, decision="block", reason="绝对化用语，无证据支持")
    assert res.status_code == 302
    page = client.get(res.headers["Location"])
    assert 'id="case-decision"' in page.text and "decide-form" not in page.text
    with app.extensions["riskguard"].db.sessions() as session:
        entries = [json.loads(r.entry) for r in session.execute(
            select(AuditEntry).where(AuditEntry.action == Action.REVIEW_DECIDED.value)).scalars()]
    assert [(e["subject"]["id"], e["decision"], e["actor"]) for e in entries] == [
        (case_id, "block", f"key:{tok.split('_')[1]}")]


@pytest.mark.parametrize("form,status,message", [
    ({"decision": "allow", "reason": "   "}, 400, "请填写理由"),
    ({"decision": "allow"}, 400, "请填写理由"),
    ({"decision": "maybe", "reason": "不确定"}, 400, "请选择放行或拦截"),
    ({"decision": "allow", "reason": "联系电话 13800138000 已核实"}, 400, "个人信息"),
])
def test_a_bad_decision_changes_nothing(app, client, console_login, form: dict, status: int, message: str) -> None:
    case_id = open_case(app)
    console_login(client, "reviewer")
    res = _decide(client, case_id, **form)
    assert res.status_code == status
    assert message in res.text
    assert 'id="decide-form"' in client.get(f"/console/review/{case_id}").text  # still open


def test_submitter_cannot_decide_their_own_case(app, client, console_login) -> None:
    tok = console_login(client, "reviewer")
    case_id = open_case(app, submitted_by=f"key:{tok.split('_')[1]}")
    page = client.get(f"/console/review/{case_id}")
    assert 'id="own-case"' in page.text and 'id="decide-form"' not in page.text
    res = client.post(f"/console/review/{case_id}", data={"csrf_token": csrf_from(page.text),
                                                           "decision": "allow", "reason": "看起来没问题"})
    assert res.status_code == 403
    assert "提交人不能审核自己的案件" in res.text


def test_a_case_is_decided_once(app, client, console_login) -> None:
    case_id = open_case(app)
    console_login(client, "reviewer")
    assert _decide(client, case_id, decision="allow", reason="有检测报告").status_code == 302
    res = client.post(f"/console/review/{case_id}", data={
        "csrf_token": csrf_from(client.get("/console/review").text), "decision": "block", "reason": "改判"})
    assert res.status_code == 409


def test_deciding_needs_the_csrf_token(app, client, console_login) -> None:
    case_id = open_case(app)
    console_login(client, "reviewer")
    res = client.post(f"/console/review/{case_id}", data={"decision": "allow", "reason": "有检测报告"})
    assert res.status_code == 400
    assert 'id="decide-form"' in client.get(f"/console/review/{case_id}").text


def test_unknown_case_is_404(client, console_login) -> None:
    console_login(client, "reviewer")
    assert client.get("/console/review/case_nope").status_code == 404


def test_merchant_application_case_end_to_end(app, client, console_login, auth) -> None:
    """An application submitted through the onboarding API opens a case; the page shows its masked
    fields and highlights the store description's finding."""
    from onboarding.builders import application  # the onboarding tests' valid-application builder

    body = application(store_description="本店面霜7天见效，支持七天无理由退货。", categories=["cosmetics"])
    res = client.post("/v1/merchants/applications", json=body, headers=auth("onboarding"))
    assert res.status_code in (200, 201), res.get_json()
    case_id = res.get_json()["review_case_id"]
    assert case_id
    console_login(client, "reviewer")
    page = client.get(f"/console/review/{case_id}").text
    assert re.findall(r'<mark class="hit"[^>]*>(.*?)<sup>', page) == ["7天见效"]
    assert 'data-field="store_description"' in page
    table = re.search(r'<table id="subject-fields">(.*?)</table>', page, re.S).group(1)
    for raw in (body["legal_rep"]["id_number"], body["legal_rep"]["phone"], body["contact_phone"],
                body["bank_account"]["number"], body["uscc"]):
        assert raw not in page  # personal fields are shown masked, never in full
    assert "legal_rep.id_number" in table and "bank_account.number" in table


def test_nul_in_a_form_field_is_refused_before_the_database(app, client, console_login) -> None:
    """PostgreSQL cannot store NUL: the input layer refuses it in any form field (it was a 5xx there)."""
    case_id = open_case(app)
    console_login(client, "reviewer")
    res = _decide(client, case_id, decision="allow", reason="有检测\x00报告")
    assert res.status_code == 400
    assert 'id="decide-form"' in client.get(f"/console/review/{case_id}").text  # still open
