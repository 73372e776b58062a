"""Small helpers every service uses: load-or-404, optimistic-lock check, today."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from carecoord.errors import ConflictError, NotFound

T = TypeVar("T")


def today() -> date:
    """The workstation's calendar date (clinical dates are local dates)."""
    return date.today()


MAX_ID = 2**31 - 1
"""The largest id an INTEGER id column holds on PostgreSQL (larger ones cannot be looked up)."""


def is_record_id(value: object) -> bool:
    """Whether ``value`` can be a row's id (a positive int within the database's range)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def load(session: Session, model: type[T], entity_id: int, entity: str) -> T:
    """The row with primary key ``entity_id`` or NotFound naming the entity."""
    if not is_record_id(entity_id):
        raise NotFound(entity, entity_id)
    row = session.get(model, entity_id)
    if row is None:
        raise NotFound(entity, entity_id)
    return row


def check_version(row: Any, expected_version: int | None, entity: str) -> None:
    """Raise ConflictError when the row changed since the caller read ``expected_version``.

    The version column is also checked by the UPDATE itself (SQLAlchemy's version_id_col),
    which catches a save that races between this check and the commit.
    """
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(entity, row.id, row.updated_by, row.updated_at)


def apply(row: Any, values: dict[str, Any]) -> list[str]:
    """Set changed attributes; return the names of those that changed (for the audit)."""
    changed = []
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def commit(session: Session, row: Any = None, entity: str = "Record") -> None:
    """Commit; a version clash found by the UPDATE itself becomes a ConflictError."""
    from sqlalchemy.orm.exc import StaleDataError

    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        if row is None:
            raise ConflictError(entity, None, None, None) from None
        fresh = session.get(type(row), row.id, populate_existing=True)
        raise ConflictError(
            entity,
            row.id,
            getattr(fresh, "updated_by", None),
            getattr(fresh, "updated_at", None),
        ) from None
