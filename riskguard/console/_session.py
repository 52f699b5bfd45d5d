"""Who is signed in to the console, and the guards every page uses.

The browser holds Flask's signed cookie (signed with the keyring's ``session`` secret): the CSRF token,
the language, and a random session token, never the API key. Whether that token still signs anyone in
is decided by the server on every request (:mod:`riskguard.console.sessions`): sign-out, the key's
revocation, the idle timeout (``RISKGUARD_CONSOLE_IDLE_SECONDS``, 30 minutes by default) and eight hours
after sign-in each end the session for every copy of the cookie. Every POST must carry the CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

from ..auth import Actor, Role, authenticate
from ..errors import BadRequest, Forbidden
from ..http import services

__all__ = ["ConsoleSessionInterface", "sign_in", "sign_out", "signed_in_actor", "csrf_token", "check_csrf",
           "console_roles", "allowed_roles", "may_open"]

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
    """Validate an API key; on success end any session this cookie had and start a fresh one (new session
    token and CSRF token: no fixation)."""
    rg = services()
    with rg.db.sessions() as db_session:
        actor = authenticate(db_session, token.strip())
    if actor is None:
        return None
    sign_out()
    session.update(sid=rg.console_sessions.start(actor.key_id), csrf=secrets.token_urlsafe(32))
    session.permanent = True
    return actor


def sign_out() -> None:
    """End the session on the server (every copy of the cookie loses it), then clear the cookie."""
    sid = session.get("sid")
    if isinstance(sid, str):
        services().console_sessions.end(sid)
    _clear_keeping_lang()


def _clear_keeping_lang() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def signed_in_actor() -> Actor | None:
    """The console user for this request, or None (signed out, expired, revoked or never signed in)."""
    if "console_actor" in g:
        return g.console_actor
    actor = None
    sid = session.get("sid")
    if sid:
        actor = services().console_sessions.resume(str(sid))
        if actor is None:
            _clear_keeping_lang()
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
