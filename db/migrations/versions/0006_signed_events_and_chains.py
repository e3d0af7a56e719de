"""signed events and chains: each event's seal, each door's key, and the events the hub
refused (issue 13)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = db.models.base.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signer", sa.String(length=44), nullable=True))
        batch_op.add_column(sa.Column("device_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("payload_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("payload_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("signature", sa.String(length=88), nullable=True))
        batch_op.create_index("ix_events_chain", ["signer", "device_seq"], unique=False)
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("public_key", sa.String(length=44), nullable=True))
    op.create_table(
        "signing_keys",
        sa.Column("public_key", sa.String(length=44), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=True),
        sa.Column("added_at", UTC_TIME(), nullable=False),
        sa.PrimaryKeyConstraint("public_key", name=op.f("pk_signing_keys")),
    )
    op.create_table(
        "refused_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTC_TIME(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refused_events")),
        sa.UniqueConstraint("uuid", name=op.f("uq_refused_events_uuid")),
    )
    with op.batch_alter_table("refused_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refused_events_kiosk_id"), ["kiosk_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refused_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refused_events_kiosk_id"))
    op.drop_table("refused_events")
    op.drop_table("signing_keys")
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.drop_column("public_key")
        batch_op.drop_column("device")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_chain")
        for name in (
            "signature",
            "payload_salt",
            "payload_digest",
            "prev_hash",
            "device_seq",
            "signer",
        ):
            batch_op.drop_column(name)
