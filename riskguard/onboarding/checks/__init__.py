"""The onboarding checks: small functions ``(CheckContext) -> [Finding]``, each reading the policy.

The decision is the strictest finding's (block > review > allow).
"""

from __future__ import annotations

from collections.abc import Callable

from ..formats import DECISIONS
from ._base import CheckContext, DuplicateLookup, Finding
from .content import check_content
from .duplicates import BatchLookup, check_duplicates, identity_values
from .identity import check_legal_rep, check_uscc
from .licences import check_business_licence, check_qualifications
from .settlement import check_phones, check_settlement

__all__ = ["BatchLookup", "CHECKS", "CheckContext", "DuplicateLookup", "Finding", "run_checks", "decide",
           "identity_values"]

Check = Callable[[CheckContext], list[Finding]]

CHECKS: tuple[Check, ...] = (
    check_uscc, check_legal_rep, check_business_licence, check_qualifications, check_content,
    check_settlement, check_phones, check_duplicates,
)


def run_checks(ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(ctx))
    return findings


def decide(findings: list[Finding]) -> str:
    return max((f.decision for f in findings), key=DECISIONS.index, default="allow")
