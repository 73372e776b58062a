"""The dashboard's figures kept up to date as records change, so reading them costs the
same at 10,000 patients as at 300,000.

Every figure is a sum of steps by day (models/dashboard_summary.py): its value on day D
is the sum of the steps dated on or before D. A patient's record decides that patient's
steps alone (their referrals, reports, current-route medications, care team, inbox), so
when a transaction changes a patient's record, the patient's steps are worked out again
before it commits and the totals move by the difference, in the same transaction. Time
enters only through the day: "overdue" is a step on the day after the due date, and
CMS50's first referral of a rolling period is a step up on the first day whose period
counts it and a step down on the first day whose period no longer does.

``rebuild`` works every patient's steps out from scratch (the migration that added the
tables, the demo fill, ``carecoord db rebuild-summary``). docs/architecture.md,
"Dashboard summary".
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_dict

from carecoord import bulk
from carecoord.clinical import referral_rules as rules
from carecoord.clinical.medication_line import UNKNOWN_ROUTE
from carecoord.clinical.vocabulary import (
    CORE_ROLES,
    AuthorizationOutcome,
    DocumentKind,
    PatientStatus,
    ReferralState,
)
from carecoord.db import CareCoordSession
from carecoord.models import (
    CareTeamMembership,
    DashboardContribution,
    DashboardCount,
    DashboardLoop,
    Document,
    Medication,
    Patient,
    Referral,
    ReviewItem,
)
from carecoord.services.dashboard_figures import DECISIONS, OPEN_STATES

MEASURE_MONTHS = 12
REFERRAL_MONTHS = 10
"""CMS50 (v11 onward) counts only a first referral made in the first 10 months of the
period, so every referral in the measure has had at least two months for its report."""
ALWAYS = date(1, 1, 1)
"""The day of a step that counts on every day (a count with no time in it)."""
SPECIALIST_REPORT = "specialist_report"  # services/review.py ReviewKind.SPECIALIST_REPORT
OVERDUE_STATES = (ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.SEEN)
BATCH = 5000
"""Patients whose steps ``rebuild`` works out per round (bounds its memory)."""
Steps = Counter[tuple[str, date]]


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


# ------------------------------------------------------------------ a patient's steps
def _next(day: date) -> date:
    return day + timedelta(days=1)


def _least(holds: Callable[[date], bool], guess: date) -> date:
    """The first day on which ``holds`` (false, then true for good) is true, walking from a
    guess that is a few days off at most."""
    day = guess
    for _ in range(400):
        if holds(day):
            if not holds(day - timedelta(days=1)):
                return day
            day -= timedelta(days=1)
        else:
            day += timedelta(days=1)
    raise AssertionError(f"no change of {holds} near {guess}")


@lru_cache(maxsize=8192)
def _start_passes(day: date) -> date:
    """The first day whose rolling period starts after ``day``."""
    return _least(lambda on: measurement_period(on)[0] > day, add_months(day, MEASURE_MONTHS))


@lru_cache(maxsize=8192)
def _until_reaches(day: date) -> date:
    """The first day whose rolling period still counts a referral sent on ``day``."""
    return _least(lambda on: measurement_period(on)[2] >= day, add_months(day, 2))


@lru_cache(maxsize=8192)
def _since_passes(day: date) -> date:
    """The first day whose 12 months of acknowledgements begin after ``day``."""
    return _least(lambda on: add_months(on, -MEASURE_MONTHS) > day, add_months(day, MEASURE_MONTHS))


def _interval(steps: Steps, figure: str, first: date, after: date) -> None:
    """Count on the days ``first`` up to the day before ``after``."""
    if first < after:
        steps[(figure, first)] += 1
        steps[(figure, after)] -= 1


@dataclass(frozen=True)
class _Sent:
    """A referral as CMS50 sees it: sent, and the day its report arrived (if it did)."""

    referral_id: int
    sent_on: date
    arrived: date | None


def _loop_steps(steps: Steps, sent: list[_Sent]) -> None:
    """CMS50 per patient: each referral (in sending order) is the patient's first of a
    period whose start falls after the previous one's sending day and on or before its own."""
    previous: date | None = None
    for r in sent:
        s = r.sent_on
        # Rolling: counted on the days whose start is in (previous, s] and whose
        # referral window reaches s; reported once the report has arrived.
        first = _until_reaches(s)
        if previous is not None:
            first = max(first, _start_passes(previous))
        after = _start_passes(s)
        _interval(steps, "cms50_rolling_den", first, after)
        if r.arrived is not None:
            _interval(steps, "cms50_rolling_num", max(first, r.arrived), after)
        # Calendar year: the first referral of the year, sent by October 31, counts from
        # the day it was sent to December 31.
        year_start = date(s.year, 1, 1)
        if s <= date(s.year, 10, 31) and (previous is None or previous < year_start):
            year_end = date(s.year + 1, 1, 1)
            _interval(steps, "cms50_calendar_den", s, year_end)
            if r.arrived is not None:
                _interval(steps, "cms50_calendar_num", max(s, r.arrived), year_end)
        previous = s


