"""The referral workflow as one pure table: states, events, guards and every field change.

The service loads a referral, turns it into :class:`Facts`, calls :func:`apply`, checks
the actor may do it, writes the returned changes, audits and commits. Nothing here
touches a database or a screen, so every rule is tested on its own
(docs/clinical-reference.md §2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from carecoord.clinical import state_table

# Re-exported: the services and callers reach the due-date pieces through the workflow.
from carecoord.clinical.due_dates import Calendar as Calendar
from carecoord.clinical.due_dates import Settings, appointment_target, report_target
from carecoord.clinical.due_dates import Targets as Targets
from carecoord.clinical.due_dates import check_holiday_region as check_holiday_region
from carecoord.clinical.state_table import Transition as Transition
from carecoord.clinical.vocabulary import (
    Discipline,
    LabelledEnum,
    Priority,
    ReferralState,
    SendMethod,
)
from carecoord.errors import IllegalTransition, ValidationError

S = ReferralState


class Event(LabelledEnum):
    """What happens to a referral in real life (front desk, specialist, clinician)."""

    SEND = "send", "Mark sent"
    ACCEPT = "accept", "Accepted"
    SCHEDULE = "schedule"
    RESCHEDULE = "reschedule"
    NO_SHOW = "no_show", "No-show"
    SEEN = "seen"
    REPORT = "report", "Report received"
    DECLINE = "decline", "Declined"
    CANCEL = "cancel"
    HOLD = "hold", "Put on hold"
    RESUME = "resume"
    REPRIORITISE = "reprioritise", "Change priority"


HELD_FROM: Final = "held_from"
"""Table target meaning "back to the state it was held from"."""

TABLE: Final[dict[tuple[ReferralState, Event], ReferralState | str]] = {
    (S.DRAFT, Event.SEND): S.SENT,
    (S.DRAFT, Event.CANCEL): S.CANCELLED,
    (S.DRAFT, Event.REPRIORITISE): S.DRAFT,
    (S.SENT, Event.ACCEPT): S.ACCEPTED,
    (S.SENT, Event.SCHEDULE): S.SCHEDULED,  # the specialist books without a separate accept
    (S.SENT, Event.DECLINE): S.DECLINED,
    (S.SENT, Event.CANCEL): S.CANCELLED,
    (S.SENT, Event.HOLD): S.ON_HOLD,
    (S.SENT, Event.REPRIORITISE): S.SENT,
    (S.ACCEPTED, Event.SCHEDULE): S.SCHEDULED,
    (S.ACCEPTED, Event.DECLINE): S.DECLINED,
    (S.ACCEPTED, Event.CANCEL): S.CANCELLED,
    (S.ACCEPTED, Event.HOLD): S.ON_HOLD,
    (S.ACCEPTED, Event.REPRIORITISE): S.ACCEPTED,
    (S.SCHEDULED, Event.RESCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, Event.NO_SHOW): S.ACCEPTED,  # back to "to schedule"
    (S.SCHEDULED, Event.SEEN): S.SEEN,
    (S.SCHEDULED, Event.REPORT): S.REPORT_RECEIVED,  # a report proves the visit
    (S.SCHEDULED, Event.CANCEL): S.CANCELLED,
    (S.SCHEDULED, Event.HOLD): S.ON_HOLD,
    (S.SCHEDULED, Event.REPRIORITISE): S.SCHEDULED,
    (S.SEEN, Event.REPORT): S.REPORT_RECEIVED,
    (S.ON_HOLD, Event.RESUME): HELD_FROM,
    (S.ON_HOLD, Event.CANCEL): S.CANCELLED,
    (S.ON_HOLD, Event.REPRIORITISE): S.ON_HOLD,
}
"""(state, event) -> next state. A pair not in the table is refused."""

HOLDABLE: Final = frozenset(s for (s, e) in TABLE if e is Event.HOLD)
CLOSED: Final = frozenset({S.REPORT_RECEIVED, S.DECLINED, S.CANCELLED})
UNDO_WINDOW: Final = timedelta(hours=24)
NOT_HELD: Final[Mapping[str, Any]] = {
    "held_from": None,
    "hold_reason": None,
    "hold_review_on": None,
}
"""The changes that end a hold (resumed, declined or cancelled)."""


def booked_past_target(appointment_date: date | None, appointment_due: date | None) -> bool:
    """Tell whether the booked appointment is later than the appointment target."""
    return (
        appointment_date is not None
        and appointment_due is not None
        and appointment_date > appointment_due
    )


def hold_review_due(state: ReferralState, hold_review_on: date | None, today: date) -> bool:
    """Tell whether a held referral is past its review date."""
    return state is S.ON_HOLD and hold_review_on is not None and today > hold_review_on


# ---------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class Facts:
    """Every referral field the workflow reads or writes (a plain copy of the row)."""

    state: ReferralState
    priority: Priority
    discipline: Discipline
    held_from: ReferralState | None = None
    has_recipient: bool = True
    authorization_denied: bool = False
    sent_on: date | None = None
    sent_via: SendMethod | None = None
    accepted_on: date | None = None
    appointment_due: date | None = None
    appointment_date: date | None = None
    booked_late: bool = False
    no_show_count: int = 0
    seen_on: date | None = None
    report_due: date | None = None
    report_received_on: date | None = None
    no_report_reason: str | None = None
    hold_reason: str | None = None
    hold_review_on: date | None = None
    due_on: date | None = None
    closed_on: date | None = None


WRITABLE: Final = tuple(
    name
    for name in Facts.__dataclass_fields__
    if name not in ("discipline", "has_recipient", "authorization_denied")
)
"""The fields a transition may change (and an undo may restore)."""


@dataclass(frozen=True)
class Details:
    """What the person said about the event (only the ones the event needs are read)."""

    event: Event
    on: date | None = None
    appointment_date: date | None = None
    reason: str | None = None
    review_on: date | None = None
    sent_via: SendMethod | None = None
    priority: Priority | None = None
    confirm: bool = False
    no_report: bool = False


# --------------------------------------------------------------------------- guards
Guard = Callable[[Facts, Details, date], None]


def _need_reason(facts: Facts, d: Details, today: date) -> None:
    if not d.reason:
        raise ValidationError("reason", f"say why ({d.event.label.lower()})")


def _need_day(facts: Facts, d: Details, today: date) -> None:
    if d.on is None:
        raise ValidationError("on", "enter the date it happened")
    _day_in_range(facts, d.on, today, "on")


def _day_in_range(facts: Facts, day: date, today: date, name: str) -> None:
    state_table.check_day(name, day, today, facts.sent_on, "the day the referral was sent")


def _optional_day(facts: Facts, d: Details, today: date) -> None:
    if d.on is not None:
        _day_in_range(facts, d.on, today, "on")


def _need_recipient(facts: Facts, d: Details, today: date) -> None:
    if not facts.has_recipient:
        raise ValidationError("recipient", "choose the specialist before sending")
    if facts.authorization_denied:
        raise ValidationError(
            "auth_outcome", "the payer denied authorisation; appeal or cancel instead"
        )
    if d.sent_via is None:
        raise ValidationError("sent_via", "say how the referral was sent")


def _need_appointment(facts: Facts, d: Details, today: date) -> None:
    if d.appointment_date is None:
        raise ValidationError("appointment_date", "enter the appointment date")
    if facts.sent_on is not None and d.appointment_date < facts.sent_on:
        raise ValidationError("appointment_date", "cannot be before the day the referral was sent")
    if d.event is Event.RESCHEDULE and d.appointment_date == facts.appointment_date:
        raise ValidationError("appointment_date", "is the same as the booked appointment")


def _appointment_passed(facts: Facts, d: Details, today: date) -> None:
    if facts.appointment_date is not None and facts.appointment_date > today:
        raise ValidationError(
            "on", "a no-show can be recorded only on or after the appointment day"
        )


def _seen_on_or_after_appointment(facts: Facts, d: Details, today: date) -> None:
    if (
        d.on is not None
        and facts.appointment_date is not None
        and d.on < facts.appointment_date
        and not d.confirm
    ):
        raise ValidationError(
            "on",
            f"is before the booked appointment ({facts.appointment_date.isoformat()});"
            " confirm the visit was earlier",
        )


def _need_review(facts: Facts, d: Details, today: date) -> None:
    if d.review_on is None:
        raise ValidationError("review_on", "enter when to review the hold")
    if d.review_on <= today:
        raise ValidationError("review_on", "must be after today")


def _need_held_from(facts: Facts, d: Details, today: date) -> None:
    if facts.held_from not in HOLDABLE:
        raise ValidationError("held_from", "the state it was held from is unknown; cancel it")


def _need_priority(facts: Facts, d: Details, today: date) -> None:
    if d.priority is None:
        raise ValidationError("priority", "choose the new priority")


GUARDS: Final[dict[Event, tuple[Guard, ...]]] = {
    Event.SEND: (_need_recipient, _optional_day),
    Event.ACCEPT: (_need_day,),
    Event.SCHEDULE: (_need_appointment,),
    Event.RESCHEDULE: (_need_appointment,),
    Event.NO_SHOW: (_appointment_passed,),
    Event.SEEN: (_need_day, _seen_on_or_after_appointment),
    Event.REPORT: (_optional_day,),
    Event.DECLINE: (_need_reason, _optional_day),
    Event.CANCEL: (_need_reason, _optional_day),
    Event.HOLD: (_need_reason, _need_review),
    Event.RESUME: (_need_held_from,),
    Event.REPRIORITISE: (_need_priority,),
}

WORKFLOW: Final = state_table.StateTable(Event, TABLE, GUARDS)


# -------------------------------------------------------------------------- effects
def _appointment_fields(facts: Facts, booked: date) -> dict[str, Any]:
    return {
        "appointment_date": booked,
        "due_on": booked,
        "booked_late": booked_past_target(booked, facts.appointment_due),
    }


def _effects(
    facts: Facts, d: Details, target: ReferralState, today: date, s: Settings
) -> dict[str, Any]:
    day = d.on or today
    e = d.event
    if e is Event.SEND:
        due = appointment_target(day, facts.priority, facts.discipline, s)
        return {"sent_on": day, "sent_via": d.sent_via, "appointment_due": due, "due_on": due}
    if e is Event.ACCEPT:
        return {"accepted_on": day, "due_on": facts.appointment_due}
    if e in (Event.SCHEDULE, Event.RESCHEDULE):
        assert d.appointment_date is not None
        return _appointment_fields(facts, d.appointment_date)
    if e is Event.NO_SHOW:
        # The clock for rebooking restarts on the missed day.
        missed = facts.appointment_date or today
        due = appointment_target(missed, facts.priority, facts.discipline, s)
        return {
            "no_show_count": facts.no_show_count + 1,
            "appointment_date": None,
            "appointment_due": due,
            "booked_late": False,
            "due_on": due,
        }
    if e is Event.SEEN:
        return {
            "seen_on": day,
            "report_due": report_target(day, s),
            "due_on": report_target(day, s),
        }
    if e is Event.REPORT:
        changes: dict[str, Any] = {
            "report_received_on": day,
            "no_report_reason": d.reason if d.no_report else None,
            **state_table.closing(day),
        }
        if facts.state is S.SCHEDULED:
            seen = min(facts.appointment_date or day, day)
            changes.update(seen_on=seen, report_due=report_target(seen, s))
        return changes
    if e in (Event.DECLINE, Event.CANCEL):
        return {**state_table.closing(day), **NOT_HELD}
    if e is Event.HOLD:
        return {
            "held_from": facts.state,
            "hold_reason": d.reason,
            "hold_review_on": d.review_on,
            "due_on": d.review_on,
        }
    if e is Event.RESUME:
        base = dict(NOT_HELD)
        if target is S.SCHEDULED:
            return base | {"due_on": facts.appointment_date}
        # The hold paused the wait: a fresh target from the day it resumes.
        due = appointment_target(today, facts.priority, facts.discipline, s)
        return base | {"appointment_due": due, "due_on": due}
    # Event.REPRIORITISE
    assert d.priority is not None
    changes = {"priority": d.priority}
    if facts.sent_on is not None:
        due = appointment_target(facts.sent_on, d.priority, facts.discipline, s)
        changes["appointment_due"] = due
        if facts.state in (S.SENT, S.ACCEPTED):
            changes["due_on"] = due
        if facts.state is S.SCHEDULED or (
            facts.state is S.ON_HOLD and facts.held_from is S.SCHEDULED
        ):
            changes["booked_late"] = booked_past_target(facts.appointment_date, due)
    return changes


# ---------------------------------------------------------------------------- apply
def allowed_events(facts: Facts) -> tuple[Event, ...]:
    """The events the table allows from this referral's state, in workflow order."""
    return WORKFLOW.allowed_events(
        facts.state, lambda target: target != HELD_FROM or facts.held_from in HOLDABLE
    )


