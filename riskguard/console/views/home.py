"""Sign-in, sign-out, the language switch and the home page."""

from __future__ import annotations

from urllib.parse import urlsplit

import structlog
from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from ...auth import Actor
from .._blueprint import bp
from .._pages import AREAS
from .._session import check_csrf, may_open, sign_in, sign_out, signed_in_actor
from ..i18n import LANGS

log = structlog.get_logger("riskguard.console")


def nav_items(actor: Actor | None) -> list[dict[str, str]]:
    return [{"name": a.name, "endpoint": a.endpoint} for a in AREAS
            if may_open(actor, a.api_endpoint, a.fallback)]


def _safe_next(target: str | None) -> str:
    """Only same-site console paths: never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/console/") \
                and "\\" not in target and not target.startswith("//"):
            return target
    return url_for("console.home")


@bp.get("/")
def home() -> str | Response:
    actor = signed_in_actor()
    if actor is None:
        return redirect(url_for("console.login"))
    return render_template("console/home.html")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    actor = signed_in_actor()
    if request.method == "GET":
        if actor is not None:
            return redirect(url_for("console.home"))
        return render_template("console/login.html", next=request.args.get("next", ""))
    check_csrf()
    actor = sign_in(request.form.get("api_key", ""))
    if actor is None:
        log.info("console.sign_in_failed")
        return render_template("console/login.html", next=request.form.get("next", ""),
                               error="login.failed"), 401
    log.info("console.signed_in", actor=actor.ref, role=actor.role.value)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Response:
    check_csrf()
    actor = signed_in_actor()
    if actor is not None:
        log.info("console.signed_out", actor=actor.ref)
    sign_out()
    flash("login.signed_out")
    return redirect(url_for("console.login"))


@bp.post("/lang")
def set_lang() -> Response:
    check_csrf()
    lang = request.form.get("lang", "")
    if lang in LANGS:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")))
