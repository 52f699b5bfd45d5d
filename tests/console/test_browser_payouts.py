"""The payout approval workflow in Debian's Chromium: from the approver's list of waiting batches to the
approved batch that shows who released what and why (issue #19). Skipped without Chromium."""

from __future__ import annotations

import pytest

from .conftest import shoot
from .payouts_data import batch_csv

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_approver_finds_the_batch_chooses_for_each_held_payout_and_sees_the_outcome(
        page, _browser, live_server, browser_login, tmp_path) -> None:  # type: ignore[no-untyped-def]
    upload = tmp_path / "batch.csv"  # row 2 blocked (over net), rows 3 and 4 for review (shared account)
    upload.write_bytes(batch_csv(over_net=True).replace(b",acct-0003,", b",acct-0002,"))
    maker = _browser.new_context()
    browser_login(mpage := maker.new_page(), "finance", name="财务小陈")
    mpage.goto(f"{live_server}/console/payouts")
    mpage.set_input_files("#batch", str(upload))
    mpage.click("#submit-batch-button")
    mpage.wait_for_load_state()
    batch_id = mpage.url.rsplit("/", 1)[1]
    maker.close()

    browser_login(page, "finance_approver", name="审批人老周")
    page.click("header nav a[data-area=payouts]")
    page.wait_for_load_state()
    assert page.locator("h2", has_text="待审批的批次").count() == 1
    row = page.locator(f"#batches tr[data-batch='{batch_id}']")
    assert row.locator("td[data-decision=review]").inner_text().startswith("2") and "财务小陈" in row.inner_text()
    shoot(page, "payouts-awaiting")
    row.locator("a").click()
    page.wait_for_load_state()
    assert page.locator("#held tbody tr").count() == 5 and page.locator("#held input:checked").count() == 0
    assert "银行账户同时被其他收款方使用" in page.locator("#held tr[data-row='3']").inner_text()
    page.check("#held tr[data-row='2'] input[value=override]")
    page.fill("#held tr[data-row='2'] input[name=reason_2]", "商户补充了退款单据，已核实")
    page.check("#held tr[data-row='3'] input[value=exclude]")
    page.click("#approve-batch")  # row 4 (review) has no choice yet
    page.wait_for_load_state()
    assert "尚有付款未选择" in page.locator("#approve-error").inner_text()
    assert page.locator("#held tr[data-row='2'] input[value=override]").is_checked()  # the choices are kept
    page.check("#held tr[data-row='4'] input[value=exclude]")
    shoot(page, "payouts-choices")
    page.click("#approve-batch")
    page.wait_for_load_state()
    assert page.locator("#batch-status").get_attribute("data-status") == "approved"
    assert page.locator("#outcome tr[data-outcome=excluded] td").nth(1).inner_text() == "4"
    assert page.locator("#outcome tr[data-outcome=paid] td").nth(1).inner_text() == "596"
    released = page.locator("#released tr[data-released='2']").inner_text()
    assert "商户补充了退款单据，已核实" in released and "审批人老周 key:" in released and "UTC" in released
    shoot(page, "payouts-outcome")


def test_auditor_reads_an_approved_batch_in_english(page, sqlite_app, browser_login, live_server, live_token) -> None:  # type: ignore[no-untyped-def]
    api = sqlite_app.test_client()
    maker = {"Authorization": f"Bearer {live_token('finance', 'maker')}"}
    made = api.post("/v1/payouts/batches", data=batch_csv(over_net=True), content_type="text/csv", headers=maker)
    batch_id = made.get_json()["batch_id"]
    approver = {"Authorization": f"Bearer {live_token('finance_approver', 'Zhou')}"}
    done = api.post(f"/v1/payouts/batches/{batch_id}/approve", headers=approver, json={
        "exclude_rows": [1, 600], "overrides": [{"payout_id": "po-0002", "reason": "refund slips checked"}]})
    assert done.status_code == 200, done.get_json()

    browser_login(page, "auditor")
    page.click("#lang-switch")
    page.wait_for_load_state()
    page.goto(f"{live_server}/console/payouts?status=approved")
    row = page.locator(f"#batches tr[data-batch='{batch_id}']")
    assert "approved" in row.inner_text() and "maker" in row.inner_text()
    row.locator("a").click()
    page.wait_for_load_state()
    assert page.locator("#approve-batch").count() == 0 and page.locator("#held input").count() == 0  # read-only
    assert page.locator("h2", has_text="Outcome").count() == 1
    assert page.locator("#outcome tr[data-outcome=released] td").nth(1).inner_text() == "1"
    assert "merchant payout above gross sales" in page.locator("#held tr[data-row='2']").inner_text()
    assert "refund slips checked" in page.locator("#released tr[data-released='2']").inner_text()
    assert "Zhou" in page.locator("#released tr[data-released='2']").inner_text()
    shoot(page, "payouts-outcome-en")
