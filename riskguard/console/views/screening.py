"""The screening playground (roles as the screening API): paste a text, pick kind and category, and see
the decision with each finding's span highlighted beside its law, article, message and fix hint.

It screens exactly as ``POST /v1/screen/<kind>`` does: the form goes through the API's own request
schema, and the decision is recorded in the audit trail (and passed to the decision hooks, so a
``review`` outcome opens a case) before it is shown; if recording fails the page is a 503, never an
unrecorded decision.
"""

from __future__ import annotations

from typing import Any

import structlog
from flask import render_template, request
from marshmallow import ValidationError

from ...auth import Role
from ...http import services
from .._blueprint import bp
from .._session import console_roles, signed_in_actor
from ..highlight import highlight

log = structlog.get_logger("riskguard.console")

EXAMPLE = "全网最低价！这款面霜效果最好，根治痘痘，无副作用。"


def _form() -> tuple[str, dict[str, Any]]:
    form = request.form
    body = {"text": form.get("text", ""), "category": form.get("category", "general"),
            "has_purchase_link": form.get("has_purchase_link") == "on",
            "labelled_as_ad": form.get("labelled_as_ad") == "on"}
    return form.get("kind", "ad"), body


@bp.route("/screening", methods=["GET", "POST"])
@console_roles("screening.screen_one", Role.SCREENER)
def screening() -> str | tuple[str, int]:
    from ...rulebook import CATEGORIES, KINDS
    from ...screening.schemas import ScreenRequestSchema
    from ...screening.service import screen_and_record, to_input

    rulebook = services().rulebook
    # the example's own category; the flags as the API defaults them (no purchase link, not labelled)
    kind, body = _form() if request.method == "POST" else ("ad", {"text": EXAMPLE, "category": "cosmetics",
                                                                 "has_purchase_link": False})
    context: dict[str, Any] = {"area": "screening", "kinds": KINDS, "categories": CATEGORIES, "kind": kind,
                               "body": body, "decision": None, "errors": {}}
    if request.method == "GET":
        return render_template("console/screening.html", **context)
    if kind not in KINDS:
        context["errors"] = {"kind": ["unknown kind"]}
        return render_template("console/screening.html", **context), 400
    try:
        loaded = ScreenRequestSchema().load(body)
    except ValidationError as err:
        context["errors"] = err.messages
        return render_template("console/screening.html", **context), 400
    actor = signed_in_actor()
    [decision] = screen_and_record(
        audit=services().audit, rulebook=rulebook, digest_key=services().keyring.secret("digest"), actor=actor,
        items=[to_input(kind=kind, **loaded)],
        hooks=services().decision_hooks)
    findings = [f.as_dict() for f in decision.findings]
    context.update(decision=decision, findings=findings, marked=highlight(loaded["text"], findings))
    return render_template("console/screening.html", **context)
