"""What the page-load benchmarks share (imported as ``bench._app``, like ``bench._pg``): a migrated app on a
throw-away data directory (a dev keyring, the shipped rules and policies, the database at ``url``), a
console client signed in with a key, request timings, and a run on SQLite then on a throw-away
PostgreSQL schema."""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from riskguard import create_app, migrate
from riskguard.config import Settings
from riskguard.db import Database
from riskguard.keyring import Keyring

__all__ = ["make_app", "signed_in_console", "timed", "latency", "on_each_backend"]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(tmp: Path, url: str, **extra: Any) -> Any:
    """``extra`` are the settings' extra options (``audit_sequencer=False``, ...)."""
    Keyring.generate(tmp / "keyring.json").save()
    settings = Settings.from_env(data_dir=tmp, database_url=url, keyring_path=tmp / "keyring.json",
                                 master_key=None, log_level="WARNING", extra=extra)
    db = Database(url)
    migrate.upgrade(db)
    db.dispose()
    return create_app(settings)


def signed_in_console(app: Any, token: str) -> Any:
    """A test client signed in to the console with ``token`` (its sign-in form, CSRF token included)."""
    console = app.test_client()
    csrf = _CSRF.search(console.get("/console/login").text)
    assert csrf, "no CSRF token on the sign-in page"
    signed = console.post("/console/login", data={"csrf_token": csrf.group(1), "api_key": token})
    assert signed.status_code == 302, signed.status_code
    return console


def timed(get: Callable[[], Any], runs: int) -> list[float]:
    """Seconds per call of ``get`` after one warm-up call (templates compiled, statements cached); a
    response it returns must be a 200, so that no figure times an error page."""
    get()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        res = get()
        out.append(time.perf_counter() - started)
        assert res is None or res.status_code == 200, res.status_code
    return out


def latency(samples: list[float], goal_ms: float | None = None) -> str:
    """Median and p95 in milliseconds, and against ``goal_ms`` (p95) when given."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    line = f"median {statistics.median(ordered) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   n={len(ordered)}"
    if goal_ms is not None:
        line += "  ok" if p95 * 1000 < goal_ms else f"  OVER {goal_ms:g} ms"
    return line


def on_each_backend(run: Callable[[str, str, Path], None], pg_url: str, no_pg: bool) -> None:
    """``run(name, url, data_dir)`` on an SQLite file, then (unless ``no_pg``) on a throw-away schema of
    the PostgreSQL at ``pg_url``."""
    from bench._pg import pg_schema

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "sqlite").mkdir()
        run("sqlite", f"sqlite:///{tmp / 'sqlite' / 'riskguard.db'}", tmp / "sqlite")
        if not no_pg:
            (tmp / "pg").mkdir()
            with pg_schema(pg_url) as url:
                run("postgres", url, tmp / "pg")
