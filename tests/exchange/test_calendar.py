"""The .ics builder: all-day events that any calendar reads back, with logistics only."""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar

from carecoord.exchange.calendar import Appointment, activity_uid, build_ics, referral_uid

STAMP = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _appointment(**changes: object) -> Appointment:
    values: dict[str, object] = {
        "uid": referral_uid(12),
        "sequence": 3,
        "day": date(2027, 1, 18),
        "with_whom": "Łukasz Wróbel, MD",
        "location": "Northside Spine Clinic, 88 Elm Road, Springfield",
        "contact": "(503) 555-0200",
        "reference": "RPC-000012",
        "clinic": "Riverside Pain & Function Center · 555-0100",
    }
    values.update(changes)
    return Appointment(**values)  # type: ignore[arg-type]


def test_an_appointment_reads_back_as_one_all_day_event() -> None:
    data = build_ics([_appointment()], stamp=STAMP)
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["prodid"]) == "-//CareCoord//Appointments//EN"
    assert str(event["uid"]) == "referral-12-appointment@carecoord.invalid"
    assert event["sequence"] == 3
    assert event.decoded("dtstart") == date(2027, 1, 18)
    assert event.decoded("dtend") == date(2027, 1, 19)
    assert event.decoded("dtstamp") == STAMP
    assert str(event["summary"]) == "Appointment with Łukasz Wróbel, MD"
    assert str(event["location"]) == "Northside Spine Clinic, 88 Elm Road, Springfield"
    assert str(event["description"]) == (
        "Ref. RPC-000012 (quote it when you call)\n"
        "Contact: (503) 555-0200\n"
        "Arranged by Riverside Pain & Function Center · 555-0100"
    )
    assert str(event["class"]) == "PRIVATE"


def test_uids_are_stable_per_referral_and_per_activity() -> None:
    first = build_ics([_appointment(day=date(2027, 1, 18))], stamp=STAMP)
    rebooked = build_ics([_appointment(day=date(2027, 2, 1), sequence=4)], stamp=STAMP)
    uids = [str(Calendar.from_ical(d).walk("VEVENT")[0]["uid"]) for d in (first, rebooked)]
    assert uids == ["referral-12-appointment@carecoord.invalid"] * 2
    assert activity_uid(7) == "plan-activity-7@carecoord.invalid"


def test_empty_optional_fields_are_left_out_not_written_blank() -> None:
    data = build_ics([_appointment(location="", contact="", reference="", clinic="")], stamp=STAMP)
    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert "location" not in event and "description" not in event
    assert b"\r\n" in data  # RFC 5545 line endings
