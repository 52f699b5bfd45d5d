"""The privacy officer's console in Debian's Chromium (headless, Playwright): find a subject by phone,
reveal a record with a reason, download the access export, erase after typing the subject id; and the PII
try-out and retention pages in English. Skipped when /usr/bin/chromium is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from onboarding.builders import application

from .conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _reason(page, prefix: str = "") -> None:  # type: ignore[no-untyped-def]
    page.select_option(f"#{prefix}reason_kind", "data_subject_request")
    page.fill(f"#{prefix}reason_ref", "DSR-2026-17")


def test_officer_looks_up_reveals_exports_and_erases(page, live_server, sqlite_app, live_token,
                                                     browser_login) -> None:
    body = application()
    res = sqlite_app.test_client().post("/v1/merchants/applications", json=body,
                                        headers={"Authorization": f"Bearer {live_token('onboarding')}"})
    assert res.status_code == 201
    phone = body["legal_rep"]["phone"]
    browser_login(page, "privacy_officer", name="隐私官小李")
    page.click("header nav a[data-area=privacy]")
    page.select_option("#kind", "phone")
    page.fill("#value", phone)
    _reason(page)
    page.click("#lookup-submit")
    subject = page.locator("section.subject").first
    assert subject.count() == 1 and phone not in page.content()
    shoot(page, "privacy-01-lookup")

    subject.locator("a.subject-link").click()
    page.wait_for_load_state()
    assert page.locator("#subject-status").get_attribute("data-status") == "active"
    assert "8 个字段" in page.locator("#erase-summary").inner_text()
    shoot(page, "privacy-02-subject")
    _reason(page, "export-")
    with page.expect_download() as download:
        page.click("#export-json")
    exported = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert exported["records"][0]["fields"]["legal_rep_phone"] == phone
    subject_url = page.url

    page.locator("a.reveal-link").first.click()
    page.wait_for_load_state()
    assert page.locator("#reveal-state").get_attribute("data-revealed") == "false"
    _reason(page)
    page.click("#reveal-submit")
    page.wait_for_load_state()
    assert page.locator("td[data-field=legal_rep_phone]").inner_text() == phone
    shoot(page, "privacy-03-revealed")

    page.goto(subject_url)
    _reason(page, "erase-")
    page.fill("#confirm", "not the id")
    page.click("#erase-submit")
    assert page.locator("#privacy-error").is_visible()
    _reason(page, "erase-")
    page.fill("#confirm", subject_url.rsplit("/", 1)[1])
    page.click("#erase-submit")
    page.wait_for_load_state()
    assert page.locator("#subject-status").get_attribute("data-status") == "erased"
    assert page.locator("p.flash").count() == 1
    shoot(page, "privacy-04-erased")


def test_pii_try_out_and_retention_in_english(page, live_server, browser_login) -> None:
    browser_login(page, "privacy_officer")
    page.click("#lang-switch")
    page.wait_for_load_state()
    page.goto(f"{live_server}/console/privacy/pii")
    page.click("#pii-submit")  # the example text, detect
    page.wait_for_load_state()
    assert page.locator("#detections tr[data-type=CN_MOBILE]").count() == 1
    assert page.locator("#marked-text mark.hit").count() >= 3
    shoot(page, "privacy-05-pii-detect")
    page.select_option("#mode", "redact")
    page.select_option("#operator", "mask")
    page.click("#pii-submit")
    page.wait_for_load_state()
    assert "13812345678" not in page.locator("#redacted-text").inner_text()
    page.click("#privacy-retention-link")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Retention"
    assert page.locator("#retention tr[data-field='merchant_applications.bank_account']").count() == 1
    shoot(page, "privacy-06-retention")
