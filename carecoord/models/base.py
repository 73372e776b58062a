"""Declarative base, naming convention, UTC timestamps and optimistic-locking columns."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from carecoord.clinical.vocabulary import DataCategory

# Named constraints so Alembic batch mode on SQLite can drop and recreate them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timezone-aware now in UTC; every stored timestamp comes from here."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always hands back an aware datetime, also on SQLite (which drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(enum: type[StrEnum], name: str) -> Enum:
    """A portable enum stored as its value with a named CHECK constraint."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(32, *(len(m.value) for m in enum)),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def category_column(name: str) -> Mapped[DataCategory]:
    """Who may read the row (docs/clinical-reference.md §9): general unless the service
    says otherwise, and general on the database too for rows written before the column."""
    return mapped_column(
        enum_column(DataCategory, name),
        default=DataCategory.GENERAL,
        server_default=DataCategory.GENERAL.value,
    )


def owned_by(table: str, *, index: bool = False, unique: bool = False) -> Mapped[int]:
    """The key of the row that owns this one (a patient, a plan, a referral): deleting the
    owner deletes its rows with it (``ON DELETE CASCADE``)."""
    return mapped_column(
        ForeignKey(f"{table}.id", ondelete="CASCADE"),
        index=index or None,  # None, as when not given: no index of its own
        unique=unique or None,
    )


class Base(DeclarativeBase):
    """Every table's base; its metadata carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    """Creation and last-change times in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Versioned(Timestamped):
    """Optimistic locking: the version goes up on every UPDATE; a stale write fails.

    ``updated_by`` lets a conflict name who saved first.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_by: Mapped[str | None] = mapped_column(String(64))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
