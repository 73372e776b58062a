"""The clinic at a glance: open and overdue referrals, the CMS50 loop-closure rate,
care-team gaps and authorisations that need chasing.

Every count comes from the summary kept as records change (services/dashboard_summary.py:
one aggregate over steps by day, as cheap at 300,000 patients as at 10,000); the lists
beside them are short, index-walking pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import (
    CORE_ROLES,
    CareTeamRole,
    DataCategory,
    Discipline,
    PatientStatus,
    ReferralState,
)
from carecoord.db import Database
from carecoord.models import CareTeamMembership, DashboardLoop, Patient, Referral
from carecoord.services.actor import Actor
from carecoord.services.common import service
from carecoord.services.common import today as local_today
from carecoord.services.dashboard_figures import OPEN_STATES, figures_of, figures_statement
from carecoord.services.dashboard_scratch import late_decisions
from carecoord.services.dashboard_summary import (
    MEASURE_MONTHS,
    REFERRAL_MONTHS,
    add_months,
    calendar_measurement_period,
    measurement_period,
)
from carecoord.services.permissions import Action, allowed, require
from carecoord.services.read_together import read_together
from carecoord.services.referral_lines import (
    PATIENT_COLUMNS,
    RECIPIENT_COLUMNS,
    Recipient,
    patient_name,
    recipient_name,
    referral_fields,
)
from carecoord.services.review import AcknowledgementFigures
from carecoord.services.unit_of_work import unit_of_work

# The worklist's own first-page statements and row builder (read here in one statement
# with the dashboard's other lists; services/worklist.py stays the one definition).
from carecoord.services.worklist import (
    WorklistRow,
    WorklistView,
    _page_statement,
    _row,
    _sort,
    _steps,
)

__all__ = [
    "MEASURE_MONTHS",
    "OPEN_STATES",
    "REFERRAL_MONTHS",
    "Dashboard",
    "LoopClosure",
    "add_months",
    "calendar_measurement_period",
    "dashboard",
    "measurement_period",
]

OVERDUE_ROWS = 20
LIST_ROWS = 50


@dataclass(frozen=True)
class OpenLoop:
    """A patient's first referral in the measure whose report has not arrived."""

    referral_id: int
    patient_id: int
    patient_name: str
    mrn: str
    discipline: Discipline
    recipient_name: str | None
    sent_on: date
    state: ReferralState


ROLLING = "rolling"
CALENDAR = "calendar"


@dataclass(frozen=True)
class LoopClosure:
    """CMS50 "Closing the Referral Loop: Receipt of Specialist Report" over one period.

    ``period_start``..``period_end`` is the measurement period; referrals count when sent
    from ``period_start`` up to and including ``referrals_until``. ``period`` says which
    view this is: ``"rolling"`` (the 12 months ending today) or ``"calendar"`` (the
    measure's own period, the calendar year, first referrals January 1 - October 31;
    docs/clinical-reference.md §2).
    """

    period_start: date
    period_end: date
    referrals_until: date
    numerator: int
    denominator: int
    open_loops: tuple[OpenLoop, ...]
    period: str = ROLLING

    @property
    def label(self) -> str:
        """Which period this is, in words: "rolling 12 months" or "calendar year 2026 …"."""
        if self.period == CALENDAR:
            year = self.period_start.year
            so_far = " so far" if self.period_end < date(year, 12, 31) else ""
            return f"CMS50 period: calendar year {year}{so_far}"
        return "rolling 12 months"

    @property
    def percentage(self) -> float | None:
        """Share of patients whose loop closed, 0-100; None with no patient in the measure."""
        if not self.denominator:
            return None
        return 100.0 * self.numerator / self.denominator


@dataclass(frozen=True)
class TeamGap:
    """An active patient missing at least one core care-team role."""

    patient_id: int
    patient_name: str
    mrn: str
    date_of_birth: date
    missing: tuple[CareTeamRole, ...]


