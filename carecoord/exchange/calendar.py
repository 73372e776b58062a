"""Appointments as iCalendar (RFC 5545) files that any calendar opens.

Pure: the service decides what may leave the chart and passes only logistics here. An
event names when, with whom and where, and the clinic's reference number to quote; never
a diagnosis, a reason, a discipline or any other clinical detail, because calendars sync
to phones and cloud services outside the clinic's control.

Referrals and plan activities store a date, not a time, so events are all-day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

PRODUCT_ID = "-//CareCoord//Appointments//EN"
UID_DOMAIN = "carecoord.invalid"  # RFC 6761: never a real host, so never anyone else's UID


@dataclass(frozen=True)
class Appointment:
    """What one calendar entry says; every field is logistics, none is clinical.

    Attributes:
        uid: Stable for the thing booked, so importing a changed date updates the entry.
        sequence: Rises with each change (the record's version), as RFC 5545 §3.8.7.4 asks.
        day: The appointment date (all-day: no time is recorded).
        with_whom: The specialist or team member, as the team directory names them.
        location: Where: organisation and address from the team directory.
        contact: How to reach the one booked with (phone), shown in the notes.
        reference: The clinic's reference number to quote (for example RPC-000123).
        clinic: Who issued the entry (the clinic's name and phone).
    """

    uid: str
    sequence: int
    day: date
    with_whom: str
    location: str = ""
    contact: str = ""
    reference: str = ""
    clinic: str = ""


def referral_uid(referral_id: int) -> str:
    """One UID per referral, whatever its date: a rebooking replaces the old entry."""
    return f"referral-{referral_id}-appointment@{UID_DOMAIN}"


def activity_uid(activity_id: int) -> str:
    """One UID per plan activity (its start date)."""
    return f"plan-activity-{activity_id}@{UID_DOMAIN}"


def summary(appointment: Appointment) -> str:
    """The entry's title: who, never why."""
    who = appointment.with_whom.strip()
    return f"Appointment with {who}" if who else "Appointment"


def description(appointment: Appointment) -> str:
    """The entry's notes: reference, contact and issuer, one per line."""
    lines = []
    if appointment.reference:
        lines.append(f"Ref. {appointment.reference} (quote it when you call)")
    if appointment.contact:
        lines.append(f"Contact: {appointment.contact}")
    if appointment.clinic:
        lines.append(f"Arranged by {appointment.clinic}")
    return "\n".join(lines)


def build_ics(appointments: list[Appointment], *, stamp: datetime) -> bytes:
    """One VCALENDAR holding an all-day VEVENT per appointment.

    Args:
        stamp: When the file is made (DTSTAMP, UTC).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for appointment in appointments:
        event = Event()
        event.add("uid", appointment.uid)
        event.add("sequence", appointment.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.day)
        event.add("dtend", appointment.day + timedelta(days=1))
        event.add("summary", summary(appointment))
        if appointment.location:
            event.add("location", appointment.location)
        notes = description(appointment)
        if notes:
            event.add("description", notes)
        event.add("transp", "OPAQUE")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
