"""onboarding: the settlement account's declared type (card | account), so a stored application keeps
what decided whether its number was Luhn-checked

Revision ID: onboarding_0002
Revises: onboarding_0001
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "onboarding_0002"
down_revision = "onboarding_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("merchant_applications") as batch:
        batch.add_column(sa.Column("bank_account_type", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("merchant_applications") as batch:
        batch.drop_column("bank_account_type")
