"""The pure referral workflow: every state x event x priority, due dates and holidays.

Expected values are written out by hand (docs/clinical-reference.md §2); the canonical
referral of each state and the canonical details of each event are fixed below.
Today is Wednesday 2026-11-18; Thanksgiving (2026-11-26) and Veterans Day (2026-11-11)
are US public holidays.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from carecoord.clinical import referral_rules
from carecoord.clinical.referral_rules import Targets
from carecoord.clinical.referral_workflow import (
    TABLE,
    Calendar,
    Details,
    Event,
    Facts,
    Settings,
    allowed_events,
    apply,
    appointment_target,
    booked_past_target,
    check_holiday_region,
    check_undo,
    hold_review_due,
    with_changes,
)
from carecoord.clinical.vocabulary import Discipline, Priority, ReferralState, SendMethod
from carecoord.errors import IllegalTransition, ValidationError

S = ReferralState
E = Event
D = date
TODAY = D(2026, 11, 18)
SETTINGS = Settings()
NEURO = Discipline.NEUROLOGY_HEADACHE


def facts(state: ReferralState, priority: Priority) -> Facts:
    """The canonical referral in each state."""
    base: dict[str, Any] = {"state": state, "priority": priority, "discipline": NEURO}
    sent = {
        "sent_on": D(2026, 11, 10),
        "sent_via": SendMethod.FAX,
        "appointment_due": D(2026, 12, 1),
        "due_on": D(2026, 12, 1),
    }
    scheduled = sent | {
        "accepted_on": D(2026, 11, 12),
        "appointment_date": D(2026, 11, 17),
        "due_on": D(2026, 11, 17),
    }
    seen = scheduled | {
        "seen_on": D(2026, 11, 17),
        "report_due": D(2026, 12, 1),
        "due_on": D(2026, 12, 1),
    }
    closed = sent | {"closed_on": D(2026, 11, 12), "due_on": None}
    extra: dict[ReferralState, dict[str, Any]] = {
        S.DRAFT: {},
        S.SENT: sent,
        S.ACCEPTED: sent | {"accepted_on": D(2026, 11, 12)},
        S.SCHEDULED: scheduled,
        S.SEEN: seen,
        S.REPORT_RECEIVED: seen
        | {"report_received_on": D(2026, 11, 17), "closed_on": D(2026, 11, 17), "due_on": None},
        S.DECLINED: closed,
        S.CANCELLED: closed,
        S.ON_HOLD: scheduled
        | {
            "held_from": S.SCHEDULED,
            "hold_reason": "patient travelling",
            "hold_review_on": D(2026, 11, 30),
            "due_on": D(2026, 11, 30),
        },
    }
    return Facts(**(base | extra[state]))


DETAILS = {
    E.SEND: Details(E.SEND, sent_via=SendMethod.FAX),
    E.ACCEPT: Details(E.ACCEPT, on=D(2026, 11, 17)),
    E.SCHEDULE: Details(E.SCHEDULE, appointment_date=D(2026, 12, 2)),
    E.RESCHEDULE: Details(E.RESCHEDULE, appointment_date=D(2026, 12, 2)),
    E.NO_SHOW: Details(E.NO_SHOW),
    E.SEEN: Details(E.SEEN, on=D(2026, 11, 18)),
    E.REPORT: Details(E.REPORT, on=D(2026, 11, 18)),
    E.DECLINE: Details(E.DECLINE, reason="no capacity"),
    E.CANCEL: Details(E.CANCEL, reason="patient moved"),
    E.HOLD: Details(E.HOLD, reason="patient travelling", review_on=D(2026, 12, 7)),
    E.RESUME: Details(E.RESUME),
    E.REPRIORITISE: Details(E.REPRIORITISE, priority=Priority.STAT),
}


class P(dict[Priority, Any]):
    """A value that depends on the referral's priority."""

    def __init__(self, stat: Any, asap: Any, urgent: Any, routine: Any) -> None:
        super().__init__(
            {
                Priority.STAT: stat,
                Priority.ASAP: asap,
                Priority.URGENT: urgent,
                Priority.ROUTINE: routine,
            }
        )


