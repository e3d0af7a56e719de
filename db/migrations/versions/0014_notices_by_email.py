"""e-mail notices to parents, queued with the change they tell of and sent by the hub

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = db.models.base.UTCDateTime()
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("to_adult_id", sa.Integer(), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("queued_at", when, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", when, nullable=False),
        sa.Column("sent_at", when, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["to_adult_id"], ["adults.id"], name=op.f("fk_notices_to_adult_id_adults")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_notices_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notices_message_id")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_to_adult_id"), ["to_adult_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notices_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            "ix_notices_status_next_try_at", ["status", "next_try_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_status_next_try_at")
        batch_op.drop_index(batch_op.f("ix_notices_child_id"))
        batch_op.drop_index(batch_op.f("ix_notices_to_adult_id"))
    op.drop_table("notices")
