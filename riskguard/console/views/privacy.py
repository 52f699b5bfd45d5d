"""The privacy officer's pages (roles as the vault and PII APIs): find a data subject by phone, ID number,
bank card or e-mail; see the records it owns (masked) and what an erasure would shred; reveal a record
with a reason; export the subject's data (PIPL Art. 45, JSON or CSV); erase after confirming; retention
per field; and a PII try-out (detect, redact with each operator).

Each page calls the same officer service as the API (:mod:`riskguard.privacy.vault.officer`), in an
audit transaction: what is looked up, revealed, exported or erased is recorded before it is shown, or
the page is a 503. Values looked up travel in POST bodies only, never in a URL.
"""

from __future__ import annotations

from typing import Any

import structlog
from flask import Response, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.wrappers import Response as WerkzeugResponse

from ...auth import Actor, Role
from ...errors import ApiError, BadRequest
from ...http import services
from ...ids import utcnow
from .._blueprint import bp
from .._session import console_roles, signed_in_actor
from ..highlight import highlight

log = structlog.get_logger("riskguard.console")

LOOKUP_KINDS = ("phone", "id_number", "bank_card", "email")
FORM_ERRORS = {"reason_required", "invalid_reason", "reason_contains_personal_data", "validation_error",
               "subject_not_found", "subject_already_erased", "record_not_found", "unknown_record_type",
               "unknown_field", "confirm_required"}
PII_EXAMPLE = "联系人张伟，手机 13812345678，邮箱 zhang.wei@example.com，身份证 11010519491231002X。"


def _actor() -> Actor:
    actor = signed_in_actor()
    assert actor is not None  # console_roles let the request in
    return actor


def _actor_ref() -> str:
    return _actor().ref


def _reason_field() -> str:
    """``<reason>:<reference>`` from the form's two fields (the API's header in one)."""
    kind, ref = request.form.get("reason_kind", "").strip(), request.form.get("reason_ref", "").strip()
    return f"{kind}:{ref}" if kind or ref else ""


def _form_error(err: ApiError) -> str:
    return f"privacy.err.{err.code}" if err.code in FORM_ERRORS else "privacy.err.other"


def _context(**extra: Any) -> dict[str, Any]:
    return {"area": "privacy", "reasons": sorted(services().vault.policy.reveal_reasons),
            "form": request.form, **extra}


@bp.route("/privacy", methods=["GET", "POST"])
@console_roles("vault.lookup_subjects_view", Role.PRIVACY_OFFICER)
def privacy_lookup() -> str | tuple[str, int]:
    from ...privacy.vault.officer import check_reason, lookup_subjects

    context = _context(kinds=LOOKUP_KINDS, subjects=None, lookup_id=None, error=None)
    if request.method == "GET":
        return render_template("console/privacy_lookup.html", **context)
    rg, kind = services(), request.form.get("kind", "")
    try:
        if kind not in LOOKUP_KINDS:
            raise BadRequest("unknown kind", code="validation_error", field="kind")
        reason = check_reason(rg.vault, _reason_field(), field="reason") or ""
        with rg.audit.transaction() as tx:
            lookup_id, subjects = lookup_subjects(tx, rg.vault, kind=kind, value=request.form.get("value", ""),
                                                  actor=_actor_ref(), reason=reason,
                                                  digest_key=rg.keyring.secret("digest"))
    except ApiError as err:
        if err.status >= 500:
            raise
        context["error"] = _form_error(err)
        return render_template("console/privacy_lookup.html", **context), err.status
    log.info("console.subjects_looked_up", lookup_id=lookup_id, kind=kind, subjects=len(subjects))
    context.update(subjects=subjects, lookup_id=lookup_id)
    return render_template("console/privacy_lookup.html", **context)


def _subject_page(subject_id: str, *, error: str | None = None, status: int = 200) -> tuple[str, int]:
    from ...privacy.vault.officer import subject_records

    with services().db.sessions() as session:
        subject = subject_records(session, services().vault, subject_id)
    shredded = sum(1 for r in subject.records for v in r.fields.values() if v is not None and v != "ERASED")
    return render_template("console/privacy_subject.html", **_context(subject=subject, shredded=shredded,
                                                                     error=error)), status


@bp.get("/privacy/subjects/<string:subject_id>")
@console_roles("vault.subject_records_view", Role.PRIVACY_OFFICER)
def privacy_subject(subject_id: str) -> tuple[str, int]:
    return _subject_page(subject_id)


