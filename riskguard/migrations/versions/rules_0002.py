"""rules: counts of shadow samples that were dropped (queue full, failed batch), per candidate

Revision ID: rules_0002
Revises: rules_0001
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "rules_0002"
down_revision = "rules_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_shadow_drops",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("candidate_revision", sa.String(64), nullable=False),
        sa.Column("dropped", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rule_shadow_drops_candidate_revision", "rule_shadow_drops", ["candidate_revision"])


def downgrade() -> None:
    op.drop_table("rule_shadow_drops")
