"""The clinic at a glance: open and overdue referrals, the CMS50 loop-closure rate,
care-team gaps and authorisations that need chasing.

Every figure is one SQL aggregate or one short, index-walking page, so the dashboard
stays fast on a 100,000-patient database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from carecoord.clinical import referral_rules as rules
from carecoord.clinical.medication_line import UNKNOWN_ROUTE
from carecoord.clinical.vocabulary import (
    CORE_ROLES,
    CareTeamRole,
    DataCategory,
    Discipline,
    DocumentKind,
    PatientStatus,
    ReferralState,
)
from carecoord.db import Database
from carecoord.models import (
    CareTeamMembership,
    Document,
    Medication,
    Patient,
    Referral,
    TeamMember,
)
from carecoord.services import audit
from carecoord.services.actor import Actor
from carecoord.services.common import service
from carecoord.services.common import today as local_today
from carecoord.services.permissions import Action, allowed, require
from carecoord.services.review import (
    AcknowledgementFigures,
    acknowledgement_figures,
    documents_to_review,
)
from carecoord.services.worklist import (
    IN_ERROR_IDS,
    OPEN_PENDING,
    OVERDUE_STATES,
    WorklistRow,
    WorklistView,
    count_view,
    worklist,
)

MEASURE_MONTHS = 12
REFERRAL_MONTHS = 10
"""CMS50 (v11 onward) counts only a first referral made in the first 10 months of the
period, so every referral in the measure has had at least two months for its report."""
OVERDUE_ROWS = 20
LIST_ROWS = 50
OPEN_STATES = tuple(s for s in ReferralState if s in rules.OPEN_STATES)

Recipient = aliased(TeamMember)


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


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def measurement_period(on: date) -> tuple[date, date, date]:
    """(start, end, last day a referral counts) of the rolling 12 months ending ``on``."""
    start = add_months(on, -MEASURE_MONTHS) + timedelta(days=1)
    referrals_until = add_months(start, REFERRAL_MONTHS) - timedelta(days=1)
    return start, on, referrals_until


def calendar_measurement_period(on: date) -> tuple[date, date, date]:
    """(start, end, last day a referral counts) of the eCQM's own period containing ``on``.

    CMS50 measures a calendar year and counts each patient's first referral from
    January 1 to October 31; reports count up to December 31, or up to ``on`` while the
    year is still running.
    """
    return date(on.year, 1, 1), min(on, date(on.year, 12, 31)), date(on.year, 10, 31)


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
    # The worklist pages come from the worklist service itself, so the dashboard and the
    # front-desk views can never disagree about what "overdue" means.
    overdue_rows = tuple(worklist(db, actor, WorklistView.OVERDUE, limit=OVERDUE_ROWS, on=day))
    expiring = worklist(db, actor, WorklistView.AUTH_EXPIRING, limit=LIST_ROWS + 1, on=day)
    # Read in a plain transaction: on SQLite a write session would hold the write lock
    # for the whole computation; the audit event gets its own short one.
    with db.session() as session:
        open_by_state = _open_by_state(session)
        overdue_count = int(
            session.scalar(
                select(func.count())
                .select_from(Referral)
                .where(Referral.state.in_(OVERDUE_STATES), Referral.due_on < day)
            )
            or 0
        )
        review_count = (
            _medication_review_count(session, day)
            if allowed(actor, Action.READ_CLINICAL, DataCategory.GENERAL)
            else None
        )
        closure = _loop_closure(session, *measurement_period(day), ROLLING)
        closure_calendar = _loop_closure(session, *calendar_measurement_period(day), CALENDAR)
        gap_count, gaps = _team_gaps(session)
        decisions_count, decisions = _decisions_overdue(session, moment)
        booked_late_count = count_view(session, WorklistView.BOOKED_LATE, day)
        holds_past_review = count_view(session, WorklistView.HOLD_REVIEW, day)
        acknowledgement = acknowledgement_figures(session, add_months(day, -MEASURE_MONTHS))
        documents_waiting = documents_to_review(session)
    with db.session(write=True) as session:
        audit.record(
            session,
            actor,
            "read",
            "Dashboard",
            detail=(
                f"dashboard: {len(closure.open_loops)} open loops, {len(gaps)} team gaps, "
                f"{len(decisions)} payer decisions listed"
            ),
        )
        session.commit()
    return Dashboard(
        on=day,
        open_by_state=open_by_state,
        overdue_count=overdue_count,
        overdue=overdue_rows,
        loop_closure=closure,
        loop_closure_calendar=closure_calendar,
        team_gap_count=gap_count,
        team_gaps=gaps,
        auth_expiring=tuple(expiring[:LIST_ROWS]),
        auth_expiring_more=len(expiring) > LIST_ROWS,
        decisions_overdue_count=decisions_count,
        decisions_overdue=decisions,
        medication_review_count=review_count,
        booked_late_count=booked_late_count,
        holds_past_review_count=holds_past_review,
        acknowledgement=acknowledgement,
        documents_to_review_count=documents_waiting,
    )


def _medication_review_count(session: Session, day: date) -> int:
    """Current lines with route "unknown" (an index range on route)."""
    current = or_(Medication.stop_date.is_(None), Medication.stop_date >= day)
    query = select(func.count()).where(Medication.route == UNKNOWN_ROUTE, current)
    return int(session.scalar(query) or 0)


def _open_by_state(session: Session) -> tuple[tuple[ReferralState, int], ...]:
    # state IN (...) lets each state be counted from the covering (state, due_on) index.
    counts = dict(
        session.execute(
            select(Referral.state, func.count())
            .where(Referral.state.in_(OPEN_STATES))
            .group_by(Referral.state)
        ).all()
    )
    return tuple((state, int(counts.get(state, 0))) for state in OPEN_STATES)


def _report_arrived(r: Any, period_end: date) -> Any:
    """The recipient's report arrived after the referral was sent (and by the period's end).

    A referral closed as "report received" with a reason instead of a report does not
    count: no report reached the referrer. A CASE, so the document is only looked up
    when the referral row itself does not already say a report was filed.
    """
    filed_in_row = and_(
        r.state == ReferralState.REPORT_RECEIVED,
        r.no_report_reason.is_(None),
        r.report_received_on >= r.sent_on,
        r.report_received_on <= period_end,
    )
    document = exists().where(
        Document.referral_id == r.id,
        Document.kind == DocumentKind.SPECIALIST_REPORT,
        Document.received_on >= r.sent_on,
        Document.received_on <= period_end,
    )
    return case((filed_in_row, 1), (document, 1), else_=0)


def _loop_closure(
    session: Session, start: date, end: date, until: date, period: str
) -> LoopClosure:
    # A referral entered in error never happened as far as the measure is concerned
    # ("id NOT IN" the few of them keeps the index-only scans, see worklist.IN_ERROR_IDS).
    in_window = and_(
        Referral.sent_on >= start,
        Referral.sent_on <= min(until, end),
        Referral.id.not_in(IN_ERROR_IDS),
    )
    # CMS50: per patient, only the first referral of the period (earliest sent; the lower
    # id breaks a same-day tie).
    ranked = (
        select(
            Referral.id,
            func.row_number()
            .over(partition_by=Referral.patient_id, order_by=(Referral.sent_on, Referral.id))
            .label("rank"),
        )
        .where(in_window)
        .subquery()
    )
    first = aliased(Referral)
    arrived = _report_arrived(first, end)
    denominator, numerator = session.execute(
        select(func.count(), func.coalesce(func.sum(arrived), 0))
        .select_from(ranked.join(first, first.id == ranked.c.id))
        .where(ranked.c.rank == 1)
    ).one()

    # The open list walks referrals in sending order and stops after one page, so it
    # states "is the patient's first" as NOT EXISTS rather than ranking them all again.
    earlier = aliased(Referral)
    is_first = ~exists().where(
        earlier.patient_id == first.patient_id,
        earlier.sent_on >= start,
        earlier.id.not_in(IN_ERROR_IDS),
        or_(
            earlier.sent_on < first.sent_on,
            and_(earlier.sent_on == first.sent_on, earlier.id < first.id),
        ),
    )
    eligible = and_(
        first.sent_on >= start,
        first.sent_on <= min(until, end),
        first.id.not_in(IN_ERROR_IDS),
        is_first,
        arrived == 0,
    )
    loops = _open_loops(session, first, eligible, LIST_ROWS)
    return LoopClosure(
        start, end, until, int(numerator or 0), int(denominator or 0), tuple(loops), period
    )


def _open_loops(session: Session, first: Any, condition: Any, limit: int) -> list[OpenLoop]:
    rows = session.execute(
        select(
            first.id,
            first.patient_id,
            Patient.family_name,
            Patient.given_name,
            Patient.mrn,
            first.discipline,
            Recipient.given_name.label("r_given"),
            Recipient.family_name.label("r_family"),
            Recipient.credentials.label("r_credentials"),
            first.sent_on,
            first.state,
        )
        .join(Patient, Patient.id == first.patient_id)
        .outerjoin(Recipient, Recipient.id == first.recipient_member_id)
        .where(condition)
        .order_by(first.sent_on.desc(), first.id.desc())
        .limit(limit)
    ).all()
    return [
        OpenLoop(
            referral_id=r.id,
            patient_id=r.patient_id,
            patient_name=f"{r.family_name}, {r.given_name}",
            mrn=r.mrn,
            discipline=r.discipline,
            recipient_name=_recipient(r.r_given, r.r_family, r.r_credentials),
            sent_on=r.sent_on,
            state=r.state,
        )
        for r in rows
    ]


def _recipient(given: str | None, family: str | None, credentials: str | None) -> str | None:
    if not family:
        return None
    return f"{given} {family}" + (f", {credentials}" if credentials else "")


def _missing(role: CareTeamRole) -> Any:
    return ~exists().where(
        CareTeamMembership.patient_id == Patient.id,
        CareTeamMembership.role == role,
        CareTeamMembership.until.is_(None),
    )


def _team_gaps(session: Session) -> tuple[int, tuple[TeamGap, ...]]:
    """Active patients missing a core role: the count, and the first page by name.

    Each role is one NOT EXISTS probe of the (patient_id, role) index.
    """
    missing = [_missing(role) for role in CORE_ROLES]
    any_gap = and_(Patient.status == PatientStatus.ACTIVE, or_(*missing))
    count = int(session.scalar(select(func.count()).select_from(Patient).where(any_gap)) or 0)
    rows = session.execute(
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
    ).all()
    gaps = tuple(
        TeamGap(
            patient_id=r.id,
            patient_name=f"{r.family_name}, {r.given_name}",
            mrn=r.mrn,
            date_of_birth=r.date_of_birth,
            missing=tuple(role for i, role in enumerate(CORE_ROLES) if r[5 + i]),
        )
        for r in rows
    )
    return count, gaps


def _decisions_overdue(session: Session, now: datetime) -> tuple[int, tuple[PendingDecision, ...]]:
    """Pending authorisations older than CMS-0057-F allows (7 days; 72 h when expedited)."""
    expedited_limit = now - rules.EXPEDITED_DECISION
    standard_limit = now - rules.STANDARD_DECISION
    late = and_(
        OPEN_PENDING,
        # Implied by both branches below; lets the partial index serve a range.
        Referral.auth_requested_at < max(expedited_limit, standard_limit),
        or_(
            and_(Referral.auth_expedited.is_(True), Referral.auth_requested_at < expedited_limit),
            and_(Referral.auth_expedited.is_(False), Referral.auth_requested_at < standard_limit),
        ),
    )
    count = int(session.scalar(select(func.count()).select_from(Referral).where(late)) or 0)
    rows = session.execute(
        select(
            Referral.id,
            Referral.patient_id,
            Patient.family_name,
            Patient.given_name,
            Patient.mrn,
            Referral.discipline,
            Referral.auth_payer,
            Referral.auth_requested_at,
            Referral.auth_expedited,
        )
        .join(Patient, Patient.id == Referral.patient_id)
        .where(late)
        .order_by(Referral.auth_requested_at, Referral.id)
        .limit(OVERDUE_ROWS)
    ).all()
    decisions = tuple(
        PendingDecision(
            referral_id=r.id,
            patient_id=r.patient_id,
            patient_name=f"{r.family_name}, {r.given_name}",
            mrn=r.mrn,
            discipline=r.discipline,
            payer=r.auth_payer,
            requested_at=r.auth_requested_at,
            expedited=bool(r.auth_expedited),
            waiting=now - r.auth_requested_at,
        )
        for r in rows
    )
    return count, decisions


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
