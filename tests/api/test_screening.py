"""POST /v1/screen/<kind> and /batch on SQLite and PostgreSQL: round trips, audit, bad input, fail closed."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from faults import refuse_audit_entries
from flask import Flask
from flask.testing import FlaskClient
from rulebook.packs import write_rulebook
from sqlalchemy import text

from riskguard.auth import create_key
from riskguard.config import Settings
from riskguard.db import Database

AUDIT_ACTION = "screening:content:decided"


def shared_app_settings(folder: Path) -> dict[str, Any]:
    """The test rule packs (tests/rulebook/packs.py) with the shipped policies of the other domains; also
    what ``shared_app`` (tests/conftest.py) builds this module's shared app with."""
    rules_dir, policies_dir = write_rulebook(folder / "rulebook")
    for other in Settings.from_env(data_dir=folder).policies_dir.glob("*.yaml"):  # other domains' policies
        if "type: screening" not in other.read_text("utf-8"):
            shutil.copy(other, policies_dir / other.name)
    return {"rules_dir": rules_dir, "policies_dir": policies_dir}


@pytest.fixture
def screen_app(tmp_path: Path, db_url: str, app_factory) -> Flask:  # type: ignore[no-untyped-def]
    """The app on both backends with the test rule packs, fresh for each test."""
    return app_factory(db_url, **shared_app_settings(tmp_path))


@pytest.fixture
def api(screen_app: Flask) -> FlaskClient:
    return screen_app.test_client()


@pytest.fixture
def headers(screen_app: Flask) -> dict[str, str]:
    with screen_app.extensions["riskguard"].db.transaction() as session:
        _, token = create_key(session, role="screener", name="screening-tests")
    return {"Authorization": f"Bearer {token}"}


def audit_rows(app: Flask) -> list[Any]:
    db: Database = app.extensions["riskguard"].db
    with db.engine.connect() as conn:
        # in a fixed order: integrating an entry rewrites its row, which moves it on PostgreSQL
        return list(conn.execute(text("SELECT subject_type, subject_id, decision, policy_revision, entry "
                                      "FROM audit_entries WHERE action = :a ORDER BY entry_id"),
                                 {"a": AUDIT_ACTION}))


@pytest.mark.parametrize(("kind", "body", "decision", "rules"), [
    ("ad", {"text": "口碑很好的面霜"}, "allow", []),
    ("ad", {"text": "全网最低价，最好的面霜", "category": "cosmetics"}, "block", ["adlaw.9-3.superlative"]),
    ("ad", {"text": "三天见效"}, "review", ["adlaw.28.unsourced"]),
    ("listing", {"text": "加薇信，最好的面霜"}, "block", ["adlaw.9-3.superlative", "platform.diversion.wechat"]),
    ("livestream", {"text": "好物分享，点链接", "has_purchase_link": True}, "review", ["iam.9.unlabelled"]),
    ("ad", {"text": "本品可以降血压", "category": "drug", "registration_numbers": ["国药准字H20000000"]},
     "allow", []),
    ("ad", {"text": "商家组织刷单", "published_at": "2024-01-01"}, "review", ["aucl.9.fake-sales"]),
])
def test_screen_one_answers_and_records(shared_app: Flask, shared_client: FlaskClient,
                                        shared_auth: Callable[..., dict[str, str]], kind: str,
                                        body: dict[str, Any], decision: str, rules: list[str]) -> None:
    """On one app per module and backend: the item's id is this case's own, and the request must add
    exactly one screening entry to what the log held before it."""
    item_id = f"item-{uuid.uuid4().hex[:12]}"
    before = len(audit_rows(shared_app))
    res = shared_client.post(f"/v1/screen/{kind}", json={"id": item_id, **body},
                             headers=shared_auth("screener"))
    assert res.status_code == 200, res.get_json()
    out = res.get_json()
    assert out["decision"] == decision
    assert sorted({f["rule_id"] for f in out["findings"]}) == rules
    assert out["policy_revision"] == shared_app.extensions["riskguard"].rulebook.revision
    for f in out["findings"]:
        assert body["text"][f["start"]:f["end"]] == f["matched"]
        assert set(f) == {"rule_id", "law", "article", "severity", "start", "end", "matched", "message",
                          "suggestion"}
    rows = audit_rows(shared_app)
    assert len(rows) == before + 1
    [row] = [r for r in rows if r.subject_id == item_id]
    assert (row.subject_type, row.decision) == (kind, decision)
    assert row.policy_revision == out["policy_revision"]
    entry = bytes(row.entry).decode("utf-8")
    assert out["decision_id"] in entry and "hmac-sha256:" in entry
    assert body["text"] not in entry                  # a keyed digest, never the text
    for rule_id in rules:
        assert rule_id in entry


def test_aucl_cites_the_numbering_of_the_publication_date(api: FlaskClient, headers: dict[str, str]) -> None:
    def article(day: str) -> str:
        res = api.post("/v1/screen/ad", json={"text": "商家组织刷单", "published_at": day}, headers=headers)
        return res.get_json()["findings"][0]["article"]
    assert (article("2025-10-14"), article("2025-10-15T08:00:00Z")) == ("8", "9")


