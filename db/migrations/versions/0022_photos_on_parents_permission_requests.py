"""the photo a parent sends with a written-permission request, and carried by the permission
it becomes (to the door, for its dates only)

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("family_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("one_off_permissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("one_off_permissions", schema=None) as batch_op:
        batch_op.drop_column("photo")
    with op.batch_alter_table("family_requests", schema=None) as batch_op:
        batch_op.drop_column("photo")
