"""The declarative base, the naming convention, and what every people row carries.

People data is owned by the hub. Every row carries a ``version`` taken from one counter, so a
kiosk can ask for "everything above my cursor", and rows are never deleted, only tombstoned
(``deleted_at``), so a deletion reaches every kiosk too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC on every backend, always handed back aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(DateTime(timezone=False))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Handover stores only time-zone-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


# Column ``info`` flags read by the audit log, the kiosk replica and the panel.
SENSITIVE = {"sensitive": True, "office_only": True}  # R11: shown to the roles that need it
OFFICE_ONLY = {"office_only": True}  # contact details: never replicated to a kiosk
SECRET = {"secret": True}  # hashes: never logged, never shown


class Versioned:
    """Mixin for people data: a sync version and a tombstone."""

    version: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class VersionCounter(Base):
    """One row: the last version handed out. Updating it takes a row lock, so versions are
    handed out in commit order even with several writers on PostgreSQL."""

    __tablename__ = "version_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
