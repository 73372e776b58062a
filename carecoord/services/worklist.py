"""The front desk's referral worklists: what to send, chase, schedule, and what is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from carecoord.clinical import referral_rules as rules
from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import (
    AuthorizationOutcome,
    DataCategory,
    Discipline,
    Priority,
    ReferralState,
)
from carecoord.db import Database
from carecoord.models import Patient, Referral, TeamMember
from carecoord.services import audit
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service
from carecoord.services.common import today as local_today
from carecoord.services.permissions import Action, require

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


class WorklistView(StrEnum):
    TO_SEND = "to_send"
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    TO_SCHEDULE = "to_schedule"
    AWAITING_VISIT = "awaiting_visit"
    AWAITING_REPORT = "awaiting_report"
    OVERDUE = "overdue"
    AUTH_EXPIRING = "auth_expiring"
    AUTH_PENDING = "auth_pending"
    ON_HOLD = "on_hold"
    BOOKED_LATE = "booked_late"
    HOLD_REVIEW = "hold_review"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return VIEW_LABELS[self]


VIEW_LABELS = {
    WorklistView.TO_SEND: "To send",
    WorklistView.AWAITING_ACCEPTANCE: "Awaiting acceptance",
    WorklistView.TO_SCHEDULE: "To schedule",
    WorklistView.AWAITING_VISIT: "Awaiting visit",
    WorklistView.AWAITING_REPORT: "Awaiting report",
    WorklistView.OVERDUE: "Overdue",
    WorklistView.AUTH_EXPIRING: "Authorisations expiring",
    WorklistView.AUTH_PENDING: "Authorisations pending",
    WorklistView.ON_HOLD: "On hold",
    WorklistView.BOOKED_LATE: "Booked past target",
    WorklistView.HOLD_REVIEW: "Holds past review",
    WorklistView.CLOSED: "Closed",
}

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


PRIORITY_RANK = case(
    {Priority.STAT.value: 0, Priority.ASAP.value: 1, Priority.URGENT.value: 2},
    value=Referral.priority,
    else_=3,
)


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


def _order(view: WorklistView) -> tuple[Any, ...]:
    if view == WorklistView.TO_SEND:
        return (PRIORITY_RANK, Referral.id)
    if view == WorklistView.CLOSED:
        return (Referral.closed_on.desc(), Referral.id.desc())
    if view == WorklistView.AUTH_EXPIRING:
        return (Referral.auth_valid_to, Referral.id)
    if view == WorklistView.AUTH_PENDING:
        return (Referral.auth_requested_at, Referral.id)
    return (Referral.due_on, Referral.id)


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


Recipient = aliased(TeamMember)


@service
def worklist(
    db: Database,
    actor: Actor,
    view: WorklistView | str,
    *,
    filters: WorklistFilter | None = None,
    limit: int = 100,
    offset: int = 0,
    on: date | None = None,
) -> list[WorklistRow]:
    """One page of a worklist. Logistics only, so the front desk sees every referral."""
    require(actor, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.GENERAL)
    chosen = v.choice(view, WorklistView, "view")
    day = on or local_today()
    stmt = (
        select(
            Referral.id,
            Referral.patient_id,
            Patient.family_name,
            Patient.given_name,
            Patient.mrn,
            Patient.date_of_birth,
            Referral.discipline,
            Recipient.given_name.label("r_given"),
            Recipient.family_name.label("r_family"),
            Recipient.credentials.label("r_credentials"),
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
        .join(Patient, Patient.id == Referral.patient_id)
        .outerjoin(Recipient, Recipient.id == Referral.recipient_member_id)
        .where(_view_condition(chosen, day), NOT_IN_ERROR, *_filters(filters, chosen))
        .order_by(*_order(chosen))
        .limit(max(1, min(limit, 1000)))
        .offset(max(0, offset))
    )
    with db.session(write=True) as session:
        rows = [_row(r, day) for r in session.execute(stmt)]
        audit.record(
            session,
            actor,
            "read",
            "Worklist",
            detail=f"{chosen.value}: {len(rows)} rows (offset {offset})",
        )
        session.commit()
        return rows


def _row(r: Any, day: date) -> WorklistRow:
    recipient = None
    if r.r_family:
        recipient = f"{r.r_given} {r.r_family}" + (
            f", {r.r_credentials}" if r.r_credentials else ""
        )
    is_overdue = rules.is_overdue(r.state, r.appointment_due, r.report_due, day)
    visits_left = (
        None
        if r.auth_visits_authorized is None
        else r.auth_visits_authorized - (r.auth_visits_used or 0)
    )
    return WorklistRow(
        id=r.id,
        patient_id=r.patient_id,
        patient_name=f"{r.family_name}, {r.given_name}",
        mrn=r.mrn,
        date_of_birth=r.date_of_birth,
        discipline=r.discipline,
        recipient_name=recipient,
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


@service
def worklist_counts(
    db: Database, actor: Actor, *, filters: WorklistFilter | None = None, on: date | None = None
) -> dict[WorklistView, int]:
    """How many referrals each view holds (shown on the view tabs)."""
    require(actor, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.GENERAL)
    day = on or local_today()
    counts: dict[WorklistView, int] = {}
    with db.session() as session:
        # Subtracting the few referrals entered in error (by their ids, usually none)
        # counts faster than excluding them row by row.
        in_error = list(session.scalars(select(Referral.id).where(IN_ERROR)))
        for view in WorklistView:
            condition = (_view_condition(view, day, counting=True), *_filters(filters, view))
            stmt = select(func.count()).select_from(Referral)
            total = int(session.scalar(stmt.where(*condition)) or 0)
            if in_error:
                total -= int(session.scalar(stmt.where(*condition, Referral.id.in_(in_error))) or 0)
            counts[view] = total
    return counts
