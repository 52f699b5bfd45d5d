"""review: a queue for real volumes — a sortable severity rank, categories and rule ids as indexed
labels, and indexes for keyset pages by status (oldest first, or by severity) and by submitter

Revision ID: review_0003
Revises: review_0002
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "review_0003"
down_revision = "review_0002"
branch_labels = None
depends_on = None

SEVERITIES = ("critical", "high", "medium", "low", "info")  # rank = position; none = 5
NO_SEVERITY = len(SEVERITIES)


def upgrade() -> None:
    with op.batch_alter_table("review_cases") as batch:
        batch.add_column(sa.Column("severity_rank", sa.SmallInteger(), nullable=False,
                                   server_default=str(NO_SEVERITY)))
    cases = sa.table("review_cases", sa.column("id", sa.String), sa.column("top_severity", sa.String),
                     sa.column("severity_rank", sa.SmallInteger), sa.column("categories", sa.JSON),
                     sa.column("rule_ids", sa.JSON))
    op.execute(cases.update().values(severity_rank=sa.case(
        *[(cases.c.top_severity == name, rank) for rank, name in enumerate(SEVERITIES)], else_=NO_SEVERITY)))
    op.create_index("ix_review_cases_status_created_id", "review_cases", ["status", "created_at", "id"])
    op.create_index("ix_review_cases_status_rank_created_id", "review_cases",
                    ["status", "severity_rank", "created_at", "id"])
    op.create_index("ix_review_cases_submitted_by", "review_cases", ["submitted_by"])

    labels = op.create_table(
        "review_case_labels",
        sa.Column("case_id", sa.String(40), sa.ForeignKey("review_cases.id", ondelete="CASCADE",
                                                           name="fk_review_case_labels_case_id_review_cases"),
                  nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "type", "value", name="pk_review_case_labels"),
    )
    op.create_index("ix_review_case_labels_type_value", "review_case_labels", ["type", "value", "case_id"])
    rows = op.get_bind().execute(sa.select(cases.c.id, cases.c.categories, cases.c.rule_ids)).all()
    backfill = [{"case_id": case_id, "type": kind, "value": str(value)[:128]}
                for case_id, categories, rule_ids in rows
                for kind, values in (("category", categories), ("rule", rule_ids))
                for value in sorted(set(values or ()))]
    if backfill:
        op.bulk_insert(labels, backfill)


def downgrade() -> None:
    op.drop_table("review_case_labels")
    op.drop_index("ix_review_cases_submitted_by", "review_cases")
    op.drop_index("ix_review_cases_status_rank_created_id", "review_cases")
    op.drop_index("ix_review_cases_status_created_id", "review_cases")
    with op.batch_alter_table("review_cases") as batch:
        batch.drop_column("severity_rank")
