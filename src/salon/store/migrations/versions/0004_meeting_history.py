"""meetings: calendar, event, modified and history (updates from newer calendar exports)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 13:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("calendar", sa.Text(), nullable=True))
        batch.add_column(sa.Column("event", sa.Text(), nullable=True))
        batch.add_column(sa.Column("modified", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("history", sa.Text(), nullable=True))
        batch.create_index(batch.f("ix_meetings_calendar"), ["calendar"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_index(batch.f("ix_meetings_calendar"))
        batch.drop_column("history")
        batch.drop_column("modified")
        batch.drop_column("event")
        batch.drop_column("calendar")
