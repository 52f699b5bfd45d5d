"""Console fixtures: a signed-in test client, and a real Chromium driving the app served on 127.0.0.1."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from werkzeug.serving import make_server

from riskguard.auth import create_key
from riskguard.config import PROJECT_ROOT

# Debian's Chromium; RISKGUARD_TEST_CHROMIUM points elsewhere (or at nothing, to check the skip).
CHROMIUM = Path(os.environ.get("RISKGUARD_TEST_CHROMIUM", "/usr/bin/chromium"))
# Screenshots go to a git-ignored folder, so a test run never changes tracked files; `make screenshots`
# points this at docs/screenshots to refresh the ones the README shows.
SCREENSHOTS = Path(os.environ.get("RISKGUARD_SCREENSHOTS",
                                  Path(__file__).resolve().parents[2] / "var" / "screenshots"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=zh-CN"]
TEST_RULES = Path(__file__).resolve().parent / "rules"  # a small fixed pack: highlights stay predictable
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


CONSOLE_SETTINGS = {"rules_dir": TEST_RULES,
                    # No background sequencer thread: reads integrate anyway; pages stay deterministic.
                    "extra": {"audit_sequencer": False}}


@pytest.fixture(scope="session", autouse=True)
def _rules_only_policies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped policies without the claim model (``model:``): the console's small test pack has no
    rules/models/, and a policy naming a model the rules folder lacks fails the load (by design). The pages
    are tested on what the test pack's rules find; the model is tested in tests/rulebook/test_model_stage.py."""
    folder = tmp_path_factory.mktemp("console-policies")
    for path in sorted(PROJECT_ROOT.joinpath("policies").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(data, dict) and data.get("type") == "screening":
            data.pop("model", None)
            (folder / path.name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        else:
            shutil.copy(path, folder / path.name)
    CONSOLE_SETTINGS["policies_dir"] = folder
    return folder


@pytest.fixture
def app(app_factory, db_url: str):  # type: ignore[no-untyped-def]
    """The app on both backends, screening with the console's test rule pack."""
    return app_factory(db_url, **CONSOLE_SETTINGS)


@pytest.fixture
def sqlite_app(app_factory, sqlite_url: str):  # type: ignore[no-untyped-def]
    return app_factory(sqlite_url, **CONSOLE_SETTINGS)


def make_token(application, role: str, name: str | None = None) -> str:  # type: ignore[no-untyped-def]
    with application.extensions["riskguard"].db.transaction() as session:
        _, tok = create_key(session, role=role, name=name or f"test-{role}")
    return tok


@pytest.fixture
def console_login() -> Callable[..., str]:
    """``console_login(client, "reviewer")`` signs ``client`` in with a fresh key of its app."""

    def sign_in(client, role: str, name: str | None = None) -> str:  # type: ignore[no-untyped-def]
        tok = make_token(client.application, role, name)
        page = client.get("/console/login")
        res = client.post("/console/login", data={"csrf_token": csrf_from(page.text), "api_key": tok})
        assert res.status_code == 302, res.text
        return tok

    return sign_in


@pytest.fixture
def sclient(sqlite_app):  # type: ignore[no-untyped-def]
    """A client on SQLite only, for behaviour that does not touch the database in a backend-specific way."""
    return sqlite_app.test_client()


@pytest.fixture
def live_server(sqlite_app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by a werkzeug thread on a free port of 127.0.0.1."""
    server = make_server("127.0.0.1", 0, sqlite_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def _browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):  # as for PostgreSQL: CI must run the browser tests, never skip them
            pytest.fail(f"{CHROMIUM} is missing on CI (run scripts/ensure-chromium.sh)")
        pytest.skip("Debian chromium is not installed (scripts/ensure-chromium.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, tmp_path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context (its own cookies) per test."""
    context = _browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")  # type: ignore[attr-defined]
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def live_token(sqlite_app) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """Like ``token`` but for the served SQLite app."""

    return lambda role, name=None: make_token(sqlite_app, role, name)


@pytest.fixture
def browser_login(live_server, live_token) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """``browser_login(page, "auditor")`` signs the page in through the form; returns the token."""

    def sign_in(pg, role: str, name: str | None = None, next_path: str = "") -> str:  # type: ignore[no-untyped-def]
        tok = live_token(role, name)
        pg.goto(f"{live_server}/console/login" + (f"?next={next_path}" if next_path else ""))
        pg.fill("#api_key", tok)
        pg.click("#sign-in")
        pg.wait_for_load_state()
        return tok

    return sign_in


def shoot(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot (<SCREENSHOTS>/<name>.png; docs/screenshots with `make screenshots`)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
