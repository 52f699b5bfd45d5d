"""The review queue (roles as the review API): open cases with filters, a case page with the text
highlighted (a screening case's stored content, personal data masked by ``*`` at the same offsets; an
application's store description) and the application masked, and allow/block with a required reason.

The review service pages by kind and status; the page filters that page further by category, severity
and age (it reads at most ``SCAN`` cases, oldest first, and says so when it stops there).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import structlog
from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ...auth import Role
from ...errors import ApiError
from ...http import services
from ...ids import utcnow
from .._blueprint import bp
from .._session import console_roles, signed_in_actor
from ..highlight import highlight
from ._services import rule_details

log = structlog.get_logger("riskguard.console")

SCAN = 200
SEVERITIES = ("critical", "high", "medium", "low", "info")
REVIEW_ERRORS = {"reviewer_is_submitter", "case_already_decided", "reason_required",
                 "reason_contains_personal_data", "validation_error", "case_not_found"}


def _filters() -> dict[str, Any]:
    from ...review.service import CASE_KINDS  # the review domain's public constants

    args = request.args
    kind = args.get("kind") if args.get("kind") in CASE_KINDS else None
    severity = args.get("severity") if args.get("severity") in SEVERITIES else None
    category = (args.get("category") or "").strip()[:40] or None
    try:
        min_age = max(0.0, float(args.get("min_age_hours") or 0))
    except ValueError:
        min_age = 0.0
    return {"kind": kind, "severity": severity, "category": category, "min_age_hours": min_age,
            "kinds": CASE_KINDS}


def _keep(case: Any, f: dict[str, Any], now: Any) -> bool:
    if f["category"] and f["category"] not in (case.categories or []):
        return False
    if f["severity"]:
        if case.top_severity not in SEVERITIES:
            return False
        if SEVERITIES.index(case.top_severity) > SEVERITIES.index(f["severity"]):
            return False
    created = case.created_at if case.created_at.tzinfo else case.created_at.replace(tzinfo=now.tzinfo)
    return now - created >= timedelta(hours=f["min_age_hours"])


@bp.get("/review")
@console_roles("review.list_cases", Role.REVIEWER)
def review_queue() -> str:
    service = services().review
    f = _filters()
    now = utcnow()
    with services().db.sessions() as session:
        scanned = service.list(session, status="open", kind=f["kind"], limit=SCAN)
        cases = [c for c in scanned if _keep(c, f, now)]
        rows = [{"id": c.id, "kind": c.kind, "categories": c.categories, "severity": c.top_severity,
                 "rules": c.rule_ids, "age_hours": (now - (c.created_at if c.created_at.tzinfo else
                                                            c.created_at.replace(tzinfo=now.tzinfo)))
                 .total_seconds() / 3600, "submitted_by": c.submitted_by} for c in cases]
    return render_template("console/review_queue.html", area="review", cases=rows, f=f,
                           severities=SEVERITIES, truncated=len(scanned) == SCAN)


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Nested masked fields as ``legal_rep.name`` rows; lists joined; the decision block left out (its
    findings are listed beside the text)."""
    out: dict[str, str] = {}
    for key, inner in (value or {}).items():
        name = f"{prefix}{key}"
        if name in ("text", "decision", "id"):
            continue
        if isinstance(inner, dict):
            out.update(_flatten(inner, f"{name}."))
        elif isinstance(inner, list):
            out[name] = ", ".join(str(v) if not isinstance(v, dict) else json.dumps(v, ensure_ascii=False)
                                  for v in inner)
        elif inner is not None:
            out[name] = str(inner)
    return out


def _marked_texts(subject: Any, findings: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """The subject's texts with their findings' spans highlighted: ``text`` for screened content, and each
    field (``store_description`` …) that findings point into. Numbers stay those of the findings list."""
    if not isinstance(subject, dict):
        return []
    texts = []
    if isinstance(subject.get("text"), str):
        texts.append(("text", highlight(subject["text"], [f if not f.get("field") else {} for f in findings])))
    for name in sorted({f["field"] for f in findings if isinstance(f.get("field"), str)}):
        value = subject.get(name)
        own = [f if f.get("field") == name else {} for f in findings]
        if isinstance(value, str) and any(isinstance(f.get("start"), int) for f in own):
            texts.append((name, highlight(value, own)))
    return texts


def _case_page(case_id: str, *, error: str | None = None, status: int = 200) -> tuple[str, int]:
    service = services().review
    actor = signed_in_actor()
    with services().db.sessions() as session:
        case = service.get(session, case_id)
        subject = service.subject_view(session, case)
        if subject is None and case.content is not None:
            subject = {"text": case.content}  # screened content, personal data masked at rest
        findings = [dict(f) for f in case.findings]
        for f in findings:
            f.update({k: v for k, v in rule_details(f.get("rule_id")).items() if not f.get(k)})
        html = render_template(
            "console/review_case.html", area="review", case=case, findings=findings,
            texts=_marked_texts(subject, findings),
            subject_fields=_flatten(subject) if isinstance(subject, dict) else {},
            own_case=actor is not None and case.submitted_by == actor.ref, error=error,
            form_reason=request.form.get("reason", "") if request.method == "POST" else "")
    return html, status


@bp.get("/review/<case_id>")
@console_roles("review.get_case", Role.REVIEWER)
def review_case(case_id: str) -> tuple[str, int]:
    return _case_page(case_id)


@bp.post("/review/<case_id>")
@console_roles("review.decide", Role.REVIEWER)
def review_decide(case_id: str) -> Response | tuple[str, int]:
    service = services().review
    actor = signed_in_actor()
    assert actor is not None  # the guard admitted a signed-in user
    decision = request.form.get("decision", "")
    reason = request.form.get("reason", "")
    try:
        with services().audit.transaction() as tx:  # the decision commits with its audit entry, or a 503
            service.decide(tx.session, case_id, actor=actor.ref, decision=decision, reason=reason)
    except ApiError as err:
        if err.code not in REVIEW_ERRORS:
            raise
        return _case_page(case_id, error=f"review.err.{err.code}", status=err.status)
    log.info("console.review_decided", case_id=case_id, decision=decision, actor=actor.ref)
    flash("review.saved")
    return redirect(url_for("console.review_case", case_id=case_id))
