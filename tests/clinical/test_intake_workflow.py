"""The pure intake workflow: every state x event, due dates with holidays, guards.

Expected values are written out by hand. Today is Wednesday 2026-11-18; Thanksgiving
(2026-11-26) is a US public holiday.
"""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.clinical.due_dates import Calendar, Settings
from carecoord.clinical.intake_workflow import (
    Details,
    Event,
    Facts,
    IntakeState,
    allowed_events,
    apply,
    first_visit_due,
    is_overdue,
    received,
    triage_due,
    with_changes,
)
from carecoord.clinical.vocabulary import Priority
from carecoord.errors import IllegalTransition, ValidationError

S, E, P, D = IntakeState, Event, Priority, date
TODAY = D(2026, 11, 18)
SETTINGS = Settings()

# state -> {event: next state}; every other pair is refused.
EXPECTED_TABLE = {
    S.RECEIVED: {
        E.ACCEPT: S.ACCEPTED,
        E.DECLINE: S.DECLINED,
        E.REQUEST_INFO: S.INFO_REQUESTED,
        E.WITHDRAW: S.WITHDRAWN,
    },
    S.INFO_REQUESTED: {E.INFO_RECEIVED: S.RECEIVED, E.WITHDRAW: S.WITHDRAWN},
    S.ACCEPTED: {E.WAITLIST: S.WAITLISTED, E.BOOK: S.BOOKED, E.WITHDRAW: S.WITHDRAWN},
    S.WAITLISTED: {E.BOOK: S.BOOKED, E.WITHDRAW: S.WITHDRAWN},
    S.BOOKED: {E.SEEN: S.SEEN, E.WITHDRAW: S.WITHDRAWN},
    S.DECLINED: {},
    S.SEEN: {},
    S.WITHDRAWN: {},
}

DETAILS = {
    E.ACCEPT: Details(E.ACCEPT, priority=P.URGENT),
    E.DECLINE: Details(E.DECLINE, reason="Not a pain-clinic question"),
    E.REQUEST_INFO: Details(E.REQUEST_INFO, reason="Please send the MRI report"),
    E.INFO_RECEIVED: Details(E.INFO_RECEIVED),
    E.WAITLIST: Details(E.WAITLIST),
    E.BOOK: Details(E.BOOK, visit_on=D(2026, 11, 20)),
    E.SEEN: Details(E.SEEN, on=TODAY),
    E.WITHDRAW: Details(E.WITHDRAW, reason="Patient moved away"),
}


def facts_in(state: IntakeState) -> Facts:
    return Facts(
        state=state,
        received_on=D(2026, 11, 16),
        requested_priority=P.ROUTINE,
        priority=P.URGENT,
        first_visit_due=D(2026, 11, 20),
        first_visit_on=D(2026, 11, 17) if state is S.BOOKED else None,
    )


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("event", list(E))
def test_every_state_and_event(state: IntakeState, event: Event) -> None:
    expected = EXPECTED_TABLE[state].get(event)
    if expected is None:
        with pytest.raises(IllegalTransition):
            apply(facts_in(state), DETAILS[event], TODAY, SETTINGS)
        return
    assert apply(facts_in(state), DETAILS[event], TODAY, SETTINGS).to_state is expected


@pytest.mark.parametrize(
    ("state", "offered"),
    [
        (S.RECEIVED, ("accept", "decline", "request_info", "withdraw")),
        (S.INFO_REQUESTED, ("info_received", "withdraw")),
        (S.ACCEPTED, ("waitlist", "book", "withdraw")),
        (S.BOOKED, ("seen", "withdraw")),
        (S.SEEN, ()),
    ],
)
def test_allowed_events_in_screen_order(state: IntakeState, offered: tuple[str, ...]) -> None:
    assert tuple(e.value for e in allowed_events(state)) == offered


@pytest.mark.parametrize(
    ("received_on", "priority", "triage", "first_visit"),
    [
        (D(2026, 11, 18), P.ROUTINE, D(2026, 11, 23), D(2026, 12, 10)),  # Thanksgiving skipped
        (D(2026, 11, 18), P.URGENT, D(2026, 11, 19), D(2026, 11, 22)),  # calendar days
        (D(2026, 11, 18), P.ASAP, D(2026, 11, 18), D(2026, 11, 20)),
        (D(2026, 11, 18), P.STAT, D(2026, 11, 18), D(2026, 11, 19)),
        (D(2026, 11, 24), P.ROUTINE, D(2026, 11, 30), D(2026, 12, 16)),  # over the holiday
        (D(2026, 11, 21), P.URGENT, D(2026, 11, 23), D(2026, 11, 25)),  # received on Saturday
    ],
)
def test_due_dates(received_on: date, priority: Priority, triage: date, first_visit: date) -> None:
    assert triage_due(received_on, priority, SETTINGS) == triage
    assert first_visit_due(received_on, priority, SETTINGS) == first_visit


