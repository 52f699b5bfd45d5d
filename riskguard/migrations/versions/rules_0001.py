"""rules: stored rule revisions, the active one, the activations (promote / rollback), shadow records

Revision ID: rules_0001
Revises:
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "rules_0001"
down_revision = None
branch_labels = ("rules",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "rule_revisions",
        sa.Column("revision", sa.String(64), primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "rule_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("revision", sa.String(64),
                  sa.ForeignKey("rule_revisions.revision", name="fk_rule_state_revision_rule_revisions"),
                  nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shadow_revision", sa.String(64),
                  sa.ForeignKey("rule_revisions.revision", name="fk_rule_state_shadow_revision_rule_revisions"),
                  nullable=True),
        sa.Column("shadow_sample", sa.Float(), nullable=True),
    )
    op.create_table(
        "rule_activations",
        sa.Column("generation", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("revision", sa.String(64),
                  sa.ForeignKey("rule_revisions.revision", name="fk_rule_activations_revision_rule_revisions"),
                  nullable=False),
        sa.Column("previous", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rule_shadow_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("candidate_revision", sa.String(64), nullable=False),
        sa.Column("active_revision", sa.String(64), nullable=False),
        sa.Column("decision_id", sa.String(64), nullable=False),
        sa.Column("input_digest", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("policy", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("shadow_decision", sa.String(8), nullable=False),
        sa.Column("rule_ids", sa.Text(), nullable=False),
        sa.Column("shadow_rule_ids", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rule_shadow_records_candidate_revision", "rule_shadow_records", ["candidate_revision"])


def downgrade() -> None:
    op.drop_table("rule_shadow_records")
    op.drop_table("rule_activations")
    op.drop_table("rule_state")
    op.drop_table("rule_revisions")
