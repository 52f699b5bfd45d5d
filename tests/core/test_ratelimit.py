"""The rate-limit policy: the shipped file loads with limits on, a malformed one stops the start-up with
the file and the key, and the settings choose the counter store."""

from __future__ import annotations

import pytest
import yaml

from riskguard._data import packaged_dir
from riskguard.auth import Role
from riskguard.config import Settings
from riskguard.ratelimit import POLICY_FILE, RateLimitPolicy, RateLimitPolicyError, load_policy

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