@dataclass(frozen=True)
class PendingDecision:
    """A prior-authorisation request the payer has not decided within CMS-0057-F's limit."""

    referral_id: int
    patient_id: int
    patient_name: str
    mrn: str
    discipline: Discipline
    payer: str | None
    requested_at: datetime
    expedited: bool
    waiting: timedelta


@dataclass(frozen=True)
class Dashboard:
    on: date
    open_by_state: tuple[tuple[ReferralState, int], ...]
    overdue_count: int
    overdue: tuple[WorklistRow, ...]
    loop_closure: LoopClosure
    loop_closure_calendar: LoopClosure
    team_gap_count: int
    team_gaps: tuple[TeamGap, ...]
    auth_expiring: tuple[WorklistRow, ...]
    auth_expiring_more: bool
    decisions_overdue_count: int
    decisions_overdue: tuple[PendingDecision, ...]
    # Current medication lines whose route was never recorded (migrated free text): the
    # daily MME of those patients is incomplete. None for roles without clinical access.
    medication_review_count: int | None = None
    # The referral workflow's figures (booked past target, holds past review, reports the
    # referring clinician has not acknowledged yet, beside CMS50's receipt).
    booked_late_count: int = 0
    holds_past_review_count: int = 0
    acknowledgement: AcknowledgementFigures | None = None
    # Incoming documents (imaging, labs, outside reports) filed and not yet reviewed by
    # anyone (docs/clinical-reference.md §12); an index-only count.
    documents_to_review_count: int = 0

    @property
    def open_total(self) -> int:
        return sum(n for _, n in self.open_by_state)

    def open_count(self, state: ReferralState) -> int:
        return dict(self.open_by_state).get(state, 0)


@service
def dashboard(
    db: Database,
    actor: Actor,
    *,
    on: date | None = None,
    now: datetime | None = None,
) -> Dashboard:
    """Everything the dashboard shows, as of ``on`` (today by default).

    Args:
        db: The database.
        actor: Who is looking; needs the referral-logistics permission.
        on: The day to measure on.
        now: The moment payer decision times are measured to (defaults to now, UTC).

    Returns:
        The figures and the first rows of each list.

    Raises:
        PermissionDenied: The actor may not see referral logistics.
    """
    require(actor, Action.EDIT_REFERRAL_LOGISTICS)
    day = on or local_today()
    moment = now or datetime.now(UTC)
    # One short read transaction: the kept counts and the first rows of each list (the
    # worklist's own pages, so the dashboard and the front-desk views never disagree about
    # what "overdue" means). Every read is an index range or a kept total. The read is
    # audited once per dashboard opening, its record in a short write of its own.
    with unit_of_work(db, actor) as uow:
        rolling, calendar = measurement_period(day), calendar_measurement_period(day)
        overdue_parts = _first_page(WorklistView.OVERDUE, day, OVERDUE_ROWS)
        expiring_parts = _first_page(WorklistView.AUTH_EXPIRING, day, LIST_ROWS + 1)
        # On PostgreSQL one statement for all of it, one round trip (read_together.py).
        figures_rows, rolling_rows, calendar_rows, gap_rows, decision_rows, *page_rows = (
            read_together(
                uow.session,
                [
                    figures_statement(day, moment),
                    _open_loops_statement(open_loop(*rolling), LIST_ROWS),
                    _open_loops_statement(open_loop(*calendar), LIST_ROWS),
                    _team_gaps_statement(),
                    _decisions_statement(moment),
                    *overdue_parts,
                    *expiring_parts,
                ],
            )
        )
        kept = figures_of(figures_rows)
        overdue_rows = tuple(_page_rows(page_rows[: len(overdue_parts)], day, OVERDUE_ROWS))
        expiring = _page_rows(page_rows[len(overdue_parts) :], day, LIST_ROWS + 1)
        closure = _loop_closure(kept.rolling, rolling, ROLLING, rolling_rows)
        closure_calendar = _loop_closure(kept.calendar, calendar, CALENDAR, calendar_rows)
        gaps = _team_gaps_of(gap_rows)
        decisions = _decisions_of(decision_rows, moment)
        uow.audit_read(
            "Dashboard",
            detail=(
                f"dashboard: {len(closure.open_loops)} open loops, {len(gaps)} team gaps, "
                f"{len(decisions)} payer decisions listed"
            ),
            same_read="dashboard",
        )
    return Dashboard(
        on=day,
        open_by_state=kept.open_by_state,
        overdue_count=kept.overdue_count,
        overdue=overdue_rows,
        loop_closure=closure,
        loop_closure_calendar=closure_calendar,
        team_gap_count=kept.team_gap_count,
        team_gaps=gaps,
        auth_expiring=tuple(expiring[:LIST_ROWS]),
        auth_expiring_more=len(expiring) > LIST_ROWS,
        decisions_overdue_count=kept.decisions_overdue_count,
        decisions_overdue=decisions,
        medication_review_count=(
            kept.medication_review_count
            if allowed(actor, Action.READ_CLINICAL, DataCategory.GENERAL)
            else None
        ),
        booked_late_count=kept.booked_late_count,
        holds_past_review_count=kept.holds_past_review_count,
        acknowledgement=AcknowledgementFigures(
            kept.unacknowledged, kept.acknowledged, kept.median_days_to_acknowledge
        ),
        documents_to_review_count=kept.documents_to_review_count,
    )


