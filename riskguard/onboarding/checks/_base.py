"""What every check takes and returns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ..policy import OnboardingPolicy

__all__ = ["Finding", "CheckContext", "DuplicateLookup", "finding"]

# (index name, plaintext) -> ids of other applications holding that value
DuplicateLookup = Callable[[str, str], Sequence[str]]


@dataclass(frozen=True)
class Finding:
    """One reason for the decision: which check, which field, what it cites. Never personal data."""

    check: str
    field: str
    decision: str
    severity: str
    law: str
    article: str
    message: str
    rule_id: str | None = None
    start: int | None = None
    end: int | None = None
    suggestion: str | None = None
    other_application: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class CheckContext:
    application: dict[str, Any]
    as_of: date
    policy: OnboardingPolicy
    digest_key: bytes
    rulebook: Any = None
    duplicates: DuplicateLookup | None = None
    notes: dict[str, Any] = field(default_factory=dict)


def finding(ctx: CheckContext, check: str, field_name: str, **placeholders: Any) -> Finding:
    """A finding whose decision, severity, citation and message come from the policy."""
    spec = ctx.policy.checks[check]
    return Finding(check=check, field=field_name, decision=spec.decision, severity=spec.severity,
                   law=spec.law, article=spec.article, message=spec.message.format_map(
                       _Placeholders(placeholders)),
                   other_application=placeholders.get("other"))


class _Placeholders(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
