"""Onboarding staff in Debian's Chromium (headless, Playwright): a form refused beside its field, then
submitted and followed in the list and on its masked page; and codes in words in both languages with the
one 404 page. Skipped when /usr/bin/chromium is absent."""

from __future__ import annotations

from typing import Any

import pytest
from onboarding.builders import application, card

from .conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _fill(page: Any, body: dict[str, Any]) -> None:
    for name in ("id", "business_name", "uscc", "store_name", "contact_phone", "registered_address"):
        page.fill(f"#f-{name}", body[name])
    page.fill("#f-store_description", body["store_description"])
    for group in ("legal_rep", "bank_account"):
        for key, value in body[group].items():
            if key != "type":
                page.fill(f"#f-{group}-{key}", value)
    for category in body["categories"]:
        page.check(f"input[name=categories][value={category}]")


def test_submit_refused_then_accepted_and_followed(page, live_server, browser_login) -> None:  # type: ignore[no-untyped-def]
    browser_login(page, "onboarding", name="入驻专员小王")
    page.click("header nav a[data-area=onboarding]")
    page.wait_for_load_state()
    assert page.locator("#no-applications").is_visible()
    page.click("#new-application")
    page.wait_for_load_state()
    body = application(**{"bank_account.number": "6222 02ab 1234"})
    _fill(page, body)
    page.click("#application-submit")
    page.wait_for_load_state()
    error = page.locator(".field.invalid #err-bank_account-number")  # beside its own field
    assert error.inner_text() == "只能是数字，分组之间可以有空格或连字符。"
    assert page.locator(".field-error").count() == 1
    assert page.locator("#f-legal_rep-id_number").input_value() == body["legal_rep"]["id_number"]  # kept
    shoot(page, "onboarding-01-field-error")

    page.fill("#f-bank_account-number", card(valid=False))  # fails Luhn: the policy sends it to review
    page.click("#application-submit")
    page.wait_for_load_state()
    assert page.url.endswith(f"/console/onboarding/applications/{body['id']}")
    assert page.locator("p.flash").inner_text() == "申请已提交并已写入审计记录。"
    assert page.locator("#automated-decision").inner_text() == "人工审核"
    assert page.locator("#application-status").inner_text() == "人工审核中"
    assert "结算卡号未通过校验" in page.locator("#findings").inner_text()
    id_number = page.locator("td[data-field='legal_rep.id_number']").inner_text()
    assert "*" in id_number and body["legal_rep"]["id_number"] not in page.content()
    shoot(page, "onboarding-02-application")

    page.set_viewport_size({"width": 390, "height": 844})
    page.click("header nav a[data-area=onboarding]")
    page.wait_for_load_state()
    row = page.locator(f"#applications tbody tr[data-application='{body['id']}']")
    assert row.get_attribute("data-status") == "in_review"
    assert row.locator(".app-status").inner_text().endswith("人工审核中")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # rows stack as cards
    shoot(page, "onboarding-03-list-390px")


def test_codes_in_words_both_languages_and_the_404_page(page, live_server, sqlite_app, live_token,
                                                        browser_login) -> None:  # type: ignore[no-untyped-def]
    body = application(**{"bank_account.number": card(valid=False), "categories": ["general", "cosmetics"]})
    res = sqlite_app.test_client().post("/v1/merchants/applications", json=body,
                                        headers={"Authorization": f"Bearer {live_token('onboarding')}"})
    case_id = res.get_json()["review_case_id"]
    browser_login(page, "reviewer")
    page.goto(f"{live_server}/console/review/{case_id}")
    finding = page.locator("#findings li").first
    assert finding.locator(".finding-field").inner_text() == "结算账号"
    assert finding.locator(".badge").inner_text() == "中"
    assert page.locator("#subject-fields td[data-field=categories]").inner_text() == "通用、化妆品"
    page.click("#lang-switch")
    page.wait_for_load_state()
    finding = page.locator("#findings li").first
    assert finding.locator(".finding-field").inner_text() == "Account number"
    assert finding.locator(".badge").inner_text() == "medium"
    assert finding.locator(".check-words").inner_text() == "the card number fails its check digit (Luhn)"
    assert page.locator("#subject-fields td[data-field=categories]").inner_text() == "general, cosmetics"
    assert "bank_account.number" not in page.locator("#findings").inner_text()
    assert page.locator("#subject-fields td[data-field=created_at]").inner_text().endswith("UTC+08:00")
    shoot(page, "onboarding-04-case-codes-en")

    page.goto(f"{live_server}/console/review/rc_missing")
    assert page.locator("#not-found").get_attribute("data-what") == "case"
    assert page.locator("#error-message").inner_text() == "There is no review case rc_missing"
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.locator("#error-message").inner_text() == "没有这个审核案件： rc_missing"
