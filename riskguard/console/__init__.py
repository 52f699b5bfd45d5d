"""The web console: server-rendered pages for screeners, onboarding staff, reviewers, auditors, finance and
privacy officers.

Pages call the other domains' service functions (never their models, never HTTP to the app itself) and
admit exactly the roles the matching API endpoint admits. Everything is served locally: templates,
one stylesheet, one small script (inclusion-proof checking with WebCrypto); no CDN.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers import Response

from ..errors import ApiError, http_error
from ..http import EXTENSION, services
from ._blueprint import bp
from ._format import console_zone, when_text
from ._session import ConsoleSessionInterface, csrf_token, signed_in_actor
from .i18n import code_label, current_lang, translate
from .sessions import MAX_LIFETIME

__all__ = ["init_app", "bp", "when", "codes"]

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
    app.register_error_handler(NotFound, _unknown_url)
    rate_limits = app.extensions[EXTENSION].rate_limits
    app.view_functions["console.login"] = rate_limits.guard_sign_in(app.view_functions["console.login"])


@bp.app_template_global("t")
def _t(key: str) -> str:
    return translate(key)


@bp.app_template_global("code")
def _code(kind: str, value: object) -> str:
    return code_label(kind, value)


@bp.app_template_global("codes")
def codes(kind: str, values: object) -> str:
    """Several codes in words, joined as the page's language joins a list (、 or , )."""
    return ("、" if current_lang() == "zh" else ", ").join(code_label(kind, v) for v in values or ())  # type: ignore[attr-defined]


@bp.app_template_global("when")
def when(value: object) -> str:
    """Every time and date a page shows: in the console's zone, with the zone, in the page's language."""
    return when_text(value, console_zone(services().settings.console_timezone), current_lang())  # type: ignore[arg-type]


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


# a 404's code -> what was not found (``notfound.<what>``)
NOT_FOUND = {"application_not_found": "application", "case_not_found": "case", "batch_not_found": "batch",
             "subject_not_found": "subject", "record_not_found": "record", "unknown_record_type": "record",
             "entry_not_found": "entry", "report_not_found": "report", "revision_not_found": "revision"}


def not_found_page(what: str, ident: str) -> tuple[str, int]:
    """The console's one 404 page: what was not found (a case, an application …) and the id asked for."""
    return render_template("console/not_found.html", what=what, ident=ident), 404


def _asked_for() -> str:
    """The id the page was asked for (its first URL argument), or the path."""
    args = [str(v) for v in (request.view_args or {}).values()]
    return args[0] if args else request.path


@bp.errorhandler(ApiError)
def _error(err: ApiError) -> tuple[str, int]:
    if err.status == 404:
        return not_found_page(NOT_FOUND.get(err.code, "page"), _asked_for())
    known = {"forbidden", "not_found", "csrf_failed", "unavailable", "audit_unavailable"}
    key = f"error.{err.code}" if err.code in known else None
    return render_template("console/error.html", message_key=key, status=err.status), err.status


def _unknown_url(err: HTTPException) -> Any:
    """An unknown URL under /console/ gets the console's 404 page; elsewhere, the API's JSON error."""
    if request.path == "/console" or request.path.startswith("/console/"):
        # no blueprint matched the URL, so its context processor did not run: give the layout its globals
        return render_template("console/not_found.html", what="page", ident=request.path, **_globals()), 404
    return http_error(err)