def _first_page(view: WorklistView, day: date, limit: int) -> list[Any]:
    """The statements of a worklist view's first page, one per part (the worklist's own
    statements, so the dashboard and the front-desk views never disagree)."""
    parts = [
        _page_statement(view, day, None, part, step, None, limit)
        for part, step in _steps(_sort(view), None)
    ]
    return [_only_if_short(part, parts[:i], limit) for i, part in enumerate(parts)]


def _only_if_short(part: Any, before: list[Any], limit: int) -> Any:
    """``part`` read only while the parts before it hold fewer than ``limit`` rows.

    Sent together in one statement every part would otherwise be read: the undated part
    of "Authorisations expiring" walks every referral when it matches none (400 ms at
    100,000 patients on PostgreSQL). The condition is uncorrelated, so the database
    evaluates it once and skips the part's scan when the page is already full.
    """
    if not before:
        return part
    held = sum(
        (select(func.count()).select_from(b.subquery()).scalar_subquery() for b in before),
        start=literal(0),
    )
    return part.where(held < limit)


def _page_rows(parts: list[list[Any]], day: date, limit: int) -> list[WorklistRow]:
    """A first page from its parts' rows, in display order (as ``first_rows`` reads it)."""
    return [_row(r, day) for part in parts for r in part][:limit]


def _loop_closure(
    counts: tuple[int, int], period: tuple[date, date, date], kind: str, rows: list[Any]
) -> LoopClosure:
    """The kept (numerator, denominator) with the first page of open loops beside them."""
    start, end, until = period
    numerator, denominator = counts
    loops = _open_loops_of(rows)
    return LoopClosure(start, end, until, numerator, denominator, tuple(loops), kind)


def open_loop(start: date, end: date, until: date) -> Any:
    """A kept loop row that is a patient's first referral of the period, without a report
    by its end (one walk down the covering sent_on index of dashboard_loops)."""
    return and_(
        DashboardLoop.sent_on >= start,
        DashboardLoop.sent_on <= min(until, end),
        or_(DashboardLoop.previous_sent_on.is_(None), DashboardLoop.previous_sent_on < start),
        or_(DashboardLoop.arrived_on.is_(None), DashboardLoop.arrived_on > end),
    )


def _open_loops(session: Session, condition: Any, limit: int) -> list[OpenLoop]:
    """The first ``limit`` open loops meeting ``condition``, read on their own."""
    return _open_loops_of(session.execute(_open_loops_statement(condition, limit)).all())


