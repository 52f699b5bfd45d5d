"""The rate-limit policy: the shipped file loads with limits on, a malformed one stops the start-up with
the file and the key, and the settings choose the counter store."""

from __future__ import annotations

import threading
import time

import pytest
import yaml
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from riskguard._data import packaged_dir
from riskguard.auth import Role
from riskguard.config import Settings
from riskguard.ratelimit import POLICY_FILE, LocalCounters, RateLimitPolicy, RateLimitPolicyError, load_policy

SHIPPED = yaml.safe_load((packaged_dir("policies") / POLICY_FILE).read_text("utf-8"))


def test_the_shipped_policy_limits_sign_in_and_every_role() -> None:
    policy = load_policy(packaged_dir("policies"))
    assert policy.revision == SHIPPED["revision"]
    assert policy.sign_in_per_address and policy.sign_in_per_key
    assert set(policy.api_per_key) == set(Role)
    assert all(items and all(i.amount > 0 for i in items) for items in policy.api_per_key.values())
    assert str(policy.api_per_key[Role.SCREENER][0]) == "6000 per 1 minute"
    assert str(policy.api_per_key[Role.AUDITOR][0]) == "600 per 1 minute"  # the default
    assert set(policy.api_per_role) == {Role.PRIVACY_OFFICER}


def _with(**changes: object) -> dict:
    raw = yaml.safe_load(yaml.safe_dump(SHIPPED))
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = raw
        for part in parents:
            node = node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return raw


@pytest.mark.parametrize("changes,named", [
    ({"revision": None}, "'revision'"),
    ({"sign_in": None}, "'sign_in'"),
    ({"sign_in__per_address": None}, "sign_in.per_address"),
    ({"sign_in__per_key": "five a minute"}, "sign_in.per_key"),
    ({"sign_in__per_key": 5}, "sign_in.per_key"),
    ({"sign_in__per_attempt": "5/minute"}, "sign_in.per_attempt"),
    ({"api__per_key__default": None}, "api.per_key.default"),
    ({"api__per_key__superuser": "5/minute"}, "api.per_key.superuser"),
    ({"api__per_key__screener": ""}, "api.per_key.screener"),
    ({"api__per_role__auditor": "lots"}, "api.per_role.auditor"),
    ({"api__per_role": ["auditor"]}, "api.per_role"),
    ({"api__burst": "1/second"}, "api.burst"),
])
def test_a_malformed_policy_names_the_key(changes: dict, named: str) -> None:
    with pytest.raises(RateLimitPolicyError, match="rate-limits.yaml") as err:
        RateLimitPolicy.from_mapping(_with(**changes), "policies/rate-limits.yaml")
    assert named in str(err.value)


def test_several_limits_and_a_missing_per_role_section() -> None:
    policy = RateLimitPolicy.from_mapping(_with(api__per_key__default="2/second;100/minute", api__per_role=None))
    assert [str(i) for i in policy.api_per_key[Role.AUDITOR]] == ["2 per 1 second", "100 per 1 minute"]
    assert policy.api_per_role == {}


def test_a_bad_policy_file_stops_the_start_up(app_factory, sqlite_url, rate_limit_policies) -> None:
    with pytest.raises(RateLimitPolicyError, match="api.per_key.default"):
        app_factory(sqlite_url, policies_dir=rate_limit_policies(api={"per_key": {"default": "fast"}}))


def test_an_unreadable_policy_file(tmp_path) -> None:
    (tmp_path / POLICY_FILE).write_text("api: [", "utf-8")
    with pytest.raises(RateLimitPolicyError, match="cannot read"):
        load_policy(tmp_path)
    with pytest.raises(RateLimitPolicyError, match="cannot read"):
        load_policy(tmp_path / "missing")


def test_settings_choose_the_counter_store(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REDIS_URL", "RATE_LIMIT_PREFIX", "CONSOLE_IDLE_SECONDS"):
        monkeypatch.delenv(f"RISKGUARD_{name}", raising=False)
    default = Settings.from_env()
    assert (default.redis_url, default.rate_limit_prefix, default.console_idle_seconds) == ("", "riskguard", 1800)
    monkeypatch.setenv("RISKGUARD_REDIS_URL", "redis://cache.internal:6379/2")
    monkeypatch.setenv("RISKGUARD_RATE_LIMIT_PREFIX", "rg-prod")
    monkeypatch.setenv("RISKGUARD_CONSOLE_IDLE_SECONDS", "600")
    configured = Settings.from_env()
    assert (configured.redis_url, configured.rate_limit_prefix, configured.console_idle_seconds) == (
        "redis://cache.internal:6379/2", "rg-prod", 600)


def _expiry_timers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]


@pytest.mark.parametrize("store", ["limits' MemoryStorage", "LocalCounters"])
def test_the_local_store_counts_without_starting_a_thread_per_request(store: str) -> None:
    """limits' own memory store starts a timer thread after a hit whenever its last one has ended; ours
    counts the same and starts none (the base class is the control: the check can tell the two apart)."""
    storage = MemoryStorage() if store.startswith("limits") else LocalCounters()
    time.sleep(0.05)  # the timer every MemoryStorage starts when it is built has run out
    limiter = SlidingWindowCounterRateLimiter(storage)
    item = parse("3 per minute")
    started = []
    for _ in range(4):
        allowed = limiter.hit(item, "rg", "api:key", "k1")
        started.append(bool(_expiry_timers()))
        time.sleep(0.03)
    assert not limiter.hit(item, "rg", "api:key", "k1")  # 3 allowed, then refused, in both stores
    assert allowed is False
    assert any(started) is (store.startswith("limits"))


def test_the_local_store_sweeps_expired_counters_inline() -> None:
    storage = LocalCounters()
    storage.incr("gone", expiry=0.01)
    storage.incr("kept", expiry=60)
    time.sleep(0.02)
    storage._next_sweep = 0.0  # due
    storage.incr("other", expiry=60)
    assert "gone" not in storage.storage and storage.get("kept") == 1


def test_without_redis_the_app_counts_in_local_counters(app_factory, sqlite_url) -> None:
    app = app_factory(sqlite_url)
    assert isinstance(app.extensions["riskguard"].rate_limits.limiter.limiter.storage, LocalCounters)
