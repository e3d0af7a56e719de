"""not arrived and funded hours: how long after a booked session starts before a child who has
not come is shown to staff as "not yet arrived" (the EYFS asks settings to follow up children
not brought); each child's funded hours a week and the weeks they are taken over

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("not_arrived_minutes", sa.Integer(), nullable=False, server_default="30")
        )
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("funded_hours", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("funded_weeks", sa.Integer(), nullable=False, server_default="38")
        )


def downgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("funded_weeks")
        batch_op.drop_column("funded_hours")
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_column("not_arrived_minutes")
