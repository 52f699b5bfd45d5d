"""Screening as a service: decide (no I/O), then record every decision in one transaction.

``screen_text`` is the entry point for other domains (onboarding screens store names with it): no
database, no audit. ``screen_and_record`` is what the API does: decisions are made first, then each is
recorded with ``audit.transaction()`` (the :class:`AuditLog` it is given) inside ONE transaction, with
the writes the decision hooks ask for; if that fails the caller gets :class:`AuditUnavailable` and must
not return any decision.

A decision hook looks at a decision without I/O and returns the write it needs (a function of a
Session, run in the decision's transaction) or None. Most decisions need none: the audit transaction
then takes its cheapest path by itself (see :mod:`riskguard.audit.recorder`); only when some hook has a
write (review opens a case) does it open a Session.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import structlog
from sqlalchemy.orm import Session

from ..audit import Action, AuditEvent, AuditLog, AuditUnavailable
from ..auth import Actor
from ..ids import keyed_digest
from ..rulebook import CATEGORY_PATTERN, KINDS, Decision, Rulebook, ScreenInput, evaluate

__all__ = ["screen_text", "screen_and_record", "to_input", "DecisionHook", "DecisionWrite", "AuditUnavailable"]

log = structlog.get_logger("riskguard.screening")
DecisionWrite = Callable[[Session], None]
DecisionHook = Callable[[Decision, ScreenInput, Actor], DecisionWrite | None]


def screen_text(rulebook: Rulebook, *, kind: str, text: str, category: str = "general",
                policy: str | None = None, **flags: Any) -> Decision:
    """Screen one text with no database and no audit (for other domains and offline use).

    ``flags``: ``has_purchase_link``, ``labelled_as_ad``, ``registration_numbers``, ``published_at``
    (a date), ``id``, and ``as_of`` (the day for article numbering when ``published_at`` is absent).
    Engine faults give ``review`` with an ``ENGINE_ERROR`` finding, never an exception or ``allow``.
    """
    as_of = flags.pop("as_of", None)
    return evaluate(rulebook, to_input(kind=kind, text=text, category=category, **flags), policy=policy,
                    as_of=as_of)


def to_input(*, kind: str, text: str, category: str = "general", has_purchase_link: bool = False,
             labelled_as_ad: bool = False, registration_numbers: Sequence[str] = (),
             published_at: date | None = None, id: str | None = None) -> ScreenInput:  # noqa: A002
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if not re.fullmatch(CATEGORY_PATTERN, category):
        raise ValueError(f"malformed category {category!r}")
    return ScreenInput(text=text, kind=kind, category=category, has_purchase_link=has_purchase_link,
                       labelled_as_ad=labelled_as_ad, registration_numbers=tuple(registration_numbers),
                       published_at=published_at, id=id)


def screen_and_record(*, audit: AuditLog, rulebook: Rulebook, digest_key: bytes, actor: Actor,
                      items: Sequence[ScreenInput], policy: str | None = None,
                      hooks: Sequence[DecisionHook] = ()) -> list[Decision]:
    """Decide every item, then record all decisions (and the hooks' writes) in one transaction."""
    decisions = [evaluate(rulebook, item, policy=policy) for item in items]
    try:
        # Hooks do no I/O: ask them before the transaction, so it holds the write lock only to write.
        writes = [w for decision, item in zip(decisions, items, strict=True) for hook in hooks
                  if (w := hook(decision, item, actor)) is not None]
        with audit.transaction() as tx:  # AuditUnavailable (fail closed) if it cannot commit
            for decision, item in zip(decisions, items, strict=True):
                tx.record(AuditEvent(
                    action=Action.SCREENING_DECIDED, actor=actor.ref, subject_type=item.kind,
                    subject_id=item.id or decision.decision_id, decision=decision.decision,
                    rule_ids=decision.rule_ids, policy_revision=decision.policy_revision,
                    input_digest=keyed_digest(digest_key, item.text),
                    details={"decision_id": decision.decision_id, "kind": item.kind, "category": item.category,
                             "policy": decision.policy, "findings": len(decision.findings)}))
            for write in writes:
                write(tx.session)
    except AuditUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - a hook's write is part of the record: without it, no decision
        log.error("screening.hook_failed", error_type=type(exc).__name__, items=len(items))
        raise AuditUnavailable("the decision could not be recorded; nothing was decided") from None
    for decision in decisions:
        log.info("screening.decided", decision_id=decision.decision_id, kind=decision.kind,
                 decision=decision.decision, rules=decision.rule_ids, policy=decision.policy,
                 revision=decision.policy_revision[:16])
    return decisions
