"""HTTP for PII detection and redaction: parse, call the service, record the scan, answer.

``/decrypt`` (privacy officers only, with a reveal reason) writes a PRIVACY_REVEALED entry with token
digests, in the same transaction as the decryption.

Every call writes one audit entry (identifiers, counts and keyed digests, never text) in its own
transaction before the answer leaves; if that fails the caller gets 503, not an unrecorded result.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from typing import Any

import structlog
from flask import request

from ...audit import Action, AuditEvent
from ...auth import Role, current_actor
from ...errors import BadRequest, Forbidden
from ...http import Blueprint, services
from ...ids import new_id
from ..vault import Vault
from .fields import refuse_personal_data
from .redaction import uses_encrypt
from .schemas import (
    PiiDecryptResultSchema,
    PiiDecryptSchema,
    PiiDetectBatchResultSchema,
    PiiDetectBatchSchema,
    PiiDetectResultSchema,
    PiiDetectSchema,
    PiiRedactBatchResultSchema,
    PiiRedactBatchSchema,
    PiiRedactResultSchema,
    PiiRedactSchema,
)
from .service import Detection, PiiService, Redaction, entity_counts
from .tokens import DEFAULT_SUBJECT, Token, TokenError, TokenSealer, open_token, parse_token

__all__ = ["blueprint", "record_scan", "redact_recorded"]

log = structlog.get_logger("riskguard.pii")
blueprint = Blueprint("pii", __name__, url_prefix="/v1/pii", description="personal information: detect, redact")
_ROLES = (Role.PRIVACY_OFFICER, Role.SCREENER)


def _options(body: dict[str, Any]) -> dict[str, Any]:
    return {"language": body["language"], "entities": body["entities"],
            "score_threshold": body["score_threshold"]}


def _entities(found: list[Detection], text: str, include_text: bool) -> list[dict[str, Any]]:
    out = []
    for d in found:
        item = asdict(d)
        if include_text:
            item["text"] = text[d.start:d.end]
        out.append(item)
    return out


def _check_include_text(body: dict[str, Any]) -> bool:
    if body.get("include_text") and current_actor().role is not Role.PRIVACY_OFFICER:
        raise Forbidden("only a privacy officer may ask for matched values", code="include_text_forbidden",
                        field="include_text")
    return bool(body.get("include_text"))


def _scan_event(operation: str, service: PiiService, scan_id: str, texts: list[str],
                found: list[list[Detection]], actor: str | None = None, **details: Any) -> AuditEvent:
    digests = [service.digest(t) for t in texts]
    return AuditEvent(
        action=Action.PII_DETECTED, actor=actor or current_actor().ref, subject_type="text", subject_id=scan_id,
        input_digest=digests[0] if len(digests) == 1 else service.digest("\n".join(digests)),
        details={"operation": operation, "texts": len(texts), "entities": entity_counts(found), **details})


def record_scan(operation: str, service: PiiService, texts: list[str], found: list[list[Detection]],
                actor: str | None = None, **details: Any) -> str:
    """Record a scan (the console passes its signed-in ``actor``; the API's is the request's)."""
    scan_id = new_id("pii")
    with services().audit.transaction() as tx:  # AuditUnavailable (503) if it cannot be recorded
        tx.record(_scan_event(operation, service, scan_id, texts, found, actor, **details))
    log.info("pii.scanned", scan_id=scan_id, operation=operation, texts=len(texts),
             entities=entity_counts(found))
    return scan_id


def redact_recorded(operation: str, service: PiiService, texts: list[str], body: dict[str, Any],
                    actor: str | None = None) -> tuple[str, list[Redaction]]:
    """Redact and record. With ``encrypt`` both happen in one transaction: a subject key created for
    the tokens commits with the audit entry, or neither does and no token leaves."""
    operators = body["operators"]
    if not uses_encrypt(operators):
        results = service.redact_many(texts, operators=operators, **_options(body))
        scan_id = record_scan(operation, service, texts, [r.detections for r in results], actor,
                              operators=_operator_names(body))
        return scan_id, results
    scan_id = new_id("pii")
    with services().audit.transaction() as tx:
        sealer = TokenSealer(services().vault, tx.session.connection())
        results = service.redact_many(texts, operators=operators, encryptor=sealer, **_options(body))
        found = [r.detections for r in results]
        tx.record(_scan_event(operation, service, scan_id, texts, found, actor, operators=_operator_names(body),
                              subjects=_encrypt_subjects(operators)))
    log.info("pii.scanned", scan_id=scan_id, operation=operation, texts=len(texts), entities=entity_counts(found))
    return scan_id, results


def _encrypt_subjects(operators: dict[str, Any]) -> list[str]:
    return sorted({spec.get("subject_id") or DEFAULT_SUBJECT for spec in operators.values()
                   if spec.get("type") == "encrypt"})


@blueprint.post("/detect")
@blueprint.roles(*_ROLES)
@blueprint.arguments(PiiDetectSchema)
@blueprint.response(200, PiiDetectResultSchema)
@blueprint.errors(413, 415, 503)
def detect(body: dict[str, Any]) -> Any:
    """Find personal information in a text (values are returned as keyed digests)"""
    include_text = _check_include_text(body)
    service: PiiService = services().pii
    found = service.detect(body["text"], **_options(body))
    scan_id = record_scan("detect", service, [body["text"]], [found], include_text=include_text)
    return {"scan_id": scan_id, "entities": _entities(found, body["text"], include_text)}


@blueprint.post("/detect/batch")
@blueprint.roles(*_ROLES)
@blueprint.arguments(PiiDetectBatchSchema)
@blueprint.response(200, PiiDetectBatchResultSchema)
@blueprint.errors(413, 415, 503)
def detect_batch(body: dict[str, Any]) -> Any:
    """Find personal information in up to 1,000 texts"""
    include_text = _check_include_text(body)
    service: PiiService = services().pii
    texts: list[str] = body["texts"]
    found = service.detect_many(texts, **_options(body))
    scan_id = record_scan("detect_batch", service, texts, found, include_text=include_text)
    return {"scan_id": scan_id, "results": [
        {"entities": _entities(f, t, include_text)} for t, f in zip(texts, found, strict=True)]}


def _redaction(r: Any) -> dict[str, Any]:
    return {"text": r.text, "items": [asdict(i) for i in r.items]}


@blueprint.post("/redact")
@blueprint.roles(*_ROLES)
@blueprint.arguments(PiiRedactSchema)
@blueprint.response(200, PiiRedactResultSchema)
@blueprint.errors(413, 415, 503)
def redact(body: dict[str, Any]) -> Any:
    """Redact personal information from a text (replace, mask, keyed hash or encrypt)"""
    service: PiiService = services().pii
    scan_id, results = redact_recorded("redact", service, [body["text"]], body)
    return {"scan_id": scan_id, **_redaction(results[0])}


@blueprint.post("/redact/batch")
@blueprint.roles(*_ROLES)
@blueprint.arguments(PiiRedactBatchSchema)
@blueprint.response(200, PiiRedactBatchResultSchema)
@blueprint.errors(413, 415, 503)
def redact_batch(body: dict[str, Any]) -> Any:
    """Redact personal information from up to 1,000 texts"""
    service: PiiService = services().pii
    scan_id, results = redact_recorded("redact_batch", service, body["texts"], body)
    return {"scan_id": scan_id, "results": [_redaction(r) for r in results]}


def _operator_names(body: dict[str, Any]) -> dict[str, str]:
    return {k: v["type"] for k, v in sorted((body.get("operators") or {}).items())}


_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$")


def _reveal_reason(vault: Vault, body_reason: str | None) -> str:
    """``<reason>:<reference>`` from the header or the body (they must agree), in the policy's vocabulary."""
    header = (request.headers.get("X-Reveal-Reason") or "").strip() or None
    if header and body_reason and header != body_reason.strip():
        raise BadRequest("X-Reveal-Reason and reason disagree", code="invalid_reason", field="reason")
    raw = header or (body_reason or "").strip()
    if not raw:
        raise BadRequest("a reveal reason is required (X-Reveal-Reason or reason)", code="reason_required",
                         field="X-Reveal-Reason")
    kind, _, ref = raw.partition(":")
    source = "X-Reveal-Reason" if header else "reason"
    if kind not in vault.policy.reveal_reasons or not _REF.match(ref):
        raise BadRequest("the reason must be '<reason>:<reference>' with reason one of "
                         f"{', '.join(sorted(vault.policy.reveal_reasons))}", code="invalid_reason",
                         field=source)
    return refuse_personal_data(f"{kind}:{ref}", field=source)  # it is recorded in the audit trail


