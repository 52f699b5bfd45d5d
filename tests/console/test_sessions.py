"""Console sessions live on the server: sign-out, the key's revocation, the idle timeout and the maximum
lifetime end them for every copy of the cookie (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from riskguard.auth import ApiKey
from riskguard.console.models import ConsoleSession
from riskguard.ids import sha256_hex, utcnow

from .conftest import CONSOLE_SETTINGS, csrf_from, make_token

COOKIE = "rg_console"


def _copy(client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of ``client``'s console cookie (as an attacker who stole it)."""
    cookie = client.get_cookie(COOKIE, path="/console")
    assert cookie is not None
    other = client.application.test_client()
    other.set_cookie(COOKIE, cookie.value, path="/console")
    return other


def _is_sent_to_sign_in(client: FlaskClient, path: str = "/console/audit") -> bool:
    res = client.get(path)
    return res.status_code == 302 and "/console/login" in res.headers["Location"]


def _age(app: Flask, **ages: timedelta) -> None:
    """Move every session's ``created_at``/``last_seen_at`` into the past by the given amounts."""
    with app.extensions["riskguard"].db.transaction() as session:
        session.execute(update(ConsoleSession).values(
            **{column: utcnow() - age for column, age in ages.items()}))


def test_a_cookie_copied_before_sign_out_is_refused_after_it(client, console_login) -> None:
    console_login(client, "auditor")
    stolen = _copy(client)
    assert stolen.get("/console/audit").status_code == 200  # the copy works while the session lives
    res = client.post("/console/logout", data={"csrf_token": csrf_from(client.get("/console/").text)})
    assert res.status_code == 302
    assert _is_sent_to_sign_in(stolen)
    assert _is_sent_to_sign_in(client)
    # and a POST with the copy's own (valid) CSRF token does nothing either
    res = stolen.post("/console/logout", data={"csrf_token": "x"})
    assert res.status_code == 400


def test_a_cookie_copied_before_the_key_is_revoked_is_refused(app, client, console_login) -> None:
    tok = console_login(client, "auditor")
    stolen = _copy(client)
    with app.extensions["riskguard"].db.transaction() as session:
        session.get(ApiKey, tok.split("_")[1]).revoked_at = utcnow()
    assert _is_sent_to_sign_in(stolen)
    assert _is_sent_to_sign_in(client)


def test_a_cookie_copied_before_the_idle_timeout_is_refused_after_it(app, client, console_login) -> None:
    console_login(client, "auditor")
    stolen = _copy(client)
    _age(app, last_seen_at=timedelta(minutes=31))  # the default idle timeout is 30 minutes
    assert _is_sent_to_sign_in(stolen)
    assert _is_sent_to_sign_in(client)  # ended for good: the first refusal ended it in the table
    with app.extensions["riskguard"].db.sessions() as session:
        assert session.scalars(select(ConsoleSession.ended_at)).one() is not None


@pytest.mark.parametrize("ages,live", [
    ({"last_seen_at": timedelta(minutes=29)}, True),
    ({"last_seen_at": timedelta(minutes=31)}, False),
    ({"created_at": timedelta(hours=7), "last_seen_at": timedelta(minutes=1)}, True),
    ({"created_at": timedelta(hours=8, seconds=1), "last_seen_at": timedelta(minutes=1)}, False),
])
def test_idle_timeout_and_lifetime(app, client, console_login, ages: dict[str, timedelta], live: bool) -> None:
    console_login(client, "auditor")
    _age(app, **ages)
    res = client.get("/console/")
    assert (res.status_code == 200) is live
    if not live:
        assert res.headers["Location"].endswith("/console/login")
        assert "会话已过期" in client.get("/console/login").text


def test_each_request_restarts_the_idle_timeout(app, client, console_login) -> None:
    console_login(client, "auditor")
    _age(app, last_seen_at=timedelta(minutes=29))
    assert client.get("/console/").status_code == 200
    _age(app, created_at=timedelta(minutes=58))  # last seen just now; created long enough ago
    with app.extensions["riskguard"].db.sessions() as session:
        seen = session.scalars(select(ConsoleSession.last_seen_at)).one()
    assert seen.replace(tzinfo=None) > (utcnow() - timedelta(minutes=1)).replace(tzinfo=None)
    assert client.get("/console/").status_code == 200


@pytest.mark.parametrize("idle_seconds,away,live", [(120, 110, True), (120, 130, False)])
def test_the_idle_timeout_is_a_setting(app_factory, sqlite_url, console_login, idle_seconds: int, away: int,
                                       live: bool) -> None:
    application = app_factory(sqlite_url, **CONSOLE_SETTINGS, console_idle_seconds=idle_seconds)
    client = application.test_client()
    assert "会话在 2 分钟无操作" in client.get("/console/login").text  # the sign-in page says so
    console_login(client, "auditor")
    _age(application, last_seen_at=timedelta(seconds=away))
    assert (client.get("/console/").status_code == 200) is live


def test_the_table_holds_a_digest_of_the_session_token_never_the_token(app, client, console_login) -> None:
    tok = console_login(client, "auditor")
    with client.session_transaction("/console/") as sess:
        sid = sess["sid"]
    assert "key_id" not in sess and tok not in str(dict(sess))
    with app.extensions["riskguard"].db.sessions() as session:
        row = session.scalars(select(ConsoleSession)).one()
    assert row.id == sha256_hex(sid) and sid not in row.id
    assert row.key_id == tok.split("_")[1] and row.ended_at is None


def _sign_in_again(client: FlaskClient, role: str) -> None:
    """Sign in with another key while signed in (the sign-in form is posted from any page)."""
    tok = make_token(client.application, role)
    csrf = csrf_from(client.get("/console/").text)
    assert client.post("/console/login", data={"csrf_token": csrf, "api_key": tok}).status_code == 302


def test_signing_in_again_ends_the_previous_session_and_purges_dead_ones(app, client, console_login) -> None:
    console_login(client, "auditor")
    old = _copy(client)
    _sign_in_again(client, "reviewer")
    assert _is_sent_to_sign_in(old)
    assert client.get("/console/review").status_code == 200
    _sign_in_again(client, "auditor")  # the ended sessions are deleted on the next sign-in
    with app.extensions["riskguard"].db.sessions() as session:
        assert session.scalars(select(ConsoleSession.ended_at)).all() == [None]


def test_a_forged_or_unknown_session_token_signs_no_one_in(sclient) -> None:
    with sclient.session_transaction("/console/") as sess:
        sess["sid"] = "not-a-session"
    assert _is_sent_to_sign_in(sclient)
