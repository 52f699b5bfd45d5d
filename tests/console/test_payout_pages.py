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


@pytest.mark.parametrize("data,name,status,words", [
    (b"", "batch.csv", 400, "请选择一个非空的批次文件。"),
    (b"\xff\xfe not utf-8", "batch.csv", 400, "文件不是 UTF-8 编码。"),
    (b"just,some\ncolumns,here\n", "batch.csv", 400, "缺少必需的列。"),
    (b'{"payouts": [1', "batch.json", 400, "JSON 格式错误。"),
])
def test_bad_files_are_refused(app, client, console_login, data: bytes, name: str, status: int,
                               words: str) -> None:
    console_login(client, "finance")
    res = _submit(client, data, name)
    assert res.status_code == status
    assert 'id="payout-error"' in res.text and words in res.text  # why, in words (the API's detail after)
    assert _entries(app, "payouts:batch:checked") == []


FORMS = [  # role, sees the submit form, sees the approve form
    ("finance", True, False),
    ("finance_approver", False, True),
    ("auditor", False, False),
    ("admin", False, False),
]


def test_forms_follow_the_role(app, console_login, batch_url) -> None:  # type: ignore[no-untyped-def]
    """Every role on one batch (one app and batch per backend: each costs seconds): no role's attempt
    approves it, so each meets the batch as it was made."""
    for role, submit, approve in FORMS:
        client = app.test_client()
        console_login(client, role)
        assert ('id="submit-batch"' in client.get("/console/payouts").text) is submit, role
        assert ('id="approve-batch"' in client.get(batch_url).text) is approve, role
        page = client.get(batch_url)
        res = client.post(f"{batch_url}/approve", data={"csrf_token": csrf_from(page.text)})
        assert res.status_code == (409 if approve else 403), role  # an approver still has two held payouts


def test_approve_excluding_the_held_payouts(app, client, console_login, batch_url) -> None:
    tok = console_login(client, "finance_approver")
    page = client.get(batch_url)
    res = client.post(f"{batch_url}/approve", data={"csrf_token": csrf_from(page.text),
                                                    "action_1": "exclude", "action_600": "exclude"})
    assert res.status_code == 302
    after = client.get(batch_url).text
    assert 'id="batch-status" data-status="approved">已批准' in after and 'id="approve-batch"' not in after
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


# -- the approval workflow (issue #19): batch list, review payouts, explicit choices, the outcome ---------
def _with_review(**kwargs) -> bytes:  # type: ignore[no-untyped-def]
    """Rows 3 and 4 (two KOLs) share a bank account: both for review; row 2 blocked (over net), rows 1 and
    600 blocked (one payout id twice)."""
    return batch_csv(over_net=True, **kwargs).replace(b",acct-0003,", b",acct-0002,")


