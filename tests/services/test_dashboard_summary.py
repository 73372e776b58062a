"""The kept dashboard summary equals the from-scratch computation after random bursts of
changes made through the services (and a patient deleted outright), on two random
databases per engine, for days around every date the burst used."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import CORE_ROLES, DocumentKind, ReferralState, SendMethod
from carecoord.db import Database
from carecoord.errors import CareCoordError
from carecoord.models import Medication, Patient, Referral, ReviewItem
from carecoord.services import dashboard_summary as summary
from carecoord.services import patients, record, referral_errors, referrals, review, team
from carecoord.services.actor import Actor
from carecoord.services.dashboard import (
    LIST_ROWS,
    _open_loops,
    calendar_measurement_period,
    dashboard,
    measurement_period,
    open_loop,
)
from carecoord.services.dashboard_figures import read_figures
from carecoord.services.dashboard_scratch import open_loop_ids, scratch_figures
from carecoord.services.documents import DocumentUpload, attach_document
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

TODAY = date.today()
SPECIAL = (workflow.Event.REPORT, workflow.Event.REPRIORITISE)
DISCIPLINES = ("psychiatry", "physical_rehabilitation", "psychology", "neurology_headache")


class Burst:
    """A seeded random walk over the services that change what the dashboard counts."""

    def __init__(self, db: Database, actor: Actor, seed: int) -> None:
        self.db = db
        self.actor = actor
        self.rng = random.Random(seed)
        self.members = [
            new_member(db, actor, d, f"Member{i}", "Test") for i, d in enumerate(DISCIPLINES)
        ]
        self.days: set[date] = {TODAY}

    def day(self) -> date:
        chosen = TODAY - timedelta(days=self.rng.randint(-20, 430))
        self.days.add(chosen)
        return chosen

    def patient_ids(self) -> list[int]:
        with self.db.session() as session:
            return list(session.scalars(select(Patient.id)))

    def referral(self, *states: ReferralState) -> Any:
        """A random referral's id, state and version, in one of ``states`` if given (None
        when there is none)."""
        query = select(Referral.id, Referral.state, Referral.version, Referral.sent_on)
        if states:
            query = query.where(Referral.state.in_(states))
        with self.db.session() as session:
            rows = session.execute(query).all()
        return self.rng.choice(rows) if rows else None

    def run(self, steps: int) -> int:
        """Make ``steps`` random changes; returns how many the services accepted."""
        actions: list[Callable[[], object]] = [
            self.add_patient,
            self.add_referral,
            self.add_referral,
            self.add_referral,
            *[self.move] * 5,
            self.file_document,
            self.authorise,
            self.authorise,
            self.report,
            self.report,
            self.in_error,
            self.undo,
            self.assign,
            self.end_membership,
            self.medication,
            self.discharge,
            self.acknowledge,
        ]
        done = 0
        for _ in range(steps):
            try:
                self.rng.choice(actions)()
                done += 1
            except (CareCoordError, IndexError):
                pass  # a refused change writes nothing: the summary must not move either
        return done

    def add_patient(self) -> None:
        born = date(1940, 1, 1) + timedelta(days=self.rng.randint(0, 25000))
        new_patient(self.db, self.actor, f"Fam{self.rng.randint(1, 999)}", "Test", born)

    def add_referral(self) -> None:
        new_referral(
            self.db,
            self.actor,
            self.rng.choice(self.patient_ids()),
            self.rng.choice(self.members),
        )

    def move(self) -> None:
        """A workflow event on a referral that has one, forward moves more often than ends."""
        movable = {s for (s, e) in workflow.TABLE if e not in SPECIAL}
        row = self.referral(*movable)
        if row is None:
            return
        events = [e for (s, e) in workflow.TABLE if s == row.state and e not in SPECIAL]
        weights = [1 if e in (workflow.Event.CANCEL, workflow.Event.DECLINE) else 5 for e in events]
        (event,) = self.rng.choices(events, weights)
        when = self.since(row.sent_on)
        review_on = TODAY + timedelta(days=self.rng.randint(1, 30))
        self.days.add(review_on)
        referrals.perform(
            self.db,
            self.actor,
            row.id,
            event,
            expected_version=row.version,
            reason="Random burst",
            on=when,
            sent_via=self.rng.choice(list(SendMethod)),
            appointment_date=when + timedelta(days=self.rng.randint(0, 40)),
            review_on=review_on,
            confirm=True,
        )

    def since(self, sent_on: date | None) -> date:
        """A day from ``sent_on`` (or about 14 months ago) up to today."""
        first = sent_on or TODAY - timedelta(days=430)
        chosen = first + timedelta(days=self.rng.randint(0, max(0, (TODAY - first).days)))
        self.days.add(chosen)
        return chosen

    def report(self) -> None:
        row = self.referral(*(s for (s, e) in workflow.TABLE if e == workflow.Event.REPORT))
        if row is None:
            return
        filed = self.rng.random() < 0.7
        referrals.record_report_received(
            self.db,
            self.actor,
            row.id,
            expected_version=row.version,
            report=DocumentUpload("report.pdf", PDF_BYTES) if filed else None,
            no_report_reason=None if filed else "Patient declined the visit",
            received_on=self.since(row.sent_on),
        )

    def authorise(self) -> None:
        """A payer request now pending (sometimes expedited), or the payer's answer."""
        row = self.referral()
        if row is None:
            return
        pending = self.rng.random() < 0.75
        asked = datetime.now(UTC) - timedelta(minutes=self.rng.randint(0, 60 * 24 * 12))
        self.days.add(asked.date())
        referrals.update_authorization(
            self.db,
            self.actor,
            row.id,
            referrals.AuthorizationInput(
                outcome="pending" if pending else "approved",
                payer="Fictional Health",
                requested_at=asked,
                expedited=self.rng.random() < 0.4,
                number=None if pending else "A-1",
                valid_from=None if pending else TODAY,
                valid_to=None if pending else TODAY + timedelta(days=90),
                visits_authorized=None if pending else 6,
            ),
            expected_version=row.version,
        )

    def in_error(self) -> None:
        row = self.referral()
        if row is not None and self.rng.random() < 0.3:
            referral_errors.mark_entered_in_error(
                self.db, self.actor, row.id, "Duplicate", expected_version=row.version
            )

    def undo(self) -> None:
        row = self.referral()
        if row is not None:
            referrals.undo_last_move(
                self.db, self.actor, row.id, reason="Wrong one", expected_version=row.version
            )

    def assign(self) -> None:
        role = self.rng.choice(CORE_ROLES)
        member = self.rng.choice(self.members)
        team.assign_member(
            self.db,
            self.actor,
            self.rng.choice(self.patient_ids()),
            member.id,
            role,
            since=TODAY - timedelta(days=5),
            replace_coordinator=True,
        )

    def end_membership(self) -> None:
        care = team.get_care_team(self.db, self.actor, self.rng.choice(self.patient_ids()))
        if care.current:
            m = self.rng.choice(care.current)
            team.end_membership(self.db, self.actor, m.id, expected_version=m.version)

    def medication(self) -> None:
        """A migrated line with an unknown route (the form refuses to enter one), then
        maybe stopped or corrected through the service."""
        with self.db.session(write=True) as session:
            row = Medication(
                patient_id=self.rng.choice(self.patient_ids()),
                drug="Gabapentin",
                dose=300.0,
                unit="mg",
                frequency="tid",
                route="unknown",
                updated_by="migration",
            )
            session.add(row)
            session.commit()
            medication_id, version = row.id, row.version
        if self.rng.random() < 0.5:
            record.stop_medication(
                self.db, self.actor, medication_id, on=self.day(), expected_version=version
            )

    def discharge(self) -> None:
        detail = patients.get_patient(self.db, self.actor, self.rng.choice(self.patient_ids()))
        if detail.status == "active":
            patients.discharge_patient(
                self.db,
                self.actor,
                detail.id,
                on=TODAY,
                reason="Done",
                expected_version=detail.version,
            )
        else:
            patients.readmit_patient(
                self.db, self.actor, detail.id, expected_version=detail.version
            )

    def acknowledge(self) -> None:
        """A physician acknowledges a report or records the review of a document."""
        with self.db.session() as session:
            items = session.execute(
                select(ReviewItem.id, ReviewItem.kind).where(ReviewItem.acknowledged_on.is_(None))
            ).all()
        if not items:
            return
        item_id, kind = self.rng.choice(items)
        if kind == review.ReviewKind.SPECIALIST_REPORT.value:
            review.acknowledge(self.db, self.actor, item_id)
        else:
            review.record_review(self.db, self.actor, item_id, clinically_relevant=True)

    def file_document(self) -> None:
        """An incoming document: a specialist's report on a referral, or imaging or labs."""
        kind = self.rng.choice(
            [DocumentKind.SPECIALIST_REPORT, DocumentKind.IMAGING, DocumentKind.LAB_RESULT]
        )
        row = self.referral() if kind == DocumentKind.SPECIALIST_REPORT else None
        with self.db.session() as session:
            patient_id: int = (
                session.execute(
                    select(Referral.patient_id).where(Referral.id == row.id)
                ).scalar_one()
                if row is not None
                else self.rng.choice(self.patient_ids())
            )
        attach_document(
            self.db,
            self.actor,
            patient_id,
            DocumentUpload(
                "incoming.pdf",
                PDF_BYTES,
                kind=kind,
                received_on=self.since(row.sent_on if row is not None else None),
            ),
            referral_id=row.id if row is not None else None,
            reviewer_member_id=self.rng.choice(self.members).id,
        )

    def delete_patient(self) -> None:
        """Straight through a session (no service deletes a chart): the hook still sees it."""
        with self.db.session(write=True) as session:
            session.delete(session.get(Patient, self.rng.choice(self.patient_ids())))
            session.commit()