def _in(column: Any, low: int, high: int) -> Any:
    return and_(column >= low, column < high)


@dataclass
class Facts:
    """What some patients' records add: their steps, and their sent referrals' CMS50 rows."""

    steps: dict[int, Steps]
    loops: list[dict[str, Any]]


def patient_facts(conn: Connection, low: int, high: int) -> Facts:
    """Every step and loop row of the patients whose id is in ``low``..``high - 1``."""
    steps: dict[int, Steps] = {}
    loops: list[dict[str, Any]] = []

    def of(patient_id: int) -> Steps:
        return steps.setdefault(patient_id, Counter())

    active = set(
        conn.execute(
            select(Patient.id).where(
                _in(Patient.id, low, high), Patient.status == PatientStatus.ACTIVE
            )
        ).scalars()
    )
    roles: dict[int, set[Any]] = {p: set() for p in active}
    for patient_id, role in conn.execute(
        select(CareTeamMembership.patient_id, CareTeamMembership.role).where(
            _in(CareTeamMembership.patient_id, low, high), CareTeamMembership.until.is_(None)
        )
    ):
        if patient_id in roles:
            roles[patient_id].add(role)
    for patient_id, held in roles.items():
        if any(role not in held for role in CORE_ROLES):
            of(patient_id)[("team_gap", ALWAYS)] += 1
    _referral_steps(conn, low, high, of, loops)
    for patient_id, stop_date in conn.execute(
        select(Medication.patient_id, Medication.stop_date).where(
            _in(Medication.patient_id, low, high), Medication.route == UNKNOWN_ROUTE
        )
    ):
        own = of(patient_id)
        own[("medication_review", ALWAYS)] += 1
        if stop_date is not None:  # current while stop_date >= the day
            own[("medication_review", _next(stop_date))] -= 1
    for patient_id, kind, received_on, acknowledged_on in conn.execute(
        select(
            ReviewItem.patient_id,
            ReviewItem.kind,
            ReviewItem.received_on,
            ReviewItem.acknowledged_on,
        ).where(_in(ReviewItem.patient_id, low, high))
    ):
        own = of(patient_id)
        if acknowledged_on is None:
            name = "unacknowledged" if kind == SPECIALIST_REPORT else "documents_to_review"
            own[(name, ALWAYS)] += 1
        elif kind == SPECIALIST_REPORT:
            name = f"ack_days:{(acknowledged_on - received_on).days}"
            _interval(own, name, ALWAYS, _since_passes(acknowledged_on))
    for own in steps.values():
        for key in [k for k, n in own.items() if not n]:
            del own[key]
    return Facts(steps, loops)


