"""store_meta: the store's identity (a UUID written when the store is created or migrated)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 14:00:00.000000
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "store_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_store_meta")),
    )
    op.bulk_insert(table, [{"key": "identity", "value": str(uuid.uuid4())}])


def downgrade() -> None:
    op.drop_table("store_meta")
