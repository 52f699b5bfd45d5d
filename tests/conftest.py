"""Fixtures: a real database per test (SQLite file and a throw-away PostgreSQL schema), the app,
a client and API tokens by role. No database is mocked."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import yaml

import riskguard.rulebook
from riskguard import create_app
from riskguard._data import packaged_dir
from riskguard.auth import Role, create_key
from riskguard.config import Settings
from riskguard.db import Database
from riskguard.keyring import Keyring
from tests.databases import close_schemas, migrate_test_database, pg_schema

# pytest-xdist runs each worker under a __main__ with neither __spec__ nor __file__, which PySpark's
# Spark Connect takes for its own doctest runner and answers with sys.exit(0) at import; great_expectations
# imports it when the spark extra is installed. Its check lets an interactive session (sys.ps1) through;
# giving __main__ a __file__ instead would break multiprocessing's spawn (the re-screen pool), which runs it.
_MAIN = sys.modules["__main__"]
if getattr(_MAIN, "__spec__", None) is None and not hasattr(_MAIN, "__file__") and not hasattr(sys, "ps1"):
    sys.ps1 = ""

REDIS_URL = os.environ.get("RISKGUARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
@pytest.fixture
def redis_url() -> Iterator[str]:
    """The Redis server (skipped when unreachable, except on CI); the test's counters are deleted after."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip("Redis not reachable")
    yield REDIS_URL
    client.close()