def _states(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-row="(\d+)">.*?<span class="badge (\w+)">', page, flags=re.S))


def test_review_payouts_are_listed_in_words_and_need_a_choice(app, client, console_login) -> None:  # type: ignore[no-untyped-def]
    maker = app.test_client()
    console_login(maker, "finance", name="maker")
    url = _submit(maker, _with_review()).headers["Location"]
    tok = console_login(client, "finance_approver", name="checker")
    page = client.get(url).text
    assert _states(page) == {"1": "block", "2": "block", "3": "review", "4": "review", "600": "block"}
    assert "银行账户同时被其他收款方使用" in page and "商户付款超过销售额减退款减平台费用" in page  # in words
    assert "商户" in page and "达人" in page  # payee types
    assert " checked>" not in page  # nothing chosen for the approver
    assert 'data-only-exclude="1"' in page and 'data-only-exclude="600"' in page
    form = {"csrf_token": csrf_from(page), "action_1": "exclude", "action_600": "exclude", "action_2": "exclude",
            "action_3": "override", "reason_3": "两位达人为同一工作室，合同已备案"}
    res = client.post(f"{url}/approve", data=form)  # row 4 (review) has no choice
    assert res.status_code == 409 and "尚有付款未选择" in res.text
    assert 'name="action_3" value="override" checked' in res.text and "合同已备案" in res.text  # choices kept
    assert _entries(app, "payouts:batch:approved") == []
    res = client.post(f"{url}/approve", data={**form, "action_4": "override", "reason_4": "请联系 13812345678"})
    assert res.status_code == 400 and "理由中不能包含个人信息" in res.text
    res = client.post(f"{url}/approve", data={**form, "action_4": "exclude"})
    assert res.status_code == 302, res.text
    [approval] = _entries(app, "payouts:batch:approved")
    assert approval["actor"] == f"key:{tok.split('_')[1]}"
    assert (approval["details"]["excluded"], approval["details"]["overridden"]) == (4, 1)
    after = client.get(url).text
    outcome = dict(re.findall(r'<tr data-outcome="(\w+)"><td>.*?</td><td>(\d+)</td>', after))
    assert outcome == {"paid": "596", "held": "5", "released": "1", "excluded": "4"}
    released = re.search(r'<tr data-released="3">(.*?)</tr>', after, flags=re.S)
    assert released and "两位达人为同一工作室，合同已备案" in released.group(1)
    assert f"checker <code>key:{tok.split('_')[1]}</code>" in released.group(1) and "UTC" in released.group(1)
    assert after.count('data-state="excluded"') == 4 and 'id="approve-batch"' not in after


def test_findings_in_english(sqlite_app, console_login) -> None:  # type: ignore[no-untyped-def]
    client = sqlite_app.test_client()
    console_login(client, "finance", name="maker")
    url = _submit(client, _with_review()).headers["Location"]
    page = client.get("/console/payouts")
    client.post("/console/lang", data={"csrf_token": csrf_from(page.text), "lang": "en", "next": url})
    text = client.get(url).text
    assert "bank account also used by another payee" in text and "payout id: occurs more than once" in text
    assert "银行账户" not in text


def test_batch_list_for_each_role(app, client, console_login) -> None:  # type: ignore[no-untyped-def]
    maker = app.test_client()
    console_login(maker, "finance", name="maker")
    urls = [_submit(maker, batch_csv(seed=n)).headers["Location"] for n in range(3)]
    ids = [u.rsplit("/", 1)[1] for u in urls]
    checker = app.test_client()
    console_login(checker, "finance_approver", name="checker")
    page = checker.get(urls[0]).text
    assert checker.post(f"{urls[0]}/approve", data={"csrf_token": csrf_from(page), "action_1": "exclude",
                                                     "action_600": "exclude"}).status_code == 302
    awaiting = checker.get("/console/payouts").text  # an approver starts on the batches awaiting approval
    assert re.findall(r'<tr data-batch="(pb_\w+)"', awaiting) == [ids[2], ids[1]]
    block = re.search(rf'<tr data-batch="{ids[1]}".*?<td data-decision="block">(\d+)', awaiting, flags=re.S)
    assert block and block.group(1) == "600"  # every payout id was already used by the first batch
    everything = checker.get("/console/payouts", query_string={"status": ""}).text
    assert re.findall(r'<tr data-batch="(pb_\w+)"', everything) == ids[::-1]
    console_login(client, "auditor")
    assert re.findall(r'<tr data-batch="(pb_\w+)" data-status="approved"',
                      client.get("/console/payouts", query_string={"status": "approved"}).text) == [ids[0]]
    assert 'id="approve-batch"' not in client.get(urls[1]).text  # auditors read only
    admin = app.test_client()
    console_login(admin, "admin")
    assert 'id="batches"' not in admin.get("/console/payouts").text  # as the API: admins do not list


def test_batch_list_pages_and_bad_filters(sqlite_app, console_login, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from riskguard.console.views import payouts

    monkeypatch.setattr(payouts, "LISTED", 2)
    client = sqlite_app.test_client()
    console_login(client, "finance", name="maker")
    ids = [_submit(client, batch_csv(seed=n, rows=60)).headers["Location"].rsplit("/", 1)[1] for n in range(3)]
    first = client.get("/console/payouts").text
    assert re.findall(r'<tr data-batch="(pb_\w+)"', first) == [ids[2], ids[1]]
    nxt = re.search(r'href="([^"]+)" id="next-page"', first)
    assert nxt
    second = client.get(nxt.group(1).replace("&amp;", "&")).text
    assert re.findall(r'<tr data-batch="(pb_\w+)"', second) == [ids[0]] and 'id="next-page"' not in second
    assert 'id="first-page"' in second
    bad = client.get("/console/payouts", query_string={"from": "gestern"})
    assert bad.status_code == 200 and 'id="list-error"' in bad.text and "筛选条件无效" in bad.text
    bad = client.get("/console/payouts", query_string={"cursor": "zzz"})
    assert 'id="list-error"' in bad.text and "分页位置无效" in bad.text
