"""The input layer: every JSON endpoint (taken from the OpenAPI document, so a new one is covered
without editing this file) answers each body that ``json.loads`` would accept but riskguard cannot use
with 400 and its stable code, before any domain code runs: nothing is stored. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from riskguard.auth import Role
from riskguard.db import Base
from riskguard.strictjson import MAX_DEPTH

# (name, body, code, field): each body is an object, so it would pass the shape check of most endpoints
BAD_BODIES = [
    ("nested_1000", '{"text": ' + "[" * 1000 + "]" * 1000 + "}", "json_too_deep", None),
    ("nested_max_plus_1", '{"text": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}", "json_too_deep", None),
    ("nested_100000_unclosed", "[" * 100_000, "json_too_deep", None),
    ("lone_surrogate", '{"text": "ab\\ud800"}', "json_lone_surrogate", "text"),
    ("lone_low_surrogate_in_list", '{"items": [{"id": "x\\udc00"}]}', "json_lone_surrogate", "items.0.id"),
    ("lone_surrogate_key", '{"\\ud800": 1}', "json_lone_surrogate", "\\ud800"),
    ("int_4301_digits", '{"limit": 1' + "0" * 4300 + "}", "json_number_too_large", "limit"),
    ("negative_int_4301_digits", '{"limit": -' + "9" * 4301 + "}", "json_number_too_large", "limit"),
    ("float_overflow", '{"limit": 1e400}', "json_number_too_large", "limit"),
    ("infinity", '{"amount_fen": Infinity}', "json_non_finite_number", "amount_fen"),
    ("minus_infinity", '{"amount_fen": -Infinity}', "json_non_finite_number", "amount_fen"),
    ("nan", '[{"amount_fen": NaN}]', "json_non_finite_number", "0.amount_fen"),
    ("nul_in_string", '{"reason": "a\\u0000b"}', "json_nul_character", "reason"),
    ("nul_in_key", '{"a\\u0000": "b"}', "json_nul_character", "a\\u0000"),
]


def _json_operations(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(method, path with its parameters filled, roles) of every operation that takes a JSON body."""
    spec = app.test_client().get("/openapi.json").get_json()
    found = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            content = (op.get("requestBody") or {}).get("content", {}) if isinstance(op, dict) else {}
            if any(t == "application/json" or t.endswith("+json") for t in content):
                concrete = path
                for param in op.get("parameters", []) + operations.get("parameters", []):
                    if param.get("in") == "path":
                        schema = param.get("schema", {})
                        value = (schema.get("enum") or [0 if schema.get("type") == "integer" else "no-such-id"])[0]
                        concrete = concrete.replace("{" + param["name"] + "}", str(value))
                found.append((method.upper(), concrete, op.get("x-roles") or [Role.ADMIN.value]))
    return found


def _row_counts(app: Flask) -> dict[str, int]:
    with app.extensions["riskguard"].db.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables}


@pytest.fixture(scope="module")
def operations(shared_app: Flask) -> list[tuple[str, str, list[str]]]:
    return _json_operations(shared_app)


def test_the_json_endpoints_are_found(operations: list[tuple[str, str, list[str]]]) -> None:
    paths = {p for _, p, _ in operations}
    assert len(operations) >= 11, operations
    assert {"/v1/screen/ad", "/v1/merchants/applications", "/v1/payouts/batches"} <= paths


@pytest.mark.parametrize(("name", "body", "code", "field"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_every_json_endpoint_refuses_bad_json_with_400(shared_app: Flask, shared_auth: Any,
                                                       operations: list[tuple[str, str, list[str]]], name: str,
                                                       body: str, code: str, field: str | None) -> None:
    client = shared_app.test_client()
    headers = {role: shared_auth(role) for _, _, roles in operations for role in roles[:1]}
    before = _row_counts(shared_app)
    wrong = []
    for method, path, roles in operations:
        res = client.open(path, method=method, data=body.encode("utf-8"), content_type="application/json",
                          headers=headers[roles[0]])
        error = (res.get_json(silent=True) or {}).get("error", {})
        if (res.status_code, error.get("code"), error.get("field")) != (400, code, field):
            wrong.append(f"{method} {path}: {res.status_code} {error}")
    assert not wrong, "\n".join(wrong)
    assert _row_counts(shared_app) == before  # refused before any domain code: nothing stored


def test_an_untyped_json_body_and_an_unauthenticated_one_are_read_the_same(shared_app: Flask) -> None:
    client = shared_app.test_client()
    res = client.post("/v1/screen/ad", data=b'{"text": NaN}')  # no content type, no token
    assert res.status_code == 400 and res.get_json()["error"]["code"] == "json_non_finite_number"


def test_good_json_still_passes(shared_app: Flask, shared_auth: Any) -> None:
    client = shared_app.test_client()
    body = '{"text": "\\ud83d\\ude00 正常文案 \\\\u0000", "category": "general", "id": "ok-1"}'
    res = client.post("/v1/screen/ad", data=body, content_type="application/json", headers=shared_auth("screener"))
    assert res.status_code == 200, res.get_json()


def test_an_unknown_path_is_404_whatever_the_body(shared_app: Flask) -> None:
    res = shared_app.test_client().post("/v1/nowhere", data=b'{"a": NaN}', content_type="application/json")
    assert res.status_code == 404


def _parameters(app: Flask) -> list[tuple[str, str, str, str, list[str]]]:
    """(method, path template, where, name, roles) of every path and query parameter in the document."""
    spec = app.test_client().get("/openapi.json").get_json()
    found = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for param in op.get("parameters", []) + operations.get("parameters", []):
                if param.get("in") in ("path", "query") and param.get("schema", {}).get("type") != "integer":
                    found.append((method.upper(), path, param["in"], param["name"], op.get("x-roles") or ["admin"]))
    return found


def test_nul_in_any_path_or_query_parameter_is_a_400_naming_it(shared_app: Flask, shared_auth: Any) -> None:
    """PostgreSQL cannot compare or store NUL in text: every string parameter is refused before a view."""
    client = shared_app.test_client()
    params = _parameters(shared_app)
    assert len(params) >= 20 and {n for _, _, w, n, _ in params if w == "query"} >= {"subject_id", "actor", "cursor"}
    wrong = []
    for method, template, where, name, roles in params:
        path, query = template, {}
        for other in [p for m, t, w, p, _ in params if (m, t) == (method, template) and w == "path"]:
            path = path.replace("{" + other + "}", "a\x00b" if (where, other) == ("path", name) else "x")
        if where == "query":
            query[name] = "a\x00b"
        res = client.open(path.replace("{kind}", "ad"), method=method, query_string=query,
                          headers=shared_auth(roles[0]))
        error = (res.get_json(silent=True) or {}).get("error", {})
        if (res.status_code, error.get("code"), error.get("field")) != (400, "nul_character", name) and \
                not (where == "path" and name == "kind"):
            wrong.append(f"{method} {template} {where} {name}: {res.status_code} {error}")
    assert not wrong, "\n".join(wrong)

