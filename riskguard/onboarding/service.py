"""Merchant onboarding: evaluate an application (pure), or submit it (store through the vault, decide,
audit, and queue ``review`` decisions for a human) in one transaction."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import cn_identifiers
from ..audit import Action, AuditEvent, AuditLog
from ..errors import Conflict, NotFound
from ..ids import keyed_digest, new_id, utcnow
from ..privacy.pii.service import mask_personal_data
from ..privacy.vault import find_records, is_erased, new_subject_id, subject_status
from ..privacy.vault.registry import mask
from ..review import CaseRequest, ReviewService
from ..transitions import transition
from .checks import CheckContext, DuplicateLookup, Finding, decide, run_checks
from .models import MerchantApplication
from .policy import OnboardingPolicy

__all__ = ["Evaluation", "OnboardingService", "SUBJECT_TYPE", "privacy_masker"]

log = structlog.get_logger("riskguard.onboarding")
SUBJECT_TYPE = "merchant_application"
# duplicate index -> the model attributes it covers
_DUPLICATE_ATTRIBUTES = {"uscc": ("uscc",), "legal_rep_id": ("legal_rep_id_number",),
                         "phone": ("legal_rep_phone", "contact_phone"), "bank_account": ("bank_account",)}


@dataclass(frozen=True)
class Evaluation:
    application_id: str
    decision_id: str
    decision: str
    findings: list[Finding]
    as_of: date
    policy_revision: str
    screening_revisions: list[str] = field(default_factory=list)
    review_case_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"application_id": self.application_id, "decision_id": self.decision_id,
                "decision": self.decision, "policy_revision": self.policy_revision,
                "evaluated_on": self.as_of.isoformat(), "review_case_id": self.review_case_id,
                "findings": [f.to_dict() for f in self.findings]}


def canonical_json(application: dict[str, Any]) -> str:
    return json.dumps(application, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=lambda v: v.isoformat() if isinstance(v, date) else str(v))


def privacy_masker(policy: Any) -> Callable[[str, Any], Any]:
    """Mask each personal field the way the privacy policy (policies/privacy.yaml) says, ``full`` when
    it says nothing; ``policy`` is the vault's."""
    table = MerchantApplication.__tablename__

    def apply(attribute: str, value: Any) -> Any:
        spec = policy.field(table, attribute)
        return mask(spec.mask if spec else "full", value, address_keep=policy.address_keep)

    return apply