@blueprint.post("/decrypt")
@blueprint.roles(Role.PRIVACY_OFFICER)
@blueprint.arguments(PiiDecryptSchema)
@blueprint.doc(parameters=[{"in": "header", "name": "X-Reveal-Reason", "required": False,
                             "schema": {"type": "string", "maxLength": 100},
                             "description": "'<reason>:<reference>', or give it as the body's reason"}])
@blueprint.response(200, PiiDecryptResultSchema)
@blueprint.errors(413, 415, 503)
def decrypt(body: dict[str, Any]) -> Any:
    """Decrypt encrypt-operator tokens (privacy officer, with X-Reveal-Reason; audited)

    Tokens of an erased subject come back as erased.
    """
    vault: Vault = services().vault
    service: PiiService = services().pii
    reason = _reveal_reason(vault, body["reason"])
    tokens: list[Token] = []
    for i, raw in enumerate(body["tokens"]):
        try:
            tokens.append(parse_token(raw))
        except TokenError:
            log.warning("pii.token_rejected", index=i, token_digest=service.digest(raw), stage="parse")
            raise BadRequest("not a valid encrypt-operator token", code="token_invalid",
                             field=f"tokens.{i}") from None
    reveal_id = new_id("rvl")
    results: list[dict[str, Any]] = []
    with services().audit.transaction() as tx:
        conn = tx.session.connection()
        for i, (raw, token) in enumerate(zip(body["tokens"], tokens, strict=True)):
            try:
                value = open_token(vault, conn, token)
            except TokenError:
                log.warning("pii.token_rejected", index=i, token_digest=service.digest(raw), stage="open")
                raise BadRequest("token failed authentication (tampered, or not made here)",
                                 code="token_invalid", field=f"tokens.{i}") from None
            results.append({"type": token.entity_type, "subject_id": token.subject_id, "purpose": token.purpose,
                            "status": "erased" if value is None else "revealed", "text": value})
        statuses = Counter(r["status"] for r in results)
        tx.record(AuditEvent(
            action=Action.PRIVACY_REVEALED, actor=current_actor().ref, subject_type="pii_token",
            subject_id=reveal_id, reason=reason, policy_revision=vault.policy.revision,
            input_digest=service.digest("\n".join(body["tokens"])),
            details={"tokens": len(tokens), "token_digests": [service.digest(t) for t in body["tokens"]],
                     "data_subjects": sorted({t.subject_id for t in tokens}),
                     "types": dict(sorted(Counter(t.entity_type for t in tokens).items())),
                     "statuses": dict(sorted(statuses.items()))}))
    log.info("pii.tokens_revealed", reveal_id=reveal_id, tokens=len(tokens), statuses=dict(statuses))
    return {"reveal_id": reveal_id, "results": results}
