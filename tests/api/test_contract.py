"""The API keeps its OpenAPI contract: schemathesis fuzzes every documented operation, as every role that
may call it, on SQLite and PostgreSQL, and checks each answer against the document.

Bounded so that it runs in ``make test``: a fixed seed, ``EXAMPLES`` generated cases per operation (each
sent once per allowed role), no shrinking. The fixed seed gives both backends the same cases, so they are
generated once per process and sent to each backend's app. Every failure is collected and reported
together, so one run shows the whole list rather than the first one. Random ids only ever find nothing,
so a few real resources are made first and about half the cases address them (an application, its
review case and data subject, a payout batch, the first audit entry, a report).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from onboarding.builders import application
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from riskguard.auth import Role, create_key
from riskguard.ids import new_id
from riskguard.onboarding.models import MerchantApplication
from riskguard.review.service import CaseRequest

EXAMPLES = 50
SEED = 17
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("contract")]


@pytest.fixture
def app(app_factory, db_url: str, rate_limit_policies):  # type: ignore[no-untyped-def]
    """The app on both backends with rate limits far above this run's calls (one key makes hundreds in a
    minute on a fast machine): a throttled case would check nothing. 429 stays in the document it checks."""
    unlimited = {"per_key": {"default": "1000000/minute"}}
    return app_factory(db_url, policies_dir=rate_limit_policies(api=unlimited))


def _tokens(app: Flask) -> dict[str, dict[str, str]]:
    with app.extensions["riskguard"].db.transaction() as session:
        return {role.value: {"Authorization": f"Bearer {create_key(session, role=role, name=f'fuzz-{role}')[1]}"}
                for role in Role}


_PAYOUTS_CSV = (
    "payout_id,payee_id,payee_type,amount_fen,currency,period_start,period_end,gross_sales_fen,refunds_fen,"
    "platform_fees_fen,commission_rate,contract_rate,bank_account_token,bank_account_changed_at,"
    "upline_payee_id,created_by,created_at\n"
    "P0000001,M001,merchant,10000,CNY,2026-11-01,2026-11-30,13000,1000,1000,,,tok_a1,2024-03-01T10:00:00+08:00,,"
    "alice@finance,2026-12-01T09:00:00+08:00\n"
    "P0000002,M002,merchant,-5,CNY,2026-11-01,2026-11-30,13000,1000,1000,,,tok_a2,2024-03-01T10:00:00+08:00,,"
    "alice@finance,2026-12-01T09:00:00+08:00\n")


def _resources(app: Flask, tokens: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Real ids for the path parameters: what a client would address after creating things."""
    client = app.test_client()
    body = application()
    res = client.post("/v1/merchants/applications", json=body, headers=tokens["onboarding"])
    assert res.status_code == 201, res.get_json()
    res = client.post("/v1/payouts/batches", data=_PAYOUTS_CSV, content_type="text/csv",
                      headers=tokens["finance"])
    assert res.status_code == 201, res.get_json()
    batch_id = res.get_json()["batch_id"]
    rg = app.extensions["riskguard"]
    with app.app_context(), rg.db.transaction() as session:
        subject = session.get(MerchantApplication, body["id"]).legal_rep_subject_id
        case = rg.review.open_case(session, CaseRequest(
            kind="merchant_application", subject_type="merchant_application", subject_id=body["id"],
            decision_id=new_id("dec"), automated_decision="review", submitted_by="key:someone-else",
            policy_revision="test/1", categories=["food"], rule_ids=["licence_expiring"],
            articles=("中华人民共和国电子商务法 12",), findings=[{"check": "licence_expiring", "severity": "medium"}]))
        case_id = case.id
    return {"application_id": body["id"], "record_type": "merchant_application", "record_id": body["id"],
            "subject_id": subject, "case_id": case_id, "batch_id": batch_id, "index": 0,
            "name": "auditor-access"}


def _first_line(exc: BaseException) -> str:
    return next(iter(str(exc).strip().splitlines()), type(exc).__name__)


@dataclass(frozen=True)
class _Generated:
    """A generated case, whether it addresses the real resources, and its path parameters as generated
    (each backend puts in its own resources' ids)."""

    case: Any
    address_known: bool
    path_parameters: dict[str, Any] | None


