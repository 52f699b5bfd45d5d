"""onboarding: an index for the applications one key submitted, newest first (keyset pages of
``GET /v1/merchants/applications`` and the console's list)

Revision ID: onboarding_0003
Revises: onboarding_0002
Create Date: 2026-12-05
"""
from alembic import op

revision = "onboarding_0003"
down_revision = "onboarding_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_merchant_applications_submitted_by_created_id", "merchant_applications",
                    ["submitted_by", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_merchant_applications_submitted_by_created_id", table_name="merchant_applications")
