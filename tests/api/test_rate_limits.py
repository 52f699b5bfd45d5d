"""API rate limits from the policy file: per key (by role) and per role, 429 with Retry-After and the
one error schema; counters in Redis shared by two app instances; Redis unreachable → 503, never a pass."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from flask import Flask

from riskguard.auth import create_key

READ = "/v1/audit/reports"  # a cheap auditor read


def _token(app: Flask, role: str = "auditor") -> dict[str, str]:
    with app.extensions["riskguard"].db.transaction() as session:
        return {"Authorization": f"Bearer {create_key(session, role=role, name='limits')[1]}"}


def _statuses(app: Flask, headers: dict[str, str], n: int) -> list[int]:
    client = app.test_client()
    return [client.get(READ, headers=headers).status_code for _ in range(n)]


@pytest.fixture
def limited(app_factory, sqlite_url: str, rate_limit_policies: Callable[..., Path]) -> Callable[..., Flask]:
    """``limited(api={...}, **settings)``: an SQLite app under a rate-limit policy with those API limits."""

    def make(api: dict, **settings: object) -> Flask:
        return app_factory(sqlite_url, policies_dir=rate_limit_policies(api=api), **settings)

    return make


def test_a_key_over_its_limit_gets_429_with_retry_after(limited) -> None:
    app = limited({"per_key": {"default": "100/minute", "auditor": "3/minute"}})
    first, second = _token(app), _token(app)
    assert _statuses(app, first, 3) == [200] * 3
    res = app.test_client().get(READ, headers=first)
    assert res.status_code == 429
    assert 1 <= int(res.headers["Retry-After"]) <= 60
    body = res.get_json()
    assert body["error"]["code"] == "rate_limited" and set(body) == {"error"}
    assert _statuses(app, second, 3) == [200] * 3  # another key of the same role has its own budget


def test_each_role_has_its_own_per_key_limit(limited) -> None:
    app = limited({"per_key": {"default": "2/minute", "auditor": "4/minute"}})
    assert _statuses(app, _token(app, "auditor"), 5) == [200] * 4 + [429]
    payouts = app.test_client()
    finance = _token(app, "finance")
    assert [payouts.get("/v1/payouts/batches/nope", headers=finance).status_code for _ in range(3)] == [404, 404, 429]


def test_a_role_limit_is_shared_by_all_keys_of_the_role(limited) -> None:
    app = limited({"per_key": {"default": "100/minute"}, "per_role": {"auditor": "5/minute"}})
    keys = [_token(app) for _ in range(3)]
    statuses = [s for _ in range(2) for key in keys for s in _statuses(app, key, 1)]
    assert statuses == [200] * 5 + [429]
    # other roles are not in the auditors' budget
    assert app.test_client().get("/v1/payouts/batches/nope", headers=_token(app, "finance")).status_code == 404


def test_invalid_tokens_spend_no_key_budget(limited) -> None:
    app = limited({"per_key": {"default": "3/minute"}})
    good = _token(app)
    forged = {"Authorization": good["Authorization"][:-3] + "zzz"}
    assert _statuses(app, forged, 10) == [401] * 10
    assert _statuses(app, good, 4) == [200] * 3 + [429]


def test_every_role_guarded_operation_documents_429_with_retry_after(sqlite_app: Flask) -> None:
    doc = sqlite_app.test_client().get("/openapi.json").get_json()
    guarded = [(path, op) for path, ops in doc["paths"].items() for op in ops.values()
               if isinstance(op, dict) and op.get("x-roles")]
    assert len(guarded) >= 25
    for path, op in guarded:
        response = op["responses"].get("429")
        assert response is not None, path
        assert "Retry-After" in response["headers"], path
        assert response["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), path


def test_two_app_instances_share_their_counters_in_redis(app_factory, sqlite_url, rate_limit_policies,
                                                         redis_url, rate_limit_prefix) -> None:
    """Two instances over one database and one Redis (as two hosts): one budget per key between them."""
    policies = rate_limit_policies(api={"per_key": {"default": "4/minute"}},
                                   sign_in={"per_address": "3/minute", "per_key": "3/minute"})
    one, two = (app_factory(sqlite_url, policies_dir=policies, redis_url=redis_url,
                            rate_limit_prefix=rate_limit_prefix) for _ in range(2))
    key = _token(one)
    assert _statuses(one, key, 2) + _statuses(two, key, 2) == [200] * 4
    assert _statuses(one, key, 1) == _statuses(two, key, 1) == [429]
    # failed sign-ins too: two on one instance and one on the other use up the address's three
    statuses = [app.test_client().post("/console/login", data={"api_key": f"rg_k{n}_x"}).status_code
                for n, app in enumerate((one, one, two, two))]
    assert statuses == [400, 400, 400, 429]
    keys = [k.decode() for k in redis.Redis.from_url(redis_url).scan_iter(match=f"*{rate_limit_prefix}*")]
    assert any("sign-in:address" in k for k in keys) and any("api:key" in k for k in keys)
    assert not any("127.0.0.1" in k for k in keys)  # the client address is counted as a keyed digest


def test_memory_counters_are_per_instance(limited) -> None:
    """Without Redis each process counts alone (the reason production sets RISKGUARD_REDIS_URL)."""
    one = limited({"per_key": {"default": "2/minute"}})
    key = _token(one)
    assert _statuses(one, key, 3) == [200, 200, 429]
    two = limited({"per_key": {"default": "2/minute"}})
    assert _statuses(two, key, 1) == [200]


def test_an_unreachable_redis_fails_closed(limited) -> None:
    app = limited({"per_key": {"default": "100/minute"}}, redis_url="redis://127.0.0.1:1/0")
    res = app.test_client().get(READ, headers=_token(app))
    assert res.status_code == 503
    assert res.get_json()["error"]["code"] == "rate_limit_unavailable"
    client = app.test_client()
    page = client.get("/console/login")
    assert page.status_code == 200
    res = client.post("/console/login", data={"api_key": "rg_k1_x"})
    assert res.status_code == 503
