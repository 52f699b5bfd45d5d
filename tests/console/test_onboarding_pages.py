"""Onboarding pages (test client): the form is validated by the API's own schema (the same field is
refused, its message beside it in zh and en), a good form is submitted as the API submits it (decision,
audit entry, review case), the list shows this key's applications newest first in pages, and an
application opens masked."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from onboarding.builders import application, card
from werkzeug.datastructures import MultiDict

from riskguard.auth import Role

from .conftest import csrf_from

API = "/v1/merchants/applications"


def form_of(body: dict[str, Any], csrf: str) -> MultiDict[str, str]:
    """The console form a person would fill in for the API body ``body``."""
    data: MultiDict[str, str] = MultiDict({"csrf_token": csrf})
    for key, value in body.items():
        if key == "categories":
            for c in value:
                data.add("categories", c)
        elif key == "qualifications":
            for i, q in enumerate(value):
                for k, v in q.items():
                    data.add(f"qualifications.{i}.{k}", v or "")
        elif isinstance(value, dict):
            for k, v in value.items():
                data.add(f"{key}.{k}", v)
        else:
            data.add(key, value if value is not None else "")
    return data


def post_form(client: Any, body: dict[str, Any]) -> Any:
    page = client.get("/console/onboarding/new")
    return client.post("/console/onboarding/new", data=form_of(body, csrf_from(page.text)))


def field_errors(html: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(
        r'<p class="error field-error" id="[^"]+" data-field="([^"]+)">([^<]*)</p>', html)}


def test_onboarding_has_pages_now(sclient, console_login) -> None:
    console_login(sclient, "onboarding")
    home = sclient.get("/console/").text
    assert 'href="/console/onboarding"' in home and "此角色在控制台中没有页面" not in home
    assert "商家入驻" in home


SOON = (date.today() + timedelta(days=400)).isoformat()
# form values the schema refuses -> the field the console marks
BAD_FORMS = [
    ({"id": "bad id!"}, "id"),
    ({"business_name": "  "}, "business_name"),
    ({"store_name": "店" * 101}, "store_name"),
    ({"legal_rep.phone": ""}, "legal_rep.phone"),
    ({"bank_account.number": "12ab-34"}, "bank_account.number"),
    ({"business_license_valid_until": "2027-13-01"}, "business_license_valid_until"),
    ({"categories": []}, "categories"),
    ({"categories": ["general", "space_travel"]}, "categories"),
    ({"qualifications": [{"type": "food_business_license", "number": "JY1", "valid_until": "2027-02-30"}]},
     "qualifications.0.valid_until"),
    ({"qualifications": [{"type": "moon_licence", "number": "JY1", "valid_until": SOON}]},
     "qualifications.0.type"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_FORMS)
def test_the_form_refuses_what_the_api_refuses(sqlite_app, console_login, overrides: dict[str, Any],
                                               field: str) -> None:
    client = sqlite_app.test_client()
    tok = console_login(client, "onboarding")
    body = application(**overrides)
    api = client.post(API, json=body, headers={"Authorization": f"Bearer {tok}"})
    assert api.status_code == 400
    api_field = api.get_json()["error"]["field"]
    res = post_form(client, body)
    assert res.status_code == 400
    errors = field_errors(res.text)
    assert field in errors, errors  # beside the field the API names (a category's error: on the list)
    assert api_field == field or api_field.startswith(f"{field}.")
    assert 'id="form-error"' in res.text and "申请未提交" in res.text
    with sqlite_app.extensions["riskguard"].db.sessions() as session:
        from riskguard.onboarding.listing import list_submitted
        assert list_submitted(session, f"key:{tok.split('_')[1]}").total == 0  # nothing stored


@pytest.mark.parametrize(("lang", "required", "bank"), [
    ("zh", "必填。", "只能是数字，分组之间可以有空格或连字符。"),
    ("en", "Required.", "Digits only; spaces or hyphens between groups are allowed."),
])
def test_field_messages_in_both_languages(sclient, console_login, lang: str, required: str, bank: str) -> None:
    console_login(sclient, "onboarding")
    page = sclient.get("/console/onboarding/new")
    sclient.post("/console/lang", data={"csrf_token": csrf_from(page.text), "lang": lang})
    body = application(**{"business_name": "", "bank_account.number": "12ab"})
    res = post_form(sclient, body)
    errors = field_errors(res.text)
    assert errors["business_name"] == required and errors["bank_account.number"] == bank
    assert body["legal_rep"]["id_number"] in res.text  # what was typed stays in the form
    assert ("法定代表人身份证号" if lang == "zh" else "Representative&#39;s ID number") in res.text


def test_submit_list_and_open_masked(sqlite_app, console_login) -> None:
    client = sqlite_app.test_client()
    console_login(client, "onboarding", name="入驻专员小王")
    clean = application(store_description="")
    res = post_form(client, clean)
    assert res.status_code == 302, res.text
    assert res.headers["Location"] == f"/console/onboarding/applications/{clean['id']}"
    detail = client.get(res.headers["Location"]).text
    assert "申请已提交" in detail and 'data-decision="allow"' in detail and 'data-final="allow"' in detail
    assert "所有检查均通过" in detail and "已决定" in detail
    rep = clean["legal_rep"]
    for secret in (rep["id_number"], rep["phone"], rep["name"], clean["contact_phone"],
                   clean["bank_account"]["number"], clean["registered_address"]):
        assert secret not in detail
    assert rep["id_number"][-1] in re.search(r'data-field="legal_rep.id_number">([^<]+)<', detail).group(1)

    held = application(**{"bank_account.number": card(valid=False), "categories": ["general", "food"],
                          "qualifications": [{"type": "food_business_license", "number": "JY1", "valid_until": SOON}]})
    res = post_form(client, held)
    detail = client.get(res.headers["Location"]).text
    assert 'data-decision="review"' in detail and 'data-final=""' in detail and "待审核员决定" in detail
    assert "结算卡号未通过校验" in detail and "结算账号" in detail  # the check and the field in words
    assert "bank_account.number</code>" not in detail and "食品经营许可证" in detail
    assert "平台规则" in detail and "位置" not in detail  # the policy's "platform" in words; no span, no span line

    listing = client.get("/console/onboarding").text
    rows = re.findall(r'<tr data-application="([^"]+)" data-status="([^"]+)">', listing)
    assert rows == [(held["id"], "in_review"), (clean["id"], "decided")]  # newest first
    assert "共 2 份申请" in listing and "食品" in listing and "UTC+08:00" in listing

    again = post_form(client, clean)  # the same id again: the API's 409, on the id field
    assert again.status_code == 409 and field_errors(again.text)["id"] == "该申请编号已经提交过。"


def test_list_pages_both_ways_and_survives_a_bad_cursor(sqlite_app, console_login, monkeypatch) -> None:
    from riskguard.console.views import onboarding as pages

    monkeypatch.setattr(pages, "PAGE", 2)
    client = sqlite_app.test_client()
    tok = console_login(client, "onboarding")
    ids = [client.post(API, json=application(), headers={"Authorization": f"Bearer {tok}"}).get_json()
           ["application_id"] for _ in range(3)]
    first = client.get("/console/onboarding").text
    assert re.findall(r'data-application="([^"]+)"', first) == ids[:0:-1] and 'id="prev-page"' not in first
    nxt = re.search(r'href="([^"]+)" id="next-page"', first).group(1).replace("&amp;", "&")
    second = client.get(nxt).text
    assert re.findall(r'data-application="([^"]+)"', second) == ids[:1] and 'id="next-page"' not in second
    prev = re.search(r'href="([^"]+)" id="prev-page"', second).group(1).replace("&amp;", "&")
    assert re.findall(r'data-application="([^"]+)"', client.get(prev).text) == ids[:0:-1]
    bad = client.get("/console/onboarding?cursor=nonsense")
    assert bad.status_code == 200 and 'id="bad-cursor"' in bad.text


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ONBOARDING,)])
def test_other_roles_may_not_submit_or_list(sclient, console_login, role: Role) -> None:
    console_login(sclient, role.value)
    assert sclient.get("/console/onboarding").status_code == 403
    assert sclient.get("/console/onboarding/new").status_code == 403


def test_a_reviewer_opens_an_application_as_the_api_allows(sqlite_app, console_login) -> None:
    client = sqlite_app.test_client()
    tok = console_login(client, "onboarding")
    body = application()
    client.post(API, json=body, headers={"Authorization": f"Bearer {tok}"})
    reviewer = sqlite_app.test_client()
    console_login(reviewer, "reviewer")
    assert reviewer.get(f"/console/onboarding/applications/{body['id']}").status_code == 200
    food = application(**{"categories": ["general", "food"], "bank_account.number": card(valid=False),
                          "qualifications": [{"type": "food_business_license", "number": "JY1", "valid_until": SOON}]})
    case_id = client.post(API, json=food, headers={"Authorization": f"Bearer {tok}"}).get_json()["review_case_id"]
    case = reviewer.get(f"/console/review/{case_id}").text
    assert "食品经营许可证 JY1 " in case and "food_business_license" not in case  # in words, date localised
    missing = reviewer.get("/console/onboarding/applications/APP-NOPE")
    assert missing.status_code == 404 and "APP-NOPE" in missing.text
