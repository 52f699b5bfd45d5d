"""From findings to a decision: severity → action through the policy, and the fail-closed path.

``evaluate`` never raises for a problem inside the engine: it returns ``review`` with an
``ENGINE_ERROR`` finding and logs the error type (never the text), so a bug can delay content but
can never let it through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import cast

import structlog

from ..ids import new_id
from .loader import Rulebook
from .model import ACTIONS, ENGINE_ERROR, Decision, Finding, Policy, ScreenInput, action_for

__all__ = ["evaluate", "reevaluate", "decide", "engine_error_finding"]

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
    return _decided(book, chosen, item, item.published_at or as_of or today())


def reevaluate(book: Rulebook, item: ScreenInput, base: Decision, base_book: Rulebook, *,
               policy: str | None = None) -> Decision | None:
    """What ``evaluate(book, item, policy=policy)`` answers, from ``base``: the decision ``base_book`` made
    on the same item; None when ``base`` cannot tell (then screen the item: ``evaluate``). A candidate
    revision usually changes a policy, not the rules: when both rulebooks have the same rule files and the
    two policies select the same rules, the engine would find what it found for ``base``, so only the
    policy is applied again (and the claim model asked only if ``base`` did not ask it the same question).
    Not when the rules differ, or ``base`` may have lost findings to its ``max_findings`` or is an engine
    error."""
    chosen = book.policy_for(item.kind, policy)
    known = _reusable(book, chosen, base, base_book)
    return None if known is None else _decided(book, chosen, item, item.published_at or today(), known)


_ASK = object()  # _conclude's ``model``: ask the claim model if the verdict calls for it


def _reusable(book: Rulebook, chosen: Policy, base: Decision, base_book: Rulebook
              ) -> tuple[list[Finding], Finding | None | object] | None:
    """``base``'s rule findings and what to do about the claim model, if they stand for ``chosen``'s."""
    if (not book.rules_revision or book.rules_revision != base_book.rules_revision
            or base.policy_revision != base_book.revision or base.policy not in base_book.policies):
        return None
    was = base_book.policies[base.policy]
    if (frozenset(chosen.packs), chosen.exclude_rules) != (frozenset(was.packs), was.exclude_rules):
        return None
    rules = [f for f in base.findings if f.probability is None]
    modelled = [f for f in base.findings if f.probability is not None]
    if len(rules) >= min(was.max_findings, chosen.max_findings + 1) or any(f.rule_id == ENGINE_ERROR
                                                                           for f in rules):
        return None  # base may have dropped findings, or the candidate would (it breaks ties in engine order)
    asked = (was.model is not None and was.model_review_at is not None
             and (base.decision == "allow" or bool(modelled)))  # evaluate asks the model only for an allow
    same = asked and (was.model, was.model_review_at) == (chosen.model, chosen.model_review_at)
    return rules, (modelled[0] if modelled else None) if same else _ASK


def _decided(book: Rulebook, chosen: Policy, item: ScreenInput, day: date,
             known: tuple[list[Finding], Finding | None | object] | None = None) -> Decision:
    """The decision from the engine's findings (or ``known`` ones, and what to do about the model)."""
    decision_id = new_id("dec")
    try:
        findings, model = known or (book.engine(chosen.name).findings(item, day, chosen.actions), _ASK)
        verdict, kept = _conclude(book, chosen, item, day, findings, model)
    except Exception as exc:  # noqa: BLE001 - fail closed: any engine fault means a human looks
        log.error("screening.engine_error", decision_id=decision_id, error_type=type(exc).__name__,
                  policy=chosen.name, revision=book.revision)
        verdict, kept = "review", [engine_error_finding(item.text)]
    return Decision(decision_id=decision_id, decision=verdict, policy=chosen.name,
                    policy_revision=book.revision, kind=item.kind, category=item.category,
                    findings=tuple(kept), subject_id=item.id)


def _conclude(book: Rulebook, chosen: Policy, item: ScreenInput, day: date, findings: Sequence[Finding],
              model: Finding | None | object) -> tuple[str, list[Finding]]:
    """The policy applied to the engine's findings, then the claim model for an allowed text. ``model``:
    the model's finding (or None) when it is known already."""
    verdict, kept = decide(chosen, findings, book.rule_actions)
    if verdict == "allow" and chosen.model is not None and chosen.model_review_at is not None:
        # the claim model only ever raises allow to review (model_stage.py)
        found = (book.models[chosen.model].finding(item.text, day, chosen.model_review_at) if model is _ASK
                 else cast("Finding | None", model))
        if found is not None:
            verdict = "review"
            kept = sorted([*kept, found], key=lambda f: (f.start, f.end, f.rule_id, -_RANK[f.action]))
    return verdict, kept
