"""From findings to a decision: severity → action through the policy, and the fail-closed path.

``evaluate`` never raises for a problem inside the engine: it returns ``review`` with an
``ENGINE_ERROR`` finding and logs the error type (never the text), so a bug can delay content but
can never let it through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

import structlog

from ..ids import new_id
from .loader import Rulebook
from .model import ACTIONS, ENGINE_ERROR, Decision, Finding, Policy, ScreenInput, action_for

__all__ = ["evaluate", "decide", "engine_error_finding"]

log = structlog.get_logger("riskguard.rulebook")
_RANK = {a: i for i, a in enumerate(ACTIONS)}


def today() -> date:
    return datetime.now(UTC).date()


def engine_error_finding(text: str) -> Finding:
    return Finding(rule_id=ENGINE_ERROR, law="", article="", severity="high", start=0, end=0, matched="",
                   message="内部错误：本内容未能完成自动审核，已转人工复核",
                   suggestion="无需修改；请等待人工复核结果", action="review", via="engine")


def decide(policy: Policy, findings: Sequence[Finding], rule_actions: dict[str, str | None]
           ) -> tuple[str, list[Finding]]:
    """The strictest action of the findings (the rule's own ``action`` wins over the severity map),
    raised by the policy's count thresholds; findings beyond ``max_findings`` are dropped, least
    serious first."""
    decided: list[Finding] = []
    strictest = 0
    for f in findings:
        action = action_for(rule_actions.get(f.rule_id), f.severity, policy.actions)
        decided.append(f if f.action == action else replace(f, action=action))
        strictest = max(strictest, _RANK[action])
    counted = len(decided)
    if policy.block_at_findings and counted >= policy.block_at_findings:
        strictest = _RANK["block"]
    elif policy.review_at_findings and counted >= policy.review_at_findings:
        strictest = max(strictest, _RANK["review"])
    if counted > policy.max_findings:  # keep the most serious
        decided.sort(key=lambda f: (-_RANK[f.action], f.start))
        decided = decided[:policy.max_findings]
    # Ties broken as that sort would have left them, so the order is the same whether it ran or not.
    return ACTIONS[strictest], sorted(decided, key=lambda f: (f.start, f.end, f.rule_id, -_RANK[f.action]))


def evaluate(book: Rulebook, item: ScreenInput, *, policy: str | None = None,
             as_of: date | None = None) -> Decision:
    """Screen one item with the policy named (or the kind's default); fail closed on engine errors."""
    chosen = book.policy_for(item.kind, policy)  # KeyError: the caller validates names first
    day = item.published_at or as_of or today()
    decision_id = new_id("dec")
    try:
        findings = book.engine(chosen.name).findings(item, day, chosen.actions)
        verdict, kept = decide(chosen, findings, book.rule_actions)
        if verdict == "allow" and chosen.model is not None and chosen.model_review_at is not None:
            # the claim model only ever raises allow to review (model_stage.py)
            found = book.models[chosen.model].finding(item.text, day, chosen.model_review_at)
            if found is not None:
                verdict = "review"
                kept = sorted([*kept, found], key=lambda f: (f.start, f.end, f.rule_id, -_RANK[f.action]))
    except Exception as exc:  # noqa: BLE001 - fail closed: any engine fault means a human looks
        log.error("screening.engine_error", decision_id=decision_id, error_type=type(exc).__name__,
                  policy=chosen.name, revision=book.revision)
        verdict, kept = "review", [engine_error_finding(item.text)]
    return Decision(decision_id=decision_id, decision=verdict, policy=chosen.name,
                    policy_revision=book.revision, kind=item.kind, category=item.category,
                    findings=tuple(kept), subject_id=item.id)
