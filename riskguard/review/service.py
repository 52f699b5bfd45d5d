"""The review queue: cases opened from automated ``review`` decisions, settled by a human.

Other domains open cases inside their own transaction (the decision, its audit entry and the case
commit together) and may register two hooks per case kind: ``on_decided`` (apply the human outcome to
their own records, in the reviewer's transaction) and ``subject_view`` (a masked view of the subject
for the reviewer). The review domain never reads another domain's tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import Action, AuditEvent, AuditLog
from ..errors import BadRequest, Conflict, Forbidden, NotFound
from ..ids import new_id, utcnow
from ..privacy.pii.fields import refuse_personal_data
from ..transitions import transition
from .models import CaseStatus, LabelType, ReviewCase, ReviewCaseLabel
from .policy import ReviewPolicy
from .queue import SEVERITIES, ReviewQueue

__all__ = ["CaseRequest", "ReviewService", "HUMAN_DECISIONS", "CASE_KINDS", "SEVERITIES", "severity_rank"]

log = structlog.get_logger("riskguard.review")

HUMAN_DECISIONS = ("allow", "block")
CASE_KINDS = ("merchant_application", "ad", "listing", "livestream")


OutcomeHook = Callable[[Session, ReviewCase], None]
SubjectView = Callable[[Session, str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class CaseRequest:
    """What a domain hands over to queue one automated decision for a human."""

    kind: str
    subject_type: str
    subject_id: str
    decision_id: str
    automated_decision: str
    submitted_by: str
    policy_revision: str | None = None
    categories: Sequence[str] = ()
    rule_ids: Sequence[str] = ()
    articles: Sequence[str] = ()
    findings: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    # the reviewed text, personal data already masked by the caller (length-preserving); never raw
    content: str | None = None


def top_severity(findings: Sequence[Mapping[str, Any]]) -> str | None:
    ranks = [SEVERITIES.index(f["severity"]) for f in findings if f.get("severity") in SEVERITIES]
    return SEVERITIES[min(ranks)] if ranks else None


def severity_rank(severity: str | None) -> int:
    """0 for critical … 4 for info, 5 for none: the queue sorts by this number."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