def _referral_steps(
    conn: Connection,
    low: int,
    high: int,
    of: Callable[[int], Steps],
    loops: list[dict[str, Any]],
) -> None:
    """Open counts by state, overdue, booked late and held past review, and CMS50."""
    reports = dict(
        conn.execute(
            select(Document.referral_id, func.min(Document.received_on))
            .join(Referral, Referral.id == Document.referral_id)
            .where(
                _in(Referral.patient_id, low, high),
                # A referral's report is filed for the referral's patient (the document
                # services refuse another); the range lets the documents' patient index
                # be used instead of a walk of every document filed up to this batch.
                _in(Document.patient_id, low, high),
                Document.kind == DocumentKind.SPECIALIST_REPORT,
                Document.received_on >= Referral.sent_on,
            )
            .group_by(Document.referral_id)
        ).all()
    )
    sent: dict[int, list[_Sent]] = {}
    for r in conn.execute(
        select(
            Referral.id,
            Referral.patient_id,
            Referral.state,
            Referral.due_on,
            Referral.booked_late,
            Referral.sent_on,
            Referral.report_received_on,
            Referral.no_report_reason,
            Referral.entered_in_error_at,
            Referral.auth_outcome,
            Referral.closed_on,
            Referral.auth_requested_at,
            Referral.auth_expedited,
        )
        .where(_in(Referral.patient_id, low, high))
        .order_by(Referral.patient_id, Referral.sent_on, Referral.id)
    ):
        own = of(r.patient_id)
        if r.state in OPEN_STATES:
            own[(f"open:{r.state.value}", ALWAYS)] += 1
        if r.state in OVERDUE_STATES and r.due_on is not None:
            own[("overdue", _next(r.due_on))] += 1
        if r.state == ReferralState.SCHEDULED and r.booked_late:
            own[("booked_late", ALWAYS)] += 1
        if r.state == ReferralState.ON_HOLD and r.due_on is not None:
            own[("hold_review", _next(r.due_on))] += 1
        if (
            r.auth_outcome == AuthorizationOutcome.PENDING
            and r.closed_on is None
            and r.auth_requested_at is not None
        ):
            limit = rules.EXPEDITED_DECISION if r.auth_expedited else rules.STANDARD_DECISION
            late = (r.auth_requested_at + limit).astimezone(UTC).date()
            own[(DECISIONS, _next(late))] += 1
        if r.sent_on is None or r.entered_in_error_at is not None:
            continue
        arrivals = [reports[r.id]] if r.id in reports else []
        if (
            r.state == ReferralState.REPORT_RECEIVED
            and r.no_report_reason is None
            and r.report_received_on is not None
            and r.report_received_on >= r.sent_on
        ):
            arrivals.append(r.report_received_on)
        sent.setdefault(r.patient_id, []).append(
            _Sent(r.id, r.sent_on, min(arrivals) if arrivals else None)
        )
    for patient_id, referrals in sent.items():
        _loop_steps(of(patient_id), referrals)
        previous: date | None = None
        for one in referrals:
            loops.append(
                {
                    "referral_id": one.referral_id,
                    "patient_id": patient_id,
                    "sent_on": one.sent_on,
                    "previous_sent_on": previous,
                    "arrived_on": one.arrived,
                }
            )
            previous = one.sent_on


# ------------------------------------------------------------------ keeping the totals
def _add_to_totals(conn: Connection, deltas: Steps) -> None:
    """Move the totals by ``deltas`` (sorted, so concurrent writers lock rows in one order)."""
    rows = [
        {"figure": figure, "day": day, "n": n} for (figure, day), n in sorted(deltas.items()) if n
    ]
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(DashboardCount)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[DashboardCount.figure, DashboardCount.day],
            set_={"n": DashboardCount.n + stmt.excluded.n},
        ),
        rows,
    )


def refresh_patient(conn: Connection, patient_id: int) -> None:
    """Work one patient's steps out again and move the totals by the difference."""
    # The patient's row lock serialises two workstations refreshing the same patient.
    conn.execute(select(Patient.id).where(Patient.id == patient_id).with_for_update())
    mine = DashboardContribution.patient_id == patient_id
    old: Steps = Counter(
        {
            (figure, day): n
            for figure, day, n in conn.execute(
                select(
                    DashboardContribution.figure, DashboardContribution.day, DashboardContribution.n
                ).where(mine)
            )
        }
    )
    facts = patient_facts(conn, patient_id, patient_id + 1)
    conn.execute(delete(DashboardLoop).where(DashboardLoop.patient_id == patient_id))
    if facts.loops:
        conn.execute(insert(DashboardLoop), facts.loops)
    new = facts.steps.get(patient_id, Counter())
    if new == old:
        return
    deltas: Steps = Counter(new)
    deltas.subtract(old)
    _add_to_totals(conn, deltas)
    conn.execute(delete(DashboardContribution).where(mine))
    _insert_contributions(conn, {patient_id: new})


