"""audit: tamper-evident log entries, tree head and signed checkpoints

Revision ID: audit_0001
Revises:
Create Date: 2026-11-26
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "audit_0001"
down_revision = None
branch_labels = ("audit",)
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(40), nullable=False, unique=True),
        sa.Column("idx", sa.BigInteger(), nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(128), nullable=False),
        sa.Column("decision", sa.String(32), nullable=True),
        sa.Column("policy_revision", sa.String(80), nullable=True),
        sa.Column("entry", sa.LargeBinary(), nullable=False),
        sa.Column("mac", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=True),
        sa.Column("nodes", sa.LargeBinary(), nullable=True),
        sa.Column("seal", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_audit_entries_action_idx", "audit_entries", ["action", "idx"])
    op.create_index("ix_audit_entries_actor_idx", "audit_entries", ["actor", "idx"])
    op.create_index("ix_audit_entries_subject_idx", "audit_entries", ["subject_id", "idx"])
    op.create_index("ix_audit_entries_created_at", "audit_entries", ["created_at"])
    tree = op.create_table(
        "audit_tree",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.bulk_insert(tree, [{"id": 1, "size": 0, "root": hashlib.sha256(b"").digest(), "updated_at": None}])
    op.create_table(
        "audit_checkpoints",
        sa.Column("tree_size", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("root", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_tree")
    op.drop_table("audit_entries")