def _generate(operation: Any) -> list[_Generated]:
    cases: list[_Generated] = []

    @seed(SEED)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), address_known=st.booleans())
    def run(case: Any, address_known: bool) -> None:
        cases.append(_Generated(case, address_known, dict(case.path_parameters or {}) or None))

    run()
    return cases


_Cases = dict[tuple[str, str], list[_Generated]]  # by (document digest, operation label)


@pytest.fixture(scope="module")
def generated() -> _Cases:
    """The cases per (document, operation), generated by the first backend's run and sent again by the
    next. With the seed fixed, hypothesis generates the very same cases from the same document on either
    backend, and generating costs more than sending them; a different document gets cases of its own."""
    return {}


def _fuzz(app: Flask, cases: list[_Generated], roles: list[str], tokens: dict[str, dict[str, str]],
          known: dict[str, Any], failures: list[str]) -> int:
    calls = 0
    for generated_case in cases:
        case, label = generated_case.case, generated_case.case.operation.label
        if generated_case.path_parameters:
            case.path_parameters = ({k: known.get(k, v) for k, v in generated_case.path_parameters.items()}
                                    if generated_case.address_known else dict(generated_case.path_parameters))
        for role in roles:
            calls += 1
            response = case.call(app=app, headers=tokens[role])
            try:
                case.validate_response(response, checks=CHECKS, headers=tokens[role])
            except BaseExceptionGroup as group:  # schemathesis' FailureGroup: one or more failed checks
                failures.extend(f"{label} as {role}: {_first_line(f)}" for f in group.exceptions)
            except AssertionError as exc:
                failures.append(f"{label} as {role}: {_first_line(exc)}")
    return calls


def _subject_view(schema: Any, tokens: dict[str, dict[str, str]], known: dict[str, Any],
                  failures: list[str]) -> None:
    """The one answer that carries a review case's ``subject_view`` (a stored application, whose
    ``created_at`` SQLite hands back without a zone), asked for every time rather than left to chance."""
    operation = schema["/v1/review/cases/{case_id}"]["GET"]
    case = operation.Case(path_parameters={"case_id": known["case_id"]})
    response = case.call(headers=tokens["reviewer"])
    view = response.json()["subject_view"]
    assert view["id"] == known["application_id"] and view["created_at"].endswith(("Z", "+00:00")), view
    document = schema.raw_schema["components"]["schemas"]
    documented = document["Case"]["properties"]["subject_view"]
    assert (documented.get("allOf") or [documented])[0].get("$ref") == "#/components/schemas/ApplicationView"
    try:
        case.validate_response(response, checks=CHECKS, headers=tokens["reviewer"])
    except (BaseExceptionGroup, AssertionError) as exc:
        failures.append(f"{operation.label} subject_view: {_first_line(exc)}")


def test_the_api_keeps_its_openapi_contract(app: Flask, generated: _Cases) -> None:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    document = hashlib.sha256(json.dumps(schema.raw_schema, sort_keys=True).encode()).hexdigest()
    tokens = _tokens(app)
    known = _resources(app, tokens)
    failures: list[str] = []
    _subject_view(schema, tokens, known, failures)
    calls: Counter[str] = Counter()
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        roles = operation.definition.raw.get("x-roles") or [Role.AUDITOR.value]
        key = (document, operation.label)
        if key not in generated:
            generated[key] = _generate(operation)
        calls[operation.label] = _fuzz(app, generated[key], roles, tokens, known, failures)
    elapsed = time.monotonic() - started
    print(f"contract: {len(calls)} operations, {sum(calls.values())} calls, {elapsed:.0f} s, "
          f"{len(failures)} failures")
    assert len(calls) >= 25
    assert not failures, "\n".join(failures)


def test_a_wrong_method_is_405_with_allow(sqlite_app: Flask) -> None:
    """Every documented path answers an undocumented method with our JSON 405 and the ``Allow`` header."""
    client = sqlite_app.test_client()
    for path, operations in client.get("/openapi.json").get_json()["paths"].items():
        concrete = path.replace("{kind}", "ad").replace("{index}", "0")
        wrong = "PUT" if "put" not in operations else "PATCH"
        res = client.open(concrete.replace("{", "").replace("}", ""), method=wrong)
        assert res.status_code == 405, path
        assert {m.upper() for m in operations if m != "parameters"} <= set(res.headers["Allow"].split(", ")), path
        assert res.get_json()["error"]["code"] == "method_not_allowed", path
