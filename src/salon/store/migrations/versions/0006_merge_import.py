"""merges: import_id, the import that made an automatic merge (so it can be taken back)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("merges") as batch:
        batch.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_merges_import_id_imports"), "imports", ["import_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("merges") as batch:
        batch.drop_constraint(batch.f("fk_merges_import_id_imports"), type_="foreignkey")
        batch.drop_column("import_id")
