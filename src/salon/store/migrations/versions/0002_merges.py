"""merges

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:58:26.690222
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("moved", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("undone_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["kept_id"], ["people.id"], name=op.f("fk_merges_kept_id_people")),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["people.id"], name=op.f("fk_merges_merged_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merges")),
    )
    # ADD COLUMN, not a batch copy: a copy of people would break the foreign keys that
    # point at it in a store holding data. SQLite adds the reference with the column.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE people ADD COLUMN merged_into INTEGER REFERENCES people (id)")
    else:
        op.add_column(
            "people",
            sa.Column(
                "merged_into",
                sa.Integer(),
                sa.ForeignKey("people.id", name=op.f("fk_people_merged_into_people")),
                nullable=True,
            ),
        )
    op.create_index(op.f("ix_people_merged_into"), "people", ["merged_into"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_people_merged_into"), table_name="people")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("merged_into")

    op.drop_table("merges")
