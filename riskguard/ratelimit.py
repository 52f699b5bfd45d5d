"""Rate limits on Flask-Limiter: console sign-in attempts, and API requests per key and per role.

The limits come from ``policies/rate-limits.yaml`` (a bad file stops the start-up). The counters live in
Redis when ``RISKGUARD_REDIS_URL`` is set, shared by every worker and host, and in the worker's memory
otherwise (so each worker process counts on its own). Counting uses a sliding window. A limit that is
reached answers 429 with ``Retry-After``; a counter store that cannot be reached answers 503 (nothing is
let through uncounted).

- Console sign-in: failed attempts (answers 400 or 401) per client address (a keyed digest of it, so
  neither Redis nor a log line holds the address) and per key id named in the form (the ``rg_<key id>``
  prefix of a token). A successful sign-in is not counted.
- API: every authenticated request counts against its key's limit (by the key's role) and, where the
  policy sets one, against the limit shared by all keys of that role; checked right after the key is
  authenticated, so a made-up token cannot spend someone else's budget.
"""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from hashlib import sha256
from pathlib import Path
from typing import Any

import structlog
from flask import Flask, Response, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage

from .auth import Actor, Role
from .errors import RateLimited, ServiceUnavailable
from .policyfile import read_policy_file

__all__ = ["LOCAL_STORAGE_URI", "POLICY_FILE", "RateLimitPolicy", "RateLimitPolicyError", "RateLimits",
           "load_policy"]

LOCAL_STORAGE_URI = "riskguard-memory://"
_SWEEP_EVERY = 1.0  # seconds between sweeps of expired counters in the in-process store

POLICY_FILE = "rate-limits.yaml"
STRATEGY = "sliding-window-counter"

log = structlog.get_logger("riskguard.ratelimit")

_KEY_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class RateLimitPolicyError(Exception):
    """The rate-limit policy is missing or malformed; start-up stops with the file and the key."""


@dataclass(frozen=True)
class RateLimitPolicy:
    revision: str
    sign_in_per_address: str  # Flask-Limiter's notation, checked: "5/minute", "2/second;20/minute"
    sign_in_per_key: str
    api_per_key: dict[Role, tuple[RateLimitItem, ...]]  # every role
    api_per_role: dict[Role, tuple[RateLimitItem, ...]]  # only the roles the policy names

    @classmethod
    def from_mapping(cls, raw: Any, source: str = "<policy>") -> RateLimitPolicy:
        def mapping(value: Any, path: str, keys: set[str]) -> dict[str, Any]:
            if not isinstance(value, dict):
                raise RateLimitPolicyError(f"{source}: {path} must be a mapping")
            unknown = sorted(set(map(str, value)) - keys)
            if unknown:
                raise RateLimitPolicyError(f"{source}: {path}.{unknown[0]} is not a known key")
            return value

        def checked(value: Any, path: str) -> str:
            limits(value, path)
            return str(value)

        def limits(value: Any, path: str) -> tuple[RateLimitItem, ...]:
            try:
                items = tuple(parse_many(value)) if isinstance(value, str) else ()
            except ValueError:
                items = ()
            if not items:
                raise RateLimitPolicyError(f"{source}: {path} must be a limit such as '5/minute' "
                                           "(several joined with ';')")
            return items

        roles = {r.value for r in Role}
        raw = mapping(raw, "policy", {"policy", "revision", "sign_in", "api"})
        for key in ("revision", "sign_in", "api"):
            if key not in raw:
                raise RateLimitPolicyError(f"{source}: missing key {key!r}")
        sign_in = mapping(raw["sign_in"], "sign_in", {"per_address", "per_key"})
        api = mapping(raw["api"], "api", {"per_key", "per_role"})
        per_key = mapping(api.get("per_key"), "api.per_key", roles | {"default"})
        if "default" not in per_key:
            raise RateLimitPolicyError(f"{source}: missing key 'api.per_key.default'")
        per_role = mapping(api.get("per_role") or {}, "api.per_role", roles)
        default = limits(per_key["default"], "api.per_key.default")
        return cls(
            revision=str(raw["revision"]),
            sign_in_per_address=checked(sign_in.get("per_address"), "sign_in.per_address"),
            sign_in_per_key=checked(sign_in.get("per_key"), "sign_in.per_key"),
            api_per_key={r: limits(per_key[r.value], f"api.per_key.{r.value}") if r.value in per_key else default
                         for r in Role},
            api_per_role={Role(r): limits(v, f"api.per_role.{r}") for r, v in per_role.items()},
        )


def load_policy(policies_dir: Path) -> RateLimitPolicy:
    path = Path(policies_dir) / POLICY_FILE
    return RateLimitPolicy.from_mapping(read_policy_file(path, RateLimitPolicyError), str(path))


