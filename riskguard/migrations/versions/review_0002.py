"""review: the screened content of a case, personal data masked (length-preserving)

Revision ID: review_0002
Revises: review_0001
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "review_0002"
down_revision = "review_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_cases") as batch:
        batch.add_column(sa.Column("content", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_cases") as batch:
        batch.drop_column("content")