class OnboardingService:
    def __init__(self, policy: OnboardingPolicy, review: ReviewService, audit: AuditLog, *,
                 address_keep: str = "city") -> None:
        self.policy = policy
        self.review = review
        self.audit = audit
        self.address_keep = address_keep  # what a masked address keeps (policies/privacy.yaml)

    def today(self) -> date:
        return datetime.now(self.policy.timezone).date()

    # -- deciding -----------------------------------------------------------------------------
    def evaluate(self, application: dict[str, Any], *, as_of: date, rulebook: Any, digest_key: bytes,
                 duplicates: DuplicateLookup | None = None) -> Evaluation:
        """Run every check; no storage, no audit (the CLI dry run uses this directly)."""
        ctx = CheckContext(application=application, as_of=as_of, policy=self.policy, digest_key=digest_key,
                           rulebook=rulebook, duplicates=duplicates)
        findings = run_checks(ctx)
        return Evaluation(application_id=application["id"], decision_id=new_id("dec"),
                          decision=decide(findings), findings=findings, as_of=as_of,
                          policy_revision=self.policy.revision,
                          screening_revisions=ctx.notes.get("screening_revisions", []))

    def duplicate_lookup(self, session: Session) -> DuplicateLookup:
        """Exact matches through the vault's blind indexes (candidates confirmed by decryption)."""

        def lookup(index: str, value: str) -> Sequence[str]:
            found: set[str] = set()
            for attribute in _DUPLICATE_ATTRIBUTES[index]:
                found.update(row.id for row in find_records(session, MerchantApplication, attribute, value))
            return sorted(found)

        return lookup

    def submit(self, session: Session, application: dict[str, Any], *, actor: str, rulebook: Any,
               digest_key: bytes) -> Evaluation:
        if session.get(MerchantApplication, application["id"]) is not None:
            raise Conflict("an application with this id was already submitted", code="application_exists",
                           field="id")
        evaluation = self.evaluate(application, as_of=self.today(), rulebook=rulebook,
                                   digest_key=digest_key, duplicates=self.duplicate_lookup(session))
        row = self._row(session, application, evaluation, actor)
        findings = [f.to_dict() for f in evaluation.findings]
        with self.audit.transaction(session) as tx:  # fails closed: AuditUnavailable, nothing stored
            tx.record(AuditEvent(
                action=Action.MERCHANT_DECIDED, actor=actor, subject_type=SUBJECT_TYPE, subject_id=row.id,
                decision=evaluation.decision, rule_ids=sorted({f.rule_id or f.check for f in evaluation.findings}),
                policy_revision=evaluation.policy_revision,
                input_digest=keyed_digest(digest_key, canonical_json(application)),
                details={"decision_id": evaluation.decision_id, "evaluated_on": evaluation.as_of.isoformat(),
                         "screening_revisions": evaluation.screening_revisions,
                         "findings": [{k: f[k] for k in ("check", "field", "decision", "severity", "law",
                                                         "article", "rule_id", "other_application") if k in f}
                                      for f in findings]}))
        case_id = None
        if evaluation.decision == "review":
            case = self.review.open_case(session, CaseRequest(
                kind=SUBJECT_TYPE, subject_type=SUBJECT_TYPE, subject_id=row.id,
                decision_id=evaluation.decision_id, automated_decision="review", submitted_by=actor,
                policy_revision=evaluation.policy_revision, categories=application["categories"],
                rule_ids=[f.rule_id or f.check for f in evaluation.findings if f.decision != "allow"],
                articles=[f"{f.law} {f.article}" for f in evaluation.findings if f.decision != "allow"],
                findings=findings))
            case_id = row.review_case_id = case.id
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise Conflict("an application with this id was already submitted", code="application_exists",
                           field="id") from None
        log.info("merchant.decided", application_id=row.id, decision_id=evaluation.decision_id,
                 decision=evaluation.decision, checks=sorted({f.check for f in evaluation.findings}),
                 review_case_id=case_id)
        return dataclasses.replace(evaluation, review_case_id=case_id)

    def _row(self, session: Session, app: dict[str, Any], ev: Evaluation, actor: str) -> MerchantApplication:
        rep, bank = app["legal_rep"], app["bank_account"]
        return MerchantApplication(
            id=app["id"], legal_rep_subject_id=self._subject_for(session, rep["id_number"]),
            submitted_by=actor, created_at=utcnow(), business_name=app["business_name"],
            # screened free text: personal data masked character for character, so the content
            # findings' start/end still index what is stored (and what the reviewer sees highlighted)
            store_name=_masked(app["store_name"], self.address_keep),
            store_description=_masked(app["store_description"], self.address_keep),
            business_license_valid_until=app["business_license_valid_until"], bank_name=bank["bank"],
            bank_account_type=bank.get("type"),
            categories=list(app["categories"]),
            qualifications=[{**q, "valid_until": q["valid_until"] and q["valid_until"].isoformat()}
                            for q in app["qualifications"]],
            # identifiers in their compact form, so that masks and reveals read the same way everywhere
            uscc=cn_identifiers.normalize_id(app["uscc"]), legal_rep_name=rep["name"],
            legal_rep_id_number=cn_identifiers.normalize_id(rep["id_number"]),
            legal_rep_phone=cn_identifiers.normalize_mobile(rep["phone"]),
            contact_phone=cn_identifiers.normalize_mobile(app["contact_phone"]),
            bank_account=cn_identifiers.normalize_card(bank["number"]),
            bank_account_holder=bank["holder"], registered_address=app["registered_address"],
            decision_id=ev.decision_id, decision=ev.decision, policy_revision=ev.policy_revision,
            evaluated_on=ev.as_of, findings=[f.to_dict() for f in ev.findings],
            final_decision=None if ev.decision == "review" else ev.decision)

    @staticmethod
    def _subject_for(session: Session, id_number: str) -> str:
        """The representative's data-subject id: reused across their applications unless erased."""
        for other in find_records(session, MerchantApplication, "legal_rep_id_number", id_number):
            if subject_status(session, other.legal_rep_subject_id) == "active":
                return other.legal_rep_subject_id
        return new_subject_id()

    # -- the human outcome --------------------------------------------------------------------
    def apply_review(self, session: Session, case: Any) -> None:
        """The reviewer's decision becomes the application's final one, once (a guarded transition; a
        case whose application is gone has nothing to apply)."""
        try:
            transition(session, MerchantApplication, MerchantApplication.id == case.subject_id,
                       MerchantApplication.final_decision.is_(None),
                       values={"final_decision": case.decision, "final_decided_at": case.decided_at},
                       conflict=Conflict("the application already has a final decision",
                                         code="application_already_decided"))
        except Conflict:
            if session.scalar(select(MerchantApplication.id).where(MerchantApplication.id == case.subject_id)):
                raise

    # -- reading ------------------------------------------------------------------------------
    def get(self, session: Session, application_id: str) -> MerchantApplication:
        row = session.execute(select(MerchantApplication).where(MerchantApplication.id == application_id)
                              ).scalar_one_or_none()
        if row is None:
            raise NotFound("no such application", code="application_not_found")
        return row

    def masked_view(self, session: Session, row: MerchantApplication, masker: Any) -> dict[str, Any]:
        def m(attribute: str) -> Any:
            value = getattr(row, attribute)
            return "ERASED" if is_erased(value) else masker(attribute, value)

        return {
            "id": row.id, "business_name": row.business_name, "store_name": row.store_name,
            "store_description": row.store_description, "uscc": m("uscc"),
            "business_license_valid_until": _iso(row.business_license_valid_until),
            "legal_rep": {"name": m("legal_rep_name"), "id_number": m("legal_rep_id_number"),
                          "phone": m("legal_rep_phone")},
            "contact_phone": m("contact_phone"),
            "bank_account": {"number": m("bank_account"), "holder": m("bank_account_holder"),
                             "bank": row.bank_name, "type": row.bank_account_type},
            "registered_address": m("registered_address"), "categories": row.categories,
            "qualifications": row.qualifications,
            "decision": {"application_id": row.id, "decision_id": row.decision_id, "decision": row.decision,
                         "policy_revision": row.policy_revision, "evaluated_on": _iso(row.evaluated_on),
                         "review_case_id": row.review_case_id, "findings": row.findings},
            "final_decision": row.final_decision, "submitted_by": row.submitted_by,
            "created_at": _iso(row.created_at),
        }


def _masked(text: str, address_keep: str) -> str:
    masked = mask_personal_data(text, address_keep=address_keep)
    if len(masked) != len(text):  # the findings' spans would point at the wrong characters
        raise RuntimeError("masking changed the length of the text")
    return masked


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
