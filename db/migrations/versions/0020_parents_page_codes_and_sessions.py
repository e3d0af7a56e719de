"""the parents' page: one-time sign-in codes, parents' sessions and their requests

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0020"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = db.models.base.UTCDateTime()
    op.create_table(
        "family_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("adult_id", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("expires_at", when, nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("used_at", when, nullable=True),
        sa.ForeignKeyConstraint(
            ["adult_id"], ["adults.id"], name=op.f("fk_family_codes_adult_id_adults")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_codes")),
    )
    with op.batch_alter_table("family_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_codes_adult_id"), ["adult_id"], unique=False)
        batch_op.create_index("ix_family_codes_email_at", ["email", "created_at"], unique=False)
        batch_op.create_index("ix_family_codes_client_at", ["client", "created_at"], unique=False)
    op.create_table(
        "family_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("adult_id", sa.Integer(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("last_seen_at", when, nullable=False),
        sa.ForeignKeyConstraint(
            ["adult_id"], ["adults.id"], name=op.f("fk_family_sessions_adult_id_adults")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_family_sessions")),
    )
    with op.batch_alter_table("family_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_sessions_adult_id"), ["adult_id"], unique=False)
    _requests(when)


def _requests(when: db.models.base.UTCDateTime) -> None:
    op.create_table(
        "family_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("from_adult_id", sa.Integer(), nullable=False),
        sa.Column("made_at", when, nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("adult_name", sa.String(length=201), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", when, nullable=True),
        sa.Column("permission_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_family_requests_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["from_adult_id"], ["adults.id"], name=op.f("fk_family_requests_from_adult_id_adults")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_family_requests_decided_by_staff_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["permission_id"],
            ["one_off_permissions.id"],
            name=op.f("fk_family_requests_permission_id_one_off_permissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_requests")),
    )
    with op.batch_alter_table("family_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_requests_child_id"), ["child_id"])
        batch_op.create_index(batch_op.f("ix_family_requests_from_adult_id"), ["from_adult_id"])
        batch_op.create_index(batch_op.f("ix_family_requests_status"), ["status"])


def downgrade() -> None:
    with op.batch_alter_table("family_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_requests_status"))
        batch_op.drop_index(batch_op.f("ix_family_requests_from_adult_id"))
        batch_op.drop_index(batch_op.f("ix_family_requests_child_id"))
    op.drop_table("family_requests")
    with op.batch_alter_table("family_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_sessions_adult_id"))
    op.drop_table("family_sessions")
    with op.batch_alter_table("family_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_family_codes_client_at")
        batch_op.drop_index("ix_family_codes_email_at")
        batch_op.drop_index(batch_op.f("ix_family_codes_adult_id"))
    op.drop_table("family_codes")
