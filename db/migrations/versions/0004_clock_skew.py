"""clock skew: the hub records how far each kiosk's clock is off; the kiosk keeps the figure

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock_skew_seconds", sa.Double(), nullable=True))
        batch_op.add_column(
            sa.Column("clock_checked_at", db.models.base.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock_skew_seconds", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.drop_column("clock_skew_seconds")
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.drop_column("clock_checked_at")
        batch_op.drop_column("clock_skew_seconds")
