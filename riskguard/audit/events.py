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
    REVIEW_DECIDED = "review:case:decided"
    KEY_CREATED = "auth:key:created"
    KEY_REVOKED = "auth:key:revoked"
    POLICY_LOADED = "rulebook:policy:loaded"


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