@pytest.fixture
def rate_limit_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own in Redis, so tests (and workers) never share counters."""
    import redis

    prefix = f"rgtest-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    stale = list(client.scan_iter(match=f"*{prefix}*"))
    if stale:
        client.delete(*stale)
    client.close()


@pytest.fixture
def rate_limit_policies(tmp_path: Path) -> Callable[..., Path]:
    """``rate_limit_policies(api={...})``: a copy of the shipped policies whose rate-limit policy has the
    given sections replaced (pass it as ``policies_dir``)."""

    def make(**sections: Any) -> Path:
        folder = tmp_path / f"policies-{uuid.uuid4().hex[:8]}"
        shutil.copytree(packaged_dir("policies"), folder)
        path = folder / "rate-limits.yaml"
        policy = yaml.safe_load(path.read_text("utf-8"))
        path.write_text(yaml.safe_dump({**policy, **sections}), "utf-8")
        return folder

    return make


def _tree_digest(*folders: Path) -> str:
    """What a folder holds, not where: the same packs written to two temporary folders are one rulebook."""
    digest = hashlib.sha256()
    for number, folder in enumerate(map(Path, folders)):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                rel = f"{number}/{path.relative_to(folder).as_posix()}"
                digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@pytest.fixture(scope="session", autouse=True)
def _rulebook_per_content() -> Iterator[None]:
    """Every app the tests build loads the same few rule trees: reading and schema-checking the YAML
    again each time is most of ``create_app``. The loader already shares the compiled rulebook per
    revision; this also skips the re-reading while the files' bytes are unchanged. Only the name that
    ``create_app`` looks up is wrapped: the loader's own tests import the real function."""
    real = riskguard.rulebook.load_rulebook
    loaded: dict[str, riskguard.rulebook.Rulebook] = {}

    def load(rules_dir: Path, policies_dir: Path, *, use_cache: bool = True) -> riskguard.rulebook.Rulebook:
        if not use_cache:
            return real(rules_dir, policies_dir, use_cache=False)
        key = _tree_digest(rules_dir, policies_dir)
        if key not in loaded:
            loaded[key] = real(rules_dir, policies_dir)
        return loaded[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(riskguard.rulebook, "load_rulebook", load)
        yield


@pytest.fixture(scope="session", autouse=True)
def _pg_schemas_dropped() -> Iterator[None]:
    """The background thread of tests/databases.py drops finished tests' schemas; the last ones (and the
    schema it keeps ready) are dropped when the session ends, before the worker exits."""
    yield
    close_schemas()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    with pg_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'riskguard.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs twice: on an SQLite file and on a PostgreSQL schema."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def _settings(tmp_path: Path, url: str, **overrides: Any) -> Settings:
    keyring_path = tmp_path / "keyring.json"
    if not keyring_path.exists():
        Keyring.generate(keyring_path).save()
    extra = {"audit_policy_loads": False, **overrides.pop("extra", {})}  # logs start empty (see test_loaded)
    return Settings.from_env(**{"data_dir": tmp_path, "database_url": url, "keyring_path": keyring_path,
                                "master_key": None, "log_level": "WARNING", "extra": extra, **overrides})


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[[str], Settings]:
    return lambda url: _settings(tmp_path, url)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """A migrated database on both backends."""
    migrate_test_database(db_url)
    db = Database(db_url)
    yield db
    db.dispose()


def build_app(tmp_path: Path, url: str, **overrides: Any):  # type: ignore[no-untyped-def]
    """A migrated app on ``url``; ``overrides`` replace settings (e.g. ``rules_dir``)."""
    settings = _settings(tmp_path, url, **overrides)
    migrate_test_database(settings.sqlalchemy_url)
    application = create_app(settings)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def app_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``app_factory(url, **settings_overrides)``: a migrated app for tests that need other settings."""
    built = []

    def make(url: str, **overrides: Any):  # type: ignore[no-untyped-def]
        built.append(build_app(tmp_path, url, **overrides))
        return built[-1]

    yield make
    for application in built:
        application.extensions["riskguard"].db.dispose()


@pytest.fixture
def app(tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]
    """The app on both backends (SQLite and PostgreSQL), schema migrated."""
    application = build_app(tmp_path, db_url)
    yield application
    application.extensions["riskguard"].db.dispose()


@pytest.fixture
def sqlite_app(tmp_path: Path, sqlite_url: str):  # type: ignore[no-untyped-def]
    """The app on SQLite only, for logic that does not depend on the database."""
    application = build_app(tmp_path, sqlite_url)
    yield application
    application.extensions["riskguard"].db.dispose()


@pytest.fixture(scope="module")
def module_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One SQLite app per test module, for tables where the backend does not matter (roles, input
    validation): building an app per case costs seconds on a loaded machine."""
    tmp = tmp_path_factory.mktemp("module_app")
    application = build_app(tmp, f"sqlite:///{tmp / 'riskguard.db'}")
    yield application
    application.extensions["riskguard"].db.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One migrated app per test module and backend (SQLite and PostgreSQL), for tests whose checks
    hold whatever other tests wrote before them: role matrices, input validation, answers they find
    again by their own ids. A module opts in by defining ``app`` as this, a test by asking for
    ``shared_client``/``shared_auth``; tests that count rows, break tables or patch the app keep a
    fresh one (``app``, ``sqlite_app``, ``app_factory``). A module whose app needs other settings defines
    ``shared_app_settings(folder) -> dict`` (files it writes go under ``folder``)."""
    tmp = tmp_path_factory.mktemp("shared_app")
    overrides = getattr(request.module, "shared_app_settings", lambda _folder: {})(tmp)
    with ExitStack() as stack:
        url = (f"sqlite:///{tmp / 'riskguard.db'}" if request.param == "sqlite"
               else stack.enter_context(pg_schema()))
        application = build_app(tmp, url, **overrides)
        yield application
        application.extensions["riskguard"].db.dispose()


@pytest.fixture
def shared_client(shared_app):  # type: ignore[no-untyped-def]
    return shared_app.test_client()


@pytest.fixture
def shared_auth(shared_app) -> Callable[..., dict[str, str]]:  # type: ignore[no-untyped-def]
    """``shared_auth("auditor")``: headers with a fresh token of that role on ``shared_app``."""
    return lambda role, name=None: _headers_for(shared_app, role, name)


@pytest.fixture
def sclient(module_app):  # type: ignore[no-untyped-def]
    return module_app.test_client()


def _headers_for(application, role: str | Role, name: str | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    db: Database = application.extensions["riskguard"].db
    with db.transaction() as session:
        _, tok = create_key(session, role=role, name=name or f"test-{role}")
    return {"Authorization": f"Bearer {tok}"}


@pytest.fixture
def sauth(module_app) -> Callable[..., dict[str, str]]:  # type: ignore[no-untyped-def]
    """``sauth("reviewer")``: headers with a fresh token of that role on ``module_app``."""
    return lambda role, name=None: _headers_for(module_app, role, name)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def token(app) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """``token("screener")`` creates a key of that role and returns its bearer token."""
    return lambda role, name=None: _headers_for(app, role, name)["Authorization"].removeprefix("Bearer ")


@pytest.fixture
def auth(app) -> Callable[..., dict[str, str]]:  # type: ignore[no-untyped-def]
    """``auth("auditor")`` gives headers carrying a fresh token of that role."""
    return lambda role, name=None: _headers_for(app, role, name)
