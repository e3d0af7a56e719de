"""staff PINs after a lost kiosk: the fewest digits a PIN may have, and whose PIN was on a kiosk
reported lost or stolen

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pin_exposed_at", db.models.base.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("staff_pin_min_digits", sa.Integer(), nullable=False, server_default="4")
        )


def downgrade() -> None:
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_column("staff_pin_min_digits")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("pin_exposed_at")
