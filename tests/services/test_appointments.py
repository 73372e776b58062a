"""Appointments to calendars: the .ics read back with icalendar carries when, who, where
and the reference, and nothing clinical; every file is audited."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar, Component

from carecoord.db import Database
from carecoord.errors import NotFound, PermissionDenied, ValidationError
from carecoord.services import appointments, plans, record, referrals
from carecoord.services.actor import Actor
from tests.services.helpers import audit_actions, new_member, new_patient, new_referral

BOOKED = date(2027, 1, 18)


def _scheduled(
    db: Database, actor: Actor, discipline: str = "psychiatry", mrn: str = "CC-4411"
) -> int:
    born = date(1980, 5, 12) if mrn == "CC-4411" else date(1981, 6, 1)
    patient = new_patient(db, actor, "Ñúñez", "Zoë", born=born, mrn=mrn)
    record.add_diagnosis(db, actor, patient.id, "F41.1")
    member = new_member(
        db,
        actor,
        discipline,
        "Wróbel",
        "Łukasz",
        organisation="Northside Clinic",
        address="88 Elm Road\nSpringfield",
        phone="(503) 555-0200",
    )
    row = new_referral(db, actor, patient.id, member)
    for state, extra in (
        ("sent", {"sent_via": "fax"}),
        ("accepted", {"on": date.today()}),
        ("scheduled", {"appointment_date": BOOKED}),
    ):
        row = referrals.transition(db, actor, row.id, state, expected_version=row.version, **extra)
    return row.id


def _event(data: bytes) -> Component:
    [event] = Calendar.from_ical(data).walk("VEVENT")
    return event


def test_a_booked_referral_becomes_an_all_day_event_without_clinical_detail(
    db: Database, physician: Actor
) -> None:
    referral_id = _scheduled(db, physician)
    view = referrals.get_referral(db, physician, referral_id)
    name, data = appointments.referral_calendar(db, physician, referral_id)
    assert name == f"appointment-{view.reference}.ics"
    event = _event(data)
    assert str(event["uid"]) == f"referral-{referral_id}-appointment@carecoord.invalid"
    assert event.decoded("dtstart") == BOOKED
    assert str(event["summary"]) == "Appointment with Łukasz Wróbel, MD"
    assert str(event["location"]) == "Northside Clinic, 88 Elm Road, Springfield"
    assert str(event["description"]).startswith(f"Ref. {view.reference} (quote it when you call)")
    text = Calendar.from_ical(data).to_ical().decode()
    unfolded = text.replace("\r\n ", "")
    for clinical in (
        "F41.1",
        "anxiety",  # F41.1's title: Generalized anxiety disorder
        "Chronic low back pain",  # the referral's reason
        "SNRI",  # its clinical question
        "Psychiatry",
        "Ñúñez",
        "Zoë",
        "1980",
        "CC-4411",
    ):
        assert clinical.lower() not in unfolded.lower(), clinical
    assert audit_actions(db)[-1] == ("export", "Referral")


def test_the_uid_stays_when_the_appointment_is_rebooked(db: Database, physician: Actor) -> None:
    referral_id = _scheduled(db, physician)
    first = _event(appointments.referral_calendar(db, physician, referral_id)[1])
    view = referrals.get_referral(db, physician, referral_id)
    referrals.transition(
        db,
        physician,
        referral_id,
        "scheduled",
        expected_version=view.version,
        appointment_date=date(2027, 2, 1),
    )
    again = _event(appointments.referral_calendar(db, physician, referral_id)[1])
    assert str(again["uid"]) == str(first["uid"])
    assert again.decoded("dtstart") == date(2027, 2, 1)
    assert int(again.decoded("sequence")) > int(first.decoded("sequence"))


def test_no_appointment_booked_is_said_and_nothing_is_written(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    row = new_referral(db, physician, patient.id, new_member(db, physician))
    with pytest.raises(ValidationError) as caught:
        appointments.referral_calendar(db, physician, row.id)
    assert caught.value.field == "appointment_date"
    with pytest.raises(NotFound):
        appointments.referral_calendar(db, physician, 999_999)


def test_the_front_desk_books_a_psychiatric_referral_but_a_clinician_cannot_see_substance_use(
    db: Database, physician: Actor, front_desk: Actor, clinician: Actor
) -> None:
    referral_id = _scheduled(db, physician)
    _name, data = appointments.referral_calendar(db, front_desk, referral_id)
    assert _event(data).decoded("dtstart") == BOOKED
    other = _scheduled(db, physician, "pain_rehabilitation_program", "CC-4412")
    with pytest.raises(PermissionDenied):
        appointments.referral_calendar(db, clinician, other)


def test_a_plan_activity_event_names_who_and_when_never_what(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    member = new_member(
        db, physician, "psychology", "Mori", "Ken", phone="555-0300", is_internal=False
    )
    plan = plans.create_plan(
        db, physician, patient.id, title="Back to gardening", started_on=date(2026, 11, 2)
    )
    saved = plans.save_activity(
        db,
        physician,
        plan.id,
        plans.ActivityInput(
            "psychological",
            "CBT for pain catastrophising",
            date(2026, 12, 14),
            responsible_member_id=member.id,
        ),
    )
    [activity] = saved.activities
    name, data = appointments.activity_calendar(db, physician, activity.id)
    assert name == f"plan-activity-{activity.id}.ics"
    event = _event(data)
    assert str(event["uid"]) == f"plan-activity-{activity.id}@carecoord.invalid"
    assert event.decoded("dtstart") == date(2026, 12, 14)
    assert str(event["summary"]) == "Appointment with Ken Mori, MD"
    unfolded = data.decode().replace("\r\n ", "")
    for clinical in ("CBT", "catastrophising", "Psycholog", "gardening", "Ñúñez"):
        assert clinical.lower() not in unfolded.lower(), clinical
    assert audit_actions(db)[-1] == ("export", "Treatment plan")
