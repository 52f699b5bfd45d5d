"""Onboarding staff's pages (roles as the onboarding API): submit a merchant application from a form,
list the applications this key submitted (newest first, pages both ways), open one masked.

The form is turned into the API's JSON body and loaded by the API's own schema (``ApplicationSchema``),
then submitted through the same service call as ``POST /v1/merchants/applications``: one validation,
one decision, one audit entry. The schema's messages are shown beside their fields in the page's
language; a message the catalogue does not know is shown as the API wrote it.
"""

from __future__ import annotations

import re
from typing import Any

import structlog
from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ...auth import Role
from ...errors import ApiError
from ...http import services
from .._blueprint import bp
from .._session import console_roles, signed_in_actor
from ..i18n import translate

log = structlog.get_logger("riskguard.console")

PAGE = 25
QUALIFICATION_ROWS = 3
# the form's text inputs, by the API's (dotted) field names
TEXT_FIELDS = ("id", "business_name", "store_name", "store_description", "uscc", "business_license_valid_until",
               "legal_rep.name", "legal_rep.id_number", "legal_rep.phone", "contact_phone",
               "bank_account.number", "bank_account.holder", "bank_account.bank", "bank_account.type",
               "registered_address")
_EXISTS = "an application with this id was already submitted"  # the service's 409, on the id
_LENGTH = re.compile(r"^(?:Longer than maximum length|Length must be between 1 and) (\d+)\.$")
# the schema's messages (marshmallow's and ours) -> catalogue keys
_MESSAGES = {
    "Missing data for required field.": "onboarding.err.required",
    "Field may not be null.": "onboarding.err.required",
    "must not be blank": "onboarding.err.required",
    "Shorter than minimum length 1.": "onboarding.err.required",
    "Not a valid date.": "onboarding.err.date",
    "1-64 letters, digits, _ . : -": "onboarding.err.id_format",
    "digits (spaces or hyphens between groups allowed)": "onboarding.err.bank_digits",
    "categories must not repeat": "onboarding.err.categories",
    "must not contain NUL characters": "onboarding.err.nul",
    _EXISTS: "onboarding.err.application_exists",
}


def _body(form: MultiDict[str, str]) -> dict[str, Any]:
    """The API's JSON body from the form: dotted names nested, empty optional values left out (an empty
    licence or qualification date is ``null``: no end date), unused qualification rows dropped."""
    body: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value: str | None = form.get(name, "")
        if name == "business_license_valid_until":
            value = (value or "").strip() or None
        elif name in ("bank_account.type", "store_description") and not (value or "").strip():
            continue
        *path, last = name.split(".")
        target = body
        for part in path:
            target = target.setdefault(part, {})
        target[last] = value
    body["categories"] = form.getlist("categories")
    body["qualifications"] = []
    for i in range(QUALIFICATION_ROWS):
        row = {k: form.get(f"qualifications.{i}.{k}", "").strip() for k in ("type", "number", "valid_until")}
        if any(row.values()):
            body["qualifications"].append({**row, "valid_until": row["valid_until"] or None})
    return body


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as dotted names: ``{"legal_rep": {"phone": [..]}}`` ->
    ``{"legal_rep.phone": [..]}``; an error on one category is an error on the categories."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, inner in messages.items():
            name = f"{prefix}{key}"
            if prefix == "categories.":
                name = "categories"
            for field, found in _flatten(inner, f"{name}.").items():
                out.setdefault(field, []).extend(found)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix.rstrip(".") or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for inner in messages:
            for field, found in _flatten(inner, prefix).items():
                out.setdefault(field, []).extend(found)
    else:
        out[prefix.rstrip(".") or "_schema"] = [str(messages)]
    return out


