"""What an audit entry says: the event recorded by every domain in the same transaction as its writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Action", "AuditEvent"]


class Action(StrEnum):
    """Event tags, ``source:subject:action``."""

    SCREENING_DECIDED = "screening:content:decided"
    CATALOGUE_RESCREENED = "screening:catalogue:rescreened"
    REVIEW_CASE_OPENED = "review:case:opened"
    REVIEW_DECIDED = "review:case:decided"
    MERCHANT_DECIDED = "onboarding:application:decided"
    PAYOUT_BATCH_CHECKED = "payouts:batch:checked"
    PAYOUT_OVERRIDDEN = "payouts:payout:overridden"
    PAYOUT_BATCH_APPROVED = "payouts:batch:approved"
    PII_DETECTED = "privacy:text:scanned"
    PRIVACY_REVEALED = "privacy:record:revealed"
    PRIVACY_ERASED = "privacy:subject:erased"
    PRIVACY_PURGED = "privacy:retention:purged"
    PRIVACY_LOOKED_UP = "privacy:subject:looked_up"
    PRIVACY_EXPORTED = "privacy:subject:exported"
    KEY_CREATED = "auth:key:created"
    KEY_REVOKED = "auth:key:revoked"
    KEK_ROTATED = "vault:kek:rotated"
    KEK_REWRAPPED = "vault:kek:rewrapped"
    KEK_RETIRED = "vault:kek:retired"
    POLICY_LOADED = "rulebook:policy:loaded"
    RULES_PROMOTED = "rulebook:revision:promoted"
    RULES_ROLLED_BACK = "rulebook:revision:rolled_back"
    RULES_SHADOWED = "rulebook:revision:shadowed"
    RULES_TESTED = "rulebook:revision:tested"
    RULES_DIFFED = "rulebook:revision:diffed"
    AUDIT_QUERIED = "audit:entries:queried"
    AUDIT_EXPORTED = "audit:entries:exported"
    AUDIT_REPORT_RUN = "audit:report:run"
    AUDIT_CHECKPOINT = "audit:checkpoint:signed"


@dataclass(frozen=True)
class AuditEvent:
    """One fact for the trail. Holds identifiers and keyed digests, never raw personal data or text.

    ``links`` points at earlier entries or decisions, e.g. ``{"overrides": "dec_..."}`` for a human
    decision on an automated one.
    """

    action: str
    actor: str
    subject_type: str
    subject_id: str
    decision: str | None = None
    rule_ids: Sequence[str] = ()
    policy_revision: str | None = None
    input_digest: str | None = None
    reason: str | None = None
    links: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
