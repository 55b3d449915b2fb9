"""Indexes on the person columns of meeting_attendees and merges: a person's page read both
tables in full (a meeting's attendees by person, a merge group by kept or merged person).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 03:20:00.000000
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = (
    ("meeting_attendees", "person_id"),
    ("merges", "kept_id"),
    ("merges", "merged_id"),
)


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, column in INDEXES:
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
