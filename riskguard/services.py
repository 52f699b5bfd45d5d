"""The composition root: every service riskguard has, built from :class:`Settings` in one place.

``build_services(settings)`` returns a typed :class:`Services`. Each service is built the first time it
is asked for, from the services it needs, passed as constructor arguments; so a CLI command that needs
only the vault loads no rulebook and no PII models, while ``create_app`` asks for all of them at start
(``Services.build_all``) so that a broken rule pack or policy fails the start-up, not the first request.
Hooks between domains are wired here and nowhere else: screening's review decisions open review cases
(``decision_hooks``), and a decided onboarding case updates its application (``review`` ↔
``onboarding``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .config import Settings
from .db import Database
from .files import private_dir
from .keyring import Keyring

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .audit.service import AuditLog
    from .console.sessions import SessionStore
    from .metrics import Metrics
    from .onboarding.service import OnboardingService
    from .payouts.approvals import ApprovalService
    from .payouts.service import PayoutService
    from .privacy.pii.service import PiiService
    from .privacy.vault import Vault
    from .ratelimit import RateLimits
    from .review import ReviewService
    from .revisions.active import ActiveRulebook
    from .revisions.service import RuleRevisions
    from .revisions.shadow import ShadowRunner
    from .rulebook import Rulebook

__all__ = ["Services", "build_services", "DecisionHook"]

# Asked after each screening decision, before it is recorded: the write it needs (opening a case) or None.
DecisionHook = Callable[[Any, Any, Any], "Callable[[Session], None] | None"]


class Services:
    """The services of one app or one CLI run, over one database and one keyring."""

    def __init__(self, settings: Settings, *, keyring: Keyring | None = None, db: Database | None = None) -> None:
        self.settings = settings
        if keyring is not None:
            self.__dict__["keyring"] = keyring
        if db is not None:
            self.__dict__["db"] = db

    # -- foundations --------------------------------------------------------------------------
    @cached_property
    def db(self) -> Database:
        if self.settings.data_dir.is_dir():  # the database and keyring live there: not for other users
            private_dir(self.settings.data_dir)
        return Database(self.settings.sqlalchemy_url)

    @cached_property
    def keyring(self) -> Keyring:
        """The master key from the environment if set, otherwise the keyring file (``riskguard init``)."""
        if self.settings.master_key:
            return Keyring.from_master_key(self.settings.master_key)
        return Keyring.load(self.settings.keyring_path)

    @property
    def address_keep(self) -> str:
        """What a masked address keeps (policies/privacy.yaml ``address_mask``)."""
        return self.vault.policy.address_keep

    # -- domains ------------------------------------------------------------------------------
    @cached_property
    def audit(self) -> AuditLog:
        from .audit.service import AuditLog

        def personal(identifier: str) -> bool:  # the PII package is imported only if an id needs it
            from .privacy.pii.fields import identifier_is_personal

            return identifier_is_personal(identifier)

        return AuditLog.create(self.db, self.keyring, self.settings, personal)

    @property
    def rulebook(self) -> Rulebook:
        """The rulebook to screen with now (take it once per request): the active stored revision,
        swapped in when a promote or rollback moves it, or the rule files until one is promoted."""
        return self.active_rules.book

    @cached_property
    def active_rules(self) -> ActiveRulebook:
        from .revisions.active import ActiveRulebook

        def files() -> Rulebook:
            from .rulebook import load_rulebook

            return load_rulebook(self.settings.rules_dir, self.settings.policies_dir)

        return ActiveRulebook(self.rule_revisions, files, interval=self.settings.rules_refresh_seconds)

    @cached_property
    def rule_revisions(self) -> RuleRevisions:
        from .revisions.service import RuleRevisions

        return RuleRevisions(self.db, self.audit, data_dir=self.settings.data_dir,
                             policies_dir=self.settings.policies_dir)

    @cached_property
    def shadow(self) -> ShadowRunner:
        """Screens a sample of answered requests with the shadow candidate, if one is set."""
        from .revisions.shadow import ShadowRunner

        return ShadowRunner(self.db, self.keyring.secret("digest"), lambda: self.active_rules.shadow,
                            on_drop=self.metrics.shadow_drop)

    @cached_property
    def vault(self) -> Vault:
        from .privacy.vault import bind_vault, build_vault

        vault = build_vault(self.settings, self.keyring)
        bind_vault(self.db, vault)  # every session of this database finds it (Encrypted columns)
        return vault

    @cached_property
    def pii(self) -> PiiService:
        from .privacy.pii.service import PiiService

        return PiiService(self.keyring.secret("digest"), address_keep=self.address_keep)

    @cached_property
    def review(self) -> ReviewService:
        return self._review_and_onboarding[0]

    @cached_property
    def onboarding(self) -> OnboardingService:
        return self._review_and_onboarding[1]

    @cached_property
    def _review_and_onboarding(self) -> tuple[ReviewService, OnboardingService]:
        """Built together: a decided onboarding case must update its application, whoever asked first."""
        from .onboarding.models import MerchantApplication
        from .onboarding.policy import load_policy
        from .onboarding.service import SUBJECT_TYPE, OnboardingService, privacy_masker
        from .privacy.vault import register_record_type
        from .review import ReviewService
        from .review.policy import load_policy as load_review_policy
        from .review.service import CASE_KINDS

        review = ReviewService(self.audit, load_review_policy(self.settings.policies_dir, CASE_KINDS))
        onboarding = OnboardingService(load_policy(self.settings.policies_dir), review, self.audit,
                                       address_keep=self.address_keep)
        review.on_decided(SUBJECT_TYPE, onboarding.apply_review)
        masker = privacy_masker(self.vault.policy)

        def subject_view(session: Session, subject_id: str) -> Any:
            row = session.get(MerchantApplication, subject_id)
            return None if row is None else onboarding.masked_view(session, row, masker)

        review.register_subject_view(SUBJECT_TYPE, subject_view)
        register_record_type(MerchantApplication)
        return review, onboarding

    @cached_property
    def decision_hooks(self) -> list[DecisionHook]:
        """What screening asks after each decision: a ``review`` decision opens a review case."""
        from .review.hooks import screening_hook

        return [screening_hook(self.review, address_keep=self.address_keep)]

    @cached_property
    def payouts(self) -> PayoutService:
        from .payouts.policy import load_policy
        from .payouts.service import PayoutService

        return PayoutService(db=self.db, policy=load_policy(self.settings.policies_dir), keyring=self.keyring,
                             audit=self.audit)

    @cached_property
    def approvals(self) -> ApprovalService:
        from .payouts.approvals import ApprovalService

        return ApprovalService(db=self.db, keyring=self.keyring, audit=self.audit)

    @cached_property
    def console_sessions(self) -> SessionStore:
        from datetime import timedelta

        from .console.sessions import MAX_LIFETIME, SessionStore

        return SessionStore(self.db, idle=timedelta(seconds=self.settings.console_idle_seconds),
                            lifetime=MAX_LIFETIME)

    @cached_property
    def rate_limits(self) -> RateLimits:
        """The policy's limits over Redis (``RISKGUARD_REDIS_URL``) or this process's memory."""
        from .ratelimit import LOCAL_STORAGE_URI, RateLimits, load_policy

        return RateLimits(load_policy(self.settings.policies_dir),
                          storage_uri=self.settings.redis_url or LOCAL_STORAGE_URI,
                          key_prefix=self.settings.rate_limit_prefix, address_secret=self.keyring.secret("digest"))

    @cached_property
    def metrics(self) -> Metrics:
        """Request and decision counters, and the state gauges read from this database (``/metrics``)."""
        from .metrics import Metrics

        return Metrics(self.db, multiprocess=self.settings.metrics_multiproc_dir is not None)

    def record_policy_load(self) -> str | None:
        """Record ``rulebook:policy:loaded`` if the log has not seen this process's rules and policies
        (``create_app`` does at start; fails the start if it cannot be recorded). Off with the setting
        ``audit_policy_loads: false`` (tests whose logs must start empty)."""
        if not (self.settings.extra or {}).get("audit_policy_loads", True):
            return None
        from .rulebook.loaded import policy_set, record_if_new

        book = self.rulebook
        rules_dir, policies_dir = self.active_rules.folders() or (self.settings.rules_dir,
                                                                 self.settings.policies_dir)
        return record_if_new(self.audit, policy_set(rules_dir, policies_dir, book.revision))

    def build_all(self) -> Services:
        """Build every service now (the app does, so that bad rules or policies stop the start-up)."""
        for name in ("db", "keyring", "audit", "rulebook", "vault", "pii", "review", "onboarding",
                     "decision_hooks", "payouts", "approvals", "rate_limits", "metrics"):
            getattr(self, name)
        return self


def build_services(settings: Settings, *, keyring: Keyring | None = None, db: Database | None = None) -> Services:
    """The one place services are built from settings (``create_app`` and every CLI command); ``db``
    for a caller that needs other engine options (the sequencer process: one connection)."""
    return Services(settings, keyring=keyring, db=db)
