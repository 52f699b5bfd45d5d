"""Screening's decision hook: a ``review`` decision on an ad, listing or live-stream script opens a case.
``case_request`` builds that case; ``riskguard rescreen --open-cases`` uses it for ``block`` too.

The case keeps the screened text with personal data masked character for character (the PII service's
``mask_personal_data``), so the reviewer sees the ad with each finding's span highlighted while no raw
phone, ID or card number is stored. Masking runs when screening asks the hook, before it records: if
it fails, the decision is not recorded (screening answers 503).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from ..privacy.pii.service import mask_personal_data
from .service import CASE_KINDS, CaseRequest, ReviewService

__all__ = ["screening_hook", "case_request", "finding_summary"]


def finding_summary(finding: Any) -> dict[str, Any]:
    """What a case keeps of a screening finding: ids, law, fix hint, span; never the matched text."""
    out = {"rule_id": getattr(finding, "rule_id", None), "law": getattr(finding, "law", None),
           "article": getattr(finding, "article", None), "severity": getattr(finding, "severity", None),
           "message": getattr(finding, "message", None), "suggestion": getattr(finding, "suggestion", None),
           "start": getattr(finding, "start", None), "end": getattr(finding, "end", None)}
    return {k: v for k, v in out.items() if v is not None}


def _masked(text: Any, address_keep: str) -> str | None:
    if not isinstance(text, str):
        return None
    masked = mask_personal_data(text, address_keep=address_keep)
    if len(masked) != len(text):  # the spans would point at the wrong characters: store nothing wrong
        raise RuntimeError("masking changed the length of the text")
    return masked


def case_request(decision: Any, item: Any, actor: Any, *, address_keep: str = "city") -> CaseRequest | None:
    """The case for an automated ``review`` or ``block`` decision on content a case can be about, else
    None. Masks the text (raises if masking fails: then the decision must not be recorded)."""
    verdict = getattr(decision, "decision", None)
    kind = getattr(item, "kind", None) or getattr(decision, "kind", None)
    if verdict not in ("review", "block") or kind not in CASE_KINDS:
        return None
    findings = list(getattr(decision, "findings", ()) or ())
    return CaseRequest(
        kind=kind, subject_type=kind, subject_id=str(getattr(item, "id", None) or decision.decision_id),
        decision_id=decision.decision_id, automated_decision=verdict,
        submitted_by=getattr(actor, "ref", str(actor)),
        policy_revision=getattr(decision, "policy_revision", None),
        categories=[c for c in [getattr(item, "category", None)] if c],
        rule_ids=[f.rule_id for f in findings],
        articles=[f"{f.law} {f.article}".strip() for f in findings if f.law or f.article],
        findings=[finding_summary(f) for f in findings],
        content=_masked(getattr(item, "text", None), address_keep),
    )


def screening_hook(service: ReviewService, *, address_keep: str = "city"
                   ) -> Callable[[Any, Any, Any], Callable[[Session], None] | None]:
    """For a ``review`` decision, the write that opens its case; for any other, None. ``address_keep``:
    what a masked address keeps (policies/privacy.yaml ``address_mask``)."""

    def hook(decision: Any, item: Any, actor: Any) -> Callable[[Session], None] | None:
        if getattr(decision, "decision", None) != "review":
            return None
        case = case_request(decision, item, actor, address_keep=address_keep)
        if case is None:
            return None

        def open_case(session: Session) -> None:
            service.open_case(session, case)

        return open_case

    return hook
