"""HTTP for the vault: reveal a record's personal data with a reason, erase a data subject."""

from __future__ import annotations

import re
from typing import Any

import structlog
from flask import request
from sqlalchemy import inspect

from ...audit import Action, AuditEvent, AuditUnavailable
from ...auth import Role, current_actor
from ...errors import BadRequest, NotFound
from ...http import Blueprint, services
from ...ids import new_id
from ..pii.fields import refuse_personal_data
from .registry import get_record_type, mask
from .schemas import VaultErasureSchema, VaultRevealQuerySchema, VaultRevealSchema, VaultSubjectSchema
from .service import Vault, is_erased
from .subjects import erase_subject, subject_status

__all__ = ["blueprint"]

log = structlog.get_logger("riskguard.vault")
blueprint = Blueprint("vault", __name__, url_prefix="/v1/privacy", description="the vault: reveal, erase")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$")
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


def _reason(header: str, vault: Vault) -> str | None:
    """``<reason>:<reference>`` from the policy's vocabulary, or None if the header is absent."""
    raw = request.headers.get(header)
    if raw is None or not raw.strip():
        return None
    kind, _, ref = raw.strip().partition(":")
    if kind not in vault.policy.reveal_reasons or not _REF.match(ref):
        raise BadRequest(f"{header} must be '<reason>:<reference>' with reason one of "
                         f"{', '.join(sorted(vault.policy.reveal_reasons))}", code="invalid_reason",
                         field=header)
    return refuse_personal_data(f"{kind}:{ref}", field=header)  # it is recorded in the audit trail


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
    kind = get_record_type(record_type)
    if kind is None:
        raise NotFound(f"unknown record type {record_type!r}", code="unknown_record_type")
    _checked_id(record_id, "record_id")
    wanted = tuple(query["fields"].split(",")) if query.get("fields") else kind.fields
    unknown = [f for f in wanted if f not in kind.fields]
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(unknown)}", code="unknown_field", field="fields")
    actor = current_actor()
    reason = _reason("X-Reveal-Reason", vault)
    clear = reason is not None and actor.role is Role.PRIVACY_OFFICER
    reveal_id = new_id("rvl") if clear else None
    with services().audit.transaction() as tx:  # a reveal commits with its audit entry, or is a 503
        session = tx.session
        pk = inspect(kind.model).primary_key
        row = session.get(kind.model, record_id.split("/") if len(pk) > 1 else record_id)
        if row is None:
            raise NotFound(f"no {record_type} {record_id}", code="record_not_found")
        subject = getattr(row, kind.model.__vault_subject__)
        values: dict[str, Any] = {}
        for name in wanted:
            value = getattr(row, name)
            if clear or value is None or is_erased(value):
                values[name] = value if value is None else str(value)
            else:
                policy = vault.policy.field(kind.table, kind.column_of(name))
                values[name] = mask(policy.mask if policy else "full", value,
                                    address_keep=vault.policy.address_keep)
        erased = any(is_erased(v) for v in (getattr(row, f) for f in kind.fields)) or \
            vault.subject_state(session.connection(), subject) == "erased"
        if clear:
            tx.record(AuditEvent(
                action=Action.PRIVACY_REVEALED, actor=actor.ref, subject_type=record_type,
                subject_id=record_id, reason=reason, policy_revision=vault.policy.revision,
                links={"reveal": reveal_id or ""},
                details={"fields": sorted(wanted), "data_subject": subject,
                         "subject_status": "erased" if erased else "active"}))
    log.info("vault.record_read", record_type=record_type, record_id=record_id, revealed=clear,
             fields=sorted(wanted), reveal_id=reveal_id)
    return {"record_type": record_type, "record_id": record_id,
            "subject_status": "erased" if erased else "active", "revealed": clear,
            "reveal_id": reveal_id, "policy_revision": vault.policy.revision, "fields": values}


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
