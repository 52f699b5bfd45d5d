"""payouts: checked batches, their payouts, overrides

Revision ID: payouts_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "payouts_0001"
down_revision = None
branch_labels = ("payouts",)
depends_on = "core_0001"

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "payout_batches",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("preparer", sa.String(64), nullable=False, index=True),
        sa.Column("policy_revision", sa.String(80), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("input_digest", sa.String(100), nullable=False),
        sa.Column("data_quality", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_entry", sa.String(40), nullable=True),
        sa.Column("approved_by", sa.String(64), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approval_entry", sa.String(40), nullable=True),
    )
    op.create_table(
        "payout_items",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(40), sa.ForeignKey("payout_batches.id"), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("payout_id", sa.String(200), nullable=True),
        sa.Column("payee_id", sa.String(200), nullable=True),
        sa.Column("payee_type", sa.String(200), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(200), nullable=True),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bank_account_token", sa.String(200), nullable=True),
        sa.Column("bank_account_changed_by", sa.String(200), nullable=True),
        sa.Column("upline_payee_id", sa.String(200), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_payout_items_batch_row", "payout_items", ["batch_id", "row"], unique=True)
    op.create_index("ix_payout_items_paid_at", "payout_items", ["paid_at"])
    op.create_table(
        "payout_overrides",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(40), sa.ForeignKey("payout_batches.id"), nullable=False, index=True),
        sa.Column("item_id", _ID, sa.ForeignKey("payout_items.id"), nullable=False),
        sa.Column("payout_id", sa.String(200), nullable=False),
        sa.Column("original_decision", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audit_entry", sa.String(40), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("payout_overrides")
    op.drop_index("ix_payout_items_paid_at", table_name="payout_items")
    op.drop_index("ix_payout_items_batch_row", table_name="payout_items")
    op.drop_table("payout_items")
    op.drop_table("payout_batches")
