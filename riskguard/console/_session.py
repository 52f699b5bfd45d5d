"""Who is signed in to the console, and the guards every page uses.

The browser holds only Flask's signed session cookie (signed with the keyring's ``session`` secret),
which carries the API key's *id*, never the token. Every request re-reads the key row, so a revoked key
loses the console at once. Sessions end after ``IDLE_SECONDS`` without a request or ``MAX_SECONDS``
after sign-in, whichever comes first. Every POST must carry the session's CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

from ..auth import Actor, ApiKey, Role, authenticate
from ..errors import BadRequest, Forbidden
from ..http import services

__all__ = ["ConsoleSessionInterface", "IDLE_SECONDS", "MAX_SECONDS", "sign_in", "sign_out",
           "signed_in_actor", "csrf_token", "check_csrf", "console_roles", "allowed_roles", "may_open"]

IDLE_SECONDS = 30 * 60
MAX_SECONDS = 8 * 60 * 60

F = TypeVar("F", bound=Callable[..., Any])


class ConsoleSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked ``Secure`` whenever the request came over https.

    A request without the cookie (every API call) gets an empty session at once: Flask would build a
    signing serializer for it first (about 35 µs of a screening request)."""

    def get_cookie_secure(self, app: Any) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure

    def open_session(self, app: Any, request: Any) -> Any:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Reject a POST whose form token does not match the session's (400, never a silent pass)."""
    expected = session.get("csrf", "")
    given = request.form.get("csrf_token", "")
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise BadRequest("the form has expired; reload the page and try again", code="csrf_failed")


def sign_in(token: str) -> Actor | None:
    """Validate an API key; on success start a fresh session (new CSRF token, no fixation)."""
    with services().db.sessions() as db_session:
        actor = authenticate(db_session, token.strip())
    if actor is None:
        return None
    lang = session.get("lang")
    session.clear()
    now = int(time.time())
    session.update(key_id=actor.key_id, t0=now, seen=now, csrf=secrets.token_urlsafe(32))
    if lang:
        session["lang"] = lang
    session.permanent = True
    return actor


def sign_out() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def signed_in_actor() -> Actor | None:
    """The console user for this request, or None (expired, revoked or never signed in)."""
    if "console_actor" in g:
        return g.console_actor
    actor = None
    key_id = session.get("key_id")
    if key_id:
        now = int(time.time())
        fresh = now - int(session.get("t0", 0)) < MAX_SECONDS and now - int(session.get("seen", 0)) < IDLE_SECONDS
        row = None
        if fresh:
            with services().db.sessions() as db_session:
                row = db_session.get(ApiKey, key_id)
        if row is not None and row.revoked_at is None:
            actor = Actor(key_id=row.id, name=row.name, role=Role(row.role))
            session["seen"] = now
        else:
            sign_out()
            flash("login.expired")
    g.console_actor = actor
    return actor


def allowed_roles(api_endpoint: str | None, fallback: tuple[Role, ...]) -> frozenset[Role]:
    """The roles the matching API endpoint admits (read from its ``require_roles``), so the console
    never grants more than the API; ``fallback`` until that endpoint exists."""
    if api_endpoint:
        view = current_app.view_functions.get(api_endpoint)
        roles = getattr(view, "__rg_roles__", None)
        if roles:
            return frozenset(Role(r) for r in roles)
    return frozenset(fallback)


def may_open(actor: Actor | None, api_endpoint: str | None, fallback: tuple[Role, ...]) -> bool:
    return actor is not None and actor.role in allowed_roles(api_endpoint, fallback)


def console_roles(api_endpoint: str | None, *fallback: Role) -> Callable[[F], F]:
    """Page guard: not signed in → the sign-in page; wrong role → 403 page; POST → CSRF checked."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor = signed_in_actor()
            if actor is None:
                return _to_login()
            if actor.role not in allowed_roles(api_endpoint, fallback):
                raise Forbidden("your role may not open this page", code="forbidden")
            if request.method == "POST":
                check_csrf()
            return view(*args, **kwargs)

        wrapper.__rg_console__ = (api_endpoint, tuple(r.value for r in fallback))  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _to_login() -> Response:
    nxt = request.full_path if request.method == "GET" else request.path
    return redirect(url_for("console.login", next=nxt.rstrip("?")))
