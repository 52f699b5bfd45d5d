"""The review queue: role matrix, listing, deciding (linked audit entries), separation of duties."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from riskguard.audit import Action
from riskguard.audit.models import AuditEntry
from riskguard.auth import Role
from riskguard.ids import new_id
from riskguard.review import CaseRequest
from riskguard.review.models import ReviewCase


def _ref(token: str) -> str:
    return f"key:{token.split('_')[1]}"


def open_case(app: Any, *, kind: str = "merchant_application", submitted_by: str = "key:submitter",
              articles: tuple[str, ...] = ("中华人民共和国电子商务法 12",)) -> ReviewCase:
    service = app.extensions["riskguard"].review
    with app.app_context(), app.extensions["riskguard"].db.transaction() as session:
        return service.open_case(session, CaseRequest(
            kind=kind, subject_type=kind, subject_id=new_id("subj"), decision_id=new_id("dec"),
            automated_decision="review", submitted_by=submitted_by, policy_revision="test/1",
            categories=["food"], rule_ids=["licence_expiring"], articles=articles,
            findings=[{"check": "licence_expiring", "severity": "medium", "law": "电子商务法",
                       "article": "12"}]))


def audit_entries(app: Any, action: str) -> list[dict[str, Any]]:
    with app.extensions["riskguard"].db.sessions() as session:
        rows = session.execute(select(AuditEntry).where(AuditEntry.action == action)
                               .order_by(AuditEntry.idx)).scalars()
        return [json.loads(r.entry) for r in rows]


ENDPOINTS = [("get", "/v1/review/cases"), ("get", "/v1/review/cases/{id}"),
             ("post", "/v1/review/cases/{id}/decision")]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_role_matrix(module_app, sclient, sauth, role: Role, method: str, path: str) -> None:
    case = open_case(module_app)
    body = {"decision": "allow", "reason": "licence renewal confirmed by phone call"}
    res = getattr(sclient, method)(path.format(id=case.id), headers=sauth(role),
                                   json=body if method == "post" else None)
    assert res.status_code == (200 if role is Role.REVIEWER else 403), res.get_json()


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_token_is_401(sclient, method: str, path: str) -> None:
    assert getattr(sclient, method)(path.format(id="case_x")).status_code == 401


@pytest.mark.parametrize("decision", ["allow", "block"])
def test_decision_is_a_linked_audit_entry(app, client, token, decision: str) -> None:
    case = open_case(app)
    tok = token(Role.REVIEWER)
    res = client.post(f"/v1/review/cases/{case.id}/decision", json={"decision": decision,
                      "reason": "checked the licence scan"}, headers={"Authorization": f"Bearer {tok}"})
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert (body["status"], body["decision"], body["decided_by"]) == ("decided", decision, _ref(tok))
    [opened] = audit_entries(app, Action.REVIEW_CASE_OPENED)
    assert opened["subject"]["id"] == case.id and opened["links"] == {"decision": case.decision_id}
    [entry] = audit_entries(app, Action.REVIEW_DECIDED)
    assert entry["links"] == {"overrides": case.decision_id}
    assert entry["decision"] == decision and entry["actor"] == _ref(tok)
    assert entry["reason"] == "checked the licence scan"
    assert entry["details"]["articles"] == ["中华人民共和国电子商务法 12"]
    assert entry["subject"] == {"type": "review_case", "id": case.id}


def test_second_decision_is_a_conflict(app, client, auth) -> None:
    case = open_case(app)
    url = f"/v1/review/cases/{case.id}/decision"
    first = client.post(url, json={"decision": "allow", "reason": "fine"}, headers=auth(Role.REVIEWER))
    second = client.post(url, json={"decision": "block", "reason": "not fine"}, headers=auth(Role.REVIEWER))
    assert first.status_code == 200
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "case_already_decided"
    assert len(audit_entries(app, Action.REVIEW_DECIDED)) == 1


def test_submitter_cannot_review_own_decision(app, client, token) -> None:
    tok = token(Role.REVIEWER)
    case = open_case(app, submitted_by=_ref(tok))
    res = client.post(f"/v1/review/cases/{case.id}/decision", json={"decision": "allow", "reason": "mine"},
                      headers={"Authorization": f"Bearer {tok}"})
    assert res.status_code == 403 and res.get_json()["error"]["code"] == "reviewer_is_submitter"
    assert audit_entries(app, Action.REVIEW_DECIDED) == []


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"decision": "allow"}, "reason", "validation_error"),
    ({"decision": "allow", "reason": "   "}, "reason", None),
    ({"decision": "allow", "reason": ""}, "reason", "validation_error"),
    ({"decision": "allow", "reason": "called 13812345678 to confirm"}, "reason",
     "reason_contains_personal_data"),
    ({"decision": "review", "reason": "unsure"}, "decision", "validation_error"),
    ({"reason": "no decision"}, "decision", "validation_error"),
    ({"decision": "allow", "reason": 5}, "reason", "validation_error"),
    ({"decision": "allow", "reason": "ok", "extra": 1}, "extra", "validation_error"),
])
def test_bad_decision_bodies(module_app, sclient, sauth, body: dict[str, Any], field: str,
                             code: str | None) -> None:
    app = module_app
    case = open_case(app)
    res = sclient.post(f"/v1/review/cases/{case.id}/decision", json=body, headers=sauth(Role.REVIEWER))
    assert res.status_code == 400
    err = res.get_json()["error"]
    assert err["field"] == field
    if code:
        assert err["code"] == code
    with app.extensions["riskguard"].db.sessions() as session:
        assert session.get(ReviewCase, case.id).status == "open"


def test_unknown_case_is_404(sclient, sauth) -> None:
    res = sclient.post("/v1/review/cases/case_nope/decision", json={"decision": "allow", "reason": "ok"},
                       headers=sauth(Role.REVIEWER))
    assert res.status_code == 404
    assert sclient.get("/v1/review/cases/case_nope", headers=sauth(Role.REVIEWER)).status_code == 404


def test_listing_filters_and_pages(app, client, auth) -> None:
    headers = auth(Role.REVIEWER)
    merchants = [open_case(app) for _ in range(3)]
    ads = [open_case(app, kind="ad") for _ in range(2)]
    client.post(f"/v1/review/cases/{merchants[0].id}/decision", json={"decision": "block",
                "reason": "fake licence"}, headers=headers)

    def ids(query: str) -> list[str]:
        res = client.get(f"/v1/review/cases?{query}", headers=headers)
        assert res.status_code == 200, res.get_json()
        return [c["id"] for c in res.get_json()["cases"]]

    assert ids("") == [c.id for c in merchants[1:] + ads]
    assert ids("kind=ad") == [c.id for c in ads]
    assert ids("status=decided") == [merchants[0].id]
    assert ids("status=all&kind=merchant_application") == [c.id for c in merchants]
    page = client.get("/v1/review/cases?limit=2", headers=headers).get_json()
    assert [c["id"] for c in page["cases"]] == [merchants[1].id, merchants[2].id]
    assert ids(f"limit=2&cursor={page['next']}") == [c.id for c in ads]


@pytest.mark.parametrize("query", ["kind=poster", "status=closed", "limit=0", "limit=500", "limit=x",
                                   "cursor=case_unknown", "sort=random", "severity=huge", "from=yesterday",
                                   "content_id=", "rule=" + "x" * 129])
def test_bad_list_queries(sclient, sauth, query: str) -> None:
    res = sclient.get(f"/v1/review/cases?{query}", headers=sauth(Role.REVIEWER))
    assert res.status_code == 400
    assert res.get_json()["error"]["field"] in query


def test_audit_failure_fails_closed(app, client, auth) -> None:
    from faults import refuse_audit_entries

    case = open_case(app)
    refuse_audit_entries(app.extensions["riskguard"].db, subject_id=case.id)  # the decision's entry
    res = client.post(f"/v1/review/cases/{case.id}/decision", json={"decision": "allow", "reason": "ok"},
                      headers=auth(Role.REVIEWER))
    assert res.status_code == 503 and res.get_json()["error"]["code"] == "audit_unavailable"
    assert "refused" not in res.get_data(as_text=True)
    with app.extensions["riskguard"].db.sessions() as session:
        assert session.get(ReviewCase, case.id).status == "open"


def test_outcome_hooks_and_subject_view(sqlite_app) -> None:  # its own app: it registers hooks
    app, client = sqlite_app, sqlite_app.test_client()

    def auth(role: Role) -> dict[str, str]:
        from riskguard.auth import create_key

        with app.extensions["riskguard"].db.transaction() as session:
            return {"Authorization": f"Bearer {create_key(session, role=role, name='t')[1]}"}

    service = app.extensions["riskguard"].review
    seen: list[tuple[str, str]] = []
    service.on_decided("ad", lambda session, case: seen.append((case.id, case.decision)))
    service.register_subject_view("ad", lambda session, subject_id: {"id": subject_id, "store_name": "小店"})
    case = open_case(app, kind="ad")
    view = client.get(f"/v1/review/cases/{case.id}", headers=auth(Role.REVIEWER)).get_json()
    assert view["subject_view"] == {"id": case.subject_id, "store_name": "小店"}
    client.post(f"/v1/review/cases/{case.id}/decision", json={"decision": "block", "reason": "diversion"},
                headers=auth(Role.REVIEWER))
    assert seen == [(case.id, "block")]


def test_racing_reviewers_one_wins(app, token) -> None:
    """Two reviewers decide the same case at the same moment: one 200, one 409, one audit entry."""
    import threading

    case = open_case(app)
    tokens = [token(Role.REVIEWER), token(Role.REVIEWER)]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def decide(tok: str, decision: str) -> None:
        client = app.test_client()
        barrier.wait()
        res = client.post(f"/v1/review/cases/{case.id}/decision", json={"decision": decision, "reason": "race"},
                          headers={"Authorization": f"Bearer {tok}"})
        statuses.append(res.status_code)

    threads = [threading.Thread(target=decide, args=(t, d)) for t, d in zip(tokens, ["allow", "block"],
                                                                            strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409]
    [entry] = audit_entries(app, Action.REVIEW_DECIDED)
    with app.extensions["riskguard"].db.sessions() as session:
        assert session.get(ReviewCase, case.id).decision == entry["decision"]
