"""Payout pages through the test client (SQLite and PostgreSQL): submit, the batch summary with held
payouts and the Benford chart, and approval with maker ≠ checker and a reason for every override."""

from __future__ import annotations

import io
import re

import pytest

from riskguard.audit.query import EntryFilter, iter_entries

from .conftest import csrf_from
from .payouts_data import batch_csv


def _submit(client, data: bytes, name: str = "batch.csv"):  # type: ignore[no-untyped-def]
    page = client.get("/console/payouts")
    return client.post("/console/payouts", content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(page.text), "batch": (io.BytesIO(data), name)})


def _entries(app, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    log = app.extensions["riskguard"].audit
    log.integrate()
    with log.db.engine.connect() as conn:
        return list(iter_entries(conn, EntryFilter(action=action)))


@pytest.fixture
def batch_url(app, console_login) -> str:  # type: ignore[no-untyped-def]
    maker = app.test_client()
    console_login(maker, "finance", name="maker")
    res = _submit(maker, batch_csv())
    assert res.status_code == 302
    return res.headers["Location"]


def test_batch_page_shows_summary_held_payouts_and_benford(app, client, console_login, batch_url) -> None:
    console_login(client, "finance_approver")
    page = client.get(batch_url).text
    counts = dict(re.findall(r'<tr data-decision="(\w+)"><td>.*?</td><td>(\d+)</td>', page))
    assert counts == {"allow": "598", "review": "0", "block": "2"}
    assert re.findall(r'<tr data-row="(\d+)">', page) == ["1", "600"]
    assert "rule.duplicate_payout_id" in page
    bars = re.findall(r'data-digit="(\d)" data-share="([0-9.]+)"', page)
    assert [d for d, _ in bars] == [str(d) for d in range(1, 10)]
    assert abs(sum(float(s) for _, s in bars) - 1.0) < 0.01


@pytest.mark.parametrize("data,name,status", [
    (b"", "batch.csv", 400),
    (b"\xff\xfe not utf-8", "batch.csv", 400),
    (b"just,some\ncolumns,here\n", "batch.csv", 400),
])
def test_bad_files_are_refused(app, client, console_login, data: bytes, name: str, status: int) -> None:
    console_login(client, "finance")
    res = _submit(client, data, name)
    assert res.status_code == status
    assert 'id="payout-error"' in res.text
    assert _entries(app, "payouts:batch:checked") == []


@pytest.mark.parametrize("role,submit,approve", [
    ("finance", True, False),
    ("finance_approver", False, True),
    ("auditor", False, False),
    ("admin", False, False),
])
def test_forms_follow_the_role(app, client, console_login, batch_url, role: str, submit: bool, approve: bool) -> None:
    console_login(client, role)
    assert ('id="submit-batch"' in client.get("/console/payouts").text) is submit
    assert ('id="approve-batch"' in client.get(batch_url).text) is approve
    page = client.get(batch_url)
    res = client.post(f"{batch_url}/approve", data={"csrf_token": csrf_from(page.text)})
    assert res.status_code == (409 if approve else 403)  # an approver still has two held payouts to resolve


def test_approve_excluding_the_held_payouts(app, client, console_login, batch_url) -> None:
    tok = console_login(client, "finance_approver")
    page = client.get(batch_url)
    res = client.post(f"{batch_url}/approve", data={"csrf_token": csrf_from(page.text),
                                                    "action_1": "exclude", "action_600": "exclude"})
    assert res.status_code == 302
    after = client.get(batch_url).text
    assert 'id="batch-status">approved' in after and 'id="approve-batch"' not in after
    [entry] = _entries(app, "payouts:batch:approved")
    assert entry["actor"] == f"key:{tok.split('_')[1]}" and entry["details"]["excluded"] == 2


def test_an_override_needs_a_reason(app, client, console_login) -> None:
    maker = app.test_client()
    console_login(maker, "finance", name="maker")
    batch_url = _submit(maker, batch_csv(over_net=True)).headers["Location"]
    console_login(client, "finance_approver")
    page = client.get(batch_url)
    assert re.findall(r'<tr data-row="(\d+)">', page.text) == ["1", "2", "600"]
    assert page.text.count('<td class="amount">') >= 3 and "收款方" in page.text  # amount and payee per payout
    # po-0001 is on two rows: it can only be excluded; the merchant's payout may be overridden
    assert 'name="action_1" value="override"' not in page.text
    assert 'name="action_2" value="override"' in page.text
    form = {"csrf_token": csrf_from(page.text), "action_1": "exclude", "action_600": "exclude",
            "action_2": "override", "payout_2": "po-0002"}
    res = client.post(f"{batch_url}/approve", data=form)
    assert res.status_code == 400 and "必须填写理由" in res.text
    assert _entries(app, "payouts:batch:approved") == []
    res = client.post(f"{batch_url}/approve", data={**form, "reason_2": "商户补充了退款单据，已核实"})
    assert res.status_code == 302
    [override] = _entries(app, "payouts:payout:overridden")
    assert override["details"]["row"] == 2
    assert override["reason"] == "商户补充了退款单据，已核实"  # reviewable in the overrides report (#18)
    assert override["details"]["automated_decision"] == "block"
    shown = client.get(batch_url).text  # the approved batch shows what was overridden, why and by whom
    assert 'data-override="2"' in shown and "商户补充了退款单据，已核实" in shown


def test_checker_who_made_payouts_is_refused(app, client, console_login) -> None:
    maker = app.test_client()
    console_login(maker, "finance", name="maker")
    url = _submit(maker, batch_csv(created_by="checker-anna")).headers["Location"]
    console_login(client, "finance_approver", name="checker-anna")
    page = client.get(url)
    res = client.post(f"{url}/approve", data={"csrf_token": csrf_from(page.text),
                                              "action_1": "exclude", "action_600": "exclude"})
    assert res.status_code == 403 and "您创建了此批次中的付款" in res.text
    assert _entries(app, "payouts:batch:approved") == []


def test_unresolved_held_payouts_refuse_approval(app, client, console_login, batch_url) -> None:
    console_login(client, "finance_approver")
    page = client.get(batch_url)
    res = client.post(f"{batch_url}/approve", data={"csrf_token": csrf_from(page.text), "action_1": "exclude"})
    assert res.status_code == 409 and "都必须剔除" in res.text


def test_unknown_batch_and_bad_ids(client, console_login) -> None:
    console_login(client, "finance")
    assert client.get("/console/payouts/pb_" + "0" * 32).status_code == 404
    res = client.get("/console/payouts?batch_id=../../etc")
    assert res.status_code == 200 and "批次编号格式不正确" in res.text


def test_submit_and_approve_need_the_csrf_token(client, console_login, batch_url) -> None:
    console_login(client, "finance_approver")
    assert client.post(f"{batch_url}/approve", data={"action_1": "exclude"}).status_code == 400
