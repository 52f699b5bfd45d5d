"""The review queue's query service and its API (SQLite and PostgreSQL): rows that tell cases apart,
filters, sorts, counts, cursor pages both ways, service levels, and the migration that backfills labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text, update

from riskguard.auth import Role
from riskguard.db import Database
from riskguard.ids import new_id
from riskguard.migrate import alembic_config
from riskguard.review import CaseRequest
from riskguard.review.models import ReviewCase, ReviewCaseLabel
from riskguard.review.policy import ReviewPolicy, ReviewPolicyError
from riskguard.review.queue import QueueFilter, masked_identifier, preview

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
TEXT = "这款面霜是全网最低价的，效果最好，订购电话***********"  # stored masked, as the screening hook does


def _finding(severity: str, rule: str = "adlaw.9-3.superlative", start: int = 5, end: int = 9) -> dict[str, Any]:
    return {"rule_id": rule, "severity": severity, "law": "广告法", "article": "9(3)", "start": start, "end": end}


def _open(app: Any, *, content_id: str, kind: str = "ad", severity: str = "high", category: str = "cosmetics",
          rule: str = "adlaw.9-3.superlative", submitted_by: str = "key:nobody", hours_ago: float = 0,
          content: str | None = TEXT) -> str:
    services = app.extensions["riskguard"]
    with services.db.transaction() as session:
        case = services.review.open_case(session, CaseRequest(
            kind=kind, subject_type=kind, subject_id=content_id, decision_id=new_id("dec"),
            automated_decision="review", submitted_by=submitted_by, policy_revision="ad-prepublish/7",
            categories=[category], rule_ids=[rule], findings=[_finding(severity, rule)], content=content))
        session.execute(update(ReviewCase).where(ReviewCase.id == case.id)
                        .values(created_at=T0 - timedelta(hours=hours_ago)))
        return case.id


@pytest.fixture
def cases(app, token) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Six cases of two submitters (one named 小张), one decided; ages 60 h … 1 h before T0."""
    screener = token(Role.SCREENER, "小张")
    ref = f"key:{screener.split('_')[1]}"
    ids = {
        "AD-1": _open(app, content_id="AD-1", hours_ago=60, severity="medium", submitted_by=ref),
        "AD-2": _open(app, content_id="AD-2", hours_ago=50, severity="critical", category="food",
                      rule="adlaw.17.medical-claim"),
        "LS-1": _open(app, content_id="LS-1", kind="listing", hours_ago=30, severity="high", submitted_by=ref),
        "AD-3": _open(app, content_id="AD-3", hours_ago=5, severity="low"),
        "AD-4": _open(app, content_id="AD-4", hours_ago=3, severity="critical", submitted_by=ref),
        "MA-1": _open(app, content_id="ma_17", kind="merchant_application", hours_ago=1, severity="high",
                      content=None),
    }
    with app.extensions["riskguard"].db.transaction() as session:
        session.execute(update(ReviewCase).where(ReviewCase.id == ids["AD-3"]).values(
            status="decided", decision="block", reason="绝对化用语", decided_by="key:rev",
            decided_at=T0 - timedelta(hours=4)))
    return {"ids": ids, "ref": ref, "headers": {"Authorization": f"Bearer {token(Role.REVIEWER)}"}}


def _page(app: Any, flt: QueueFilter, **kw: Any) -> Any:
    services = app.extensions["riskguard"]
    with services.db.sessions() as session:
        return services.review.queue.page(session, flt, now=T0, **kw)


def _names(app: Any, cases: dict[str, Any], flt: QueueFilter, **kw: Any) -> list[str]:
    by_id = {v: k for k, v in cases["ids"].items()}
    return [by_id[r.case.id] for r in _page(app, flt, **kw).rows]


FILTERS = [  # filter → the open cases shown, oldest first
    ({}, ["AD-1", "AD-2", "LS-1", "AD-4", "MA-1"]),
    ({"status": "decided"}, ["AD-3"]),
    ({"status": None}, ["AD-1", "AD-2", "LS-1", "AD-3", "AD-4", "MA-1"]),
    ({"kind": "listing"}, ["LS-1"]),
    ({"category": "food"}, ["AD-2"]),
    ({"rule": "adlaw.17.medical-claim"}, ["AD-2"]),
    ({"rule": "adlaw.17"}, []),  # rule ids match whole, never as a prefix
    ({"severity": "critical"}, ["AD-2", "AD-4"]),
    ({"severity": "high"}, ["AD-2", "LS-1", "AD-4", "MA-1"]),
    ({"submitter": "小张"}, ["AD-1", "LS-1", "AD-4"]),
    ({"submitter": "nobody-has-this-name"}, []),
    ({"submitter": "key:nobody"}, ["AD-2", "MA-1"]),
    ({"content_id": "AD-2"}, ["AD-2"]),
    ({"since": T0 - timedelta(hours=40), "until": T0 - timedelta(hours=2)}, ["LS-1", "AD-4"]),
    ({"kind": "ad", "severity": "critical", "submitter": "小张"}, ["AD-4"]),
]