def field_message(field: str, message: str, given: str) -> str:
    """One of the schema's messages on ``field`` (where ``given`` was typed) in the page's language; an
    unknown one as the API wrote it."""
    if field == "categories" and (message.startswith("Length must be") or message.startswith("Must be one of")):
        return translate("onboarding.err.categories")
    if message in _MESSAGES:
        return translate(_MESSAGES[message])
    length = _LENGTH.match(message)
    if length is not None:  # a text field's Length(1, n): empty, or too long
        return translate("onboarding.err.required") if not given.strip() else \
            translate("onboarding.err.too_long").replace("{n}", length.group(1))
    if message.startswith("Must be one of"):
        return translate("onboarding.err.choice")
    if message.startswith("looks like personal data"):
        return translate("onboarding.err.id_personal")
    return f"{translate('onboarding.err.invalid')} {message}"


def _form_page(form: MultiDict[str, str], errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    from ...onboarding.formats import ACCOUNT_TYPES, CATEGORIES, QUALIFICATION_TYPES

    shown = {field: list(dict.fromkeys(field_message(field, m, form.get(field, "")) for m in found))
             for field, found in errors.items()}
    return render_template("console/onboarding_form.html", area="onboarding", form=form, errors=shown,
                           categories=CATEGORIES, qualification_types=QUALIFICATION_TYPES,
                           account_types=ACCOUNT_TYPES, rows=range(QUALIFICATION_ROWS)), status


@bp.route("/onboarding/new", methods=["GET", "POST"])
@console_roles("onboarding.submit", Role.ONBOARDING)
def onboarding_new() -> tuple[str, int] | Response:
    from ...onboarding.schemas import ApplicationSchema

    if request.method == "GET":
        return _form_page(MultiDict(), {}, 200)
    actor = signed_in_actor()
    assert actor is not None  # the guard admitted a signed-in user
    rg = services()
    try:
        body = ApplicationSchema().load(_body(request.form))
        with rg.db.transaction() as session:  # as the API: stored, decided and audited, or nothing
            result = rg.onboarding.submit(session, body, actor=actor.ref, rulebook=rg.rulebook,
                                          digest_key=rg.keyring.secret("digest"))
    except ValidationError as err:
        return _form_page(request.form, _flatten(err.messages), 400)
    except ApiError as err:
        if err.code != "application_exists":
            raise
        return _form_page(request.form, {"id": [_EXISTS]}, err.status)
    log.info("console.application_submitted", application_id=result.application_id, decision=result.decision)
    flash("onboarding.submitted")
    return redirect(url_for("console.onboarding_application", application_id=result.application_id))


@bp.get("/onboarding")
@console_roles("onboarding.list_applications", Role.ONBOARDING)
def onboarding_list() -> str:
    from ...onboarding.listing import list_submitted

    actor = signed_in_actor()
    assert actor is not None  # the guard admitted a signed-in user
    cursor, bad_cursor = request.args.get("cursor") or None, False
    with services().db.sessions() as session:
        try:
            page = list_submitted(session, actor.ref, limit=PAGE, cursor=cursor)
        except ApiError as err:  # a cursor this page did not make: the first page, said so
            if err.code != "invalid_cursor":
                raise
            bad_cursor, page = True, list_submitted(session, actor.ref, limit=PAGE)
    return render_template("console/onboarding_list.html", area="onboarding", page=page, bad_cursor=bad_cursor)


@bp.get("/onboarding/applications/<string:application_id>")
@console_roles("onboarding.get_application", Role.ONBOARDING, Role.REVIEWER)
def onboarding_application(application_id: str) -> str:
    """The application as ``GET /v1/merchants/applications/<id>`` shows it: personal fields masked."""
    from ...onboarding.listing import application_status
    from ...onboarding.service import privacy_masker

    rg = services()
    with rg.db.sessions() as session:
        row = rg.onboarding.get(session, application_id)
        view = rg.onboarding.masked_view(session, row, privacy_masker(rg.vault.policy))
        decided_at = row.final_decided_at
    return render_template("console/onboarding_application.html", area="onboarding", app=view,
                           status=application_status(view["final_decision"]), decided_at=decided_at,
                           findings=view["decision"]["findings"])
