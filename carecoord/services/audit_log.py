"""The audit trail for administrators: filter, sort, page through, count and export as CSV.

Filtering and sorting happen in SQL, so a trail of millions of records pages as fast as a
short one. A query pins the newest record id when it starts (``AuditFilter.through_id``):
the viewer's own audit records, and everyone else's, then cannot shift the pages while
someone scrolls. The order travels in the same :class:`AuditFilter`, so a CSV export holds
exactly the records the screen shows, in the same order.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import AuditEvent, Patient, User
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import csv_cell, service
from carecoord.services.paging import page_limit
from carecoord.services.permissions import RESTRICTED, Action, masked, require
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "Audit trail"
MAX_PAGE = 1000
EXPORT_BATCH = 5000

KNOWN_ACTIONS = (
    "create",
    "read",
    "update",
    "delete",
    "search",
    "print",
    "export",
    "send",
    "transition",
    "note",
    "discharge",
    "readmit",
    "activate",
    "deactivate",
    "end",
    "sign_in",
    "sign_in_failed",
    "lockout",
    "lock",
    "unlock",
    "password_change",
    "permission_change",
    "break_glass",
    "break_glass_end",
    "backup",
    "restore",
    "import",
)
"""Actions the services write (the viewer offers them; any other can be typed)."""

SORT_KEYS: dict[str, Any] = {
    "id": AuditEvent.id,
    "at": AuditEvent.at,
    "username": AuditEvent.username,
    "action": AuditEvent.action,
    "entity": AuditEvent.entity,
    "entity_id": AuditEvent.entity_id,
    "patient": AuditEvent.patient_id,
    "data_category": AuditEvent.data_category,
    "detail": AuditEvent.detail,
}
"""The columns the trail can be sorted by (every column the viewer shows)."""

CSV_COLUMNS = (
    "id",
    "time_utc",
    "username",
    "user_id",
    "action",
    "entity",
    "entity_id",
    "patient_id",
    "patient_mrn",
    "data_category",
    "detail",
    "hash",
)


@dataclass(frozen=True)
class AuditFilter:
    """Which records to show, and in what order: one value for the pages and the export.

    Times are timezone-aware: ``start`` inclusive, ``end`` exclusive. ``patient`` is a
    patient id or MRN as typed. ``sort`` is one of :data:`SORT_KEYS`.
    """

    start: datetime | None = None
    end: datetime | None = None
    username: str | None = None
    patient: str | int | None = None
    action: str | None = None
    through_id: int | None = None
    sort: str = "at"
    descending: bool = True


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    user_id: int | None
    action: str
    entity: str
    entity_id: int | None
    patient_id: int | None
    patient_mrn: str | None
    data_category: str
    detail: str | None
    hash: str | None

    @property
    def category_label(self) -> str:
        try:
            return DataCategory(self.data_category).label
        except ValueError:
            return self.data_category


@dataclass(frozen=True)
class AuditQuery:
    """A started query: how many records match, and the newest id it covers."""

    filters: AuditFilter
    total: int


def _aware(value: object, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationError(field, "must be a date and time with time zone")
    return value.astimezone(UTC)


def _patient_id(session: Session, typed: str | int | None) -> int | None:
    """The patient a filter names: an exact MRN first, else a patient id."""
    if typed is None or typed == "":
        return None
    if isinstance(typed, bool):
        raise ValidationError("patient", "must be a patient id or MRN")
    if isinstance(typed, int):
        return typed
    text = v.text(typed, "patient", max_length=32)
    if text is None:
        return None
    found = session.scalar(select(Patient.id).where(Patient.mrn == text.upper()))
    if found is not None:
        return int(found)
    digits = text.lstrip("#")
    if digits.isdigit() and len(digits) <= 12:
        return int(digits)
    raise ValidationError("patient", f"no patient has the MRN {text}")


def _conditions(session: Session, filters: AuditFilter) -> list[Any]:
    start = _aware(filters.start, "start")
    end = _aware(filters.end, "end")
    if start is not None and end is not None and end <= start:
        raise ValidationError("end", "must be after the start")
    username = v.text(filters.username, "username", max_length=64)
    action = v.text(filters.action, "action", max_length=32)
    conditions: list[Any] = []
    if start is not None:
        conditions.append(AuditEvent.at >= start)
    if end is not None:
        conditions.append(AuditEvent.at < end)
    if username is not None:
        conditions.append(AuditEvent.username == username.lower())
    if action is not None:
        conditions.append(AuditEvent.action == action.lower())
    patient_id = _patient_id(session, filters.patient)
    if patient_id is not None:
        conditions.append(AuditEvent.patient_id == patient_id)
    if filters.through_id is not None:
        through = v.integer(filters.through_id, "through_id", minimum=0)
        conditions.append(AuditEvent.id <= through)
    return conditions


ROW_COLUMNS = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.username,
    AuditEvent.user_id,
    AuditEvent.action,
    AuditEvent.entity,
    AuditEvent.entity_id,
    AuditEvent.patient_id,
    Patient.mrn,
    AuditEvent.data_category,
    AuditEvent.detail,
    AuditEvent.hash,
)
"""An :class:`AuditRow`'s fields in its order (``_row`` reads them by position)."""


def _rows_statement(session: Session, filters: AuditFilter) -> Select:
    stmt = select(*ROW_COLUMNS).outerjoin(Patient, Patient.id == AuditEvent.patient_id)
    return stmt.where(*_conditions(session, filters))


