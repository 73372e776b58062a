"""Inbound referrals (intake) as one pure table: states, events, guards and field changes.

A referral *to* the clinic from primary care or another doctor is received, triaged by a
physician (accepted with a priority, declined with a reason, or sent back for more
information), waitlisted, booked for a first visit and seen; the referrer may withdraw
it. The service turns the row into :class:`Facts`, calls :func:`apply`, writes the
returned changes, audits and commits; nothing here touches a database or a screen
(docs/clinical-reference.md §2.5).

Due dates reuse the outbound rules (``referral_workflow.appointment_target``: calendar
days for stat / asap / urgent, business days with the clinic's holidays and closures for
routine), counted from the day the referral was received, so a referral that waited for
more information is not given a fresh clock. Triage itself is due sooner (TRIAGE_DAYS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Final

from carecoord.clinical import state_table
from carecoord.clinical.due_dates import Settings, appointment_target
from carecoord.clinical.state_table import Transition as Transition
from carecoord.clinical.vocabulary import Discipline, LabelledEnum, Priority
from carecoord.errors import IllegalTransition, ValidationError


class IntakeState(LabelledEnum):
    """Where an inbound referral stands."""

    RECEIVED = "received", "Awaiting triage"
    INFO_REQUESTED = "info_requested", "More information requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"
    BOOKED = "booked", "First visit booked"
    SEEN = "seen"
    WITHDRAWN = "withdrawn", "Withdrawn by the referrer"


class IntakeSource(LabelledEnum):
    """How the referral reached CareCoord."""

    HAND = "hand"
    FHIR = "fhir"


class Event(LabelledEnum):
    """What happens to an inbound referral."""

    ACCEPT = "accept"
    DECLINE = "decline"
    REQUEST_INFO = "request_info", "Ask for more information"
    INFO_RECEIVED = "info_received", "Information received"
    WAITLIST = "waitlist"
    BOOK = "book", "Book first visit"
    SEEN = "seen"
    WITHDRAW = "withdraw", "Withdrawn"


S = IntakeState
TABLE: Final[dict[tuple[IntakeState, Event], IntakeState]] = {
    (S.RECEIVED, Event.ACCEPT): S.ACCEPTED,
    (S.RECEIVED, Event.DECLINE): S.DECLINED,
    (S.RECEIVED, Event.REQUEST_INFO): S.INFO_REQUESTED,
    (S.RECEIVED, Event.WITHDRAW): S.WITHDRAWN,
    (S.INFO_REQUESTED, Event.INFO_RECEIVED): S.RECEIVED,
    (S.INFO_REQUESTED, Event.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, Event.WAITLIST): S.WAITLISTED,
    (S.ACCEPTED, Event.BOOK): S.BOOKED,  # a slot is free at once: no waiting list
    (S.ACCEPTED, Event.WITHDRAW): S.WITHDRAWN,
    (S.WAITLISTED, Event.BOOK): S.BOOKED,
    (S.WAITLISTED, Event.WITHDRAW): S.WITHDRAWN,
    (S.BOOKED, Event.SEEN): S.SEEN,
    (S.BOOKED, Event.WITHDRAW): S.WITHDRAWN,
}
"""(state, event) -> next state. A pair not in the table is refused."""

CLOSED: Final = frozenset({S.DECLINED, S.SEEN, S.WITHDRAWN})
TRIAGE_EVENTS: Final = frozenset({Event.ACCEPT, Event.DECLINE, Event.REQUEST_INFO})
"""Events that are a clinical decision (a physician's); the rest are logistics."""

TRIAGE_DAYS: Final = {
    Priority.STAT: 0,
    Priority.ASAP: 0,
    Priority.URGENT: 1,
    Priority.ROUTINE: 3,
}
"""Business days after receipt by which the referral should be triaged (0: the same day)."""

INTAKE_DISCIPLINE: Final = Discipline.PAIN_MEDICINE
"""The clinic's own discipline, for the outbound routine target (not the shorter
mental-health one)."""


def triage_due(received_on: date, priority: Priority, settings: Settings) -> date:
    """The last day the referral is triaged on time (business days from receipt)."""
    return settings.calendar.add_business_days(received_on, TRIAGE_DAYS[priority])


def first_visit_due(received_on: date, priority: Priority, settings: Settings) -> date:
    """The last day a first visit is on time: the outbound appointment target, from receipt."""
    return appointment_target(received_on, priority, INTAKE_DISCIPLINE, settings)


def is_overdue(state: IntakeState, due_on: date | None, today: date) -> bool:
    """Overdue from the day after ``due_on`` while the clinic owes the next step.

    A referral waiting for the referrer's information, a booked one (its date is set)
    and a closed one are never overdue.
    """
    return state in (S.RECEIVED, S.ACCEPTED, S.WAITLISTED) and due_on is not None and today > due_on


# ---------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class Facts:
    """Every intake field the workflow reads or writes (a plain copy of the row)."""

    state: IntakeState
    received_on: date
    requested_priority: Priority
    priority: Priority | None = None
    triaged_on: date | None = None
    decline_reason: str | None = None
    info_reason: str | None = None
    info_requested_on: date | None = None
    info_received_on: date | None = None
    waitlisted_on: date | None = None
    first_visit_due: date | None = None
    first_visit_on: date | None = None
    booked_late: bool = False
    seen_on: date | None = None
    withdrawn_reason: str | None = None
    closed_on: date | None = None
    due_on: date | None = None


WRITABLE: Final = tuple(f.name for f in fields(Facts) if f.name not in ("received_on",))


@dataclass(frozen=True)
class Details:
    """What the person said about the event (only those the event needs are read)."""

    event: Event
    on: date | None = None
    priority: Priority | None = None
    reason: str | None = None
    visit_on: date | None = None


# --------------------------------------------------------------------------- guards
Guard = Callable[[Facts, Details, date], None]


def _need_reason(facts: Facts, d: Details, today: date) -> None:
    if not d.reason or not d.reason.strip():
        raise ValidationError("reason", f"say why ({d.event.label.lower()})")


def _day_ok(facts: Facts, d: Details, today: date) -> None:
    if d.on is not None:
        state_table.check_day("on", d.on, today, facts.received_on, "the referral was received")


def _need_priority(facts: Facts, d: Details, today: date) -> None:
    if d.priority is None:
        raise ValidationError("priority", "choose the triaged priority")


def _need_visit(facts: Facts, d: Details, today: date) -> None:
    if d.visit_on is None:
        raise ValidationError("first_visit_on", "enter the date of the first visit")
    if d.visit_on < facts.received_on:
        raise ValidationError("first_visit_on", "cannot be before the referral was received")


def _seen_not_before_visit(facts: Facts, d: Details, today: date) -> None:
    if d.on is None:
        raise ValidationError("on", "enter the day the patient was seen")
    if facts.first_visit_on is not None and d.on < facts.first_visit_on:
        raise ValidationError(
            "on", f"is before the booked first visit ({facts.first_visit_on.isoformat()})"
        )


GUARDS: Final[dict[Event, tuple[Guard, ...]]] = {
    Event.ACCEPT: (_need_priority, _day_ok),
    Event.DECLINE: (_need_reason, _day_ok),
    Event.REQUEST_INFO: (_need_reason, _day_ok),
    Event.INFO_RECEIVED: (_day_ok,),
    Event.WAITLIST: (_day_ok,),
    Event.BOOK: (_need_visit,),
    Event.SEEN: (_day_ok, _seen_not_before_visit),
    Event.WITHDRAW: (_need_reason, _day_ok),
}

WORKFLOW: Final = state_table.StateTable(Event, TABLE, GUARDS)


# -------------------------------------------------------------------------- effects
def _effects(facts: Facts, d: Details, today: date, s: Settings) -> dict[str, Any]:
    day = d.on or today
    e = d.event
    if e is Event.ACCEPT:
        assert d.priority is not None
        due = first_visit_due(facts.received_on, d.priority, s)
        return {"priority": d.priority, "triaged_on": day, "first_visit_due": due, "due_on": due}
    if e is Event.DECLINE:
        return {"triaged_on": day, "decline_reason": d.reason, **state_table.closing(day)}
    if e is Event.REQUEST_INFO:
        return {"info_reason": d.reason, "info_requested_on": day, "due_on": None}
    if e is Event.INFO_RECEIVED:
        # Triage is owed again, on the clock of the original receipt.
        due = triage_due(facts.received_on, facts.requested_priority, s)
        return {"info_received_on": day, "due_on": max(due, day)}
    if e is Event.WAITLIST:
        return {"waitlisted_on": day, "due_on": facts.first_visit_due}
    if e is Event.BOOK:
        assert d.visit_on is not None
        late = facts.first_visit_due is not None and d.visit_on > facts.first_visit_due
        return {"first_visit_on": d.visit_on, "booked_late": late, "due_on": d.visit_on}
    if e is Event.SEEN:
        return {"seen_on": day, **state_table.closing(day)}
    return {"withdrawn_reason": d.reason, **state_table.closing(day)}  # WITHDRAW


def received(received_on: date, requested_priority: Priority, settings: Settings) -> Facts:
    """A new referral's facts: received, triage due by its requested priority."""
    return Facts(
        state=S.RECEIVED,
        received_on=received_on,
        requested_priority=requested_priority,
        due_on=triage_due(received_on, requested_priority, settings),
    )


def allowed_events(state: IntakeState) -> tuple[Event, ...]:
    """The events the table allows from ``state``, in the order screens offer them."""
    return WORKFLOW.allowed_events(state)


def apply(
    facts: Facts, details: Details, today: date, settings: Settings
) -> Transition[Event, IntakeState]:
    """Check ``details.event`` against the table and guards; return every change.

    Raises:
        IllegalTransition: The event is not allowed from the current state.
        ValidationError: A detail the event needs is missing or wrong (names the field).
    """

    def refusal() -> IllegalTransition:
        nominal = next(t for (_, e), t in TABLE.items() if e is details.event)
        return IllegalTransition(facts.state.value, nominal.value)

    target = WORKFLOW.check(facts, details, (facts.state, details.event), today, refusal)
    assert isinstance(target, IntakeState)
    changes = {"state": target, **_effects(facts, details, today, settings)}
    return Transition(details.event, facts.state, target, changes)


def with_changes(facts: Facts, transition: Transition[Event, IntakeState]) -> Facts:
    """``facts`` after ``transition`` (for tests and for chained demo data)."""
    return state_table.with_changes(facts, transition.changes)
