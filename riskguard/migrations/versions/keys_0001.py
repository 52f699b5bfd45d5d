"""keys: when an API key was last used (``riskguard keys list``)

Its own branch, rooted at core: other changes to the core branch need not be ordered with this one.

Revision ID: keys_0001
Revises:
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "keys_0001"
down_revision = None
branch_labels = ("keys",)
depends_on = "core_0001"


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("last_used_at")
