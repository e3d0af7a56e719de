"""kiosk free space: the hub keeps what each kiosk says about its disk; the setting says when
that is low

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("free_space_bytes", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("free_space_at", db.models.base.UTCDateTime(), nullable=True))
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kiosk_low_space_mb", sa.Integer(), nullable=False, server_default="200")
        )


def downgrade() -> None:
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_column("kiosk_low_space_mb")
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.drop_column("free_space_at")
        batch_op.drop_column("free_space_bytes")