class LocalCounters(MemoryStorage):
    """The in-process counter store (no Redis configured): limits' ``MemoryStorage`` without its expiry timer.

    ``MemoryStorage`` starts a ``threading.Timer`` thread whenever the previous one (10 ms) has ended, so under
    load a worker starts a thread for about every other request, and the thread start and its sweep took about
    a fifth of a screening request's CPU (bench/request_cpu.py). A counter's expiry is already checked when it
    is read (``get``), so the sweep only frees memory: here it runs inline, at most once a second, in the
    request that finds it due. Overrides a name-mangled method of limits 5 (pinned below 6 in pyproject.toml).
    """

    STORAGE_SCHEME = [LOCAL_STORAGE_URI.split(":", 1)[0]]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_sweep = time.monotonic() + _SWEEP_EVERY

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the base class's mangled name
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_EVERY
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def _failed(response: Response) -> bool:
    """A sign-in attempt that did not sign anyone in: a wrong or revoked key (401), a bad form (400)."""
    return response.status_code in (400, 401)


class RateLimits:
    """One app's limiter: the policy, the counter store (Redis or memory) and the checks."""

    def __init__(self, policy: RateLimitPolicy, *, storage_uri: str, key_prefix: str,
                 address_secret: bytes) -> None:
        self.policy = policy
        self._address_secret = address_secret
        self._prefix = key_prefix
        self.limiter = Limiter(self._address, storage_uri=storage_uri, strategy=STRATEGY, key_prefix=key_prefix,
                               storage_options={"wrap_exceptions": True}, headers_enabled=False)

    def init_app(self, app: Flask, *, route_limits_on: str) -> None:
        """Bind to ``app``. Flask-Limiter's request hooks (its route limits, the deductions after the
        answer) run for the blueprint ``route_limits_on`` only, the one whose routes carry such limits:
        every other request would pay for them and find nothing to check."""
        registries: tuple[dict[Any, list[Any]], ...] = (
            app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
        had = [list(registry.get(None, ())) for registry in registries]
        self.limiter.init_app(app)
        for registry, before in zip(registries, had, strict=True):
            added = [hook for hook in registry.get(None, ()) if hook not in before]
            registry[None] = [hook for hook in registry.get(None, ()) if hook in before]
            registry.setdefault(route_limits_on, []).extend(added)

    # -- console sign-in ----------------------------------------------------------------------
    def _address(self) -> str:
        digest = hmac.new(self._address_secret, (request.remote_addr or "-").encode(), sha256).hexdigest()
        return "address:" + digest[:32]

    @staticmethod
    def _named_key() -> str:
        """The key id the form names (``rg_<key id>_…``), whatever the rest of the token."""
        parts = str(request.form.get("api_key", "")).strip().split("_", 2)
        if len(parts) == 3 and parts[0] == "rg" and 0 < len(parts[1]) <= 32 and set(parts[1]) <= _KEY_ID_CHARS:
            return "key:" + parts[1]
        return "key:-"  # every malformed value shares one budget

    def guard_sign_in(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """``view`` with the sign-in limits on its POSTs; a counter store that cannot be reached → 503."""
        limited = view
        for scope, key_func, limit in (("sign-in:address", self._address, self.policy.sign_in_per_address),
                                       ("sign-in:key", self._named_key, self.policy.sign_in_per_key)):
            limited = self.limiter.limit(limit, key_func=key_func, scope=scope, methods=["POST"],
                                         deduct_when=_failed)(limited)

        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return limited(*args, **kwargs)
            except StorageError:
                raise _unavailable() from None

        return guarded

    def retry_after(self, breached: RateLimitExceeded) -> int:
        """Seconds until the limit ``breached`` lets a request through again (its whole window when the
        counter store cannot say)."""
        window = breached.limit.limit.get_expiry()
        current = self.limiter.current_limit
        try:
            reset = current.reset_at if current is not None else time.time() + window
        except StorageError:
            return window
        return max(1, min(window, math.ceil(reset - time.time())))

    # -- API ----------------------------------------------------------------------------------
    def check(self, actor: Actor) -> None:
        """Count one request of ``actor``; RateLimited (429) once its key's or its role's limit is reached."""
        checks = [(item, "api:key", actor.key_id) for item in self.policy.api_per_key[actor.role]]
        checks += [(item, "api:role", actor.role.value) for item in self.policy.api_per_role.get(actor.role, ())]
        strategy, prefix = self.limiter.limiter, self._prefix
        try:
            for item, scope, key in checks:
                if not strategy.hit(item, prefix, scope, key):
                    log.info("api.rate_limited", actor=actor.ref, role=actor.role.value, scope=scope,
                             limit=str(item))
                    reset = strategy.get_window_stats(item, prefix, scope, key).reset_time
                    raise RateLimited(retry_after=math.ceil(reset - time.time()),
                                      message=f"rate limit reached ({item} per {scope.split(':')[1]})")
        except StorageError:
            raise _unavailable() from None


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("rate limits cannot be checked; nothing was done, retry",
                              code="rate_limit_unavailable")
