"""Console sign-in is rate limited: failed attempts per client address and per key id named in the form
(the shipped policy: 10 and 5 a minute), 429 with Retry-After; successful sign-ins are not counted."""

from __future__ import annotations

from flask.testing import FlaskClient

from .conftest import csrf_from, make_token

PER_ADDRESS, PER_KEY = 10, 5  # policies/rate-limits.yaml


def _client(app, address: str) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _attempt(client: FlaskClient, api_key: str):  # type: ignore[no-untyped-def]
    page = client.get("/console/login")
    assert page.status_code == 200
    return client.post("/console/login", data={"csrf_token": csrf_from(page.text), "api_key": api_key})


def test_thirty_wrong_sign_ins_with_one_key_id_are_refused_after_the_limit(sqlite_app) -> None:
    client = _client(sqlite_app, "198.51.100.7")
    tok = make_token(sqlite_app, "auditor")
    wrong = tok[:-4] + ("aaaa" if not tok.endswith("aaaa") else "bbbb")
    statuses = [_attempt(client, wrong).status_code for _ in range(30)]
    assert statuses == [401] * PER_KEY + [429] * (30 - PER_KEY)
    res = _attempt(client, wrong)
    assert 1 <= int(res.headers["Retry-After"]) <= 60
    assert "登录失败次数过多" in res.text and "csrf_token" in res.text  # the sign-in page, not a trace
    # the key itself is locked for sign-in from anywhere meanwhile (it is named, not guessed) ...
    assert _attempt(_client(sqlite_app, "203.0.113.9"), tok).status_code == 429
    # ... while the API and other keys are untouched
    assert sqlite_app.test_client().get("/v1/audit/reports", headers={"Authorization": f"Bearer {tok}"}
                                        ).status_code == 200
    assert _attempt(_client(sqlite_app, "203.0.113.9"), make_token(sqlite_app, "auditor")).status_code == 302


def test_wrong_sign_ins_from_one_address_are_refused_after_the_limit(sqlite_app) -> None:
    client = _client(sqlite_app, "198.51.100.8")
    keys = [make_token(sqlite_app, "reviewer")[:-2] + "zz" for _ in range(PER_ADDRESS + 3)]  # each named once
    statuses = [_attempt(client, key).status_code for key in keys]
    assert statuses == [401] * PER_ADDRESS + [429] * 3
    assert _attempt(client, make_token(sqlite_app, "reviewer")).status_code == 429  # even a good key
    assert _attempt(_client(sqlite_app, "198.51.100.9"), make_token(sqlite_app, "reviewer")).status_code == 302


def test_forms_without_a_valid_csrf_token_count_as_failed_attempts(sqlite_app) -> None:
    client = _client(sqlite_app, "198.51.100.10")
    client.get("/console/login")
    statuses = [client.post("/console/login", data={"api_key": f"rg_k{n}_x"}).status_code
                for n in range(PER_ADDRESS + 1)]
    assert statuses == [400] * PER_ADDRESS + [429]


def test_successful_sign_ins_are_not_counted(sqlite_app) -> None:
    client = _client(sqlite_app, "198.51.100.11")
    tok = make_token(sqlite_app, "auditor")
    for _ in range(PER_ADDRESS + PER_KEY):
        assert _attempt(client, tok).status_code == 302
        assert client.post("/console/logout", data={"csrf_token": csrf_from(client.get("/console/").text)}
                           ).status_code == 302


def test_malformed_keys_share_one_budget_and_the_sign_in_page_is_not_limited(sqlite_app) -> None:
    client = _client(sqlite_app, "198.51.100.12")
    statuses = [_attempt(client, bad).status_code for bad in ("", "x", "rg_", "Bearer x", "rg_a/b_c", "rg__x", "y")]
    assert statuses == [401] * PER_KEY + [429] * 2
    assert client.get("/console/login").status_code == 200
