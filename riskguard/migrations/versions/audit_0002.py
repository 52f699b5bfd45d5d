"""audit: filter indexes cover sequenced entries only

The filter indexes (action, actor, subject, time) serve queries that page by leaf index (``idx >
cursor``), so a pending row (``idx`` NULL) never needs to be in them. As partial indexes they are no
longer written by ``record()`` in the caller's transaction (three fewer index pages per append, in
SQLite's WAL and PostgreSQL's), only by the sequencer's batched UPDATE, which had to rewrite those
entries anyway once ``idx`` was set.

Revision ID: audit_0002
Revises: audit_0001
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "audit_0002"
down_revision = "audit_0001"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_audit_entries_action_idx": ["action", "idx"],
    "ix_audit_entries_actor_idx": ["actor", "idx"],
    "ix_audit_entries_subject_idx": ["subject_id", "idx"],
    "ix_audit_entries_created_at": ["created_at"],
}
SEQUENCED = sa.text("idx IS NOT NULL")


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name="audit_entries")
        op.create_index(name, "audit_entries", columns, sqlite_where=SEQUENCED, postgresql_where=SEQUENCED)


def downgrade() -> None:
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name="audit_entries")
        op.create_index(name, "audit_entries", columns)
