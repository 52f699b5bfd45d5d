"""Rule details (law, article, fix hint) from the rulebook for findings that carry only a rule id."""

from __future__ import annotations

from typing import Any

from ...http import services

__all__ = ["rule_details"]


def rule_details(rule_id: str | None) -> dict[str, Any]:
    """``law``, ``article``, ``message``, ``suggestion`` of a loaded rule, or {} when unknown."""
    if not rule_id:
        return {}
    rules = getattr(services().rulebook, "rules", None)
    rule = None
    if isinstance(rules, dict):
        rule = rules.get(rule_id)
    elif rules is not None:
        rule = next((r for r in rules if getattr(r, "id", None) == rule_id), None)
    if rule is None:
        return {}
    citation = getattr(rule, "citation", None)
    return {k: v for k, v in {
        "law": getattr(citation, "short", None) or getattr(citation, "law", None),
        "article": getattr(citation, "article", None),
        "message": getattr(rule, "message", None),
        "suggestion": getattr(rule, "suggestion", None),
        "severity": getattr(rule, "severity", None),
    }.items() if v}
