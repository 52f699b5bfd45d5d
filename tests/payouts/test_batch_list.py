"""``GET /v1/payouts/batches`` on SQLite and PostgreSQL: filters, keyset pages, roles, the document."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from payout_gen import clean
from test_payouts_api import submit

from riskguard.payouts.models import PayoutBatch

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _store(app, n: int, *, status: str = "checked", preparer: str = "key:kmaker", step: timedelta = timedelta(hours=1),
           start: datetime = T0, tie_every: int = 0, first: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    """``n`` batch rows written directly (their payouts do not matter to a listing); with ``tie_every``
    that many batches share each creation time, so the id decides their order."""
    ids = []
    with app.extensions["riskguard"].db.transaction() as session:
        for i in range(n):
            created = start + step * (i // tie_every if tie_every else i)
            batch_id = f"pb_{first + i:032x}"
            session.add(PayoutBatch(
                id=batch_id, status=status, preparer=preparer, policy_revision="payout-review/test", as_of=created,
                row_count=10 + i, input_digest="hmac-sha256:x", data_quality={"success": True},
                summary={"rows": 10 + i, "decisions": {"allow": 8, "review": 1, "block": 1 + i},
                         "amount_fen": {"allow": 8000, "review": 100, "block": 50 * (i + 1)}},
                created_at=created))
            ids.append(batch_id)
    return ids


def _pages(client, headers, **query) -> list[list[str]]:  # type: ignore[no-untyped-def]
    pages, cursor = [], None
    while True:
        resp = client.get("/v1/payouts/batches", query_string={**query, **({"cursor": cursor} if cursor else {})},
                          headers=headers)
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        pages.append([b["batch_id"] for b in body["batches"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50


def test_keyset_pages_cover_every_batch_once_newest_first_ties_by_id(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    ids = _store(app, 11, tie_every=3)  # creation times shared by three batches each
    headers = auth("auditor")
    pages = _pages(client, headers, limit=4)
    assert [len(p) for p in pages] == [4, 4, 3]  # the last page says it is the last: no empty page after it
    flat = [b for p in pages for b in p]
    expected = sorted(ids, key=lambda b: (ids.index(b) // 3, b), reverse=True)
    assert flat == expected
    # a batch arriving between two reads does not shift the next page (it is newer than the cursor)
    first = client.get("/v1/payouts/batches", query_string={"limit": 4}, headers=headers).get_json()
    _store(app, 1, start=T0 + timedelta(days=9), first=100)
    second = client.get("/v1/payouts/batches", query_string={"limit": 4, "cursor": first["next_cursor"]},
                        headers=headers).get_json()
    assert [b["batch_id"] for b in second["batches"]] == pages[1]


def test_filters_by_status_submitter_and_time(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    mine = _store(app, 4, preparer="key:kalice")
    with app.extensions["riskguard"].db.transaction() as session:
        session.get(PayoutBatch, mine[0]).status = "approved"
    headers = auth("finance_approver")

    def ids(**query: str) -> list[str]:
        return [b for p in _pages(client, headers, **query) for b in p]

    assert ids(status="checked") == mine[1:][::-1]
    assert ids(status="approved") == [mine[0]]
    assert ids(submitted_by="key:kalice") == mine[::-1] and ids(submitted_by="key:nobody") == []
    since, until = (T0 + timedelta(hours=1)).isoformat(), (T0 + timedelta(hours=3)).isoformat()
    assert ids(**{"from": since, "to": until}) == [mine[2], mine[1]]  # from inclusive, to exclusive
    # a time without a zone is UTC; the same instant in +08:00 selects the same batches
    assert ids(**{"from": "2026-11-30T09:00:00"}) == ids(**{"from": "2026-11-30T17:00:00+08:00"}) == mine[1:][::-1]


def test_a_listed_batch_carries_totals_and_zoned_times(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    made = submit(client, auth("finance", "maker"), clean(7, payees=40).rows).get_json()
    body = client.get("/v1/payouts/batches", headers=auth("finance")).get_json()
    [listed] = body["batches"]
    assert listed["batch_id"] == made["batch_id"] and listed["status"] == "checked"
    assert listed["preparer"] == made["preparer"] and listed["rows"] == 40
    assert listed["totals"]["allow"]["count"] == made["summary"]["decisions"]["allow"]
    assert sum(t["amount_fen"] for t in listed["totals"].values()) == sum(made["summary"]["amount_fen"].values())
    assert listed["created_at"].endswith("+00:00") and listed["as_of"].endswith("+00:00")
    assert listed["approved_by"] is None and listed["approved_at"] is None
    assert body["next_cursor"] is None and body["limit"] == 50


@pytest.mark.parametrize(("query", "field"), [
    ({"status": "held"}, "status"),
    ({"limit": "0"}, "limit"),
    ({"limit": "201"}, "limit"),
    ({"from": "yesterday"}, "from"),
    ({"from": "2026-12-02T00:00:00Z", "to": "2026-12-01T00:00:00Z"}, "to"),
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"cursor": base64.urlsafe_b64encode(b"b:1:pb_x").decode()}, "cursor"),
    ({"sort": "amount"}, "sort"),
])
def test_bad_queries_are_400_naming_the_field(app, client, auth, query: dict[str, str], field: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/v1/payouts/batches", query_string=query, headers=auth("auditor"))
    assert resp.status_code == 400, resp.get_json()
    assert resp.get_json()["error"]["field"] == field


def test_roles(app, client, auth) -> None:  # type: ignore[no-untyped-def]
    allowed = {"finance", "finance_approver", "auditor"}
    seen = {role: client.get("/v1/payouts/batches", headers=auth(role)).status_code
            for role in ("screener", "onboarding", "reviewer", "finance", "finance_approver", "privacy_officer",
                         "auditor", "admin")}
    assert seen == {role: 200 if role in allowed else 403 for role in seen}
    assert client.get("/v1/payouts/batches").status_code == 401
    # read-only: the listing path takes no other method than GET and the submit POST
    assert client.delete("/v1/payouts/batches", headers=auth("auditor")).status_code == 405


def test_the_document_declares_the_listing(app, client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/openapi.json").get_json()
    op = doc["paths"]["/v1/payouts/batches"]["get"]
    assert op["x-roles"] == ["auditor", "finance", "finance_approver"]
    assert {p["name"] for p in op["parameters"]} >= {"status", "submitted_by", "from", "to", "cursor", "limit"}
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    page = doc["components"]["schemas"][ref]
    item = doc["components"]["schemas"][page["properties"]["batches"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert item["properties"]["created_at"]["format"] == "date-time"
    assert {"totals", "preparer", "status", "approved_by"} <= set(item["properties"])
