"""Inbound referrals through the services, on SQLite and PostgreSQL: entry, lists, triage
(linking or registering the patient), the decline letter, scheduling and masking."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carecoord.clinical.intake_workflow import IntakeState
from carecoord.clinical.vocabulary import CareTeamRole, Priority
from carecoord.db import Database
from carecoord.errors import (
    ConflictError,
    IllegalTransition,
    PermissionDenied,
    ValidationError,
    ValidationErrors,
)
from carecoord.models import CareTeamMembership, IntakeReferral, Patient
from carecoord.services import dashboard, intake, intake_lists
from carecoord.services.actor import Actor
from carecoord.services.intake_lists import IntakeList
from tests.services.helpers import audit_actions, count, new_member, new_patient

TODAY = date.today()
FRIDAY = date(2026, 3, 6)  # a week with no holiday: its business days are plain


def letter(**changes: object) -> intake.IntakeInput:
    base = intake.IntakeInput(
        referrer_name="Dr Mara Quinlan",
        referrer_practice="Elm Street Family Practice",
        referrer_fax="(503) 555-0188",
        family_name="Okafor",
        given_name="Bea",
        date_of_birth=date(1971, 3, 4),
        reason="Chronic low back pain for 2 years despite physiotherapy",
        diagnosis_codes=("m5450", "G89.4"),
        requested_priority="urgent",
        received_on=TODAY,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_entry_validates_every_field_and_writes_nothing(db: Database, front_desk: Actor) -> None:
    bad = letter(
        referrer_name=" ",
        date_of_birth="not a date",
        reason="",
        diagnosis_codes=("M54",),
        referrer_email="nobody",
        received_on=TODAY + timedelta(days=1),
    )
    with pytest.raises(ValidationErrors) as caught:
        intake.create_intake(db, front_desk, bad)
    assert {e.field for e in caught.value.errors} == {
        "referrer_name",
        "date_of_birth",
        "reason",
        "diagnosis_codes",
        "referrer_email",
        "received_on",
    }
    assert count(db, IntakeReferral) == 0


def test_entry_stores_codes_canonically_and_sets_the_triage_target(
    db: Database, front_desk: Actor
) -> None:
    item = intake.create_intake(db, front_desk, letter(received_on=date(2026, 11, 18)))
    assert item.state is IntakeState.RECEIVED
    assert item.diagnosis_codes == ("M54.50", "G89.4")
    assert item.due_on == date(2026, 11, 19)  # urgent: 1 business day
    assert item.events[0].value == "accept"
    assert ("create", "IntakeReferral") in audit_actions(db)


def test_lists_page_by_due_date_and_count(db: Database, front_desk: Actor) -> None:
    made = [
        intake.create_intake(
            db, front_desk, letter(given_name=f"Bea{i}", received_on=FRIDAY - timedelta(days=i))
        )
        for i in range(5)  # received Friday 6 March 2026 back to Monday 2 March
    ]
    first = intake_lists.intake_page(db, front_desk, "received", limit=2)
    assert len(first.rows) == 2 and first.next is not None
    second = intake_lists.intake_page(db, front_desk, "received", after=first.next, limit=2)
    third = intake_lists.intake_page(db, front_desk, "received", after=second.next, limit=2)
    seen = [r.id for r in first.rows + second.rows + third.rows]
    assert sorted(seen) == sorted(m.id for m in made) and len(set(seen)) == 5
    dues = [r.due_on for r in first.rows + second.rows + third.rows]
    assert dues == sorted(dues)  # type: ignore[type-var]
    assert third.next is None
    counts = intake_lists.intake_counts(db, front_desk, on=FRIDAY)
    assert counts[IntakeList.RECEIVED] == 5
    # Urgent: triaged within one business day. Seen on that Friday, Monday's, Tuesday's and
    # Wednesday's were due by Thursday at the latest; Thursday's is due that Friday.
    assert counts[IntakeList.OVERDUE] == 3
    overdue = intake_lists.intake_page(db, front_desk, IntakeList.OVERDUE, on=FRIDAY)
    assert all(r.overdue for r in overdue.rows) and len(overdue.rows) == 3


def test_dashboard_figures_count_triage_and_overdue(db: Database, front_desk: Actor) -> None:
    intake.create_intake(db, front_desk, letter(received_on=TODAY - timedelta(days=10)))
    intake.create_intake(db, front_desk, letter(given_name="Cleo"))
    figures = dashboard.intake_figures(db, front_desk)
    assert (figures.awaiting_triage, figures.overdue) == (2, 1)


def test_accept_registers_the_patient_and_names_the_coordinator(
    db: Database, front_desk: Actor, physician: Actor
) -> None:
    item = intake.create_intake(db, front_desk, letter())
    member = new_member(db, physician, "pain_medicine", "Lee", "Avery")
    with pytest.raises(PermissionDenied):  # the front desk does not triage
        intake.accept_intake(
            db, front_desk, item.id, priority="routine", coordinating_member_id=member.id
        )
    with pytest.raises(ValidationError) as caught:
        intake.accept_intake(
            db, physician, item.id, priority="routine", coordinating_member_id=None
        )
    assert caught.value.field == "coordinating_member_id"
    accepted = intake.accept_intake(
        db,
        physician,
        item.id,
        priority="routine",
        coordinating_member_id=member.id,
        expected_version=item.version,
    )
    assert accepted.state is IntakeState.ACCEPTED and accepted.priority is Priority.ROUTINE
    assert accepted.patient_id is not None and accepted.triaged_by == "drlee"
    with db.session() as session:
        patient = session.get(Patient, accepted.patient_id)
        assert patient is not None and (patient.family_name, patient.given_name) == (
            "Okafor",
            "Bea",
        )
        roles = session.scalars(
            select(CareTeamMembership.role).where(
                CareTeamMembership.patient_id == accepted.patient_id
            )
        ).all()
        assert roles == [CareTeamRole.COORDINATING_PHYSICIAN]
    with pytest.raises(ConflictError):  # stale version
        intake.waitlist_intake(db, front_desk, item.id, expected_version=item.version)


def test_a_matching_patient_is_linked_only_after_confirmation(
    db: Database, front_desk: Actor, physician: Actor
) -> None:
    existing = new_patient(db, physician, "Okafor", "Bea", date(1971, 3, 4))
    item = intake.create_intake(db, front_desk, letter())
    member = new_member(db, physician, "pain_medicine", "Lee", "Avery")
    with pytest.raises(intake.PatientMatch) as caught:
        intake.accept_intake(
            db, physician, item.id, priority="urgent", coordinating_member_id=member.id
        )
    assert [m.id for m in caught.value.matches] == [existing.id]
    assert count(db, Patient) == 1
    assert intake.get_intake(db, physician, item.id).state is IntakeState.RECEIVED
    linked = intake.accept_intake(
        db,
        physician,
        item.id,
        priority="urgent",
        coordinating_member_id=member.id,
        confirm_link=True,
    )
    assert linked.patient_id == existing.id and count(db, Patient) == 1


def test_decline_keeps_a_reply_letter_to_the_referrer(
    db: Database, front_desk: Actor, physician: Actor
) -> None:
    item = intake.create_intake(db, front_desk, letter())
    with pytest.raises(ValidationError) as caught:
        intake.decline_intake(db, physician, item.id, "")
    assert caught.value.field == "reason"
    declined = intake.decline_intake(
        db, physician, item.id, "Acute sciatica with weakness: please refer to spine surgery"
    )
    assert declined.state is IntakeState.DECLINED and declined.has_reply_letter
    assert declined.due_on is None and declined.closed_on == TODAY
    pdf = intake.reply_letter(db, front_desk, item.id)
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "Your referral: declined",
        "Dr Mara Quinlan",
        "Elm Street Family Practice",
        "Bea Okafor",
        "please refer to spine surgery",
        f"IN-{item.id:06d}",
    ):
        assert expected in words, expected
    with pytest.raises(IllegalTransition):
        intake.request_information(db, physician, item.id, "MRI please")


def test_more_information_then_schedule_and_seen(
    db: Database, front_desk: Actor, physician: Actor
) -> None:
    item = intake.create_intake(db, front_desk, letter())
    asked = intake.request_information(db, physician, item.id, "Please send the MRI report")
    assert asked.state is IntakeState.INFO_REQUESTED and asked.info_reason is not None
    back = intake.information_received(db, front_desk, item.id)
    assert back.state is IntakeState.RECEIVED
    member = new_member(db, physician, "pain_medicine", "Lee", "Avery")
    intake.accept_intake(db, physician, item.id, priority="asap", coordinating_member_id=member.id)
    waiting = intake.waitlist_intake(db, front_desk, item.id)
    assert waiting.state is IntakeState.WAITLISTED
    with pytest.raises(ValidationError) as caught:
        intake.book_first_visit(db, front_desk, item.id, None)
    assert caught.value.field == "first_visit_on"
    booked = intake.book_first_visit(db, front_desk, item.id, TODAY + timedelta(days=10))
    assert booked.state is IntakeState.BOOKED and booked.booked_late  # asap: 2 days
    with pytest.raises(ValidationError):  # before the booked day
        intake.mark_seen(db, front_desk, item.id, TODAY)


def test_roles_and_masking(
    db: Database, front_desk: Actor, clinician: Actor, admin: Actor, physician: Actor
) -> None:
    psychiatric = intake.create_intake(db, physician, letter(diagnosis_codes=("F41.1",)))
    assert psychiatric.category == "psychiatric"
    seen_by_desk = intake.get_intake(db, front_desk, psychiatric.id)
    assert seen_by_desk.reason == "restricted" and seen_by_desk.diagnosis_codes == ("restricted",)
    assert intake.get_intake(db, clinician, psychiatric.id).diagnosis_codes == ("F41.1",)
    with pytest.raises(PermissionDenied):
        intake.get_intake(db, admin, psychiatric.id)
    with pytest.raises(PermissionDenied):
        intake.create_intake(db, clinician, letter())
    with pytest.raises(PermissionDenied):
        intake_lists.intake_page(db, admin, "received")
