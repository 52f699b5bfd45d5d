"""``GET /v1/merchants/applications``: the calling key's own applications, newest first, in cursor pages
both ways, with status and final decision and no personal field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from riskguard.auth import Role

from .builders import application, card
from .test_onboarding_api import URL, submit


def _list(client: Any, headers: dict[str, str], **query: Any) -> dict[str, Any]:
    res = client.get(URL, query_string=query, headers=headers)
    assert res.status_code == 200, res.get_json()
    return res.get_json()


@pytest.mark.parametrize("role", list(Role))
def test_only_onboarding_lists(sclient, sauth, role: Role) -> None:
    assert sclient.get(URL, headers=sauth(role)).status_code == (200 if role is Role.ONBOARDING else 403)


def test_pages_both_ways_over_own_applications_only(client, auth) -> None:
    mine, other = auth(Role.ONBOARDING, "desk-a"), auth(Role.ONBOARDING, "desk-b")
    ids = [submit(client, mine, application())["application_id"] for _ in range(5)]
    submit(client, other, application())
    first = _list(client, mine, limit=2)
    assert first["total"] == 5 and first["prev"] is None
    second = _list(client, mine, limit=2, cursor=first["next"])
    third = _list(client, mine, limit=2, cursor=second["next"])
    seen = [a["id"] for page in (first, second, third) for a in page["applications"]]
    assert seen == list(reversed(ids))  # newest first, each once, none of the other key's
    assert third["next"] is None and third["prev"]
    back = _list(client, mine, limit=2, cursor=second["prev"])
    assert [a["id"] for a in back["applications"]] == [a["id"] for a in first["applications"]]
    assert back["prev"] is None and back["next"]


def test_rows_say_status_and_final_decision_without_personal_data(sclient, sauth) -> None:
    headers = sauth(Role.ONBOARDING)
    body = application()
    clean = submit(sclient, headers, body)
    held = submit(sclient, headers, application(**{"bank_account.number": card(valid=False)}))  # Luhn: review
    rows = {a["id"]: a for a in _list(sclient, headers)["applications"]}
    assert (rows[clean["application_id"]]["status"], rows[clean["application_id"]]["final_decision"]) == \
        ("decided", "allow")
    review = rows[held["application_id"]]
    assert (review["decision"], review["status"], review["final_decision"], review["review_case_id"]) == \
        ("review", "in_review", None, held["review_case_id"])
    text = json.dumps(rows, ensure_ascii=False)
    for secret in (body["legal_rep"]["id_number"], body["legal_rep"]["phone"], body["bank_account"]["number"],
                   body["contact_phone"]):
        assert secret not in text


@pytest.mark.parametrize("cursor", ["nope", "eyJkIjoieCJ9", "e30"])
def test_a_cursor_not_made_here_is_a_400(sclient, sauth, cursor: str) -> None:
    res = sclient.get(URL, query_string={"cursor": cursor}, headers=sauth(Role.ONBOARDING))
    assert res.status_code == 400 and res.get_json()["error"]["code"] == "invalid_cursor"