def days_to_check(burst: Burst) -> list[date]:
    """Every day the burst used, the days either side, and the period edges of the year."""
    days = set()
    for d in burst.days:
        days |= {d - timedelta(days=1), d, d + timedelta(days=1)}
        days |= {
            summary._start_passes(d),
            summary._until_reaches(d),
            summary._since_passes(d),
        }
    for year in (TODAY.year - 1, TODAY.year):
        days |= {date(year, 1, 1), date(year, 10, 31), date(year, 11, 1), date(year, 12, 31)}
    return sorted(days)


def assert_kept_equals_scratch(db: Database, burst: Burst) -> None:
    with db.session() as session:
        conn = session.connection()
        assert summary.kept(conn) == summary.from_scratch(conn)
        for day in days_to_check(burst):
            for period in (measurement_period(day), calendar_measurement_period(day)):
                shown = _open_loops(session, open_loop(*period), LIST_ROWS)
                assert [loop.referral_id for loop in shown] == open_loop_ids(
                    session, *period, LIST_ROWS
                ), (day, period)
            for now in moments(day, burst.rng):
                kept = read_figures(session, day, now)
                assert kept == scratch_figures(session, day, now), (day, now)


def moments(day: date, rng: random.Random) -> list[datetime]:
    """Payer decisions are timed to the second: a random moment of each day; on today
    also the UTC day's first and last second and the moment itself."""
    midnight = datetime.combine(day, time(), UTC)
    chosen = [midnight + timedelta(seconds=rng.randint(0, 86399))]
    if day == TODAY:
        chosen += [midnight, midnight + timedelta(seconds=86399), datetime.now(UTC)]
    return chosen


