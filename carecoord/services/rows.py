"""Reading and adding rows the way every service does: one row by id with its
relationships, a chart's rows newest first, a view copied from a row, and a new row with
its ``create`` audit record.

They keep the services' rules in one place: an id that cannot be a row's id is NotFound
(never a database error), lists of a chart are newest first with the newest id breaking
ties, and a row added is audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any, Required, TypedDict, TypeVar, Unpack

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ExecutableOption

from carecoord.clinical.vocabulary import DataCategory
from carecoord.errors import NotFound
from carecoord.services import audit
from carecoord.services.actor import Actor
from carecoord.services.common import is_record_id

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from carecoord.services.unit_of_work import UnitOfWork

T = TypeVar("T")
V = TypeVar("V", bound="DataclassInstance")


def load_with(
    session: Session,
    model: type[T],
    entity_id: int,
    entity: str,
    *options: ExecutableOption,
    fresh: bool = False,
) -> T:
    """The row with id ``entity_id``, loaded with ``options`` (its relationships), or
    NotFound naming ``entity``. ``fresh`` re-reads a row the session already holds."""
    if not is_record_id(entity_id):
        raise NotFound(entity, entity_id)
    statement = select(model).filter_by(id=entity_id).options(*options)
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    row = session.scalar(statement)
    if row is None:
        raise NotFound(entity, entity_id)
    return row


def newest_first(
    session: Session,
    model: type[T],
    patient_id: int,
    when: Any,
    *options: ExecutableOption,
) -> Sequence[T]:
    """The patient's rows of ``model``, latest ``when`` (a date column) first; rows of the
    same date newest id first, so the order never changes between two readings."""
    newest_id = inspect(model).primary_key[0].desc()
    return session.scalars(
        select(model)
        .filter_by(patient_id=patient_id)
        .options(*options)
        .order_by(when.desc(), newest_id)
    ).all()


@cache
def _field_names(view: type[DataclassInstance]) -> tuple[str, ...]:
    """The fields a view's constructor takes (worked out once per view class)."""
    return tuple(f.name for f in fields(view) if f.init)


def view_from(view: type[V], row: object, prefix: str = "", /, **computed: Any) -> V:
    """The ``view`` dataclass of ``row``: each field is the row's attribute of the same
    name (after ``prefix``: the authorisation's ``payer`` is ``auth_payer``), unless
    ``computed`` gives it (masked text, labels, derived values). A field the row lacks, or
    a ``computed`` name that is no field, is an error, never a silent gap."""
    names = _field_names(view)
    unknown = computed.keys() - set(names)
    if unknown:
        raise TypeError(f"{view.__name__} has no field {', '.join(sorted(unknown))}")
    return view(**{n: computed[n] if n in computed else getattr(row, prefix + n) for n in names})


class Said(TypedDict, total=False):
    """What an audit record of a row may add: its data category (general when none) and a
    short detail."""

    category: DataCategory | None
    detail: str | None


class Created(Said):
    """What the ``create`` record of a new row names besides the row. ``patient_id`` is
    always named (None for a row outside any chart) so that a chart's row is never audited
    without its patient."""

    patient_id: Required[int | None]


def add_audited(uow: UnitOfWork, row: Any, entity: str, **where: Unpack[Created]) -> None:
    """Add ``row`` and queue its ``create`` audit record (the flush gives it its id)."""
    uow.session.add(row)
    uow.session.flush()
    uow.audit("create", entity, row.id, **where)


def add_recorded(
    session: Session, actor: Actor, row: Any, entity: str, **where: Unpack[Created]
) -> None:
    """:func:`add_audited` for the helpers that work in their caller's session (with its
    actor) rather than in a unit of work of their own."""
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", entity, row.id, **where)


def audit_update(uow: UnitOfWork, row: Any, entity: str, **said: Unpack[Said]) -> None:
    """Queue the ``update`` audit record of a row of a chart: its id and its patient."""
    uow.audit("update", entity, row.id, patient_id=row.patient_id, **said)