def test_filters(app, cases) -> None:  # type: ignore[no-untyped-def]
    for values, shown in FILTERS:
        assert _names(app, cases, QueueFilter(**values)) == shown, values


def test_sorts_counts_and_rows(app, cases) -> None:  # type: ignore[no-untyped-def]
    assert _names(app, cases, QueueFilter(), sort="severity") == ["AD-2", "AD-4", "LS-1", "MA-1", "AD-1"]
    assert _names(app, cases, QueueFilter(), sort="newest") == ["MA-1", "AD-4", "LS-1", "AD-2", "AD-1"]
    page = _page(app, QueueFilter(kind="ad"))
    # AD-1 (60 h) and AD-2 (50 h) are past the ads' 8 hours; AD-4 (3 h) is not; AD-3 is decided
    assert (page.total, page.counts) == (3, {"open": 3, "decided": 1, "overdue": 2})
    first = page.rows[0]
    assert first.content_id == "AD-1" and first.submitter_name == "小张"
    assert first.preview is not None and first.preview.match == "全网最低"
    assert (first.preview.before, first.preview.clipped_start) == ("这款面霜是", False)
    assert first.age == timedelta(hours=60) and first.overdue and first.sla_hours == 8
    assert first.due_at == T0 - timedelta(hours=52)
    [decided] = _page(app, QueueFilter(status="decided")).rows
    assert decided.age == timedelta(hours=1) and not decided.overdue  # waited until decided
    [application] = _page(app, QueueFilter(kind="merchant_application")).rows
    assert application.preview is None and application.sla_hours == 48 and not application.overdue


def test_cursor_pages_both_ways(app, cases) -> None:  # type: ignore[no-untyped-def]
    flt = QueueFilter(status=None)
    seen, cursor, pages = [], None, []
    while True:
        page = _page(app, flt, sort="severity", limit=2, cursor=cursor)
        pages.append([r.case.id for r in page.rows])
        seen += pages[-1]
        if page.next is None:
            break
        cursor = page.next
    everything = [r.case.id for r in _page(app, flt, sort="severity", limit=50).rows]
    assert seen == everything and len(pages) == 3 and len(set(seen)) == 6
    back = _page(app, flt, sort="severity", limit=2, cursor=page.prev)  # from the last page back
    assert [r.case.id for r in back.rows] == pages[1] and back.next and back.prev
    first = _page(app, flt, sort="severity", limit=2, cursor=back.prev)
    assert [r.case.id for r in first.rows] == pages[0] and first.prev is None and first.next


@pytest.mark.parametrize("cursor", ["bogus", "eyJzIjoib2xkZXN0In0", "e30"])
def test_foreign_cursors_are_400(app, cases, cursor: str) -> None:  # type: ignore[no-untyped-def]
    from riskguard.errors import BadRequest

    with pytest.raises(BadRequest) as err:
        _page(app, QueueFilter(), cursor=cursor)
    assert err.value.code == "invalid_cursor"
    oldest = _page(app, QueueFilter(), limit=1).next
    with pytest.raises(BadRequest):  # a cursor of another sort
        _page(app, QueueFilter(), sort="severity", cursor=oldest)


def test_api_page(app, client, cases) -> None:  # type: ignore[no-untyped-def]
    headers = cases["headers"]
    res = client.get("/v1/review/cases?sort=severity&limit=2&severity=high", headers=headers)
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert (body["total"], body["counts"]["open"], body["prev"]) == (4, 4, None)
    assert [c["content_id"] for c in body["cases"]] == ["AD-2", "AD-4"]
    row = body["cases"][1]
    assert row["submitter_name"] == "小张" and row["preview"]["match"] == "全网最低"
    assert row["created_at"].endswith("+00:00") and row["due_at"].endswith("+00:00")
    assert row["sla_hours"] == 8 and isinstance(row["age_seconds"], int) and isinstance(row["overdue"], bool)
    nxt = client.get(f"/v1/review/cases?sort=severity&limit=2&severity=high&cursor={body['next']}",
                     headers=headers).get_json()
    assert [c["content_id"] for c in nxt["cases"]] == ["LS-1", "ma_17"] and nxt["prev"] and not nxt["next"]
    back = client.get(f"/v1/review/cases?sort=severity&limit=2&severity=high&cursor={nxt['prev']}",
                      headers=headers).get_json()
    assert [c["content_id"] for c in back["cases"]] == ["AD-2", "AD-4"]
    decided = client.get("/v1/review/cases?status=decided", headers=headers).get_json()["cases"]
    assert [(c["content_id"], c["decision"], c["reason"]) for c in decided] == [("AD-3", "block", "绝对化用语")]
    named = client.get("/v1/review/cases?submitter=小张&from=2026-11-28T00:00:00Z&to=2026-12-01", headers=headers)
    assert [c["content_id"] for c in named.get_json()["cases"]] == ["AD-1", "LS-1"]


