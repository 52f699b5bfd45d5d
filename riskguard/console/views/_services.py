"""Reaching the other domains' services from a page: a 503 page while a domain is missing, and rule
details (law, article, fix hint) from the rulebook for findings that carry only a rule id."""

from __future__ import annotations

from typing import Any

from ...context import get_service
from ...errors import ServiceUnavailable

__all__ = ["service_or_503", "rule_details"]


def service_or_503(name: str) -> Any:
    try:
        return get_service(name)
    except KeyError:
        raise ServiceUnavailable(f"{name} is not available", code="unavailable") from None


def rule_details(rule_id: str | None) -> dict[str, Any]:
    """``law``, ``article``, ``message``, ``suggestion`` of a loaded rule, or {} when unknown."""
    if not rule_id:
        return {}
    try:
        rulebook = get_service("rulebook")
    except KeyError:
        return {}
    rules = getattr(rulebook, "rules", None)
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