class ReviewService:
    def __init__(self, audit: AuditLog, policy: ReviewPolicy | None = None) -> None:
        self.audit = audit
        self.policy = policy or ReviewPolicy()
        self.queue = ReviewQueue(self.policy)
        self._on_decided: dict[str, list[OutcomeHook]] = {}
        self._subject_views: dict[str, SubjectView] = {}

    # -- wiring -------------------------------------------------------------------------------
    def on_decided(self, kind: str, hook: OutcomeHook) -> None:
        self._on_decided.setdefault(kind, []).append(hook)

    def register_subject_view(self, kind: str, view: SubjectView) -> None:
        self._subject_views[kind] = view

    def _record(self, session: Session, event: AuditEvent) -> None:
        """In the caller's transaction; fails closed (``AuditUnavailable``: no entry, no decision)."""
        with self.audit.transaction(session) as tx:
            tx.record(event)

    # -- opening ------------------------------------------------------------------------------
    def open_case(self, session: Session, req: CaseRequest) -> ReviewCase:
        if req.kind not in CASE_KINDS:
            raise ValueError(f"unknown case kind {req.kind!r}")
        severity = top_severity(req.findings)
        case = ReviewCase(
            id=new_id("case"), kind=req.kind, subject_type=req.subject_type, subject_id=req.subject_id,
            decision_id=req.decision_id, automated_decision=req.automated_decision,
            policy_revision=req.policy_revision, submitted_by=req.submitted_by,
            categories=sorted(set(req.categories)), top_severity=severity, severity_rank=severity_rank(severity),
            rule_ids=sorted(set(req.rule_ids)), articles=sorted(set(req.articles)),
            findings=[dict(f) for f in req.findings], content=req.content, status=CaseStatus.OPEN,
            created_at=utcnow(),
        )
        session.add(case)
        session.flush()
        session.add_all([ReviewCaseLabel(case_id=case.id, type=type_, value=value[:128])
                         for type_, values in ((LabelType.CATEGORY, case.categories), (LabelType.RULE, case.rule_ids))
                         for value in sorted({str(v)[:128] for v in values})])
        self._record(session, AuditEvent(
            action=Action.REVIEW_CASE_OPENED, actor=req.submitted_by, subject_type="review_case",
            subject_id=case.id, decision=req.automated_decision, rule_ids=case.rule_ids,
            policy_revision=req.policy_revision, links={"decision": req.decision_id},
            details={"kind": req.kind,
                     "subject": {"type": req.subject_type, "id": self.audit.identifier(req.subject_id)},
                     "articles": case.articles},
        ))
        log.info("review.case_opened", case_id=case.id, kind=req.kind, decision_id=req.decision_id)
        return case

    # -- reading ------------------------------------------------------------------------------
    def get(self, session: Session, case_id: str) -> ReviewCase:
        case = session.get(ReviewCase, case_id)
        if case is None:
            raise NotFound("no such review case", code="case_not_found")
        return case

    def find_by_decision(self, session: Session, decision_id: str) -> ReviewCase | None:
        return session.execute(
            select(ReviewCase).where(ReviewCase.decision_id == decision_id)).scalar_one_or_none()

    def audit_subjects(self, case: ReviewCase) -> dict[str, tuple[str, str]]:
        """Where a case's audit entries are found, as (subject type, subject id) of the log: its own
        (opened, decided) and its automated decision's (the content id, as the log keeps it: a keyed
        digest when it looks personal)."""
        return {"case": ("review_case", case.id),
                "decision": (case.subject_type, self.audit.identifier(case.subject_id))}

    def subject_view(self, session: Session, case: ReviewCase) -> Mapping[str, Any] | None:
        view = self._subject_views.get(case.kind)
        return view(session, case.subject_id) if view else None

    # -- deciding -----------------------------------------------------------------------------
    def decide(self, session: Session, case_id: str, *, actor: str, decision: str,
               reason: str) -> ReviewCase:
        """Settle an open case; the audit entry links to (overrides) the automated decision."""
        if decision not in HUMAN_DECISIONS:
            raise BadRequest("decision must be allow or block", code="validation_error", field="decision")
        reason = reason.strip()
        if not reason:
            raise BadRequest("a reason is required", code="reason_required", field="reason")
        refuse_personal_data(reason, field="reason")  # the reason is recorded in the audit trail
        case = self.get(session, case_id)
        if case.submitted_by == actor:
            raise Forbidden("the submitter of a decision cannot review it", code="reviewer_is_submitter")
        if case.status != CaseStatus.OPEN:
            raise Conflict("case already decided", code="case_already_decided")
        # Of reviewers racing on one case exactly one gets past this; the others answer 409.
        transition(session, ReviewCase, ReviewCase.id == case_id, ReviewCase.status == CaseStatus.OPEN,
                   values={"status": CaseStatus.DECIDED, "decision": decision, "reason": reason,
                           "decided_by": actor, "decided_at": utcnow()},
                   conflict=Conflict("case already decided", code="case_already_decided"))
        session.refresh(case)
        self._record(session, AuditEvent(
            action=Action.REVIEW_DECIDED, actor=actor, subject_type="review_case", subject_id=case.id,
            decision=decision, rule_ids=case.rule_ids, policy_revision=case.policy_revision,
            reason=reason, links={"overrides": case.decision_id},
            details={"kind": case.kind, "subject": {"type": case.subject_type,
                                                     "id": self.audit.identifier(case.subject_id)},
                     "automated_decision": case.automated_decision, "articles": case.articles},
        ))
        for hook in self._on_decided.get(case.kind, ()):
            hook(session, case)
        log.info("review.case_decided", case_id=case.id, kind=case.kind, decision=decision,
                 overrides=case.decision_id)
        return case