@pytest.mark.parametrize("seed", [17, 1701])
def test_summary_equals_from_scratch_after_a_random_burst(
    db: Database, physician: Actor, seed: int
) -> None:
    burst = Burst(db, physician, seed)
    for _ in range(8):
        burst.add_patient()
    for _ in range(12):
        burst.add_referral()
    accepted = burst.run(220)
    assert accepted > 120  # the walk really changed things
    assert_kept_equals_scratch(db, burst)
    burst.delete_patient()
    accepted += burst.run(30)
    assert_kept_equals_scratch(db, burst)
    now = datetime.now(UTC)
    shown = dashboard(db, physician, now=now)
    with db.session() as session:
        scratch = scratch_figures(session, TODAY, now)
    assert shown.open_by_state == scratch.open_by_state
    assert shown.overdue_count == scratch.overdue_count
    assert shown.team_gap_count == scratch.team_gap_count
    assert (shown.loop_closure.numerator, shown.loop_closure.denominator) == scratch.rolling
    assert (
        shown.loop_closure_calendar.numerator,
        shown.loop_closure_calendar.denominator,
    ) == scratch.calendar
    assert shown.medication_review_count == scratch.medication_review_count
    assert shown.decisions_overdue_count == scratch.decisions_overdue_count


def test_rebuild_restores_a_summary_that_went_wrong(db: Database, physician: Actor) -> None:
    burst = Burst(db, physician, 5)
    burst.add_patient()
    burst.add_referral()
    with db.engine.begin() as conn:
        conn.execute(summary.delete(summary.DashboardCount))
    with db.session() as session:
        now = datetime.now(UTC)
        assert read_figures(session, TODAY, now) != scratch_figures(session, TODAY, now)
    with db.engine.begin() as conn:
        assert summary.rebuild(conn) > 0
    assert_kept_equals_scratch(db, burst)


def test_a_refused_change_leaves_the_summary_alone(db: Database, physician: Actor) -> None:
    burst = Burst(db, physician, 9)
    burst.add_patient()
    ref = new_referral(db, physician, burst.patient_ids()[0], burst.members[0])
    with db.session() as session:
        before = summary.kept(session.connection())
    with pytest.raises(CareCoordError):
        referrals.transition(
            db, physician, ref.id, ReferralState.SEEN.value, expected_version=ref.version
        )
    with db.session() as session:
        assert summary.kept(session.connection()) == before
