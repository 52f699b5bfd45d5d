"""Settings from ``RISKGUARD_*`` environment variables.

This is the only module that reads ``os.environ``; everything else receives a :class:`Settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ._data import packaged_dir

__all__ = ["Settings", "PROJECT_ROOT", "METRICS_MULTIPROC_ENV"]

# prometheus_client's own variable (not ours, so no RISKGUARD_ prefix): the folder where every gunicorn
# worker writes its counters. `riskguard serve` sets it before the workers start (riskguard/serving.py).
METRICS_MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# The source checkout, for tests and tools that read eval/, docs/ or bench/; the service itself finds its
# rule packs, policies and audit definitions as package data (riskguard/_data), installed or not.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"RISKGUARD_{name}")
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    database_url: str = ""
    rules_dir: Path = field(default_factory=lambda: packaged_dir("rules"))
    policies_dir: Path = field(default_factory=lambda: packaged_dir("policies"))
    audit_dir: Path = field(default_factory=lambda: packaged_dir("audit"))
    keyring_path: Path = Path("var/keyring.json")
    master_key: str | None = None
    max_body_bytes: int = 1_000_000
    log_level: str = "INFO"
    audit_origin: str = "riskguard.local/audit"
    console_idle_seconds: int = 30 * 60
    console_timezone: str = "Asia/Shanghai"  # the zone the console shows times in (an IANA name)
    redis_url: str = ""
    rate_limit_prefix: str = "riskguard"
    audit_trust_store: Path | None = None  # default: <data_dir>/audit-trusted-checkpoint
    audit_witness_dir: Path | None = None  # default: <data_dir>/witness
    rules_refresh_seconds: float = 5.0  # how often a worker checks the active rule revision
    metrics_multiproc_dir: Path | None = None  # set: /metrics adds up every worker's counters from there
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        data_dir = Path(_env("DATA_DIR", "var") or "var")
        settings = cls(
            data_dir=data_dir,
            database_url=_env("DATABASE_URL", "") or "",
            rules_dir=Path(_env("RULES_DIR") or packaged_dir("rules")),
            policies_dir=Path(_env("POLICIES_DIR") or packaged_dir("policies")),
            audit_dir=Path(_env("AUDIT_DIR") or packaged_dir("audit")),
            keyring_path=Path(_env("KEYRING", str(data_dir / "keyring.json")) or ""),
            master_key=_env("MASTER_KEY"),
            max_body_bytes=int(_env("MAX_BODY_BYTES", "1000000") or 1_000_000),
            log_level=_env("LOG_LEVEL", "INFO") or "INFO",
            audit_origin=_env("AUDIT_ORIGIN", "riskguard.local/audit") or "riskguard.local/audit",
            console_idle_seconds=int(_env("CONSOLE_IDLE_SECONDS", "1800") or 1800),
            console_timezone=_env("CONSOLE_TIMEZONE", "Asia/Shanghai") or "Asia/Shanghai",
            redis_url=_env("REDIS_URL", "") or "",
            rate_limit_prefix=_env("RATE_LIMIT_PREFIX", "riskguard") or "riskguard",
            audit_trust_store=Path(v) if (v := _env("AUDIT_TRUST_STORE")) else None,
            audit_witness_dir=Path(v) if (v := _env("AUDIT_WITNESS_DIR")) else None,
            rules_refresh_seconds=float(_env("RULES_REFRESH_SECONDS", "5") or 5),
            metrics_multiproc_dir=Path(v) if (v := os.environ.get(METRICS_MULTIPROC_ENV)) else None,
        )
        return replace(settings, **overrides) if overrides else settings

    @property
    def trust_store_path(self) -> Path:
        """Where ``audit verify`` keeps the largest checkpoint it verified (outside the database)."""
        return self.audit_trust_store or self.data_dir / "audit-trusted-checkpoint"

    @property
    def witness_dir(self) -> Path:
        """The audit witness's own key and append-only state (outside the database)."""
        return self.audit_witness_dir or self.data_dir / "witness"

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL; an SQLite file in the data directory unless one is configured."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'riskguard.db').resolve()}"