def _ordered(stmt: Select[Any], filters: AuditFilter) -> Select[Any]:
    """``stmt`` in the filters' order: the one place the sort key is checked."""
    column = SORT_KEYS.get(filters.sort)
    if column is None:
        raise ValidationError("sort", "must be one of: " + ", ".join(SORT_KEYS))
    descending = filters.descending
    if column is AuditEvent.id:
        return stmt.order_by(column.desc() if descending else column.asc())
    # The id breaks ties, so pages never overlap or skip records with equal values.
    if descending:
        return stmt.order_by(column.desc(), AuditEvent.id.desc())
    return stmt.order_by(column.asc(), AuditEvent.id.asc())


def _row(r: Any) -> AuditRow:
    return AuditRow(*r)


_cell = csv_cell  # typed user names reach the trail


def _readable(row: AuditRow, actor: Actor) -> AuditRow:
    """The record with its detail masked when it is about clinical data of a category the
    reader may not read (details name ids and fields only; older records may say more)."""
    if row.data_category == DataCategory.GENERAL.value or not row.detail:
        return row
    try:
        category = DataCategory(row.data_category)
    except ValueError:
        return replace(row, detail=RESTRICTED)
    return replace(row, detail=masked(actor, category, row.detail))


def describe(filters: AuditFilter) -> str:
    """The filters in words, for the viewer's own audit record (ids, never names)."""
    parts = []
    if filters.start is not None:
        parts.append(f"from {filters.start.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    if filters.end is not None:
        parts.append(f"before {filters.end.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    if filters.username:
        parts.append(f"user {filters.username}")
    if filters.patient not in (None, ""):
        parts.append(f"patient {filters.patient}")
    if filters.action:
        parts.append(f"action {filters.action}")
    return ", ".join(parts) or "no filter"


def _newest(session: Session) -> int:
    """The newest record's id (0 for an empty trail): where a query pins its pages."""
    return int(session.scalar(select(func.max(AuditEvent.id))) or 0)


def _count(session: Session, filters: AuditFilter) -> int:
    conditions = _conditions(session, filters)
    return int(session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0)


def _sorted_rows(session: Session, filters: AuditFilter) -> Select:
    """The matching records' statement in the chosen order, for pages and the export."""
    return _ordered(_rows_statement(session, filters), filters)


@service
def start_query(db: Database, actor: Actor, filters: AuditFilter) -> AuditQuery:
    """Begin viewing the trail: pin the newest record, count the matches, audit the view.

    Raises:
        PermissionDenied: only administrators read the audit trail.
        ValidationError: a filter value is unusable (named by field).
    """
    require(actor, Action.READ_AUDIT)
    # A read unit: on SQLite a write session would hold the write lock for the count; the
    # audit record gets its own short one.
    with unit_of_work(db, actor) as uow:
        pinned = replace(filters, through_id=_newest(uow.session))
        total = _count(uow.session, pinned)
        uow.audit_read(ENTITY, detail=describe(filters))
    return AuditQuery(pinned, total)


# Paging, counting and listing names are the viewing start_query audited: no record of
# their own (a viewer scrolling would otherwise write one per page).
@service
def page(
    db: Database,
    actor: Actor,
    filters: AuditFilter,
    *,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRow]:
    """One page of matching records in the chosen order (pass the filters
    :func:`start_query` returned, so pages stay stable while the trail grows)."""
    require(actor, Action.READ_AUDIT)
    limit = page_limit(limit, MAX_PAGE)
    offset = max(0, int(offset))
    with unit_of_work(db, actor) as uow:
        stmt = _sorted_rows(uow.session, filters).limit(limit).offset(offset)
        return [_readable(_row(r), actor) for r in uow.session.execute(stmt)]


@service
def count(db: Database, actor: Actor, filters: AuditFilter) -> int:
    """How many records match ``filters``."""
    require(actor, Action.READ_AUDIT)
    with unit_of_work(db, actor) as uow:
        return _count(uow.session, filters)


@service
def usernames(db: Database, actor: Actor) -> list[str]:
    """Account names, for the viewer's user filter."""
    require(actor, Action.READ_AUDIT)
    with unit_of_work(db, actor) as uow:
        return list(uow.session.scalars(select(User.username).order_by(User.username)))


@service
def export_csv(db: Database, actor: Actor, filters: AuditFilter) -> str:
    """Every matching record in the filters' order as CSV text (UTC ISO times, header
    first); audited as an export.

    Raises:
        PermissionDenied: only administrators read (and export) the audit trail.
        ValidationError: a filter value is unusable.
    """
    require(actor, Action.READ_AUDIT)
    require(actor, Action.EXPORT)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    written = 0
    # Read in a read unit (a write one would hold SQLite's write lock for the whole export);
    # the export's audit record gets its own short write unit.
    with unit_of_work(db, actor) as reading:
        session = reading.session
        if filters.through_id is None:
            filters = replace(filters, through_id=_newest(session))
        stmt = _sorted_rows(session, filters)
        offset = 0
        while True:
            rows = session.execute(stmt.limit(EXPORT_BATCH).offset(offset)).all()
            for r in rows:
                row = _readable(_row(r), actor)
                writer.writerow(
                    [
                        row.id,
                        row.at.astimezone(UTC).isoformat(timespec="seconds"),
                        _cell(row.username),
                        "" if row.user_id is None else row.user_id,
                        _cell(row.action),
                        _cell(row.entity),
                        "" if row.entity_id is None else row.entity_id,
                        "" if row.patient_id is None else row.patient_id,
                        row.patient_mrn or "",
                        row.data_category,
                        _cell(row.detail or ""),
                        row.hash or "",
                    ]
                )
            written += len(rows)
            if len(rows) < EXPORT_BATCH:
                break
            offset += EXPORT_BATCH
    with unit_of_work(db, actor, write=True) as uow:
        uow.audit(
            "export",
            ENTITY,
            detail=f"{written} records as CSV ({describe(filters)})",
        )
        uow.commit()
    return out.getvalue()
