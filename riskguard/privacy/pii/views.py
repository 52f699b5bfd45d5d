"""HTTP for PII detection and redaction: parse, call the service, record the scan, answer.

Every call writes one audit entry (identifiers, counts and keyed digests, never text) in its own
transaction before the answer leaves; if that fails the caller gets 503, not an unrecorded result.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import structlog
from flask import Blueprint, jsonify

from ...audit import Action, AuditEvent, record
from ...auth import Role, current_actor, require_roles
from ...context import get_db, get_service
from ...errors import Forbidden, ServiceUnavailable
from ...http import documented, json_body
from ...ids import new_id
from .schemas import (
    PiiDetectBatchResultSchema,
    PiiDetectBatchSchema,
    PiiDetectResultSchema,
    PiiDetectSchema,
    PiiRedactBatchResultSchema,
    PiiRedactBatchSchema,
    PiiRedactResultSchema,
    PiiRedactSchema,
)
from .service import Detection, PiiService, entity_counts

__all__ = ["blueprint"]

log = structlog.get_logger("riskguard.pii")
blueprint = Blueprint("pii", __name__, url_prefix="/v1/pii")
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


def _record(operation: str, service: PiiService, texts: list[str], found: list[list[Detection]],
            **details: Any) -> str:
    scan_id = new_id("pii")
    actor = current_actor()
    digests = [service.digest(t) for t in texts]
    counts = entity_counts(found)
    try:
        with get_db().transaction() as session:
            record(session, AuditEvent(
                action=Action.PII_DETECTED, actor=actor.ref, subject_type="text", subject_id=scan_id,
                input_digest=digests[0] if len(digests) == 1 else service.digest("\n".join(digests)),
                details={"operation": operation, "texts": len(texts), "entities": counts, **details}))
    except Exception as exc:  # noqa: BLE001 - any failure to record means no answer (fail closed)
        log.error("pii.audit_failed", scan_id=scan_id, operation=operation, error_type=type(exc).__name__)
        raise ServiceUnavailable("the audit trail is unavailable; nothing was returned",
                                 code="audit_unavailable") from None
    log.info("pii.scanned", scan_id=scan_id, operation=operation, texts=len(texts), entities=counts)
    return scan_id


@blueprint.post("/detect")
@require_roles(*_ROLES)
@json_body(PiiDetectSchema)
@documented("Find personal information in a text (values are returned as keyed digests)",
            response=PiiDetectResultSchema, tags=["pii"])
def detect(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    include_text = _check_include_text(body)
    service: PiiService = get_service("pii")
    found = service.detect(body["text"], **_options(body))
    scan_id = _record("detect", service, [body["text"]], [found], include_text=include_text)
    return jsonify({"scan_id": scan_id, "entities": _entities(found, body["text"], include_text)})


@blueprint.post("/detect/batch")
@require_roles(*_ROLES)
@json_body(PiiDetectBatchSchema)
@documented("Find personal information in up to 1,000 texts", response=PiiDetectBatchResultSchema, tags=["pii"])
def detect_batch(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    include_text = _check_include_text(body)
    service: PiiService = get_service("pii")
    texts: list[str] = body["texts"]
    found = service.detect_many(texts, **_options(body))
    scan_id = _record("detect_batch", service, texts, found, include_text=include_text)
    return jsonify({"scan_id": scan_id, "results": [
        {"entities": _entities(f, t, include_text)} for t, f in zip(texts, found, strict=True)]})


def _redaction(r: Any) -> dict[str, Any]:
    return {"text": r.text, "items": [asdict(i) for i in r.items]}


@blueprint.post("/redact")
@require_roles(*_ROLES)
@json_body(PiiRedactSchema)
@documented("Redact personal information from a text (replace, mask or keyed hash)",
            response=PiiRedactResultSchema, tags=["pii"])
def redact(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    service: PiiService = get_service("pii")
    result = service.redact(body["text"], operators=body["operators"], **_options(body))
    scan_id = _record("redact", service, [body["text"]], [result.detections],
                      operators=_operator_names(body))
    return jsonify({"scan_id": scan_id, **_redaction(result)})


@blueprint.post("/redact/batch")
@require_roles(*_ROLES)
@json_body(PiiRedactBatchSchema)
@documented("Redact personal information from up to 1,000 texts", response=PiiRedactBatchResultSchema,
            tags=["pii"])
def redact_batch(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    service: PiiService = get_service("pii")
    results = service.redact_many(body["texts"], operators=body["operators"], **_options(body))
    scan_id = _record("redact_batch", service, body["texts"], [r.detections for r in results],
                      operators=_operator_names(body))
    return jsonify({"scan_id": scan_id, "results": [_redaction(r) for r in results]})


def _operator_names(body: dict[str, Any]) -> dict[str, str]:
    return {k: v["type"] for k, v in sorted((body.get("operators") or {}).items())}
