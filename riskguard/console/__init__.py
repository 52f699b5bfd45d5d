"""The web console: server-rendered pages for screeners, reviewers, auditors and finance.

Pages call the other domains' service functions (never their models, never HTTP to the app itself) and
admit exactly the roles the matching API endpoint admits. Everything is served locally: templates,
one stylesheet, one small script (inclusion-proof checking with WebCrypto); no CDN.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_limiter import RateLimitExceeded
from werkzeug.wrappers import Response

from ..errors import ApiError
from ..http import EXTENSION, services
from ._blueprint import bp
from ._session import ConsoleSessionInterface, csrf_token, signed_in_actor
from .i18n import current_lang, translate
from .sessions import MAX_LIFETIME

__all__ = ["init_app", "bp"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def init_app(app: Flask) -> None:
    """Register the console blueprint and its cookie session (the JSON API does not use sessions); the
    sign-in form gets the rate limits on failed attempts."""
    from . import views  # noqa: F401 - attaches the routes to ``bp``

    app.session_interface = ConsoleSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME="rg_console",
        SESSION_COOKIE_PATH="/console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=MAX_LIFETIME,
    )
    app.register_blueprint(bp)
    rate_limits = app.extensions[EXTENSION].rate_limits
    app.view_functions["console.login"] = rate_limits.guard_sign_in(app.view_functions["console.login"])


@bp.app_template_global("t")
def _t(key: str) -> str:
    return translate(key)


@bp.context_processor
def _globals() -> dict[str, object]:
    from .views.home import nav_items

    actor = signed_in_actor()
    idle_minutes = max(1, round(services().settings.console_idle_seconds / 60))
    return {"actor": actor, "lang": current_lang(), "csrf_token": csrf_token, "nav": nav_items(actor),
            "idle_minutes": idle_minutes}


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(RateLimitExceeded)
def _throttled(err: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    page = render_template("console/login.html", next=request.form.get("next", ""), error="login.throttled")
    return page, 429, {"Retry-After": str(services().rate_limits.retry_after(err))}


@bp.errorhandler(ApiError)
def _error(err: ApiError) -> tuple[str, int]:
    known = {"forbidden", "not_found", "csrf_failed", "unavailable", "audit_unavailable"}
    key = f"error.{err.code}" if err.code in known else None
    return render_template("console/error.html", message_key=key, status=err.status), err.status
