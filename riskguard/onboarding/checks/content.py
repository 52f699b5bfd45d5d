"""Store name and description through the rules engine (the ``listing`` screening policy)."""

from __future__ import annotations

from typing import Any

from ..formats import DECISIONS
from ._base import CheckContext, Finding

__all__ = ["check_content"]


def _cap(decision: str, cap: str | None) -> str:
    if cap is None:
        return decision
    return DECISIONS[min(DECISIONS.index(decision), DECISIONS.index(cap))]


def check_content(ctx: CheckContext) -> list[Finding]:
    """One screening per field and screening category (rules are scoped by category; a category is
    screened as the policy's ``screens_as`` says); findings deduplicated."""
    if ctx.rulebook is None:
        raise RuntimeError("content screening needs the rulebook")
    from ...screening.service import screen_text

    policy = ctx.policy
    out: list[Finding] = []
    seen: set[tuple[str, str, int, int]] = set()
    revisions: set[str] = set()
    for field_name in policy.screening_fields:
        text = ctx.application.get(field_name) or ""
        if not text.strip():
            continue
        for category in dict.fromkeys(policy.screens_as[c] for c in ctx.application["categories"]):
            result = screen_text(ctx.rulebook, kind=policy.screening_kind, text=text, category=category,
                                 policy=policy.screening_policy)
            revision = getattr(result, "policy_revision", None)
            if revision:
                revisions.add(str(revision))
            kept = [f for f in result.findings if f.rule_id not in policy.screening_ignore_rules]
            if result.decision == "allow" or not kept:
                continue
            decision = _cap(result.decision, policy.screening_cap)
            for f in kept:
                key = (field_name, f.rule_id, f.start, f.end)
                if key in seen:
                    continue
                seen.add(key)
                out.append(_from_screening(field_name, f, decision))
    ctx.notes["screening_revisions"] = sorted(revisions)
    return out


def _from_screening(field_name: str, f: Any, decision: str) -> Finding:
    """The rule's own citation and message; the matched text is left out (the caller has the text)."""
    return Finding(check="content", field=field_name, decision=decision, severity=str(f.severity),
                   law=str(f.law), article=str(f.article), message=str(f.message), rule_id=str(f.rule_id),
                   start=int(f.start), end=int(f.end),
                   suggestion=str(f.suggestion) if getattr(f, "suggestion", None) else None)