def _open_loops_statement(condition: Any, limit: int) -> Any:
    return (
        select(
            *PATIENT_COLUMNS,
            Referral.discipline,
            *RECIPIENT_COLUMNS,
            Referral.sent_on,
            Referral.state,
        )
        .select_from(DashboardLoop)
        .join(Referral, Referral.id == DashboardLoop.referral_id)
        .join(Patient, Patient.id == Referral.patient_id)
        .outerjoin(Recipient, Recipient.id == Referral.recipient_member_id)
        .where(condition)
        .order_by(DashboardLoop.sent_on.desc(), DashboardLoop.referral_id.desc())
        .limit(limit)
    )


def _open_loops_of(rows: Any) -> list[OpenLoop]:
    return [
        OpenLoop(
            **referral_fields(r),
            recipient_name=recipient_name(r),
            sent_on=r.sent_on,
            state=r.state,
        )
        for r in rows
    ]


def _team_gaps_statement() -> Any:
    """The first page by name of active patients missing a core role (the count is kept).

    Each role is a count of the patient's current members in it, probed through the
    (patient_id, role) index for each patient the name-ordered walk meets. Not NOT EXISTS:
    PostgreSQL turns an OR of NOT EXISTS into hashed sub-plans that read every membership
    of the clinic first (400 ms at 100,000 patients against a few ms for the probes).
    """
    missing = [_members_in(role) == 0 for role in CORE_ROLES]
    any_gap = and_(Patient.status == PatientStatus.ACTIVE, or_(*missing))
    return (
        select(
            Patient.id,
            Patient.family_name,
            Patient.given_name,
            Patient.mrn,
            Patient.date_of_birth,
            *(m.label(f"missing_{i}") for i, m in enumerate(missing)),
        )
        .where(any_gap)
        .order_by(Patient.family_key, Patient.given_key, Patient.id)
        .limit(LIST_ROWS)
    )


def _members_in(role: CareTeamRole) -> Any:
    """How many current members in ``role`` the outer query's patient has (a scalar probe)."""
    return (
        select(func.count())
        .where(
            CareTeamMembership.patient_id == Patient.id,
            CareTeamMembership.role == role,
            CareTeamMembership.until.is_(None),
        )
        .scalar_subquery()
    )


def _team_gaps_of(rows: Any) -> tuple[TeamGap, ...]:
    return tuple(
        TeamGap(
            patient_id=r.id,
            patient_name=patient_name(r),
            mrn=r.mrn,
            date_of_birth=r.date_of_birth,
            missing=tuple(role for i, role in enumerate(CORE_ROLES) if r[5 + i]),
        )
        for r in rows
    )


def _decisions_statement(now: datetime) -> Any:
    """The oldest pending authorisations past CMS-0057-F's limit (the count is kept)."""
    return (
        select(
            *PATIENT_COLUMNS,
            Referral.discipline,
            Referral.auth_payer,
            Referral.auth_requested_at,
            Referral.auth_expedited,
        )
        .join(Patient, Patient.id == Referral.patient_id)
        .where(late_decisions(now))
        .order_by(Referral.auth_requested_at, Referral.id)
        .limit(OVERDUE_ROWS)
    )


def _decisions_of(rows: Any, now: datetime) -> tuple[PendingDecision, ...]:
    return tuple(
        PendingDecision(
            **referral_fields(r),
            payer=r.auth_payer,
            requested_at=r.auth_requested_at,
            expedited=bool(r.auth_expedited),
            waiting=now - r.auth_requested_at,
        )
        for r in rows
    )


# ------------------------------------------------------------------------ inbound referrals
@dataclass(frozen=True)
class IntakeFigures:
    """The dashboard's intake panel: referrals waiting for triage, and those overdue."""

    awaiting_triage: int
    overdue: int


@service
def intake_figures(db: Database, actor: Actor, *, on: date | None = None) -> IntakeFigures:
    """Counts for the intake panel (capped like the page's tabs; see ``intake_lists``).

    Separate from :func:`dashboard` so roles that read intake without referral logistics
    (clinicians) see it, and so the dashboard's own query plan is untouched.
    """
    from carecoord.services.intake_lists import IntakeList, intake_counts

    counts = intake_counts(db, actor, on=on)
    return IntakeFigures(counts[IntakeList.RECEIVED], counts[IntakeList.OVERDUE])
