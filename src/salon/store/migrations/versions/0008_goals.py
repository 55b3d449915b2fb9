"""goals and goal_progress: what the user is trying to achieve, and its milestones measured

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 16:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("objective", sa.String(length=16), nullable=False),
        sa.Column("segment", sa.Text(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("accounts", sa.Text(), nullable=False),
        sa.Column("horizon_months", sa.Integer(), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        sa.UniqueConstraint("name", name=op.f("uq_goals_name")),
    )
    op.create_table(
        "goal_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("measured_at", sa.BigInteger(), nullable=False),
        sa.Column("milestone", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("last_import", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_progress_goal_id_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_progress")),
    )
    with op.batch_alter_table("goal_progress") as batch:
        batch.create_index(batch.f("ix_goal_progress_goal_id"), ["goal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("goal_progress") as batch:
        batch.drop_index(batch.f("ix_goal_progress_goal_id"))
    op.drop_table("goal_progress")
    op.drop_table("goals")