def test_api_case_page_links_its_audit_entries(app, client, cases) -> None:  # type: ignore[no-untyped-def]
    case_id = cases["ids"]["AD-2"]
    body = client.get(f"/v1/review/cases/{case_id}", headers=cases["headers"]).get_json()
    assert body["content_id"] == "AD-2" and body["policy_revision"] == "ad-prepublish/7"
    assert body["audit"]["case"] == f"/v1/audit/entries?subject_type=review_case&subject_id={case_id}"
    auditor = {"Authorization": _auditor(app)}
    opened = client.get(body["audit"]["case"], headers=auditor).get_json()["entries"]
    assert [e["action"] for e in opened] == ["review:case:opened"]


def _auditor(app: Any) -> str:
    from riskguard.auth import create_key

    with app.extensions["riskguard"].db.transaction() as session:
        _, tok = create_key(session, role=Role.AUDITOR, name="auditor")
    return f"Bearer {tok}"


def test_personal_looking_content_ids_are_masked_and_digested(app, client, cases) -> None:  # type: ignore[no-untyped-def]
    case_id = _open(app, content_id="ad_13812345678")
    body = client.get(f"/v1/review/cases/{case_id}", headers=cases["headers"]).get_json()
    assert body["content_id"] == "ad_*******5678" and "13812345678" not in body["audit"]["decision"]
    assert "hmac-sha256" in body["audit"]["decision"]
    listed = client.get("/v1/review/cases?content_id=ad_13812345678", headers=cases["headers"]).get_json()
    assert [c["content_id"] for c in listed["cases"]] == ["ad_*******5678"]


def test_a_digest_is_its_own_audit_identifier(app) -> None:  # type: ignore[no-untyped-def]
    """The case page links the decision's entries by the digest they hold; the audit API passes a filter
    value through ``identifier`` again, which must not digest a digest whose hex holds a mobile number."""
    digest = "hmac-sha256:" + ("ab13812345678cd" + "e" * 64)[:64]
    audit = app.extensions["riskguard"].audit
    assert audit.identifier(digest) == digest
    assert audit.identifier("ad_13812345678").startswith("hmac-sha256:")


@pytest.mark.parametrize(("value", "shown"), [("AD-2101", "AD-2101"), ("ad_13812345678", "ad_*******5678"),
                                              ("zhang.san@qq.com", "z********@qq.com")])
def test_masked_identifier(value: str, shown: str) -> None:
    assert masked_identifier(value) == shown


def test_preview_window() -> None:
    text_ = "甲" * 30 + "最好" + "乙" * 80
    p = preview(text_, [{"start": 30, "end": 32}, {"start": 40, "end": 42, "field": "x"}])
    assert p is not None and p.match == "最好" and len(p.before) == 16 and p.clipped_start and p.clipped_end
    plain = preview("短文本", [])
    assert plain is not None and (plain.match, plain.after, plain.clipped_end) == ("", "短文本", False)


@pytest.mark.parametrize(("raw", "error"), [
    ({"revision": "r", "sla_hours": {"poster": 3}}, "poster"),
    ({"revision": "r", "sla_hours": {"ad": 0}}, "sla_hours.ad"),
    ({"revision": "r", "sla_hours": {"ad": True}}, "sla_hours.ad"),
    ({"sla_hours": {"ad": 3}}, "revision"),
    ({"revision": "r", "sla": {}}, "sla"),
])
def test_bad_policies_are_refused(raw: dict[str, Any], error: str) -> None:
    with pytest.raises(ReviewPolicyError, match=error):
        ReviewPolicy.from_mapping(raw, ("ad", "listing"))


def test_policy_default_and_kinds() -> None:
    policy = ReviewPolicy.from_mapping({"revision": "r", "sla_hours": {"default": 12, "ad": 2}}, ("ad", "listing"))
    assert (policy.sla_hours("ad"), policy.sla_hours("listing"), ReviewPolicy().sla_hours("ad")) == (2, 12, 24)


def test_migration_backfills_labels_and_ranks(db_url: str) -> None:
    db = Database(db_url)
    try:
        command.upgrade(alembic_config(db), "review_0002")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO review_cases (id, kind, subject_type, subject_id, decision_id, automated_decision,"
                " submitted_by, categories, top_severity, rule_ids, articles, findings, status, created_at)"
                " VALUES ('case_1', 'ad', 'ad', 'AD-1', 'dec_1', 'review', 'key:k1', '[\"food\"]', 'high',"
                " '[\"r.a\", \"r.b\"]', '[]', '[]', 'open', '2026-12-01 08:00:00')"))
        command.upgrade(alembic_config(db), "heads")
        with db.sessions() as session:
            labels = session.execute(select(ReviewCaseLabel.type, ReviewCaseLabel.value)
                                     .order_by(ReviewCaseLabel.type, ReviewCaseLabel.value)).all()
            rank = session.execute(select(ReviewCase.severity_rank)).scalar_one()
        assert [tuple(r) for r in labels] == [("category", "food"), ("rule", "r.a"), ("rule", "r.b")]
        assert rank == 1
    finally:
        db.dispose()
