"""The review queue in Debian's Chromium (headless, Playwright): usable on a 390 px phone screen, and
decided cases found again in the decided view with their decision and reason (English)."""

from __future__ import annotations

from typing import Any

import pytest

from riskguard.ids import new_id
from riskguard.review import CaseRequest

from .conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TEXT = "本品补水保湿，全网最低价，效果最好！订购电话***********，欢迎咨询。"


def _open(app: Any, content_id: str, *, severity: str = "high") -> str:
    services = app.extensions["riskguard"]
    with services.db.transaction() as session:
        return services.review.open_case(session, CaseRequest(
            kind="ad", subject_type="ad", subject_id=content_id, decision_id=new_id("dec"),
            automated_decision="review", submitted_by="key:merchant", policy_revision="ad-prepublish/3",
            categories=["cosmetics"], rule_ids=["adlaw.9-3.superlative"],
            findings=[{"rule_id": "adlaw.9-3.superlative", "severity": severity, "law": "广告法",
                       "article": "9(3)", "message": "使用绝对化用语", "start": 7, "end": 11}],
            content=TEXT)).id


def test_queue_on_a_phone(page, live_server, sqlite_app, browser_login) -> None:  # type: ignore[no-untyped-def]
    ids = [_open(sqlite_app, f"AD-21{n:02d}", severity=("high", "critical")[n % 2]) for n in range(4)]
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "reviewer", name="审核员小李")
    page.goto(f"{live_server}/console/review?sort=severity")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the screen
    rows = page.locator("#cases tbody tr")
    assert rows.count() == 4
    assert rows.first.locator(".rq-id strong").inner_text() == "AD-2101"  # the critical ones first
    card = rows.first.bounding_box()
    assert card is not None and card["width"] <= 390 and card["width"] > 300  # a card, not a column
    mark = rows.first.locator(".rq-preview mark.hit")
    assert mark.inner_text() == "全网最低"
    assert mark.bounding_box()["width"] > 40  # type: ignore[index]  # not one character per line
    shoot(page, "13-review-queue-390px")
    page.fill("#content_id", "AD-2102")
    page.click("#review-filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#cases tbody tr").count() == 1
    page.click("#cases tbody tr .rq-id a")
    page.wait_for_load_state()
    assert page.locator("#case-content-id").inner_text() == "AD-2102"
    assert page.locator("#case-policy-revision").inner_text() == "ad-prepublish/3"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert ids[2] in page.url


def test_decided_view_in_english(page, live_server, sqlite_app, browser_login) -> None:  # type: ignore[no-untyped-def]
    case_id = _open(sqlite_app, "AD-3001")
    browser_login(page, "reviewer", name="reviewer Li")
    page.click("#lang-switch")
    page.wait_for_load_state()
    page.goto(f"{live_server}/console/review/{case_id}")
    page.fill("#reason", "superlative without evidence")
    page.click("#decide-block")
    page.wait_for_load_state()
    page.goto(f"{live_server}/console/review")
    assert page.locator("#count-open").inner_text() == "0" and page.locator("#count-decided").inner_text() == "1"
    page.click("#rq-decided")
    page.wait_for_load_state()
    row = page.locator(f"tr[data-case='{case_id}']")
    assert "superlative without evidence" in row.locator(".rq-outcome").inner_text()
    assert row.locator(".rq-outcome .badge.block").inner_text() == "block"
    assert page.locator("#rq-decided").get_attribute("class") == "active"
    shoot(page, "14-review-decided-english")
