"""The referral loop as it really runs (issue findings), through the real services.

The clinic's clock is fixed at Wednesday 2026-11-18 (Thanksgiving is 2026-11-26), so
every due date below is written out by hand (docs/clinical-reference.md §2).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from carecoord.clinical.vocabulary import Priority, ReferralState
from carecoord.db import Database
from carecoord.errors import IllegalTransition, PermissionDenied, ValidationError
from carecoord.models import AuditEvent, ReviewItem
from carecoord.services import (
    dashboard,
    referral_moves,
    referral_views,
    referrals,
    review,
    settings,
    worklist,
)
from carecoord.services.actor import Actor
from carecoord.services.documents import DocumentUpload
from carecoord.services.referrals import ReferralInput, ReferralView
from carecoord.services.worklist import WorklistView
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

S = ReferralState
TODAY = date(2026, 11, 18)


@pytest.fixture(autouse=True)
def clinic_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (referrals, referral_moves, referral_views):
        monkeypatch.setattr(module, "today", lambda: TODAY)
    for module in (review, worklist, dashboard):
        monkeypatch.setattr(module, "local_today", lambda: TODAY)


@pytest.fixture
def doctor(db: Database, physician: Actor) -> Actor:
    """The coordinating physician, linked to their directory entry."""
    member = new_member(db, physician, "pain_medicine", "Lee", "Avery")
    return replace(physician, team_member_id=member.id)


BIRTHS = iter(range(1, 1000))


def _sent(db: Database, doctor: Actor, discipline: str = "neurology_headache") -> ReferralView:
    born = date(1970, 1, 1) + timedelta(days=next(BIRTHS))  # no duplicate-patient warning
    patient = new_patient(db, doctor, born=born)
    member = new_member(db, doctor, discipline, "Stone", "Maya")
    r = new_referral(db, doctor, patient.id, member)
    return referrals.perform(db, doctor, r.id, "send", sent_via="fax", expected_version=r.version)


def _booked(db: Database, actor: Actor, r: ReferralView, on: date) -> ReferralView:
    return referrals.perform(
        db, actor, r.id, "schedule", appointment_date=on, expected_version=r.version
    )


def test_ten_business_days_skip_thanksgiving(db: Database, doctor: Actor) -> None:
    # Psychology's routine target is 10 business days: 2026-12-03, not 12-02.
    r = _sent(db, doctor, "psychology")
    assert r.sent_on == TODAY
    assert r.appointment_due == date(2026, 12, 3)
    assert r.due_on == date(2026, 12, 3)


def test_clinic_region_and_closures_move_the_target(
    db: Database, doctor: Actor, password_hash: str
) -> None:
    from carecoord.clinical.vocabulary import UserRole
    from tests.conftest import make_actor

    admin = make_actor(db, password_hash, "boss", UserRole.ADMINISTRATOR, "Pat Admin")
    current = settings.get_settings(db)
    settings.save_settings(
        db,
        admin,
        replace(
            current,
            clinic_name="Harbor Pain Clinic",
            holiday_country="us",
            holiday_subdivision="ca",
            closure_dates=(date(2026, 12, 4),),
        ),
    )
    stored = settings.get_settings(db)
    assert (stored.holiday_country, stored.holiday_subdivision) == ("US", "CA")
    assert stored.closure_dates == (date(2026, 12, 4),)
    # Day after Thanksgiving (California) and the clinic's closure on 12-04 are skipped.
    r = _sent(db, doctor, "psychology")
    assert r.appointment_due == date(2026, 12, 7)
    with pytest.raises(ValidationError) as error:
        settings.save_settings(db, admin, replace(stored, holiday_country="XX"))
    assert error.value.field == "holiday_country"


def test_accepted_needs_its_date(db: Database, doctor: Actor, front_desk: Actor) -> None:
    r = _sent(db, doctor)
    with pytest.raises(ValidationError) as error:
        referrals.transition(db, front_desk, r.id, "accepted", expected_version=r.version)
    assert error.value.field == "on"
    r = referrals.perform(
        db, front_desk, r.id, "accept", on=date(2026, 11, 18), expected_version=r.version
    )
    assert r.state == S.ACCEPTED and r.accepted_on == date(2026, 11, 18)


def test_seen_before_the_booked_day_needs_a_confirm(
    db: Database, doctor: Actor, front_desk: Actor
) -> None:
    r = _booked(db, front_desk, _sent(db, doctor), date(2026, 11, 24))
    with pytest.raises(ValidationError) as error:
        referrals.perform(db, front_desk, r.id, "seen", on=TODAY, expected_version=r.version)
    assert error.value.field == "on" and "2026-11-24" in str(error.value)
    with pytest.raises(ValidationError) as error:
        referrals.perform(
            db, front_desk, r.id, "seen", on=date(2026, 11, 19), expected_version=r.version
        )
    assert "future" in str(error.value)
    r = referrals.perform(
        db, front_desk, r.id, "seen", on=TODAY, confirm=True, expected_version=r.version
    )
    assert r.seen_on == TODAY and r.report_due == date(2026, 12, 2)


def test_raising_priority_after_sending_moves_the_due_date(db: Database, doctor: Actor) -> None:
    r = _sent(db, doctor)
    assert r.due_on == date(2026, 12, 10)  # routine neurology: 15 business days
    data = ReferralInput(
        r.patient_id,
        r.discipline,
        r.reason,
        recipient_member_id=r.recipient_member_id,
        referring_member_id=r.referring_member_id,
        priority=Priority.STAT,
        priority_reason="New weakness in the left leg",
    )
    r = referrals.update_referral(db, doctor, r.id, data, expected_version=r.version)
    assert r.appointment_due == date(2026, 11, 19)
    assert r.due_on == date(2026, 11, 19)


def test_booked_past_target_is_flagged(db: Database, doctor: Actor, front_desk: Actor) -> None:
    # sent -> scheduled directly (the specialist booked without a separate acceptance)
    late = _booked(db, front_desk, _sent(db, doctor), date(2026, 12, 11))
    on_time = _booked(db, front_desk, _sent(db, doctor), date(2026, 12, 10))
    assert late.state == S.SCHEDULED and late.booked_late is True
    assert on_time.booked_late is False
    rows = worklist.worklist(db, front_desk, WorklistView.BOOKED_LATE, on=TODAY)
    assert [row.id for row in rows] == [late.id]
    assert rows[0].booked_late is True
    counts = worklist.worklist_counts(db, front_desk, on=TODAY)
    assert counts[WorklistView.BOOKED_LATE] == 1
    assert dashboard.dashboard(db, front_desk, on=TODAY).booked_late_count == 1


def test_no_show_then_rebooked(db: Database, doctor: Actor, front_desk: Actor) -> None:
    r = _booked(db, front_desk, _sent(db, doctor), TODAY)
    r = referrals.perform(db, front_desk, r.id, "no_show", expected_version=r.version)
    assert r.state == S.ACCEPTED and r.no_show_count == 1
    assert r.appointment_date is None
    assert r.due_on == date(2026, 12, 10)  # a fresh routine target from the missed day
    rows = worklist.worklist(db, front_desk, WorklistView.TO_SCHEDULE, on=TODAY)
    assert [(row.id, row.no_show_count) for row in rows] == [(r.id, 1)]
    r = _booked(db, front_desk, r, date(2026, 11, 25))
    r = referrals.perform(
        db,
        front_desk,
        r.id,
        "reschedule",
        appointment_date=date(2026, 11, 30),
        reason="specialist ill",
        expected_version=r.version,
    )
    assert r.appointment_date == date(2026, 11, 30) and r.due_on == date(2026, 11, 30)
    reasons = [e.reason for e in r.events if e.kind == "transition"]
    assert reasons[-3:] == [
        "no-show 1",
        "appointment 2026-11-25",
        "appointment 2026-11-30: specialist ill",
    ]


def test_hold_has_a_review_date_and_shows_when_past(
    db: Database, doctor: Actor, front_desk: Actor
) -> None:
    r = _booked(db, front_desk, _sent(db, doctor), date(2026, 11, 30))
    with pytest.raises(ValidationError) as error:
        referrals.perform(
            db, front_desk, r.id, "hold", reason="Patient in hospital", expected_version=r.version
        )
    assert error.value.field == "review_on"
    r = referrals.perform(
        db,
        front_desk,
        r.id,
        "hold",
        reason="Patient in hospital",
        review_on=date(2026, 11, 25),
        expected_version=r.version,
    )
    assert r.state == S.ON_HOLD and r.hold_review_on == date(2026, 11, 25)
    assert worklist.worklist(db, front_desk, WorklistView.HOLD_REVIEW, on=date(2026, 11, 25)) == []
    rows = worklist.worklist(db, front_desk, WorklistView.HOLD_REVIEW, on=date(2026, 11, 26))
    assert [(row.id, row.hold_review_due) for row in rows] == [(r.id, True)]
    assert dashboard.dashboard(db, front_desk, on=date(2026, 11, 26)).holds_past_review_count == 1
    # Resuming a hold from "scheduled" brings back the booked day as the due date.
    r = referrals.perform(db, front_desk, r.id, "resume", expected_version=r.version)
    assert r.state == S.SCHEDULED
    assert r.due_on == date(2026, 11, 30)
    assert r.hold_review_on is None and r.held_from is None


def test_undo_of_the_last_move(db: Database, doctor: Actor, front_desk: Actor) -> None:
    r = _sent(db, doctor)
    r = referrals.perform(
        db, front_desk, r.id, "decline", reason="Wrong", expected_version=r.version
    )
    assert "undo" in r.allowed_actions
    assert "undo" not in referrals.get_referral(db, doctor, r.id).allowed_actions
    with pytest.raises(ValidationError) as error:
        referrals.undo_last_move(db, doctor, r.id, reason="mistake", expected_version=r.version)
    assert "only frontdesk" in str(error.value)
    with pytest.raises(ValidationError) as error:
        referrals.undo_last_move(db, front_desk, r.id, reason="", expected_version=r.version)
    assert error.value.field == "reason"
    r = referrals.undo_last_move(
        db, front_desk, r.id, reason="declined the wrong referral", expected_version=r.version
    )
    assert r.state == S.SENT and r.closed_on is None and r.due_on == date(2026, 12, 10)
    assert r.events[-1].kind == "undo"
    assert r.events[-1].reason == "undid declined: declined the wrong referral"
    assert "undo" not in r.allowed_actions  # only the last move, once
    with db.session() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["undo", "read"] or actions[-1] == "undo"


def test_undo_is_refused_after_24_hours(db: Database, doctor: Actor, front_desk: Actor) -> None:
    from carecoord.models import ReferralEvent

    r = _sent(db, doctor)
    with db.session(write=True) as session:
        event = session.scalars(
            select(ReferralEvent)
            .where(ReferralEvent.referral_id == r.id)
            .order_by(ReferralEvent.id.desc())
        ).first()
        assert event is not None
        event.at = event.at - timedelta(hours=25)
        session.commit()
    with pytest.raises(ValidationError) as error:
        referrals.undo_last_move(db, doctor, r.id, reason="mistake", expected_version=r.version)
    assert "24 hours" in str(error.value)


def test_report_waits_for_the_physician_to_acknowledge(
    db: Database,
    doctor: Actor,
    front_desk: Actor,
    clinician: Actor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    r = _booked(db, front_desk, _sent(db, doctor), TODAY)
    r = referrals.perform(db, front_desk, r.id, "seen", on=TODAY, expected_version=r.version)
    assert review.count_to_review(db, doctor) == 0
    r = referrals.record_report_received(
        db,
        front_desk,
        r.id,
        expected_version=r.version,
        report=DocumentUpload("neurology.pdf", PDF_BYTES),
        received_on=TODAY,
    )
    assert r.state == S.REPORT_RECEIVED
    # Filed by the front desk: received by the clinic, not yet read by the physician.
    assert review.count_to_review(db, doctor) == 1
    assert review.count_to_review(db, front_desk) == 0
    items = review.reports_to_review(db, doctor)
    assert [(i.referral_id, i.received_on, i.days_waiting) for i in items] == [(r.id, TODAY, 0)]
    figures = dashboard.dashboard(db, front_desk, on=TODAY).acknowledgement
    assert figures is not None and figures.unacknowledged == 1
    name, media, content = review.open_document(db, doctor, items[0].id)
    assert (name, media, content) == ("neurology.pdf", "application/pdf", PDF_BYTES)
    with pytest.raises(PermissionDenied):
        review.acknowledge(db, front_desk, items[0].id)
    other = replace(clinician, team_member_id=doctor.team_member_id + 1000)  # type: ignore[operator]
    with pytest.raises(PermissionDenied):
        review.acknowledge(db, other, items[0].id)
    monkeypatch.setattr(review, "local_today", lambda: date(2026, 11, 20))
    done = review.acknowledge(
        db, doctor, items[0].id, note="Start the new preventive", follow_up="change_plan"
    )
    assert (
        done.acknowledged_on == date(2026, 11, 20) and done.follow_up == review.FollowUp.CHANGE_PLAN
    )
    assert review.count_to_review(db, doctor) == 0
    with pytest.raises(ValidationError) as error:
        review.acknowledge(db, doctor, items[0].id)
    assert error.value.field == "acknowledged"
    figures = dashboard.dashboard(db, front_desk, on=TODAY).acknowledgement
    assert figures is not None
    assert (figures.unacknowledged, figures.acknowledged) == (0, 1)
    assert figures.median_days_to_acknowledge == 2.0


def test_undoing_a_filed_report_withdraws_it_from_the_inbox(
    db: Database, doctor: Actor, front_desk: Actor
) -> None:
    r = _booked(db, front_desk, _sent(db, doctor), TODAY)
    r = referrals.record_report_received(
        db,
        front_desk,
        r.id,
        expected_version=r.version,
        report=DocumentUpload("wrong-patient.pdf", PDF_BYTES),
    )
    assert r.seen_on == TODAY
    r = referrals.undo_last_move(
        db, front_desk, r.id, reason="report of another patient", expected_version=r.version
    )
    assert r.state == S.SCHEDULED and r.seen_on is None and r.closed_on is None
    with db.session() as session:
        assert session.scalars(select(ReviewItem)).all() == []


def test_views_say_what_the_user_may_do(db: Database, doctor: Actor, front_desk: Actor) -> None:
    r = _sent(db, doctor)
    desk = referrals.get_referral(db, front_desk, r.id)
    assert desk.allowed_actions == frozenset(
        {"accept", "schedule", "decline", "cancel", "hold", "authorise", "note", "letter"}
    )
    mine = referrals.get_referral(db, doctor, r.id)
    assert mine.allowed_actions == frozenset(
        {
            "accept",
            "schedule",
            "decline",
            "cancel",
            "hold",
            "authorise",
            "note",
            "edit",
            "letter",
            "undo",
            "entered_in_error",
        }
    )
    assert mine.may("letter") and not desk.may("edit")


def test_report_cannot_be_filed_by_event_shortcut(db: Database, doctor: Actor) -> None:
    r = _sent(db, doctor)
    with pytest.raises(ValidationError):
        referrals.perform(db, doctor, r.id, "report", expected_version=r.version)
    with pytest.raises(IllegalTransition):
        referrals.perform(db, doctor, r.id, "no_show", expected_version=r.version)
