"""Demo data for the Intake page: a handful of referrals sent to the demo clinic.

One in each open state (two awaiting triage, one of them overdue) and a declined one,
from fictional primary-care doctors, so the page, its tabs and the dashboard panel show
something in a demo. Due
dates come from the pure workflow; the declined one carries its reply letter. Called by
the demo builder inside its transaction, after the patients are written:

    intake.fill_intake(conn, day)

The demo's one "import" audit record covers these rows like the rest of its data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select

from carecoord.clinical import intake_workflow as flow
from carecoord.clinical.due_dates import Settings
from carecoord.clinical.intake_workflow import Details, Event, IntakeSource
from carecoord.clinical.vocabulary import AdministrativeSex, DataCategory, Priority
from carecoord.demo import clinic as names
from carecoord.letters.data import PatientIdentification, Referrer
from carecoord.letters.intake_reply import IntakeReplyData, ReferringDoctor, render_reply
from carecoord.models import IntakeReferral, TeamMember
from carecoord.services.demo_mark import is_demo_connection
from carecoord.services.intake_reply import reference_of

F, M = AdministrativeSex.FEMALE, AdministrativeSex.MALE
BOOKED_IN_DAYS = 7
"""A demo first visit is booked this many days after the demo's day."""


@dataclass(frozen=True)
class _Item:
    days_ago: int
    referrer: tuple[str, str, str]  # name, practice, fax
    patient: tuple[str, str, date, AdministrativeSex]
    reason: str
    codes: str
    priority: Priority
    moves: tuple[Details, ...] = ()


REFERRERS = (
    ("Dr Mara Quinlan, MD", "Elm Street Family Practice", "(503) 555-0188"),
    ("Dr Tobias Ferreira, DO", "Cedar Valley Primary Care", "(503) 555-0144"),
    ("Dr Ines Halvorsen, MD", "North Fork Internal Medicine", "(503) 555-0172"),
)

ITEMS = (
    _Item(
        0,
        REFERRERS[0],
        ("Haddad", "Noor", date(1966, 9, 30), F),
        "Chronic low back pain for 2 years despite physiotherapy; opioid taper stalled.",
        "M54.50,G89.4",
        Priority.ROUTINE,
    ),
    _Item(
        9,
        REFERRERS[1],
        ("Lindqvist", "Per", date(1958, 2, 11), M),
        "Post-herpetic neuralgia, poor response to gabapentin.",
        "B02.29",
        Priority.URGENT,
    ),
    _Item(
        14,
        REFERRERS[2],
        ("Achterberg", "Romy", date(1990, 6, 2), F),
        "Widespread pain and fatigue; please assess for fibromyalgia.",
        "M79.7",
        Priority.ROUTINE,
        (Details(Event.REQUEST_INFO, reason="Please send the rheumatology work-up"),),
    ),
    _Item(
        12,
        REFERRERS[0],
        ("Okonkwo", "Chidi", date(1975, 12, 19), M),
        "Chronic neck pain after a road accident.",
        "M54.2",
        Priority.ROUTINE,
        (Details(Event.ACCEPT, priority=Priority.ROUTINE),),
    ),
    _Item(
        20,
        REFERRERS[1],
        ("Varga", "Eszter", date(1962, 4, 8), F),
        "Knee osteoarthritis pain, not a surgical candidate.",
        "M17.11",
        Priority.ROUTINE,
        (Details(Event.ACCEPT, priority=Priority.ROUTINE), Details(Event.WAITLIST)),
    ),
    _Item(
        6,
        REFERRERS[2],
        ("Mbeki", "Thandiwe", date(1981, 1, 27), F),
        "Chronic migraine with medication overuse.",
        "G43.709",
        Priority.URGENT,
        (Details(Event.ACCEPT, priority=Priority.URGENT),),
    ),
    _Item(
        16,
        REFERRERS[2],
        ("Delacroix", "Amelie", date(1970, 10, 3), F),
        "Complex regional pain syndrome of the right hand after a wrist fracture.",
        "G90.511",
        Priority.URGENT,
        # The first visit is booked a week after the demo's day (see BOOKED_IN_DAYS).
        (Details(Event.ACCEPT, priority=Priority.URGENT), Details(Event.BOOK)),
    ),
    _Item(
        5,
        REFERRERS[0],
        ("Sorensen", "Bjorn", date(1949, 8, 15), M),
        "Sudden back pain with new leg weakness.",
        "M54.50",
        Priority.URGENT,
        (
            Details(
                Event.DECLINE,
                reason="New leg weakness needs same-day spine surgery assessment, not a "
                "pain-clinic referral: please send the patient to the emergency department.",
            ),
        ),
    ),
)


def _coordinator(conn: Connection) -> int | None:
    members = cast(Table, TeamMember.__table__)
    return conn.execute(
        select(members.c.id)
        .where(members.c.discipline == "pain_medicine", members.c.is_internal.is_(True))
        .order_by(members.c.id)
        .limit(1)
    ).scalar()


def _reply(row_id: int, values: dict[str, Any]) -> bytes:
    clinic = names.clinic_settings()
    name = f"{values['given_name']} {values['family_name']}"
    return render_reply(
        IntakeReplyData(
            letterhead=clinic.letterhead,
            date=values["triaged_on"],
            to=ReferringDoctor(values["referrer_name"], values["referrer_practice"]),
            patient=PatientIdentification(
                name, values["date_of_birth"], "not given", AdministrativeSex(values["sex"]).label
            ),
            received_on=values["received_on"],
            reference=reference_of(row_id),
            reason_for_referral=values["reason"],
            decline_reason=values["decline_reason"],
            signer=Referrer("Dr Avery Lee", "MD", "for the pain-management team"),
        )
    )


def fill_intake(conn: Connection, today: date) -> int:
    """Write the demo's inbound referrals; returns how many.

    Raises:
        RuntimeError: the database is not a demo database.
    """
    if not is_demo_connection(conn):
        raise RuntimeError("refusing to write demo referrals outside the demo")
    table = cast(Table, IntakeReferral.__table__)
    settings = Settings()
    coordinator = _coordinator(conn)
    written = 0
    for item in ITEMS:
        received = today - timedelta(days=item.days_ago)
        facts = flow.received(received, item.priority, settings)
        for step in item.moves:
            if step.event is Event.BOOK:
                step = replace(step, visit_on=today + timedelta(days=BOOKED_IN_DAYS))
            facts = flow.with_changes(facts, flow.apply(facts, step, today, settings))
        name, practice, fax = item.referrer
        family, given, born, sex = item.patient
        values: dict[str, Any] = {f.name: getattr(facts, f.name) for f in fields(facts)}
        values.update(
            source=IntakeSource.HAND.value,
            referrer_name=name,
            referrer_practice=practice,
            referrer_fax=fax,
            family_name=family,
            given_name=given,
            date_of_birth=born,
            sex=sex.value,
            reason=item.reason,
            diagnosis_codes=item.codes,
            category=DataCategory.GENERAL.value,
            triaged_by="drlee" if facts.triaged_on else None,
            coordinating_member_id=coordinator if facts.priority else None,
            version=1,
            updated_by="system",
        )
        row_id = conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()
        if facts.decline_reason:
            pdf = _reply(row_id, values)
            conn.execute(
                table.update()
                .where(table.c.id == row_id)
                .values(reply_letter=pdf, reply_letter_sha256=hashlib.sha256(pdf).hexdigest())
            )
        written += 1
    return written
