"""kiosk out of touch: how long without a sync before a door stops trusting that it has heard
of every arrival, set in the office rather than fixed in the kiosk

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kiosk_out_of_touch_seconds", sa.Integer(), nullable=False, server_default="60"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_column("kiosk_out_of_touch_seconds")