def _contribution_rows(steps: dict[int, Steps]) -> list[dict[str, Any]]:
    return [
        {"patient_id": patient_id, "figure": figure, "day": day, "n": n}
        for patient_id, own in steps.items()
        for (figure, day), n in own.items()
    ]


def _insert_contributions(conn: Connection, steps: dict[int, Steps]) -> None:
    rows = _contribution_rows(steps)
    if rows:
        conn.execute(insert(DashboardContribution), rows)


def _batches(conn: Connection) -> Iterator[tuple[int, int]]:
    top = conn.execute(select(func.max(Patient.id))).scalar() or 0
    for low in range(0, top + 1, BATCH):
        yield low, low + BATCH


def rebuild(conn: Connection) -> int:
    """Work every patient's steps and the totals out from scratch; returns the step rows.

    Used by the migration that added the summary, the demo fill and
    ``carecoord db rebuild-summary``, and by the test that checks the kept totals.
    """
    for table in (DashboardContribution, DashboardCount, DashboardLoop):
        conn.execute(delete(table))
    totals: Steps = Counter()
    for low, high in _batches(conn):
        facts = patient_facts(conn, low, high)
        # Every patient's rows at once (COPY on PostgreSQL): about 18 rows a patient.
        bulk.insert_rows(conn, DashboardContribution, _contribution_rows(facts.steps))
        bulk.insert_rows(conn, DashboardLoop, facts.loops)
        for own in facts.steps.values():
            totals.update(own)
    _add_to_totals(conn, totals)
    return sum(1 for n in totals.values() if n)


def from_scratch(conn: Connection) -> tuple[Steps, list[tuple[Any, ...]]]:
    """The totals and loop rows as ``rebuild`` would write them, without writing."""
    totals: Steps = Counter()
    loops: list[tuple[Any, ...]] = []
    for low, high in _batches(conn):
        facts = patient_facts(conn, low, high)
        for own in facts.steps.values():
            totals.update(own)
        loops += [tuple(row.values()) for row in facts.loops]
    return Counter({k: n for k, n in totals.items() if n}), sorted(loops)


def kept(conn: Connection) -> tuple[Steps, list[tuple[Any, ...]]]:
    """The totals (steps that add to nothing left out) and loop rows as kept."""
    rows = conn.execute(select(DashboardCount.figure, DashboardCount.day, DashboardCount.n))
    loops = conn.execute(
        select(
            DashboardLoop.referral_id,
            DashboardLoop.patient_id,
            DashboardLoop.sent_on,
            DashboardLoop.previous_sent_on,
            DashboardLoop.arrived_on,
        )
    )
    totals = Counter({(figure, day): n for figure, day, n in rows if n})
    return totals, sorted(tuple(row) for row in loops)


# ------------------------------------------------------------------ the session hooks
WATCHED = (Patient, Referral, Document, Medication, CareTeamMembership, ReviewItem)
_CHANGED = "carecoord.dashboard_summary.patients"


def _patient_of(row: Any) -> int | None:
    values = instance_dict(row)
    value = values.get("id") if isinstance(row, Patient) else values.get("patient_id")
    return value if isinstance(value, int) else None


@event.listens_for(CareCoordSession, "after_flush")
def _note_changes(session: Session, _context: Any) -> None:
    """Remember which patients' records this flush changed (ids are assigned by now)."""
    changed: set[int] = session.info.setdefault(_CHANGED, set())
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, WATCHED):
            patient_id = _patient_of(row)
            if patient_id is not None:
                changed.add(patient_id)


@event.listens_for(CareCoordSession, "before_commit")
def _refresh_changed(session: Session) -> None:
    """Bring the changed patients' steps and the totals up to date in the same commit."""
    session.flush()
    changed: set[int] = session.info.pop(_CHANGED, set())
    if changed:
        conn = session.connection()
        for patient_id in sorted(changed):
            refresh_patient(conn, patient_id)


@event.listens_for(CareCoordSession, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)