# Sent today (Wed 2026-11-18): stat +1, asap +2, urgent +4 calendar days; routine
# 15 business days skipping Thanksgiving = 2026-12-10.
SENT_TODAY = P(D(2026, 11, 19), D(2026, 11, 20), D(2026, 11, 22), D(2026, 12, 10))
# Missed appointment Tue 2026-11-17: routine 15 business days skipping Thanksgiving.
AFTER_NO_SHOW = P(D(2026, 11, 18), D(2026, 11, 19), D(2026, 11, 21), D(2026, 12, 9))
NOT_IF_STAT = P(None, Priority.STAT, Priority.STAT, Priority.STAT)
CLOSE_TODAY = {"closed_on": TODAY, "due_on": None}
HOLD = {
    "state": S.ON_HOLD,
    "hold_reason": "patient travelling",
    "hold_review_on": D(2026, 12, 7),
    "due_on": D(2026, 12, 7),
}
RESTAT_SENT = {
    "priority": NOT_IF_STAT,
    "appointment_due": D(2026, 11, 11),
    "due_on": D(2026, 11, 11),
}

EXPECTED: dict[tuple[ReferralState, Event], dict[str, Any]] = {
    (S.DRAFT, E.SEND): {
        "state": S.SENT,
        "sent_on": TODAY,
        "sent_via": SendMethod.FAX,
        "appointment_due": SENT_TODAY,
        "due_on": SENT_TODAY,
    },
    (S.DRAFT, E.CANCEL): {"state": S.CANCELLED, "closed_on": TODAY},
    (S.DRAFT, E.REPRIORITISE): {"priority": NOT_IF_STAT},
    (S.SENT, E.ACCEPT): {"state": S.ACCEPTED, "accepted_on": D(2026, 11, 17)},
    (S.SENT, E.SCHEDULE): {
        "state": S.SCHEDULED,
        "appointment_date": D(2026, 12, 2),
        "due_on": D(2026, 12, 2),
        "booked_late": True,
    },
    (S.SENT, E.DECLINE): {"state": S.DECLINED} | CLOSE_TODAY,
    (S.SENT, E.CANCEL): {"state": S.CANCELLED} | CLOSE_TODAY,
    (S.SENT, E.HOLD): HOLD | {"held_from": S.SENT},
    (S.SENT, E.REPRIORITISE): RESTAT_SENT,
    (S.ACCEPTED, E.SCHEDULE): {
        "state": S.SCHEDULED,
        "appointment_date": D(2026, 12, 2),
        "due_on": D(2026, 12, 2),
        "booked_late": True,
    },
    (S.ACCEPTED, E.DECLINE): {"state": S.DECLINED} | CLOSE_TODAY,
    (S.ACCEPTED, E.CANCEL): {"state": S.CANCELLED} | CLOSE_TODAY,
    (S.ACCEPTED, E.HOLD): HOLD | {"held_from": S.ACCEPTED},
    (S.ACCEPTED, E.REPRIORITISE): RESTAT_SENT,
    (S.SCHEDULED, E.RESCHEDULE): {
        "appointment_date": D(2026, 12, 2),
        "due_on": D(2026, 12, 2),
        "booked_late": True,
    },
    (S.SCHEDULED, E.NO_SHOW): {
        "state": S.ACCEPTED,
        "no_show_count": 1,
        "appointment_date": None,
        "appointment_due": AFTER_NO_SHOW,
        "due_on": AFTER_NO_SHOW,
    },
    (S.SCHEDULED, E.SEEN): {
        "state": S.SEEN,
        "seen_on": TODAY,
        "report_due": D(2026, 12, 2),
        "due_on": D(2026, 12, 2),
    },
    (S.SCHEDULED, E.REPORT): {
        "state": S.REPORT_RECEIVED,
        "report_received_on": TODAY,
        "seen_on": D(2026, 11, 17),
        "report_due": D(2026, 12, 1),
    }
    | CLOSE_TODAY,
    (S.SCHEDULED, E.CANCEL): {"state": S.CANCELLED} | CLOSE_TODAY,
    (S.SCHEDULED, E.HOLD): HOLD | {"held_from": S.SCHEDULED},
    (S.SCHEDULED, E.REPRIORITISE): {
        "priority": NOT_IF_STAT,
        "appointment_due": D(2026, 11, 11),
        "booked_late": True,
    },
    (S.SEEN, E.REPORT): {"state": S.REPORT_RECEIVED, "report_received_on": TODAY} | CLOSE_TODAY,
    (S.ON_HOLD, E.RESUME): {
        "state": S.SCHEDULED,
        "held_from": None,
        "hold_reason": None,
        "hold_review_on": None,
        "due_on": D(2026, 11, 17),
    },
    (S.ON_HOLD, E.CANCEL): {
        "state": S.CANCELLED,
        "held_from": None,
        "hold_reason": None,
        "hold_review_on": None,
    }
    | CLOSE_TODAY,
    (S.ON_HOLD, E.REPRIORITISE): {
        "priority": NOT_IF_STAT,
        "appointment_due": D(2026, 11, 11),
        "booked_late": True,
    },
}


