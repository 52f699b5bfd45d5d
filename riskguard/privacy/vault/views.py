"""HTTP for the vault: reveal a record's personal data with a reason, erase a data subject, and the privacy
officer's subject lookup, erasure preview, access export and retention status (:mod:`.officer`)."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

import structlog
from flask import Response, request

from ...audit import AuditUnavailable
from ...auth import Role, current_actor
from ...errors import BadRequest, NotFound
from ...http import Blueprint, services
from ...ids import utcnow
from .officer import (
    check_reason,
    export_csv,
    export_subject,
    lookup_subjects,
    read_record,
    retention_status,
    subject_records,
)
from .schemas import (
    RetentionStatusSchema,
    SubjectExportRequestSchema,
    SubjectExportSchema,
    SubjectLookupResultSchema,
    SubjectLookupSchema,
    SubjectRecordsSchema,
    VaultErasureSchema,
    VaultRevealQuerySchema,
    VaultRevealSchema,
    VaultSubjectSchema,
)
from .service import Vault
from .subjects import erase_subject, subject_status

__all__ = ["blueprint"]

log = structlog.get_logger("riskguard.vault")
blueprint = Blueprint("vault", __name__, url_prefix="/v1/privacy",
                      description="the vault: lookup, reveal, export, erase, retention")
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


def _reason(header: str, vault: Vault) -> str | None:
    """``<reason>:<reference>`` from the policy's vocabulary, or None if the header is absent."""
    return check_reason(vault, request.headers.get(header), field=header, required=False)


def _checked_id(value: str, what: str) -> str:
    if not _ID.match(value):
        raise BadRequest(f"malformed {what}", code="validation_error", field=what)
    return value


def _reason_header(name: str, description: str) -> dict[str, Any]:
    return {"parameters": [{"in": "header", "name": name, "required": False, "description": description,
                            "schema": {"type": "string", "maxLength": 200}}]}


@blueprint.get("/records/<string:record_type>/<string:record_id>")
@blueprint.roles(Role.PRIVACY_OFFICER, Role.REVIEWER, Role.ONBOARDING, Role.AUDITOR)
@blueprint.arguments(VaultRevealQuerySchema, location="query")
@blueprint.doc(**_reason_header("X-Reveal-Reason", "'<reason>:<reference>': a privacy officer sees clear text"))
@blueprint.response(200, VaultRevealSchema)
@blueprint.errors(404, 503)
def reveal(record_type: str, record_id: str, query: dict[str, Any]) -> Any:
    """Read a record's personal data: clear for a privacy officer giving X-Reveal-Reason (audited), masked
    otherwise"""
    vault: Vault = services().vault
    _checked_id(record_id, "record_id")
    wanted = tuple(query["fields"].split(",")) if query.get("fields") else None
    actor = current_actor()
    reason = _reason("X-Reveal-Reason", vault)
    clear = reason is not None and actor.role is Role.PRIVACY_OFFICER
    with services().audit.transaction() as tx:  # a reveal commits with its audit entry, or is a 503
        read = read_record(tx, vault, record_type=record_type, record_id=record_id, fields=wanted,
                           actor=actor.ref, reason=reason, clear=clear)
    log.info("vault.record_read", record_type=record_type, record_id=record_id, revealed=clear,
             fields=sorted(read.fields), reveal_id=read.reveal_id)
    return asdict(read)


@blueprint.delete("/subjects/<string:subject_id>")
@blueprint.roles(Role.PRIVACY_OFFICER)
@blueprint.doc(**_reason_header("X-Erasure-Reason", "'<reason>:<reference>', recorded with the erasure"))
@blueprint.response(200, VaultErasureSchema)
@blueprint.errors(400, 404, 409, 503)
def erase(subject_id: str) -> Any:
    """Erase a data subject by crypto-shredding its data key and blind indexes (PIPL Art. 47)"""
    vault: Vault = services().vault
    _checked_id(subject_id, "subject_id")
    reason = _reason("X-Erasure-Reason", vault)
    audit = services().audit
    try:
        with audit.transaction() as tx:  # the erasure commits with its audit entry, or is a 503
            erasure = erase_subject(tx.session, subject_id, audit=audit, actor=current_actor().ref, reason=reason)
    except AuditUnavailable:
        vault.forget(subject_id)  # nothing was erased: drop what the shred may have cached
        raise
    return erasure