def apply(
    facts: Facts, details: Details, today: date, settings: Settings
) -> Transition[Event, ReferralState]:
    """Apply one event to a referral: check the table and guards, return every change.

    Args:
        facts: The referral as it is.
        details: The event and what was said about it.
        today: The clinic's current date.
        settings: Time targets and the working calendar.

    Returns:
        The transition; ``changes`` holds only fields whose value changes (``state``
        included when it moves).

    Raises:
        IllegalTransition: The event is not allowed from the current state.
        ValidationError: A guard failed (names the field).
    """

    def refusal() -> IllegalTransition:
        return IllegalTransition(facts.state, _nominal_target(details.event, facts))

    raw = WORKFLOW.check(facts, details, (facts.state, details.event), today, refusal)
    target = facts.held_from if raw == HELD_FROM else raw
    assert isinstance(target, ReferralState)
    proposed = _effects(facts, details, target, today, settings)
    proposed["state"] = target
    changes = {k: v for k, v in proposed.items() if getattr(facts, k) != v}
    return Transition(details.event, facts.state, target, changes)


def _nominal_target(event: Event, facts: Facts) -> ReferralState:
    """The state an event would usually lead to, for the refusal message."""
    for (_state, e), target in TABLE.items():
        if e is event and isinstance(target, ReferralState) and e is not Event.REPRIORITISE:
            return target
    return facts.held_from or facts.state


def with_changes(facts: Facts, changes: Mapping[str, Any]) -> Facts:
    """The facts after a transition (used to chain events in tests and the demo)."""
    return state_table.with_changes(facts, changes)


# ----------------------------------------------------------------------------- undo
def check_undo(
    *,
    last_move_by: str | None,
    last_move_at: datetime | None,
    last_move_undoable: bool,
    user: str,
    now: datetime,
    reason: str | None,
) -> None:
    """Refuse an undo that is not of the user's own last move within 24 hours.

    Raises:
        ValidationError: No move to undo, another user's, too old, or no reason.
    """
    if last_move_by is None or last_move_at is None or not last_move_undoable:
        raise ValidationError("undo", "there is no move to undo")
    if last_move_by != user:
        raise ValidationError("undo", f"only {last_move_by}, who made the last move, can undo it")
    if now - last_move_at > UNDO_WINDOW:
        raise ValidationError("undo", "the last move is more than 24 hours old")
    if not reason:
        raise ValidationError("reason", "say why the move is undone")