def test_batch_is_one_transaction_in_order(screen_app: Flask, api: FlaskClient, headers: dict[str, str]) -> None:
    items = [{"id": f"i{n}", "text": t} for n, t in enumerate(["最好", "口碑好", "三天见效"] * 5)]
    res = api.post("/v1/screen/ad/batch", json={"items": items}, headers=headers)
    assert res.status_code == 200
    out = res.get_json()
    assert [d["id"] for d in out["decisions"]] == [i["id"] for i in items]
    assert [d["decision"] for d in out["decisions"]] == ["block", "allow", "review"] * 5
    assert len({d["decision_id"] for d in out["decisions"]}) == len(items)
    assert len(audit_rows(screen_app)) == len(items)


def test_policy_query_selects_another_policy(api: FlaskClient, headers: dict[str, str]) -> None:
    res = api.post("/v1/screen/ad?policy=lenient", json={"text": "最好"}, headers=headers)
    assert res.get_json()["decision"] == "allow" and res.get_json()["policy"] == "lenient"


LONG = "好" * 20_001


@pytest.mark.parametrize(("path", "data", "content_type", "status", "code", "field"), [
    ("/v1/screen/ad", b"{not json", "application/json", 400, "malformed_json", None),
    ("/v1/screen/ad", b"", "application/json", 400, "malformed_json", None),
    ("/v1/screen/ad", b"[1, 2]", "application/json", 400, "malformed_json", "_body"),
    ("/v1/screen/ad", b'{"text": "\xff\xfe"}', "application/json", 400, "invalid_utf8", None),
    ("/v1/screen/ad", b'{"text": "x"}', "text/plain", 415, "unsupported_media_type", None),
    ("/v1/screen/ad", {}, None, 400, "validation_error", "text"),
    ("/v1/screen/ad", {"text": None}, None, 400, "validation_error", "text"),
    ("/v1/screen/ad", {"text": 42}, None, 400, "validation_error", "text"),
    ("/v1/screen/ad", {"text": ""}, None, 400, "validation_error", "text"),
    ("/v1/screen/ad", {"text": " \t\n\u3000"}, None, 400, "validation_error", "text"),   # whitespace only
    ("/v1/screen/ad", {"text": LONG}, None, 400, "validation_error", "text"),
    ("/v1/screen/ad", {"text": "\ud800 lone surrogate"}, None, 400, "json_lone_surrogate", "text"),
    ("/v1/screen/ad", {"text": "x", "category": "Toys!"}, None, 400, "validation_error", "category"),
    ("/v1/screen/ad", {"text": "x", "category": 3}, None, 400, "validation_error", "category"),
    ("/v1/screen/ad", {"text": "x", "has_purchase_link": "yes"}, None, 400, "validation_error",
     "has_purchase_link"),
    ("/v1/screen/ad", {"text": "x", "labelled_as_ad": 1}, None, 400, "validation_error", "labelled_as_ad"),
    ("/v1/screen/ad", {"text": "x", "registration_numbers": "H1"}, None, 400, "validation_error",
     "registration_numbers"),
    ("/v1/screen/ad", {"text": "x", "published_at": "yesterday"}, None, 400, "validation_error", "published_at"),
    ("/v1/screen/ad", {"text": "x", "id": "has space"}, None, 400, "validation_error", "id"),
    ("/v1/screen/ad", {"text": "x", "id": "a\u0000b"}, None, 400, "json_nul_character", "id"),
    ("/v1/screen/ad", {"text": "x", "surprise": 1}, None, 400, "validation_error", "surprise"),
    ("/v1/screen/tweet", {"text": "x"}, None, 400, "unknown_kind", "kind"),
    ("/v1/screen/tweet/batch", {"items": [{"text": "x"}]}, None, 400, "unknown_kind", "kind"),
    ("/v1/screen/ad?policy=nope", {"text": "x"}, None, 400, "unknown_policy", "policy"),
    ("/v1/screen/ad/batch", {"items": []}, None, 400, "validation_error", "items"),
    ("/v1/screen/ad/batch", {"items": [{"text": "x"}] * 1001}, None, 400, "validation_error", "items"),
    ("/v1/screen/ad/batch", {"items": [{"text": "ok"}, {"text": "x", "category": "Toys!"}]}, None, 400,
     "validation_error", "items.1.category"),
    ("/v1/screen/ad/batch", {"text": "x"}, None, 400, "validation_error", "items"),
    ("/v1/screen/ad", b'{"text": "' + b"a" * 1_000_100 + b'"}', "application/json", 413, "body_too_large",
     None),
])
def test_bad_input_is_a_4xx_naming_the_field_and_records_nothing(
        shared_app: Flask, shared_client: FlaskClient, shared_auth: Callable[..., dict[str, str]], path: str,
        data: Any, content_type: str | None, status: int, code: str, field: str | None) -> None:
    """One app per backend for the whole table (each case costs an app build otherwise); that a refused
    request records nothing is that the log has the same screening entries after it as before."""
    headers = shared_auth("screener")
    before = audit_rows(shared_app)
    if isinstance(data, bytes):
        res = shared_client.post(path, data=data, headers={**headers, "Content-Type": content_type})
    else:
        res = shared_client.post(path, data=json.dumps(data),
                                 headers={**headers, "Content-Type": "application/json"})
    assert res.status_code == status
    error = res.get_json()["error"]
    assert error["code"] == code
    assert error.get("field") == field
    assert "Traceback" not in res.get_data(as_text=True)
    assert audit_rows(shared_app) == before


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/screen/ad", {"text": "口碑很好"}),
    ("/v1/screen/ad", {"text": "最好"}),
    ("/v1/screen/listing/batch", {"items": [{"text": "口碑很好"}, {"text": "最好"}]}),
])
def test_unrecordable_decision_is_503_and_never_returned(screen_app: Flask, api: FlaskClient,
                                                         headers: dict[str, str], path: str, body: dict) -> None:
    refuse_audit_entries(screen_app.extensions["riskguard"].db)
    res = api.post(path, json=body, headers=headers)
    assert res.status_code == 503
    out = res.get_json()
    assert out["error"]["code"] == "audit_unavailable"
    assert "decision" not in out and "decisions" not in out
    assert "refused" not in res.get_data(as_text=True)


