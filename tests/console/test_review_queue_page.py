"""The console's review queue for real volumes (SQLite and PostgreSQL): rows that tell cases apart,
the decided view, counts, filters the API refuses marked and ignored, pages both ways, and the case page's
content id, policy revision and audit links."""

from __future__ import annotations

import re
from typing import Any

import pytest

import riskguard.console.views.review as review_page
from riskguard.ids import new_id
from riskguard.review import CaseRequest

from .conftest import csrf_from, make_token

TEXT = "这是全网最低价的面霜，效果最好，电话***********"
FINDING = {"rule_id": "adlaw.9-3.superlative", "law": "广告法", "article": "9(3)", "severity": "high",
           "message": "使用绝对化用语", "start": 2, "end": 6}


def _open(app: Any, content_id: str, *, submitted_by: str = "key:nobody", kind: str = "ad") -> str:
    services = app.extensions["riskguard"]
    with services.db.transaction() as session:
        return services.review.open_case(session, CaseRequest(
            kind=kind, subject_type=kind, subject_id=content_id, decision_id=new_id("dec"),
            automated_decision="review", submitted_by=submitted_by, policy_revision="ad-prepublish/9",
            categories=["cosmetics"], rule_ids=[FINDING["rule_id"]], findings=[FINDING], content=TEXT)).id


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-case="([^"]+)"', html)


def test_rows_tell_cases_apart(app, client, console_login) -> None:  # type: ignore[no-untyped-def]
    submitter = make_token(app, "screener", "商家甲的接口")
    case_id = _open(app, "AD-2101", submitted_by=f"key:{submitter.split('_')[1]}")
    console_login(client, "reviewer")
    html = client.get("/console/review").text
    row = html[html.index(f'data-case="{case_id}"'):]
    row = row[:row.index("</tr>")]
    assert "AD-2101" in row and "商家甲的接口" in row
    assert '<mark class="hit">全网最低</mark>' in row and "13800138000" not in html
    assert "<td>广告<br>" in row and '<span class="badge high">高</span>' in row  # kind, severity in words
    assert 'id="count-open">1<' in html and 'id="count-decided">0<' in html
    assert "共 1 个案件" in html


def test_decided_view_shows_decision_and_reason(app, client, console_login) -> None:  # type: ignore[no-untyped-def]
    open_id, decided_id = _open(app, "AD-1"), _open(app, "AD-2")
    console_login(client, "reviewer")
    page = client.get(f"/console/review/{decided_id}")
    client.post(f"/console/review/{decided_id}", data={"csrf_token": csrf_from(page.text), "decision": "block",
                                                        "reason": "绝对化用语，无证据支持"})
    html = client.get("/console/review?status=decided").text
    assert _rows(html) == [decided_id]
    assert "绝对化用语，无证据支持" in html and 'class="badge block"' in html
    assert _rows(client.get("/console/review").text) == [open_id]
    assert set(_rows(client.get("/console/review?status=all").text)) == {open_id, decided_id}


def test_refused_filters_are_named_and_ignored(app, client, console_login) -> None:  # type: ignore[no-untyped-def]
    case_id = _open(app, "AD-1")
    console_login(client, "reviewer")
    html = client.get("/console/review?severity=bogus&from=yesterday&cursor=nope&kind=ad").text
    assert _rows(html) == [case_id]
    bad = re.search(r'<p class="error"[^>]*id="rq-bad">(.*?)</p>', html, re.S).group(1)
    assert "<code>severity</code>" in bad and "<code>from</code>" in bad and "<code>cursor</code>" in bad
    assert "<code>kind</code>" not in bad
    assert _rows(client.get("/console/review?content_id=AD-404").text) == []


def test_pages_both_ways_keep_the_filters(app, client, console_login, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(review_page, "PAGE", 2)
    ids = [_open(app, f"AD-{n}") for n in range(5)]
    _open(app, "LS-1", kind="listing")
    console_login(client, "reviewer")
    seen, url = [], "/console/review?kind=ad&sort=oldest"
    while True:
        html = client.get(url).text
        seen.append(_rows(html))
        nxt = re.search(r'href="([^"]+)" id="rq-next"', html)
        if not nxt:
            break
        url = nxt.group(1).replace("&amp;", "&")
        assert "kind=ad" in url
    assert seen == [ids[0:2], ids[2:4], ids[4:]]
    prev = re.search(r'href="([^"]+)" id="rq-prev"', html).group(1).replace("&amp;", "&")
    assert _rows(client.get(prev).text) == ids[2:4]


def test_case_page_shows_content_id_revision_and_audit_links(app, client, console_login) -> None:  # type: ignore[no-untyped-def]
    case_id = _open(app, "AD-2101")
    console_login(client, "reviewer")
    html = client.get(f"/console/review/{case_id}").text
    assert re.search(r'id="case-content-id">AD-2101<', html)
    assert 'id="case-policy-revision">ad-prepublish/9<' in html
    assert f'href="/console/audit?subject_id={case_id}" id="audit-case"' in html
    assert 'href="/console/audit?subject_id=AD-2101" id="audit-decision"' in html


@pytest.mark.parametrize(("lang", "words", "absent"), [
    ("zh", ["待处理", "最早优先", "内容编号"], ["Oldest first"]),
    ("en", ["Open", "Oldest first", "Content id", "Most severe first"], ["最早优先", "内容编号"]),
])
def test_queue_in_both_languages(sqlite_app, console_login, lang: str, words: list[str], absent: list[str]) -> None:  # type: ignore[no-untyped-def]
    client = sqlite_app.test_client()
    _open(sqlite_app, "AD-1")
    console_login(client, "reviewer")
    page = client.get("/console/review")
    client.post("/console/lang", data={"csrf_token": csrf_from(page.text), "lang": lang, "next": "/console/review"})
    html = client.get("/console/review").text
    for word in words:
        assert word in html, word
    for word in absent:
        assert word not in html, word
