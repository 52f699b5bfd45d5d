"""vault: per-subject data keys, blind indexes, KEK state for master-key keyrings

Revision ID: vault_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "vault_0001"
down_revision = None
branch_labels = ("vault",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vault_subject_keys",
        sa.Column("subject_id", sa.String(128), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("kek_version", sa.Integer(), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rewrapped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "vault_blind_indexes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
                  autoincrement=True),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", sa.String(16), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("column", sa.String(64), nullable=False),
        sa.Column("subject_id", sa.String(128), nullable=False, index=True),
    )
    op.create_index("ix_vault_blind_indexes_lookup", "vault_blind_indexes", ["field", "value"])
    op.create_index("ix_vault_blind_indexes_record", "vault_blind_indexes", ["record_type", "record_id"])
    op.create_table(
        "vault_kek_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("min_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("vault_kek_state")
    op.drop_index("ix_vault_blind_indexes_record", "vault_blind_indexes")
    op.drop_index("ix_vault_blind_indexes_lookup", "vault_blind_indexes")
    op.drop_table("vault_blind_indexes")
    op.drop_table("vault_subject_keys")