def test_decision_hooks_run_in_the_same_transaction(screen_app: Flask, api: FlaskClient,
                                                    headers: dict[str, str]) -> None:
    seen: list[tuple[str, str, str]] = []
    written: list[int] = []

    def hook(decision, item, actor):  # type: ignore[no-untyped-def]
        seen.append((decision.decision, item.kind, actor.ref))
        if decision.decision != "block":
            return None

        def write(session) -> None:  # type: ignore[no-untyped-def]
            assert session.connection().in_transaction()
            # The decisions' audit entries are in this transaction, not yet committed.
            written.append(session.execute(text("SELECT count(*) FROM audit_entries WHERE action = :a"),
                                           {"a": AUDIT_ACTION}).scalar_one())

        return write

    screen_app.extensions["riskguard"].decision_hooks.append(hook)
    before = len(audit_rows(screen_app))
    res = api.post("/v1/screen/ad/batch", json={"items": [{"text": "最好"}, {"text": "好"}]}, headers=headers)
    assert res.status_code == 200
    assert [s[:2] for s in seen] == [("block", "ad"), ("allow", "ad")]
    assert seen[0][2].startswith("key:")
    assert written == [before + 2]


@pytest.mark.parametrize("fails_in", ["hook", "write"])
def test_failing_hook_rolls_back_the_audit_entry(screen_app: Flask, api: FlaskClient,
                                                 headers: dict[str, str], fails_in: str) -> None:
    def write(session) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("review queue down")

    def hook(decision, item, actor):  # type: ignore[no-untyped-def]
        if fails_in == "hook":
            raise RuntimeError("review queue down")
        return write

    screen_app.extensions["riskguard"].decision_hooks.append(hook)
    res = api.post("/v1/screen/ad", json={"text": "最好"}, headers=headers)
    assert res.status_code == 503 and "decision" not in res.get_json()
    assert audit_rows(screen_app) == []


def test_a_claim_model_finding_reaches_the_client(app: Flask) -> None:
    """The shipped policies run the claim model: a paraphrase no rule reads comes back as review with a
    cited finding whose span indexes the text sent, and the family and probability survive the response
    schema (and the OpenAPI document lists them)."""
    with app.extensions["riskguard"].db.transaction() as session:
        _, token = create_key(session, role="screener", name="model-tests")
    sent = "這款面霜用過的姐妹臉上的斑一個月就淡了，規格５０ｍｌ，包郵。"
    response = app.test_client().post("/v1/screen/ad", json={"text": sent, "category": "cosmetics"},
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["decision"] == "review"
    [finding] = body["findings"]
    assert finding["rule_id"] == "model.claims" and finding["law"] and finding["article"]
    assert sent[finding["start"]:finding["end"]] == finding["matched"] and "斑" in finding["matched"]
    assert finding["family"] and 0.7 <= finding["probability"] <= 1
    spec = app.test_client().get("/openapi.json").get_json()
    assert {"family", "probability"} <= set(spec["components"]["schemas"]["ScreeningFinding"]["properties"])


def test_openapi_documents_the_screening_endpoints(api: FlaskClient) -> None:
    spec = api.get("/openapi.json").get_json()
    for path in ("/v1/screen/{kind}", "/v1/screen/{kind}/batch"):
        op = spec["paths"][path]["post"]
        assert "screener" in op["description"]
        assert op["requestBody"]["content"]["application/json"]["schema"]


def test_readyz_sees_the_rulebook(api: FlaskClient) -> None:
    res = api.get("/readyz")
    assert res.get_json()["checks"]["rules"] is True
