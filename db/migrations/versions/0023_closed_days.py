"""the days the nursery is closed (bank holidays, INSET days, the Christmas closure), on which
no booked child is expected

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "closed_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("version", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("deleted_at", db.models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_days")),
    )
    with op.batch_alter_table("closed_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_closed_days_first_day"), ["first_day"], unique=False)
        batch_op.create_index(batch_op.f("ix_closed_days_version"), ["version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("closed_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closed_days_version"))
        batch_op.drop_index(batch_op.f("ix_closed_days_first_day"))
    op.drop_table("closed_days")
