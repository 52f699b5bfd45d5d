"""Storage of merchant applications: personal fields sealed by the vault (per-subject keys, blind
indexes for duplicate search); the rest, and the decision, in plain columns. The store name and
description are stored with personal data masked by ``*`` (same length, so findings' spans hold)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..privacy.vault import Encrypted, VaultRecord

__all__ = ["MerchantApplication", "PERSONAL_FIELDS"]

# attribute -> blind index (policies/privacy.yaml); duplicates are sought through these
BLIND_INDEXES = {
    "uscc": "uscc",
    "legal_rep_id_number": "id_number",
    "legal_rep_phone": "phone",
    "contact_phone": "phone",
    "bank_account": "bank_account",
}
PERSONAL_FIELDS = ("uscc", "legal_rep_name", "legal_rep_id_number", "legal_rep_phone", "contact_phone",
                   "bank_account", "bank_account_holder", "registered_address")


class MerchantApplication(VaultRecord, Base):
    """One submitted application. ``legal_rep_subject_id`` is the representative as a data subject:
    the same person's applications share it, and erasing it shreds all of their personal fields."""

    __tablename__ = "merchant_applications"
    __vault_subject__ = "legal_rep_subject_id"
    __vault_record_type__ = "merchant_application"
    __vault_blind_indexes__ = BLIND_INDEXES
    # the applications one key submitted, newest first (onboarding/listing.py)
    __table_args__ = (Index("ix_merchant_applications_submitted_by_created_id", "submitted_by", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    legal_rep_subject_id: Mapped[str] = mapped_column(String(128), index=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    business_name: Mapped[str] = mapped_column(String(200))
    store_name: Mapped[str] = mapped_column(String(100))
    store_description: Mapped[str] = mapped_column(Text)
    business_license_valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    bank_name: Mapped[str] = mapped_column(String(100))
    bank_account_type: Mapped[str | None] = mapped_column(String(16), nullable=True)  # card | account | None
    categories: Mapped[list[str]] = mapped_column(JSON)
    qualifications: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # personal data: sealed by the vault
    uscc: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    legal_rep_name: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    legal_rep_id_number: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    legal_rep_phone: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    contact_phone: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    bank_account: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    bank_account_holder: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    registered_address: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    # the automated decision, and the human one if it went to review
    decision_id: Mapped[str] = mapped_column(String(64), unique=True)
    decision: Mapped[str] = mapped_column(String(16))
    policy_revision: Mapped[str] = mapped_column(String(80))
    evaluated_on: Mapped[date] = mapped_column(Date)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    review_case_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    final_decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    final_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
