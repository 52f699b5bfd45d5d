"""payouts: indexes for listing batches newest first (all, or by status)

Revision ID: payouts_0002
Revises: payouts_0001
Create Date: 2026-12-05
"""
from alembic import op

revision = "payouts_0002"
down_revision = "payouts_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_payout_batches_created", "payout_batches", ["created_at", "id"])
    op.create_index("ix_payout_batches_status_created", "payout_batches", ["status", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_payout_batches_status_created", table_name="payout_batches")
    op.drop_index("ix_payout_batches_created", table_name="payout_batches")