def test_clinic_closure_moves_the_triage_target() -> None:
    closed = Settings(calendar=Calendar(closures=frozenset({D(2026, 11, 19)})))
    assert triage_due(D(2026, 11, 18), P.URGENT, closed) == D(2026, 11, 20)


def test_a_referral_through_its_whole_life() -> None:
    start = received(D(2026, 11, 9), P.ROUTINE, SETTINGS)
    assert (start.state, start.due_on) == (S.RECEIVED, D(2026, 11, 13))  # Veterans Day
    asked = with_changes(start, apply(start, DETAILS[E.REQUEST_INFO], D(2026, 11, 10), SETTINGS))
    assert (asked.state, asked.due_on, asked.info_requested_on) == (
        S.INFO_REQUESTED,
        None,
        D(2026, 11, 10),
    )
    back = with_changes(asked, apply(asked, Details(E.INFO_RECEIVED), D(2026, 11, 16), SETTINGS))
    # Triage was due on 11-13 by the original clock; it is owed today at the latest.
    assert (back.state, back.due_on) == (S.RECEIVED, D(2026, 11, 16))
    accepted = with_changes(back, apply(back, DETAILS[E.ACCEPT], D(2026, 11, 17), SETTINGS))
    assert accepted.priority is P.URGENT
    assert (accepted.first_visit_due, accepted.due_on) == (D(2026, 11, 13), D(2026, 11, 13))
    assert is_overdue(accepted.state, accepted.due_on, TODAY)
    waiting = with_changes(accepted, apply(accepted, Details(E.WAITLIST), TODAY, SETTINGS))
    assert (waiting.state, waiting.waitlisted_on) == (S.WAITLISTED, TODAY)
    booked = with_changes(
        waiting, apply(waiting, Details(E.BOOK, visit_on=D(2026, 11, 24)), TODAY, SETTINGS)
    )
    assert (booked.state, booked.first_visit_on, booked.booked_late) == (
        S.BOOKED,
        D(2026, 11, 24),
        True,
    )
    assert not is_overdue(booked.state, booked.due_on, D(2026, 11, 30))
    seen = with_changes(
        booked, apply(booked, Details(E.SEEN, on=D(2026, 11, 24)), D(2026, 11, 24), SETTINGS)
    )
    assert (seen.state, seen.closed_on, seen.due_on) == (S.SEEN, D(2026, 11, 24), None)


@pytest.mark.parametrize(
    ("state", "details", "field"),
    [
        (S.RECEIVED, Details(E.ACCEPT), "priority"),
        (S.RECEIVED, Details(E.DECLINE, reason="  "), "reason"),
        (S.RECEIVED, Details(E.REQUEST_INFO), "reason"),
        (S.RECEIVED, Details(E.ACCEPT, priority=P.ROUTINE, on=D(2026, 11, 19)), "on"),
        (S.RECEIVED, Details(E.ACCEPT, priority=P.ROUTINE, on=D(2026, 11, 15)), "on"),
        (S.ACCEPTED, Details(E.BOOK), "first_visit_on"),
        (S.ACCEPTED, Details(E.BOOK, visit_on=D(2026, 11, 1)), "first_visit_on"),
        (S.BOOKED, Details(E.SEEN), "on"),
        (S.BOOKED, Details(E.SEEN, on=D(2026, 11, 16)), "on"),
        (S.WAITLISTED, Details(E.WITHDRAW), "reason"),
    ],
)
def test_guards_name_the_field(state: IntakeState, details: Details, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        apply(facts_in(state), details, TODAY, SETTINGS)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("state", "due_on", "overdue"),
    [
        (S.RECEIVED, D(2026, 11, 17), True),
        (S.RECEIVED, D(2026, 11, 18), False),  # due today is still on time
        (S.WAITLISTED, D(2026, 11, 1), True),
        (S.INFO_REQUESTED, D(2026, 11, 1), False),  # the referrer owes the next step
        (S.BOOKED, D(2026, 11, 1), False),
        (S.SEEN, None, False),
    ],
)
def test_overdue(state: IntakeState, due_on: date | None, overdue: bool) -> None:
    assert is_overdue(state, due_on, TODAY) is overdue


def test_state_labels_read_as_the_page_shows_them() -> None:
    assert S.RECEIVED.label == "Awaiting triage"
    assert S.INFO_REQUESTED.label == "More information requested"
    assert E.REQUEST_INFO.label == "Ask for more information"