def _resolve(expected: dict[str, Any], priority: Priority) -> dict[str, Any]:
    out = {}
    for key, value in expected.items():
        value = value[priority] if isinstance(value, P) else value
        if not (key == "priority" and value is None):
            out[key] = value
    return out


CASES = list(itertools.product(S, E, Priority))


@pytest.mark.parametrize(("state", "event", "priority"), CASES)
def test_every_state_event_and_priority(
    state: ReferralState, event: Event, priority: Priority
) -> None:
    before = facts(state, priority)
    expected = EXPECTED.get((state, event))
    if expected is None:
        with pytest.raises(IllegalTransition) as refused:
            apply(before, DETAILS[event], TODAY, SETTINGS)
        assert state.value in str(refused.value)
        return
    result = apply(before, DETAILS[event], TODAY, SETTINGS)
    assert dict(result.changes) == _resolve(expected, priority)
    assert result.from_state is state
    assert result.to_state is _resolve(expected, priority).get("state", state)


def test_table_is_exactly_the_expected_pairs() -> None:
    assert set(TABLE) == set(EXPECTED)


def test_old_state_list_agrees_with_the_table() -> None:
    for (state, event), target in TABLE.items():
        if isinstance(target, ReferralState) and target is not state:
            assert target in referral_rules.TRANSITIONS[state], (state, event)


def test_allowed_events_in_order() -> None:
    assert allowed_events(facts(S.SCHEDULED, Priority.ROUTINE)) == (
        E.RESCHEDULE,
        E.NO_SHOW,
        E.SEEN,
        E.REPORT,
        E.CANCEL,
        E.HOLD,
        E.REPRIORITISE,
    )
    assert allowed_events(facts(S.SENT, Priority.ROUTINE)) == (
        E.ACCEPT,
        E.SCHEDULE,
        E.DECLINE,
        E.CANCEL,
        E.HOLD,
        E.REPRIORITISE,
    )
    held_unknown = Facts(S.ON_HOLD, Priority.ROUTINE, NEURO, held_from=None)
    assert allowed_events(held_unknown) == (E.CANCEL, E.REPRIORITISE)
    assert allowed_events(facts(S.REPORT_RECEIVED, Priority.ROUTINE)) == ()