@bp.post("/privacy/subjects/<string:subject_id>/export")
@console_roles("vault.export_subject_view", Role.PRIVACY_OFFICER)
def privacy_export(subject_id: str) -> Response | tuple[str, int]:
    import json

    from ...privacy.vault.officer import check_reason, export_csv, export_subject

    rg, fmt = services(), request.form.get("format", "json")
    try:
        if fmt not in ("json", "csv"):
            raise BadRequest("unknown format", code="validation_error", field="format")
        reason = check_reason(rg.vault, _reason_field(), field="reason") or ""
        with rg.audit.transaction() as tx:
            document = export_subject(tx, rg.vault, subject_id=subject_id, fmt=fmt, actor=_actor_ref(),
                                      reason=reason, digest_key=rg.keyring.secret("digest"))
    except ApiError as err:
        if err.status >= 500 or err.code == "subject_not_found":
            raise
        return _subject_page(subject_id, error=_form_error(err), status=err.status)
    log.info("console.subject_exported", export_id=document["export_id"], format=fmt)
    if fmt == "csv":
        body, mimetype = "".join(export_csv(document)), "text/csv"
    else:
        body, mimetype = json.dumps(document, ensure_ascii=False, indent=2), "application/json"
    return Response(body, mimetype=f"{mimetype}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{subject_id}.{fmt}"', "Cache-Control": "no-store"})


@bp.post("/privacy/subjects/<string:subject_id>/erase")
@console_roles("vault.erase", Role.PRIVACY_OFFICER)
def privacy_erase(subject_id: str) -> WerkzeugResponse | tuple[str, int]:
    from ...privacy.vault.officer import check_reason
    from ...privacy.vault.subjects import erase_subject

    rg = services()
    try:
        reason = check_reason(rg.vault, _reason_field(), field="reason")
        if request.form.get("confirm") != subject_id:
            raise BadRequest("type the subject id to confirm", code="confirm_required", field="confirm")
        with rg.audit.transaction() as tx:
            erase_subject(tx.session, subject_id, audit=rg.audit, actor=_actor_ref(), reason=reason)
    except ApiError as err:
        rg.vault.forget(subject_id)  # nothing was erased: drop what the shred may have cached
        if err.status >= 500 or err.code == "subject_not_found":
            raise
        return _subject_page(subject_id, error=_form_error(err), status=err.status)
    flash("privacy.erased")
    return redirect(url_for("console.privacy_subject", subject_id=subject_id))


@bp.route("/privacy/records/<string:record_type>/<path:record_id>", methods=["GET", "POST"])
@console_roles("vault.reveal", Role.PRIVACY_OFFICER, Role.REVIEWER, Role.ONBOARDING, Role.AUDITOR)
def privacy_record(record_type: str, record_id: str) -> str | tuple[str, int]:
    """Masked on GET; in clear on POST with a reason, for a privacy officer only (as the API)."""
    from ...privacy.vault.officer import check_reason, read_record

    rg, actor = services(), _actor()
    error, status, reason = None, 200, None
    clear = request.method == "POST" and actor.role is Role.PRIVACY_OFFICER
    try:
        if clear:
            reason = check_reason(rg.vault, _reason_field(), field="reason")
    except ApiError as err:
        error, status, clear = _form_error(err), err.status, False
    with rg.audit.transaction() as tx:
        read = read_record(tx, rg.vault, record_type=record_type, record_id=record_id, fields=None,
                           actor=actor.ref, reason=reason, clear=clear)
    return render_template("console/privacy_record.html", **_context(
        read=read, error=error, officer=actor.role is Role.PRIVACY_OFFICER)), status


@bp.get("/privacy/retention")
@console_roles("vault.retention_view", Role.PRIVACY_OFFICER, Role.AUDITOR)
def privacy_retention() -> str:
    from ...privacy.vault.officer import retention_status

    now = utcnow()
    with services().db.sessions() as session:
        fields = retention_status(session, services().vault, now=now)
    return render_template("console/privacy_retention.html", **_context(fields=fields, now=now))


@bp.route("/privacy/pii", methods=["GET", "POST"])
@console_roles("pii.detect", Role.PRIVACY_OFFICER, Role.SCREENER)
def privacy_pii() -> str | tuple[str, int]:
    """The PII try-out: detect, or redact with one operator, exactly as ``/v1/pii/detect|redact`` (the
    same request schemas; each run recorded as the API records it)."""
    from ...privacy.pii.redaction import OPERATORS
    from ...privacy.pii.schemas import PiiDetectSchema, PiiRedactSchema
    from ...privacy.pii.views import record_scan, redact_recorded

    mode, operator = request.form.get("mode", "detect"), request.form.get("operator", "replace")
    text = request.form.get("text", PII_EXAMPLE) if request.method == "POST" else PII_EXAMPLE
    context = _context(operators=OPERATORS, mode=mode, operator=operator, text=text, errors={}, result=None)
    if request.method == "GET":
        return render_template("console/privacy_pii.html", **context)
    service, actor = services().pii, _actor_ref()
    officer = _actor().role is Role.PRIVACY_OFFICER
    try:
        if mode not in ("detect", "redact") or operator not in OPERATORS:
            raise ValidationError({"mode": ["unknown mode or operator"]})
        if not text.strip():
            raise ValidationError({"text": ["blank"]})
        if mode == "detect":
            body = PiiDetectSchema().load({"text": text})
            found = service.detect(text, language=body["language"], entities=body["entities"],
                                   score_threshold=body["score_threshold"])
            scan_id = record_scan("detect", service, [text], [found], actor, include_text=officer)
            # matched values are listed for a privacy officer only, as the API's include_text
            detections = [{"type": d.type, "start": d.start, "end": d.end, "score": d.score,
                           "text": text[d.start:d.end] if officer else None} for d in found]
            marked = highlight(text, [{**d, "rule_id": d["type"]} for d in detections])
            context["result"] = {"scan_id": scan_id, "detections": detections, "marked": marked}
        else:
            body = PiiRedactSchema().load({"text": text, "operators": {"DEFAULT": {"type": operator}}})
            scan_id, [redaction] = redact_recorded("redact", service, [text], body, actor)
            context["result"] = {"scan_id": scan_id, "redacted": redaction.text, "items": redaction.items}
    except ValidationError as err:
        context["errors"] = err.messages
        return render_template("console/privacy_pii.html", **context), 400
    return render_template("console/privacy_pii.html", **context)
