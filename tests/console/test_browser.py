"""End-to-end in Debian's Chromium (headless, Playwright) against the app served on 127.0.0.1.

Skipped when /usr/bin/chromium is absent (``scripts/ensure-chromium.sh`` installs it). Each test saves
a screenshot of the page it checks to docs/screenshots/.
"""

from __future__ import annotations

import pytest

from .conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_sign_in_and_home(page, live_server, browser_login) -> None:
    page.goto(f"{live_server}/console/")
    assert page.url.endswith("/console/login")
    shoot(page, "01-sign-in")
    browser_login(page, "auditor", name="审计员小王")
    assert page.url.endswith("/console/")
    assert page.locator("h1").inner_text().startswith("欢迎")
    assert page.locator("header nav a[data-area=audit]").count() == 1
    assert page.locator("header nav a[data-area=review]").count() == 0
    shoot(page, "02-home")


def test_wrong_key_is_refused(page, live_server) -> None:
    page.goto(f"{live_server}/console/login")
    page.fill("#api_key", "rg_0123456789abcdef_not-a-real-secret")
    page.click("#sign-in")
    assert page.locator("p.error").is_visible()
    assert page.url.endswith("/console/login")


def test_cookie_is_httponly_and_strict(page, live_server, browser_login) -> None:
    browser_login(page, "reviewer")
    cookies = {c["name"]: c for c in page.context.cookies()}
    cookie = cookies["rg_console"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
    assert cookie["expires"] > 0
    assert page.evaluate("document.cookie") == ""  # not readable from scripts


def test_reviewer_cannot_open_the_audit_explorer(page, live_server, browser_login) -> None:
    browser_login(page, "reviewer")
    response = page.goto(f"{live_server}/console/audit")
    assert response.status == 403
    assert "无权" in page.locator("#error-message").inner_text()
    shoot(page, "10-forbidden")


def test_language_switch_and_sign_out(page, live_server, browser_login) -> None:
    browser_login(page, "reviewer")
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#sign-out").inner_text() == "Sign out"
    shoot(page, "11-home-english")
    page.click("#sign-out")
    page.wait_for_load_state()
    assert page.url.endswith("/console/login")
    assert page.goto(f"{live_server}/console/").url.endswith("/console/login")
    assert page.locator("button#sign-in").inner_text() == "Sign in"  # the language outlives the session


def test_screen_a_text_and_see_the_highlight(page, live_server, browser_login) -> None:
    browser_login(page, "screener", name="客服小张")
    page.click("header nav a[data-area=screening]")
    page.wait_for_load_state()
    page.fill("#text", "全网最低价！这款面霜效果最好，根治痘痘，7天见效。")
    page.select_option("#kind", "ad")
    page.select_option("#category", "cosmetics")
    page.click("#screen-submit")
    page.wait_for_load_state()
    assert page.locator("#decision").get_attribute("data-decision") == "block"
    marks = page.locator("#marked-text mark.hit")
    assert [m.split("\n")[0].rstrip("0123456789,") for m in marks.all_inner_texts()] == [
        "全网最低", "最好", "根治", "7天见效"]
    colour = marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # the stylesheet loaded and paints it
    assert page.locator("#findings li").count() == 4
    shoot(page, "03-screening")


def test_resolve_a_review_case(page, live_server, sqlite_app, live_token, browser_login) -> None:
    """A merchant application submitted through the onboarding API waits for review; the reviewer sees
    the store description's finding highlighted and the personal fields masked, and blocks it."""
    from onboarding.builders import application  # the onboarding tests' valid-application builder

    phone = "13812345678"  # stored masked: the description is kept with personal data as '*'
    body = application(store_description=f"本店面霜7天见效，售后电话{phone}，支持七天无理由退货。",
                       categories=["cosmetics"])
    api = sqlite_app.test_client()
    res = api.post("/v1/merchants/applications", json=body,
                   headers={"Authorization": f"Bearer {live_token('onboarding')}"})
    case_id = res.get_json()["review_case_id"]
    browser_login(page, "reviewer", name="审核员小李")
    page.click("header nav a[data-area=review]")
    page.wait_for_load_state()
    assert page.locator(f"tr[data-case='{case_id}']").is_visible()
    shoot(page, "04-review-queue")
    page.click(f"tr[data-case='{case_id}'] a")
    page.wait_for_load_state()
    marks = page.locator("#marked-text mark.hit")
    assert marks.count() == 1 and marks.first.inner_text().startswith("7天见效")
    assert body["legal_rep"]["id_number"] not in page.content() and phone not in page.content()
    assert "电话" + "*" * len(phone) in page.locator("#marked-text").inner_text()
    assert page.locator("#subject-fields").is_visible()
    shoot(page, "05-review-case")
    page.click("#decide-block")  # no reason: the browser's own check keeps the form from submitting
    assert page.locator("#decide-form").is_visible()
    page.fill("#reason", "店铺简介含未注明来源的功效宣传，需修改后重新提交")
    page.click("#decide-block")
    page.wait_for_load_state()
    assert page.locator("#case-decision").is_visible()
    assert page.locator("#case-status").get_attribute("data-status") == "decided"
    assert page.locator("#case-status").inner_text() == "已决定"  # the status in words, not the code
    assert page.locator("#decide-form").count() == 0


def test_screening_review_case_shows_the_masked_text(page, live_server, sqlite_app, live_token,
                                                      browser_login) -> None:
    """An ad screened through the API goes to review; the reviewer's case page shows the ad itself with
    the finding highlighted, its law, article, message and fix hint, and the phone number as '*'."""
    phone = "13812345678"
    ad = f"本品补水保湿，7天见效！订购电话{phone}，欢迎咨询。"
    res = sqlite_app.test_client().post("/v1/screen/ad", json={"id": "AD-42", "text": ad, "category": "cosmetics"},
                                        headers={"Authorization": f"Bearer {live_token('screener')}"})
    assert res.get_json()["decision"] == "review"
    browser_login(page, "reviewer", name="审核员小李")
    page.goto(f"{live_server}/console/review?kind=ad")
    page.click("tr[data-case] a")
    page.wait_for_load_state()
    text = page.locator("#marked-text")
    marks = text.locator("mark.hit")
    assert marks.count() == 1 and marks.first.inner_text().startswith("7天见效")
    colour = marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert text.inner_text().replace("1", "", 1) == ad.replace(phone, "*" * len(phone))  # "1": the <sup>
    assert phone not in page.content()
    finding = page.locator("#findings li").first
    for part in ("adlaw.28.unsourced-claim", "广告法", "28", "未注明来源的效果数据", "提供数据来源或删除"):
        assert part in finding.inner_text()
    shoot(page, "12-review-case-screening")


def _screen_in(page, live_server, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/console/screening")
    for text in texts:
        page.fill("#text", text)
        page.click("#screen-submit")
        page.wait_for_load_state()


@pytest.mark.parametrize("tamper", [False, True])
def test_verify_an_audit_entry_proof(page, _browser, live_server, browser_login, tamper: bool) -> None:
    screener = _browser.new_context()
    browser_login(spage := screener.new_page(), "screener")
    _screen_in(spage, live_server, ["全网最低价", "温和的面霜", "7天见效", "最好的面霜", "根治痘痘"])
    screener.close()
    browser_login(page, "auditor", name="审计员小王")
    page.click("header nav a[data-area=audit]")
    page.wait_for_load_state()
    assert page.locator("#chart-decisions rect[data-outcome]").count() >= 1
    assert page.locator("#entries tbody tr").count() >= 5
    if not tamper:
        shoot(page, "06-audit-explorer")
    page.locator("#entries tbody tr[data-index='2'] a").click()
    page.wait_for_load_state()
    assert page.locator("#server-check").get_attribute("data-ok") == "true"
    if tamper:  # a forged proof hash must fail in the browser, whatever the server said
        page.evaluate("""() => { const el = document.getElementById('proof-data');
            const d = JSON.parse(el.textContent); d.proof[0] = btoa('x'.repeat(32)); el.textContent = JSON.stringify(d); }""")
    page.click("#verify-proof")
    result = page.locator("#proof-result")
    result.wait_for(state="visible")
    page.wait_for_function("document.getElementById('proof-result').dataset.verified !== undefined")
    assert result.get_attribute("data-verified") == ("false" if tamper else "true")
    if not tamper:
        shoot(page, "07-audit-proof")


def test_audit_reports(page, live_server, browser_login) -> None:
    browser_login(page, "auditor")
    page.goto(f"{live_server}/console/audit/reports")
    assert page.locator("#reports tr[data-report]").count() >= 1
    page.locator("#reports tr[data-report='overrides'] a").click()
    page.wait_for_load_state()
    assert page.locator("#report-title").is_visible()
    shoot(page, "08-audit-reports")


def test_payout_batch_submit_and_approve(page, _browser, live_server, browser_login, tmp_path) -> None:
    from .payouts_data import batch_csv

    upload = tmp_path / "batch.csv"
    upload.write_bytes(batch_csv(over_net=True))
    maker = _browser.new_context()
    browser_login(mpage := maker.new_page(), "finance", name="财务小陈")
    mpage.click("header nav a[data-area=payouts]")
    mpage.set_input_files("#batch", str(upload))
    mpage.click("#submit-batch-button")
    mpage.wait_for_load_state()
    batch_url = mpage.url
    assert mpage.locator("#approve-batch").count() == 0  # the maker cannot approve
    maker.close()
    browser_login(page, "finance_approver", name="审批人老周")
    page.goto(batch_url)
    assert page.locator("#chart-benford rect[data-digit]").count() == 9
    assert page.locator("#held tbody tr").count() == 3
    shoot(page, "09-payout-batch")
    page.check("#held tr[data-row='2'] input[value=override]")
    page.fill("#held tr[data-row='2'] input[name=reason_2]", "商户补充了退款单据，已核实")
    page.click("#approve-batch")
    page.wait_for_load_state()
    assert page.locator("#batch-status").get_attribute("data-status") == "approved"
    assert page.locator("#approve-batch").count() == 0


def test_api_explorer_renders_offline(page, live_server) -> None:
    """``/docs`` shows the operations, and the page asks nothing of any other host."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() >= 25
    assert page.locator(".opblock-summary-path", has_text="/v1/screen/{kind}").count() >= 1
    assert requested and all(url.startswith(live_server) for url in requested), requested