# ------------------------------------------------------------------------- guards
def _refused(before: Facts, details: Details, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as error:
        apply(before, details, TODAY, SETTINGS)
    assert error.value.field == field
    assert words in str(error.value)


def test_seen_before_the_appointment_needs_a_confirm() -> None:
    # Booked for 2026-12-10, "seen" on 2026-12-04: refused unless confirmed.
    booked = replace_facts(S.SCHEDULED, appointment_date=D(2026, 12, 10), due_on=D(2026, 12, 10))
    today = D(2026, 12, 4)
    with pytest.raises(ValidationError) as error:
        apply(booked, Details(E.SEEN, on=today), today, SETTINGS)
    assert error.value.field == "on"
    assert "2026-12-10" in str(error.value)
    moved = apply(booked, Details(E.SEEN, on=today, confirm=True), today, SETTINGS)
    assert moved.changes["seen_on"] == D(2026, 12, 4)
    assert moved.changes["report_due"] == D(2026, 12, 18)


def test_seen_needs_a_date_not_in_the_future() -> None:
    booked = facts(S.SCHEDULED, Priority.ROUTINE)
    _refused(booked, Details(E.SEEN), "on", "enter the date")
    _refused(booked, Details(E.SEEN, on=D(2026, 11, 19)), "on", "future")


def test_accept_needs_a_date_after_sending() -> None:
    sent = facts(S.SENT, Priority.ROUTINE)
    _refused(sent, Details(E.ACCEPT), "on", "enter the date")
    _refused(sent, Details(E.ACCEPT, on=D(2026, 11, 9)), "on", "before the day")
    _refused(sent, Details(E.ACCEPT, on=D(2026, 11, 19)), "on", "future")


def test_no_show_only_after_the_appointment_day() -> None:
    booked = replace_facts(S.SCHEDULED, appointment_date=D(2026, 11, 19))
    _refused(booked, Details(E.NO_SHOW), "on", "on or after the appointment day")


def test_second_no_show_counts_two() -> None:
    booked = replace_facts(S.SCHEDULED, no_show_count=1)
    assert apply(booked, Details(E.NO_SHOW), TODAY, SETTINGS).changes["no_show_count"] == 2


def test_schedule_and_reschedule_guards() -> None:
    sent = facts(S.SENT, Priority.ROUTINE)
    _refused(sent, Details(E.SCHEDULE), "appointment_date", "enter the appointment")
    _refused(
        sent, Details(E.SCHEDULE, appointment_date=D(2026, 11, 9)), "appointment_date", "before"
    )
    booked = facts(S.SCHEDULED, Priority.ROUTINE)
    _refused(
        booked,
        Details(E.RESCHEDULE, appointment_date=D(2026, 11, 17)),
        "appointment_date",
        "same as the booked",
    )


def test_booked_on_the_target_is_not_late() -> None:
    sent = facts(S.SENT, Priority.ROUTINE)
    moved = apply(sent, Details(E.SCHEDULE, appointment_date=D(2026, 12, 1)), TODAY, SETTINGS)
    assert "booked_late" not in moved.changes
    assert booked_past_target(D(2026, 12, 1), D(2026, 12, 1)) is False
    assert booked_past_target(D(2026, 12, 2), D(2026, 12, 1)) is True
    assert booked_past_target(None, D(2026, 12, 1)) is False


def test_hold_needs_reason_and_future_review_date() -> None:
    sent = facts(S.SENT, Priority.ROUTINE)
    _refused(sent, Details(E.HOLD, review_on=D(2026, 12, 7)), "reason", "say why")
    _refused(sent, Details(E.HOLD, reason="travel"), "review_on", "enter when")
    _refused(sent, Details(E.HOLD, reason="travel", review_on=TODAY), "review_on", "after today")


def test_hold_review_due_only_after_the_review_date() -> None:
    assert hold_review_due(S.ON_HOLD, D(2026, 11, 17), TODAY) is True
    assert hold_review_due(S.ON_HOLD, TODAY, TODAY) is False
    assert hold_review_due(S.SENT, D(2026, 11, 17), TODAY) is False
    assert hold_review_due(S.ON_HOLD, None, TODAY) is False


def test_decline_and_cancel_need_a_reason() -> None:
    _refused(facts(S.SENT, Priority.ROUTINE), Details(E.DECLINE), "reason", "say why")
    _refused(facts(S.DRAFT, Priority.ROUTINE), Details(E.CANCEL), "reason", "say why")


def test_send_guards() -> None:
    draft = facts(S.DRAFT, Priority.ROUTINE)
    _refused(draft, Details(E.SEND), "sent_via", "how")
    _refused(
        Facts(S.DRAFT, Priority.ROUTINE, NEURO, has_recipient=False),
        DETAILS[E.SEND],
        "recipient",
        "choose the specialist",
    )
    _refused(
        Facts(S.DRAFT, Priority.ROUTINE, NEURO, authorization_denied=True),
        DETAILS[E.SEND],
        "auth_outcome",
        "denied",
    )


def test_report_without_document_keeps_the_reason() -> None:
    seen = facts(S.SEEN, Priority.ROUTINE)
    moved = apply(
        seen, Details(E.REPORT, reason="specialist retired", no_report=True), TODAY, SETTINGS
    )
    assert moved.changes["no_report_reason"] == "specialist retired"


# --------------------------------------------------------------------------- resume
@pytest.mark.parametrize(
    ("held_from", "expected_due"),
    [
        # Held while waiting for a booking: a fresh routine target from the resume day.
        (S.SENT, D(2026, 12, 10)),
        (S.ACCEPTED, D(2026, 12, 10)),
        # Held with a booking: the booked appointment is the next date again.
        (S.SCHEDULED, D(2026, 11, 17)),
    ],
)
def test_resume_returns_to_the_held_state_with_its_due_date(
    held_from: ReferralState, expected_due: date
) -> None:
    held = replace_facts(S.ON_HOLD, held_from=held_from)
    moved = apply(held, Details(E.RESUME), TODAY, SETTINGS)
    assert moved.to_state is held_from
    assert moved.changes["due_on"] == expected_due


def test_resume_without_known_state_is_refused() -> None:
    held = replace_facts(S.ON_HOLD, held_from=None)
    _refused(held, Details(E.RESUME), "held_from", "unknown")


# ------------------------------------------------------------------------ due dates
def test_raising_priority_after_sending_moves_the_due_date() -> None:
    # Routine sent 2026-11-10 was due 2026-12-03 (Veterans Day and Thanksgiving skipped).
    routine = replace_facts(
        S.SENT, appointment_due=D(2026, 12, 3), due_on=D(2026, 12, 3), priority=Priority.ROUTINE
    )
    moved = apply(routine, Details(E.REPRIORITISE, priority=Priority.STAT), TODAY, SETTINGS)
    assert moved.changes == {
        "priority": Priority.STAT,
        "appointment_due": D(2026, 11, 11),
        "due_on": D(2026, 11, 11),
    }
    back = apply(
        with_changes(routine, moved.changes),
        Details(E.REPRIORITISE, priority=Priority.ROUTINE),
        TODAY,
        SETTINGS,
    )
    assert back.changes["due_on"] == D(2026, 12, 3)


def test_mental_health_routine_target() -> None:
    assert appointment_target(
        D(2026, 11, 18), Priority.ROUTINE, Discipline.PSYCHOLOGY, SETTINGS
    ) == D(2026, 12, 3)
    assert appointment_target(
        D(2026, 11, 18), Priority.ROUTINE, Discipline.SOCIAL_WORK, SETTINGS
    ) == D(2026, 12, 3)
    assert appointment_target(
        D(2026, 11, 18), Priority.ROUTINE, Discipline.PSYCHIATRY, SETTINGS
    ) == D(2026, 12, 10)


def test_clinic_targets_are_used() -> None:
    short = Settings(targets=Targets(urgent_days=3, routine_business_days=5, report_days=7))
    assert appointment_target(D(2026, 11, 18), Priority.URGENT, NEURO, short) == D(2026, 11, 21)
    assert appointment_target(D(2026, 11, 18), Priority.ROUTINE, NEURO, short) == D(2026, 11, 25)
    seen = apply(facts(S.SCHEDULED, Priority.ROUTINE), DETAILS[E.SEEN], TODAY, short)
    assert seen.changes["report_due"] == D(2026, 11, 25)


# ------------------------------------------------------------------------- holidays
def test_ten_business_days_skip_thanksgiving() -> None:
    assert Calendar().add_business_days(D(2026, 11, 18), 10) == D(2026, 12, 3)


def test_california_also_skips_the_day_after_thanksgiving() -> None:
    assert Calendar("US", "CA").add_business_days(D(2026, 11, 18), 10) == D(2026, 12, 4)


def test_closure_dates_are_skipped() -> None:
    closed = Calendar(closures=frozenset({D(2026, 12, 1)}))
    assert closed.add_business_days(D(2026, 11, 18), 10) == D(2026, 12, 4)
    assert closed.is_business_day(D(2026, 12, 1)) is False
    assert closed.is_business_day(D(2026, 12, 2)) is True


def test_weekends_and_year_end() -> None:
    cal = Calendar()
    assert cal.add_business_days(D(2026, 11, 21), 1) == D(2026, 11, 23)  # Saturday + 1
    assert cal.add_business_days(D(2026, 11, 18), 0) == D(2026, 11, 18)
    # Christmas, New Year's Day 2027 skipped.
    assert cal.add_business_days(D(2026, 12, 23), 3) == D(2026, 12, 29)
    assert cal.add_business_days(D(2026, 12, 30), 2) == D(2027, 1, 4)
    assert cal.is_business_day(D(2026, 11, 26)) is False
    assert cal.is_business_day(D(2026, 11, 11)) is False  # Veterans Day


def test_other_country_calendar() -> None:
    # Canada: Remembrance Day is not a federal statutory holiday for every province, but
    # Christmas and Boxing Day are.
    cal = Calendar("CA", "ON")
    assert cal.add_business_days(D(2026, 12, 24), 1) == D(2026, 12, 29)


def test_unknown_region_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        check_holiday_region("XX")
    assert error.value.field == "holiday_country"
    with pytest.raises(ValidationError):
        Calendar().add_business_days(D(2026, 11, 18), -1)


# ----------------------------------------------------------------------------- undo
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def test_undo_own_move_within_24_hours() -> None:
    check_undo(
        last_move_by="frontdesk",
        last_move_at=NOW - timedelta(hours=23, minutes=59),
        last_move_undoable=True,
        user="frontdesk",
        now=NOW,
        reason="wrong referral",
    )


@pytest.mark.parametrize(
    ("by", "age", "undoable", "reason", "field", "words"),
    [
        ("drlee", timedelta(hours=1), True, "oops", "undo", "only drlee"),
        ("frontdesk", timedelta(hours=24, seconds=1), True, "oops", "undo", "24 hours"),
        ("frontdesk", timedelta(hours=1), False, "oops", "undo", "no move"),
        ("frontdesk", timedelta(hours=1), True, None, "reason", "say why"),
    ],
)
def test_undo_refused(
    by: str, age: timedelta, undoable: bool, reason: str | None, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        check_undo(
            last_move_by=by,
            last_move_at=NOW - age,
            last_move_undoable=undoable,
            user="frontdesk",
            now=NOW,
            reason=reason,
        )
    assert error.value.field == field
    assert words in str(error.value)


def replace_facts(state: ReferralState, **changes: Any) -> Facts:
    priority = changes.pop("priority", Priority.ROUTINE)
    return with_changes(facts(state, priority), changes)
