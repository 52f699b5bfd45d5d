"""The review queue (roles as the review API): the queue with filters, counts, sorts and pages both ways
(the review domain's query service, as the API), the decided cases with decision and reason, a case page
with the text highlighted (a screening case's stored content, personal data masked by ``*`` at the same
offsets; an application's store description), the application masked, and allow/block with a reason.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import structlog
from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from ...auth import Role
from ...errors import ApiError
from ...http import services
from ...ids import utcnow
from .. import codes, when
from .._blueprint import bp
from .._session import console_roles, signed_in_actor
from ..highlight import highlight
from ._services import rule_details

log = structlog.get_logger("riskguard.console")

PAGE = 50
REVIEW_ERRORS = {"reviewer_is_submitter", "case_already_decided", "reason_required",
                 "reason_contains_personal_data", "validation_error", "case_not_found"}
# the query-string fields the queue page keeps in its links (filters and sort)
QUERY_FIELDS = ("status", "kind", "category", "rule", "severity", "submitter", "content_id", "from", "to",
                "sort", "min_age_hours")


def _query() -> tuple[dict[str, Any], dict[str, str], set[str]]:
    """The API's own query schema over the page's query string: its loaded values, the raw values kept
    in the form and links, and the fields that were refused (left out of the filter, marked on the form)."""
    from ...review.schemas import CaseListQuery

    raw = {k: v.strip() for k in QUERY_FIELDS if (v := request.args.get(k, "")).strip()}
    given = {k: v for k, v in raw.items() if k != "min_age_hours"}
    if request.args.get("cursor"):
        given["cursor"] = request.args["cursor"]
    schema = CaseListQuery()
    bad: set[str] = set()
    while True:
        try:
            return {**schema.load({**given, "limit": PAGE}), "min_age_hours": _hours(raw, bad)}, raw, bad
        except ValidationError as err:
            refused = set(err.messages) & set(given)
            if not refused:
                raise
            bad |= refused
            given = {k: v for k, v in given.items() if k not in refused}


def _hours(raw: dict[str, str], bad: set[str]) -> float:
    try:
        return max(0.0, float(raw.get("min_age_hours") or 0))
    except ValueError:
        bad.add("min_age_hours")
        return 0.0


@bp.get("/review")
@console_roles("review.list_cases", Role.REVIEWER)
def review_queue() -> str:
    from ...review.queue import SEVERITIES, SORTS
    from ...review.schemas import queue_filter
    from ...review.service import CASE_KINDS

    query, raw, bad = _query()
    flt = queue_filter(query)
    now = utcnow()
    if query["min_age_hours"]:  # "waiting at least": opened before now minus that
        limit = now - timedelta(hours=query["min_age_hours"])
        flt = replace(flt, until=min(flt.until, limit) if flt.until else limit)
    queue = services().review.queue
    with services().db.sessions() as session:
        try:
            page = queue.page(session, flt, sort=query["sort"], limit=PAGE, cursor=query["cursor"], now=now)
        except ApiError as err:  # a cursor of another sort or a mangled one: the first page, marked
            if err.code != "invalid_cursor":
                raise
            bad.add("cursor")
            page = queue.page(session, flt, sort=query["sort"], limit=PAGE, now=now)
        rows = [{"row": r, "case": r.case, "hours": r.age.total_seconds() / 3600} for r in page.rows]
    keep = {k: v for k, v in raw.items() if k not in bad}
    return render_template("console/review_queue.html", area="review", rows=rows, page=page, raw=raw,
                           bad=bad, keep=keep, status=query["status"], kinds=CASE_KINDS,
                           severities=SEVERITIES, sorts=SORTS)


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
        elif isinstance(inner, list) and name == "categories":
            out[name] = codes("category", inner)
        elif isinstance(inner, list) and name == "qualifications":
            out[name] = "; ".join(" ".join(filter(None, (codes("qualification", [q.get("type")]), q.get("number"),
                                                         when(q.get("valid_until")))))
                                  for q in inner if isinstance(q, dict))
        elif isinstance(inner, list):
            out[name] = ", ".join(str(v) if not isinstance(v, dict) else json.dumps(v, ensure_ascii=False)
                                  for v in inner)
        elif inner is not None and (name.endswith("_at") or name.endswith("valid_until")):
            out[name] = when(inner)  # a time or date, in the console's zone and language
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
    from ...review.queue import masked_identifier

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
        audit_links = {name: url_for("console.audit_entries", subject_id=subject_id)
                       for name, (_type, subject_id) in service.audit_subjects(case).items()}
        content_id = masked_identifier(case.subject_id)
        html = render_template(
            "console/review_case.html", area="review", case=case, findings=findings,
            content_id=content_id, content_id_masked=content_id != case.subject_id,
            due_at=service.queue.due_at(case), sla_hours=service.policy.sla_hours(case.kind),
            audit_links=audit_links,
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
