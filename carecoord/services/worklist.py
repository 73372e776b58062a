"""The front desk's referral worklists: what to send, chase, schedule, and what is overdue."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from carecoord.clinical import referral_rules as rules
from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import (
    AuthorizationOutcome,
    DataCategory,
    Discipline,
    LabelledEnum,
    Priority,
    ReferralState,
)
from carecoord.db import Database
from carecoord.models import Patient, Referral
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service
from carecoord.services.common import today as local_today
from carecoord.services.paging import Page, fill_page, page_limit
from carecoord.services.permissions import Action, require
from carecoord.services.referral_lines import (
    PATIENT_COLUMNS,
    RECIPIENT_COLUMNS,
    Recipient,
    patient_name,
    recipient_name,
)
from carecoord.services.unit_of_work import unit_of_work

S = ReferralState
OVERDUE_STATES = (S.SENT, S.ACCEPTED, S.SEEN)
NOT_OVERDUE_STATES = tuple(s for s in S if s not in OVERDUE_STATES)
# The exact WHERE terms of the partial indexes on referrals (see models/referral.py).
OPEN_APPROVED = and_(
    Referral.auth_outcome == AuthorizationOutcome.APPROVED, Referral.closed_on.is_(None)
)
OPEN_PENDING = and_(
    Referral.auth_outcome == AuthorizationOutcome.PENDING, Referral.closed_on.is_(None)
)

# Referrals created by mistake (FHIR entered-in-error) appear on no worklist. They are
# few and have a partial index, so "id [NOT] IN" them keeps every view's index-only plan
# (testing the column itself would read each counted row).
IN_ERROR = Referral.entered_in_error_at.is_not(None)
IN_ERROR_IDS = select(Referral.id).where(IN_ERROR).scalar_subquery()
NOT_IN_ERROR = Referral.id.not_in(IN_ERROR_IDS)


class WorklistView(LabelledEnum):
    TO_SEND = "to_send"
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    TO_SCHEDULE = "to_schedule"
    AWAITING_VISIT = "awaiting_visit"
    AWAITING_REPORT = "awaiting_report"
    OVERDUE = "overdue"
    AUTH_EXPIRING = "auth_expiring", "Authorisations expiring"
    AUTH_PENDING = "auth_pending", "Authorisations pending"
    ON_HOLD = "on_hold"
    BOOKED_LATE = "booked_late", "Booked past target"
    HOLD_REVIEW = "hold_review", "Holds past review"
    CLOSED = "closed"


STATE_OF_VIEW = {
    WorklistView.TO_SEND: S.DRAFT,
    WorklistView.AWAITING_ACCEPTANCE: S.SENT,
    WorklistView.TO_SCHEDULE: S.ACCEPTED,
    WorklistView.AWAITING_VISIT: S.SCHEDULED,
    WorklistView.AWAITING_REPORT: S.SEEN,
    WorklistView.ON_HOLD: S.ON_HOLD,
}


@dataclass(frozen=True)
class WorklistFilter:
    discipline: Discipline | str | None = None
    priority: Priority | str | None = None
    recipient_member_id: int | None = None
    date_from: date | str | None = None
    date_to: date | str | None = None


@dataclass(frozen=True)
class WorklistRow:
    """One referral on a worklist: logistics only, never clinical content."""

    id: int
    patient_id: int
    patient_name: str
    mrn: str
    date_of_birth: date
    discipline: Discipline
    recipient_name: str | None
    priority: Priority
    state: ReferralState
    sent_on: date | None
    due_on: date | None
    appointment_date: date | None
    auth_outcome: AuthorizationOutcome
    auth_valid_to: date | None
    auth_visits_left: int | None
    version: int
    overdue: bool
    days_overdue: int
    visit_outcome_missing: bool
    booked_late: bool = False
    hold_review_due: bool = False
    no_show_count: int = 0


def _view_condition(view: WorklistView, on: date, *, counting: bool = False) -> Any:
    """The WHERE clause of a view, phrased so the planner serves each from one index.

    Pages walk an index in display order and stop after one page; counts prefer the
    covering (state, due_on) index.
    """
    if view in STATE_OF_VIEW:
        return Referral.state == STATE_OF_VIEW[view]
    if view == WorklistView.OVERDUE:
        if counting:
            return and_(Referral.state.in_(OVERDUE_STATES), Referral.due_on < on)
        # NOT IN, so the planner walks ix_referrals_due_on in order and stops after one
        # page instead of sorting every overdue row found through (state, due_on).
        return and_(Referral.due_on < on, Referral.state.not_in(NOT_OVERDUE_STATES))
    if view == WorklistView.AUTH_EXPIRING:
        horizon = on + timedelta(days=rules.AUTHORIZATION_WARN_DAYS)
        return and_(
            OPEN_APPROVED,
            or_(
                Referral.auth_valid_to <= horizon,
                Referral.auth_visits_authorized - Referral.auth_visits_used <= 1,
            ),
        )
    if view == WorklistView.AUTH_PENDING:
        return OPEN_PENDING
    if view == WorklistView.BOOKED_LATE:
        # ix_referrals_state_booked_late_due_on, walked in appointment order
        return and_(Referral.state == S.SCHEDULED, Referral.booked_late.is_(True))
    if view == WorklistView.HOLD_REVIEW:
        # a held referral's due_on is its review date (ix_referrals_state_due_on)
        return and_(Referral.state == S.ON_HOLD, Referral.due_on < on)
    # closed_on is set exactly when a referral enters a closed state.
    return Referral.closed_on.is_not(None)


@dataclass(frozen=True)
class _Sort:
    """A view's display order: one sort key, then ``id`` in the same direction.

    ``nullable`` keys list their rows without a key last, on both databases (SQLite
    would put NULLs first, PostgreSQL last), as a second part read by id.
    """

    key: Any
    descending: bool = False
    nullable: bool = True


def _sort(view: WorklistView) -> _Sort:
    if view == WorklistView.TO_SEND:
        # The rank the database computes from the priority (STAT first), indexed with
        # the state: no page sorts the drafts.
        return _Sort(Referral.priority_rank, nullable=False)
    if view == WorklistView.CLOSED:
        return _Sort(Referral.closed_on, descending=True, nullable=False)
    if view == WorklistView.AUTH_EXPIRING:
        return _Sort(Referral.auth_valid_to)
    if view == WorklistView.AUTH_PENDING:
        return _Sort(Referral.auth_requested_at)
    # Overdue and holds past review only hold rows with a due date before the day.
    return _Sort(
        Referral.due_on, nullable=view not in (WorklistView.OVERDUE, WorklistView.HOLD_REVIEW)
    )


def _filters(filters: WorklistFilter | None, view: WorklistView) -> list[Any]:
    if filters is None:
        return []
    conditions: list[Any] = []
    if filters.discipline:
        conditions.append(
            Referral.discipline == v.choice(filters.discipline, Discipline, "discipline")
        )
    if filters.priority:
        conditions.append(Referral.priority == v.choice(filters.priority, Priority, "priority"))
    if filters.recipient_member_id is not None:
        conditions.append(Referral.recipient_member_id == filters.recipient_member_id)
    start = v.a_date(filters.date_from, "date_from")
    end = v.a_date(filters.date_to, "date_to")
    v.not_before(end, start, "date_to", "the start date")
    column: Any = Referral.sent_on
    if view == WorklistView.TO_SEND:
        column = func.date(Referral.created_at)
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end)
    return conditions


PAGE_COLUMNS = (
    *PATIENT_COLUMNS,
    Patient.date_of_birth,
    Referral.discipline,
    *RECIPIENT_COLUMNS,
    Referral.priority,
    Referral.state,
    Referral.sent_on,
    Referral.due_on,
    Referral.appointment_date,
    Referral.appointment_due,
    Referral.report_due,
    Referral.auth_outcome,
    Referral.auth_valid_to,
    Referral.auth_visits_authorized,
    Referral.auth_visits_used,
    Referral.version,
    Referral.booked_late,
    Referral.hold_review_on,
    Referral.no_show_count,
)


@dataclass(frozen=True)
class WorklistCursor:
    """Where the next page of a view starts: after the last row shown.

    ``part`` 0 holds the rows with a sort key, part 1 (nullable keys only) those
    without; ``key`` and ``id`` are the last row's. ``on`` is the day the first page was
    judged on, so "overdue" means the same on every page. Small: a list keeps one per page.
    """

    on: date
    part: int
    key: Any
    id: int


WorklistPage = Page[WorklistRow, WorklistCursor]


def _page_statement(
    view: WorklistView,
    day: date,
    filters: WorklistFilter | None,
    part: int,
    step: str,
    after: WorklistCursor | None,
    limit: int,
) -> Any:
    """One step of a page: the view's rows of one part after the cursor, in index order.

    Steps after a cursor (key K, id I): "tie" reads the rows with key K and an id past
    I, "beyond" those with a key past K. Each is an index range that starts at the
    cursor (equality on the key, then the id), so a page deep in the list costs what the
    first does, unlike an OFFSET that reads past every earlier row. (SQLite seeks a row
    value (key, id) on its first column only, which with many equal keys, such as
    routine drafts, would read past every earlier tie.)
    """
    order = _sort(view)
    key = order.key
    conditions = [_view_condition(view, day), NOT_IN_ERROR, *_filters(filters, view)]
    if order.nullable:
        conditions.append(key.is_not(None) if part == 0 else key.is_(None))
    before = operator.lt if order.descending else operator.gt
    columns: tuple[Any, ...] = (key, Referral.id)
    if after is not None and step == "tie":
        conditions += [key == after.key, before(Referral.id, after.id)]
        columns = (Referral.id,)
    elif after is not None and step == "beyond":
        if part == 0:
            conditions.append(before(key, bindparam("after_key", after.key, type_=key.type)))
        else:  # rows without a key, in id order
            conditions.append(before(Referral.id, after.id))
    if part == 1:
        columns = (Referral.id,)
    sort = [c.desc() if order.descending else c for c in columns]
    return (
        select(*PAGE_COLUMNS, key.label("sort_key"))
        .join(Patient, Patient.id == Referral.patient_id)
        .outerjoin(Recipient, Recipient.id == Referral.recipient_member_id)
        .where(*conditions)
        .order_by(*sort)
        .limit(limit)
    )


def _steps(order: _Sort, after: WorklistCursor | None) -> list[tuple[int, str]]:
    """The (part, step) reads a page may need, in display order."""
    nulls = [(1, "all")] if order.nullable else []
    if after is None:
        return [(0, "all"), *nulls]
    if after.part == 0:
        return [(0, "tie"), (0, "beyond"), *nulls]
    return [(1, "beyond")]


def _read_page(
    session: Session,
    view: WorklistView,
    day: date,
    filters: WorklistFilter | None,
    after: WorklistCursor | None,
    limit: int,
) -> WorklistPage:
    """A page of a view (inside the caller's session)."""

    def read(step: tuple[int, str], wanted: int) -> list[Any]:
        part, how = step
        return list(session.execute(_page_statement(view, day, filters, part, how, after, wanted)))

    return fill_page(
        _steps(_sort(view), after),
        limit,
        after,
        read,
        lambda r: _row(r, day),
        lambda step, r: WorklistCursor(day, step[0], r.sort_key, r.id),
    )


def first_rows(session: Session, view: WorklistView, day: date, limit: int) -> list[WorklistRow]:
    """A view's first ``limit`` rows inside the caller's session, which audits the read
    (the dashboard's lists come from here, so they never disagree with the worklist)."""
    return _read_page(session, view, day, None, None, limit).rows


@service
def worklist_page(
    db: Database,
    actor: Actor,
    view: WorklistView | str,
    *,
    filters: WorklistFilter | None = None,
    after: WorklistCursor | None = None,
    limit: int = 100,
    on: date | None = None,
) -> WorklistPage:
    """One page of a worklist, starting after ``after`` (keyset paging).

    Logistics only, so the front desk sees every referral. Every page, at any depth,
    is at most three index range scans of at most ``limit`` rows. Audited per page.
    """
    require(actor, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.GENERAL)
    chosen = v.choice(view, WorklistView, "view")
    limit = page_limit(limit, 1000)
    day = after.on if after is not None else (on or local_today())
    with unit_of_work(db, actor) as uow:
        found = _read_page(uow.session, chosen, day, filters, after, limit)
        page = "next" if after else "first"
        uow.audit_read(
            "Worklist",
            detail=f"{chosen.value}: {len(found.rows)} rows ({page} page)",
            same_read=f"{chosen.value}, {page} page",
        )
    return found


@service
def worklist(
    db: Database,
    actor: Actor,
    view: WorklistView | str,
    *,
    filters: WorklistFilter | None = None,
    limit: int = 100,
    on: date | None = None,
) -> list[WorklistRow]:
    """The first ``limit`` rows of a worklist (see :func:`worklist_page` for the rest)."""
    return worklist_page(db, actor, view, filters=filters, limit=limit, on=on).rows


def _row(r: Any, day: date) -> WorklistRow:
    is_overdue = rules.is_overdue(r.state, r.appointment_due, r.report_due, day)
    visits_left = (
        None
        if r.auth_visits_authorized is None
        else r.auth_visits_authorized - (r.auth_visits_used or 0)
    )
    return WorklistRow(
        id=r.id,
        patient_id=r.patient_id,
        patient_name=patient_name(r),
        mrn=r.mrn,
        date_of_birth=r.date_of_birth,
        discipline=r.discipline,
        recipient_name=recipient_name(r),
        priority=r.priority,
        state=r.state,
        sent_on=r.sent_on,
        due_on=r.due_on,
        appointment_date=r.appointment_date,
        auth_outcome=r.auth_outcome,
        auth_valid_to=r.auth_valid_to,
        auth_visits_left=visits_left,
        version=r.version,
        overdue=is_overdue,
        days_overdue=(day - r.due_on).days if is_overdue and r.due_on else 0,
        visit_outcome_missing=rules.visit_outcome_missing(r.state, r.appointment_date, day),
        booked_late=bool(r.booked_late) and r.state == S.SCHEDULED,
        hold_review_due=workflow.hold_review_due(r.state, r.hold_review_on, day),
        no_show_count=r.no_show_count or 0,
    )


def count_view(session: Session, view: WorklistView, on: date) -> int:
    """How many referrals one view holds (inside the caller's session; no audit)."""
    stmt = (
        select(func.count()).select_from(Referral).where(_view_condition(view, on, counting=True))
    )
    return int(session.scalar(stmt) or 0)


COUNT_CAP = 1000
"""Counts stop here: a tab reads "1,000+" rather than counting a list nobody scrolls whole."""


def count_text(count: int, cap: int = COUNT_CAP) -> str:
    """A count as a tab shows it: exact up to ``cap``, else "1,000+"."""
    return f"{cap:,}+" if count > cap else f"{count:,}"


@service
def worklist_counts(
    db: Database,
    actor: Actor,
    *,
    filters: WorklistFilter | None = None,
    on: date | None = None,
    cap: int = COUNT_CAP,
) -> dict[WorklistView, int]:
    """How many referrals each view holds (shown on the view tabs).

    Exact up to ``cap``; a larger view counts as ``cap + 1``, meaning "more than cap"
    (:func:`count_text`). Each count reads at most that many index entries, so the tabs
    cost the same in a clinic of any size, and all views are counted in one statement
    (one round trip).
    """
    require(actor, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.GENERAL)
    day = on or local_today()
    views = list(WorklistView)
    counts = []
    for view in views:
        # Referrals entered in error are excluded by id (NOT_IN_ERROR), so every count
        # stays an index-only scan.
        conditions = [_view_condition(view, day, counting=True), NOT_IN_ERROR]
        capped = select(Referral.id).where(*conditions, *_filters(filters, view)).limit(cap + 1)
        counts.append(select(func.count()).select_from(capped.subquery()).scalar_subquery())
    with unit_of_work(db, actor) as uow:  # counts alone name no patient: no read record
        found = uow.session.execute(select(*counts)).one()
    return {view: int(n or 0) for view, n in zip(views, found, strict=True)}
