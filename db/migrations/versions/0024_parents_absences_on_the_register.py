"""when a parent's absence went onto the register; the requests from before are written
there by the hub at its next start (admin/office/parents_absences.py), signed with its key,
which no migration holds

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("family_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("on_register_at", db.models.base.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("family_requests", schema=None) as batch_op:
        batch_op.drop_column("on_register_at")
