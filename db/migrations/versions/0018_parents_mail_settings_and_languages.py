"""the SMTP server set in Settings, each carer's language and opted-in notices, and how far
the hub has read the event log for those notices

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("adults", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
        )
        batch_op.add_column(
            sa.Column("notify_arrivals", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("notify_late", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "mail_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("tls", sa.String(length=16), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("changed_at", db.models.base.UTCDateTime(), nullable=True),
        sa.Column("changed_by_staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_mail_settings_changed_by_staff_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_settings")),
    )
    op.create_table(
        "notice_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "event_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_cursor")),
    )
    # Opted-in notices are for what happens from now on: last year's arrivals are not news.
    op.execute(
        "INSERT INTO notice_cursor (id, event_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM events"
    )


def downgrade() -> None:
    op.drop_table("notice_cursor")
    op.drop_table("mail_settings")
    with op.batch_alter_table("adults", schema=None) as batch_op:
        batch_op.drop_column("notify_late")
        batch_op.drop_column("notify_arrivals")
        batch_op.drop_column("language")
