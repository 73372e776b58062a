"""The dashboard's counts computed from scratch with plain SQL over the clinic's rows.

This is what the dashboard once ran on every opening (its cost grows with the clinic);
it is now only the reference the kept summary (services/dashboard_summary.py) is checked
against: ``carecoord db rebuild-summary --check`` and the test that drives random
databases through bursts of changes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from carecoord.clinical import referral_rules as rules
from carecoord.clinical.medication_line import UNKNOWN_ROUTE
from carecoord.clinical.vocabulary import (
    CORE_ROLES,
    CareTeamRole,
    DocumentKind,
    PatientStatus,
    ReferralState,
)
from carecoord.models import CareTeamMembership, Document, Medication, Patient, Referral
from carecoord.services.dashboard_figures import OPEN_STATES, SummaryFigures
from carecoord.services.dashboard_summary import (
    MEASURE_MONTHS,
    OVERDUE_STATES,
    add_months,
    calendar_measurement_period,
    measurement_period,
)
from carecoord.services.review import acknowledgement_figures, documents_to_review
from carecoord.services.worklist import IN_ERROR_IDS, OPEN_PENDING, WorklistView, count_view


def scratch_figures(session: Session, day: date, now: datetime) -> SummaryFigures:
    """Every count the dashboard shows on ``day`` (payer decisions at ``now``), from the
    rows themselves."""
    counts = dict(
        session.execute(
            select(Referral.state, func.count())
            .where(Referral.state.in_(OPEN_STATES))
            .group_by(Referral.state)
        ).all()
    )
    overdue = session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(Referral.state.in_(OVERDUE_STATES), Referral.due_on < day)
    )
    current = or_(Medication.stop_date.is_(None), Medication.stop_date >= day)
    review = session.scalar(select(func.count()).where(Medication.route == UNKNOWN_ROUTE, current))
    acknowledgement = acknowledgement_figures(session, add_months(day, -MEASURE_MONTHS))
    return SummaryFigures(
        open_by_state=tuple((s, int(counts.get(s, 0))) for s in OPEN_STATES),
        overdue_count=int(overdue or 0),
        medication_review_count=int(review or 0),
        rolling=loop_closure_counts(session, *measurement_period(day)),
        calendar=loop_closure_counts(session, *calendar_measurement_period(day)),
        team_gap_count=team_gap_count(session),
        booked_late_count=count_view(session, WorklistView.BOOKED_LATE, day),
        holds_past_review_count=count_view(session, WorklistView.HOLD_REVIEW, day),
        unacknowledged=acknowledgement.unacknowledged,
        acknowledged=acknowledgement.acknowledged,
        median_days_to_acknowledge=acknowledgement.median_days_to_acknowledge,
        documents_to_review_count=documents_to_review(session),
        decisions_overdue_count=int(
            session.scalar(select(func.count()).select_from(Referral).where(late_decisions(now)))
            or 0
        ),
    )


def report_arrived(r: Any, period_end: date) -> Any:
    """The recipient's report arrived after the referral was sent (and by the period's end).

    A referral closed as "report received" with a reason instead of a report does not
    count: no report reached the referrer.
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


def loop_closure_counts(session: Session, start: date, end: date, until: date) -> tuple[int, int]:
    """CMS50 (numerator, denominator): per patient the first referral of the period (the
    earliest sent, the lower id breaking a tie), entered-in-error ones left out."""
    ranked = (
        select(
            Referral.id,
            func.row_number()
            .over(partition_by=Referral.patient_id, order_by=(Referral.sent_on, Referral.id))
            .label("rank"),
        )
        .where(
            Referral.sent_on >= start,
            Referral.sent_on <= min(until, end),
            Referral.id.not_in(IN_ERROR_IDS),
        )
        .subquery()
    )
    first = aliased(Referral)
    denominator, numerator = session.execute(
        select(func.count(), func.coalesce(func.sum(report_arrived(first, end)), 0))
        .select_from(ranked.join(first, first.id == ranked.c.id))
        .where(ranked.c.rank == 1)
    ).one()
    return int(numerator or 0), int(denominator or 0)


def missing_role(role: CareTeamRole) -> Any:
    """The patient has no current member in ``role`` (a probe of the (patient_id, role) index)."""
    return ~exists().where(
        CareTeamMembership.patient_id == Patient.id,
        CareTeamMembership.role == role,
        CareTeamMembership.until.is_(None),
    )


def team_gap_count(session: Session) -> int:
    """Active patients missing at least one core care-team role."""
    any_gap = and_(
        Patient.status == PatientStatus.ACTIVE, or_(*(missing_role(r) for r in CORE_ROLES))
    )
    return int(session.scalar(select(func.count()).select_from(Patient).where(any_gap)) or 0)


def late_decisions(now: datetime) -> Any:
    """Pending authorisations older than CMS-0057-F allows (7 days; 72 h when expedited)."""
    expedited_limit = now - rules.EXPEDITED_DECISION
    standard_limit = now - rules.STANDARD_DECISION
    return and_(
        OPEN_PENDING,
        # Implied by both branches below; lets the partial index serve a range.
        Referral.auth_requested_at < max(expedited_limit, standard_limit),
        or_(
            and_(Referral.auth_expedited.is_(True), Referral.auth_requested_at < expedited_limit),
            and_(Referral.auth_expedited.is_(False), Referral.auth_requested_at < standard_limit),
        ),
    )


def open_loop_ids(session: Session, start: date, end: date, until: date, limit: int) -> list[int]:
    """The newest ``limit`` open loops of a period (first referrals without a report by its
    end), newest first, probing each referral's history."""
    first = aliased(Referral)
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
        report_arrived(first, end) == 0,
    )
    query = (
        select(first.id)
        .where(eligible)
        .order_by(first.sent_on.desc(), first.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
