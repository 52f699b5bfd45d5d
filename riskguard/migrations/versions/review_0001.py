"""review: the human review queue

Revision ID: review_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "review_0001"
down_revision = None
branch_labels = ("review",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "review_cases",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(128), nullable=False),
        sa.Column("decision_id", sa.String(64), nullable=False),
        sa.Column("automated_decision", sa.String(16), nullable=False),
        sa.Column("policy_revision", sa.String(80), nullable=True),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("top_severity", sa.String(16), nullable=True),
        sa.Column("rule_ids", sa.JSON(), nullable=False),
        sa.Column("articles", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.UniqueConstraint("decision_id", name="uq_review_cases_decision_id"),
    )
    op.create_index("ix_review_cases_subject_id", "review_cases", ["subject_id"])
    op.create_index("ix_review_cases_status_kind_created", "review_cases", ["status", "kind", "created_at"])


def downgrade() -> None:
    op.drop_table("review_cases")
