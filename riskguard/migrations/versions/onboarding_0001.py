"""onboarding: merchant applications (personal fields as vault ciphertexts)

Revision ID: onboarding_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "onboarding_0001"
down_revision = None
branch_labels = ("onboarding",)
depends_on = "core_0001"

PERSONAL = ("uscc", "legal_rep_name", "legal_rep_id_number", "legal_rep_phone", "contact_phone",
            "bank_account", "bank_account_holder", "registered_address")


def upgrade() -> None:
    op.create_table(
        "merchant_applications",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("legal_rep_subject_id", sa.String(128), nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("business_name", sa.String(200), nullable=False),
        sa.Column("store_name", sa.String(100), nullable=False),
        sa.Column("store_description", sa.Text(), nullable=False),
        sa.Column("business_license_valid_until", sa.Date(), nullable=True),
        sa.Column("bank_name", sa.String(100), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("qualifications", sa.JSON(), nullable=False),
        *[sa.Column(name, sa.LargeBinary(), nullable=True) for name in PERSONAL],
        sa.Column("decision_id", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("policy_revision", sa.String(80), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("review_case_id", sa.String(40), nullable=True),
        sa.Column("final_decision", sa.String(16), nullable=True),
        sa.Column("final_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("decision_id", name="uq_merchant_applications_decision_id"),
    )
    op.create_index("ix_merchant_applications_legal_rep_subject_id", "merchant_applications",
                    ["legal_rep_subject_id"])


def downgrade() -> None:
    op.drop_table("merchant_applications")