@blueprint.get("/subjects/<string:subject_id>")
@blueprint.roles(Role.PRIVACY_OFFICER, Role.AUDITOR)
@blueprint.response(200, VaultSubjectSchema)
@blueprint.errors(400, 404, 503)
def subject(subject_id: str) -> Any:
    """Whether the vault holds live data for a subject or it was erased"""
    _checked_id(subject_id, "subject_id")
    with services().db.sessions() as session:
        status = subject_status(session, subject_id)
    if status == "unknown":
        raise NotFound(f"the vault holds no data for subject {subject_id}", code="subject_not_found")
    return {"subject_id": subject_id, "status": status}


@blueprint.post("/subjects/lookup")
@blueprint.roles(Role.PRIVACY_OFFICER)
@blueprint.arguments(SubjectLookupSchema)
@blueprint.response(200, SubjectLookupResultSchema)
@blueprint.errors(413, 415, 503)
def lookup_subjects_view(body: dict[str, Any]) -> Any:
    """Find data subjects by phone, ID number, bank card or e-mail through the blind indexes (reason
    required; audited with the value's keyed digest only), with the records they own, masked"""
    vault: Vault = services().vault
    reason = check_reason(vault, body["reason"], field="reason")
    with services().audit.transaction() as tx:
        lookup_id, subjects = lookup_subjects(tx, vault, kind=body["kind"], value=body["value"],
                                              actor=current_actor().ref, reason=reason or "",
                                              digest_key=services().keyring.secret("digest"))
    log.info("vault.subjects_looked_up", lookup_id=lookup_id, kind=body["kind"], subjects=len(subjects))
    return {"lookup_id": lookup_id, "kind": body["kind"], "policy_revision": vault.policy.revision,
            "subjects": [asdict(s) for s in subjects]}


@blueprint.get("/subjects/<string:subject_id>/records")
@blueprint.roles(Role.PRIVACY_OFFICER)
@blueprint.response(200, SubjectRecordsSchema)
@blueprint.errors(404, 503)
def subject_records_view(subject_id: str) -> Any:
    """The records a data subject owns, masked: what DELETE /v1/privacy/subjects/{id} would shred"""
    _checked_id(subject_id, "subject_id")
    with services().db.sessions() as session:
        return asdict(subject_records(session, services().vault, subject_id))


_CSV = {"text/csv": {"schema": {"type": "string"}}}


@blueprint.post("/subjects/<string:subject_id>/export")
@blueprint.roles(Role.PRIVACY_OFFICER)
@blueprint.arguments(SubjectExportRequestSchema)
@blueprint.response(200, SubjectExportSchema, description="json: the copy; csv: one personal field a row")
@blueprint.doc(responses={200: {"content": _CSV}})
@blueprint.errors(404, 413, 415, 503)
def export_subject_view(subject_id: str, body: dict[str, Any]) -> Any:
    """A copy of a data subject's personal data in clear (PIPL Art. 45), as JSON or CSV; reason required,
    audited"""
    vault: Vault = services().vault
    _checked_id(subject_id, "subject_id")
    reason = check_reason(vault, body["reason"], field="reason")
    with services().audit.transaction() as tx:  # the copy leaves only once its export is recorded
        document = export_subject(tx, vault, subject_id=subject_id, fmt=body["format"], actor=current_actor().ref,
                                  reason=reason or "", digest_key=services().keyring.secret("digest"))
    log.info("vault.subject_exported", export_id=document["export_id"], subject_id=subject_id,
             format=body["format"], records=len(document["records"]))
    if body["format"] == "csv":
        return Response("".join(export_csv(document)), mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{subject_id}.csv"'})
    return document


@blueprint.get("/retention")
@blueprint.roles(Role.PRIVACY_OFFICER, Role.AUDITOR)
@blueprint.response(200, RetentionStatusSchema)
@blueprint.errors(503)
def retention_view() -> Any:
    """Retention per personal-data field (policies/privacy.yaml): period, records holding a value, how
    many are past it, and the next expiry"""
    vault: Vault = services().vault
    now = utcnow()
    with services().db.sessions() as session:
        status = retention_status(session, vault, now=now)
    return {"policy_revision": vault.policy.revision, "checked_at": now.isoformat(),
            "fields": [asdict(f) for f in status]}
