"""Referral state machine, FHIR mapping, time targets and authorisation.

See docs/clinical-reference.md §2.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoord.clinical.referral_rules import (
    CLOSED_STATES,
    FHIR_CODES,
    OPEN_STATES,
    REASON_REQUIRED,
    TRANSITIONS,
    Targets,
    add_business_days,
    appointment_due,
    authorization_decision_overdue,
    authorization_expiring,
    check_transition,
    is_overdue,
    legal_transitions,
    report_due,
    visit_outcome_missing,
)
from carecoord.clinical.vocabulary import Discipline, Priority, ReferralState
from carecoord.errors import IllegalTransition, ValidationError

S = ReferralState

# ------------------------------------------------------------------- state machine

HAPPY_PATH = [S.DRAFT, S.SENT, S.ACCEPTED, S.SCHEDULED, S.SEEN, S.REPORT_RECEIVED]


def test_happy_path_is_legal() -> None:
    for before, after in itertools.pairwise(HAPPY_PATH):
        check_transition(before, after)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (S.DRAFT, (S.SENT, S.CANCELLED)),
        (S.SENT, (S.ACCEPTED, S.SCHEDULED, S.DECLINED, S.CANCELLED, S.ON_HOLD)),
        (S.ACCEPTED, (S.SCHEDULED, S.DECLINED, S.CANCELLED, S.ON_HOLD)),
        (S.SCHEDULED, (S.ACCEPTED, S.SEEN, S.REPORT_RECEIVED, S.CANCELLED, S.ON_HOLD)),
        (S.SEEN, (S.REPORT_RECEIVED,)),
        (S.REPORT_RECEIVED, ()),
        (S.DECLINED, ()),
        (S.CANCELLED, ()),
        (S.ON_HOLD, (S.CANCELLED,)),
    ],
)
def test_legal_transitions(state: ReferralState, expected: tuple[ReferralState, ...]) -> None:
    assert legal_transitions(state) == expected
    assert legal_transitions(state.value) == expected


@pytest.mark.parametrize("held_from", [S.SENT, S.ACCEPTED, S.SCHEDULED])
def test_on_hold_returns_only_to_where_it_was_held(held_from: ReferralState) -> None:
    assert legal_transitions(S.ON_HOLD, held_from) == tuple(
        s for s in ReferralState if s in {held_from, S.CANCELLED}
    )
    check_transition(held_from, S.ON_HOLD)
    check_transition(S.ON_HOLD, held_from, held_from=held_from)
    check_transition(S.ON_HOLD, S.CANCELLED, held_from=held_from)
    for other in {S.SENT, S.ACCEPTED, S.SCHEDULED} - {held_from}:
        with pytest.raises(IllegalTransition):
            check_transition(S.ON_HOLD, other, held_from=held_from)


def test_on_hold_without_known_origin_can_only_be_cancelled() -> None:
    with pytest.raises(IllegalTransition):
        check_transition(S.ON_HOLD, S.SENT)
    check_transition(S.ON_HOLD, S.CANCELLED)


@pytest.mark.parametrize("held_from", [S.DRAFT, S.SEEN, S.ON_HOLD, S.CANCELLED])
def test_held_from_must_be_holdable(held_from: ReferralState) -> None:
    with pytest.raises(ValidationError, match="held_from"):
        legal_transitions(S.ON_HOLD, held_from)


def test_held_from_is_ignored_outside_on_hold() -> None:
    assert legal_transitions(S.SENT, S.SCHEDULED) == legal_transitions(S.SENT)


def test_illegal_transition_names_both_states() -> None:
    with pytest.raises(IllegalTransition) as info:
        check_transition(S.SENT, S.SEEN)
    assert "'sent'" in str(info.value) and "'seen'" in str(info.value)
    assert info.value.from_state == S.SENT and info.value.to_state == S.SEEN


@pytest.mark.parametrize("terminal", [S.REPORT_RECEIVED, S.DECLINED, S.CANCELLED])
@pytest.mark.parametrize("target", list(ReferralState))
def test_terminal_states_go_nowhere(terminal: ReferralState, target: ReferralState) -> None:
    with pytest.raises(IllegalTransition):
        check_transition(terminal, target)


def test_seen_cannot_be_held_or_cancelled() -> None:
    """Decision: after the visit only the report is outstanding; holding would hide it."""
    for target in (S.ON_HOLD, S.CANCELLED, S.DECLINED):
        with pytest.raises(IllegalTransition):
            check_transition(S.SEEN, target)


def test_self_transition_is_illegal() -> None:
    for state in ReferralState:
        with pytest.raises(IllegalTransition):
            check_transition(state, state, held_from=S.SENT if state is S.ON_HOLD else None)


def test_unknown_state() -> None:
    with pytest.raises(ValidationError, match="unknown referral state"):
        check_transition("sent", "lost")


def test_state_sets() -> None:
    assert {S.DECLINED, S.CANCELLED, S.ON_HOLD} == REASON_REQUIRED
    assert {S.REPORT_RECEIVED, S.DECLINED, S.CANCELLED} == CLOSED_STATES
    assert set(ReferralState) == OPEN_STATES | CLOSED_STATES
    assert not OPEN_STATES & CLOSED_STATES
    assert all(not TRANSITIONS[s] for s in CLOSED_STATES)
    assert set(TRANSITIONS) == set(ReferralState)


FHIR_SERVICE_REQUEST = {
    "draft",
    "active",
    "on-hold",
    "revoked",
    "completed",
    "entered-in-error",
    "unknown",
}
FHIR_TASK = {
    "draft",
    "requested",
    "received",
    "accepted",
    "rejected",
    "ready",
    "cancelled",
    "in-progress",
    "on-hold",
    "failed",
    "completed",
    "entered-in-error",
}


def test_fhir_codes_are_valid_r4_codes() -> None:
    """Every state maps to a FHIR R4 ServiceRequest.status and Task.status code."""
    assert set(FHIR_CODES) == set(ReferralState)
    for request_status, task_status in FHIR_CODES.values():
        assert request_status in FHIR_SERVICE_REQUEST
        assert task_status in FHIR_TASK
    assert FHIR_CODES[S.REPORT_RECEIVED] == ("completed", "completed")
    assert FHIR_CODES[S.DECLINED][1] == "rejected"
    assert FHIR_CODES[S.ON_HOLD] == ("on-hold", "on-hold")


# --------------------------------------------------------------------- time targets

MONDAY = date(2025, 3, 3)
FRIDAY = date(2025, 3, 7)
SATURDAY = date(2025, 3, 8)


def test_default_targets() -> None:
    """After California timely access: 1, 2, 4 days; 15 / 10 business; 14.

    See docs/clinical-reference.md §2.2.
    """
    t = Targets()
    assert (t.stat_days, t.asap_days, t.urgent_days) == (1, 2, 4)
    assert (t.routine_business_days, t.routine_mental_health_business_days) == (15, 10)
    assert t.report_days == 14


def test_targets_validate() -> None:
    with pytest.raises(ValidationError, match="urgent_days"):
        Targets(urgent_days=-1)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (MONDAY, 0, MONDAY),
        (MONDAY, 1, date(2025, 3, 4)),
        (MONDAY, 4, FRIDAY),
        (MONDAY, 5, date(2025, 3, 10)),
        (FRIDAY, 1, date(2025, 3, 10)),
        (SATURDAY, 1, date(2025, 3, 10)),
        (date(2025, 3, 9), 1, date(2025, 3, 10)),
        (MONDAY, 15, date(2025, 3, 24)),
        (MONDAY, 10, date(2025, 3, 17)),
        (date(2025, 3, 5), 4, date(2025, 3, 11)),
    ],
)
def test_add_business_days(start: date, n: int, expected: date) -> None:
    assert add_business_days(start, n) == expected


def test_add_business_days_refuses_negative() -> None:
    with pytest.raises(ValidationError):
        add_business_days(MONDAY, -1)


def _naive_add(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 400))
def test_add_business_days_matches_counting(start: date, n: int) -> None:
    result = add_business_days(start, n)
    assert result == _naive_add(start, n)
    if n:
        assert result.weekday() < 5


@pytest.mark.parametrize(
    ("priority", "discipline", "expected"),
    [
        (Priority.STAT, Discipline.NEUROLOGY_HEADACHE, date(2025, 3, 4)),
        (Priority.ASAP, Discipline.NEUROLOGY_HEADACHE, date(2025, 3, 5)),
        (Priority.URGENT, Discipline.PSYCHOLOGY, date(2025, 3, 7)),
        (Priority.ROUTINE, Discipline.NEUROLOGY_HEADACHE, date(2025, 3, 24)),
        (Priority.ROUTINE, Discipline.PSYCHIATRY, date(2025, 3, 24)),
        (Priority.ROUTINE, Discipline.PSYCHOLOGY, date(2025, 3, 17)),
        (Priority.ROUTINE, Discipline.SOCIAL_WORK, date(2025, 3, 17)),
        ("routine", None, date(2025, 3, 24)),
    ],
)
def test_appointment_due(
    priority: Priority | str, discipline: Discipline | None, expected: date
) -> None:
    """Sent Monday 3 March 2025: stat +1, asap +2, urgent +4 days; routine 15 / 10 business."""
    assert appointment_due(MONDAY, priority, discipline) == expected


def test_appointment_due_uses_custom_targets() -> None:
    assert appointment_due(MONDAY, "urgent", None, Targets(urgent_days=2)) == date(2025, 3, 5)


def test_appointment_due_refuses_unknown_values() -> None:
    with pytest.raises(ValidationError, match="priority"):
        appointment_due(MONDAY, "whenever", None)
    with pytest.raises(ValidationError, match="discipline"):
        appointment_due(MONDAY, "routine", "astrology")


def test_report_due_14_days_after_visit() -> None:
    assert report_due(MONDAY) == date(2025, 3, 17)
    assert report_due(MONDAY, Targets(report_days=7)) == date(2025, 3, 10)


DUE = date(2025, 3, 24)
REPORT = date(2025, 4, 7)


@pytest.mark.parametrize(
    ("state", "today", "expected"),
    [
        (S.SENT, DUE, False),
        (S.SENT, DUE + timedelta(days=1), True),
        (S.ACCEPTED, DUE + timedelta(days=1), True),
        (S.SCHEDULED, DUE + timedelta(days=30), False),
        (S.SEEN, REPORT, False),
        (S.SEEN, REPORT + timedelta(days=1), True),
        (S.DRAFT, DUE + timedelta(days=30), False),
        (S.ON_HOLD, DUE + timedelta(days=30), False),
        (S.REPORT_RECEIVED, REPORT + timedelta(days=30), False),
        (S.CANCELLED, REPORT + timedelta(days=30), False),
    ],
)
def test_is_overdue(state: ReferralState, today: date, expected: bool) -> None:
    assert is_overdue(state, DUE, REPORT, today) is expected


def test_missing_due_dates_are_not_overdue() -> None:
    assert not is_overdue(S.SENT, None, None, DUE + timedelta(days=99))
    assert not is_overdue(S.SEEN, DUE, None, DUE + timedelta(days=99))


def test_visit_outcome_missing() -> None:
    assert visit_outcome_missing(S.SCHEDULED, MONDAY, MONDAY + timedelta(days=1))
    assert not visit_outcome_missing(S.SCHEDULED, MONDAY, MONDAY)
    assert not visit_outcome_missing(S.SEEN, MONDAY, MONDAY + timedelta(days=9))
    assert not visit_outcome_missing(S.SCHEDULED, None, MONDAY)


# --------------------------------------------------------------------- authorisation

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("valid_to", "authorized", "used", "expected"),
    [
        (TODAY + timedelta(days=15), 10, 2, False),
        (TODAY + timedelta(days=14), 10, 2, True),  # exactly 14 days before expiry
        (TODAY, 10, 2, True),
        (TODAY - timedelta(days=1), 10, 2, True),  # already expired
        (TODAY + timedelta(days=60), 10, 8, False),
        (TODAY + timedelta(days=60), 10, 9, True),  # one visit left
        (TODAY + timedelta(days=60), 10, 10, True),  # none left
        (TODAY + timedelta(days=60), 10, 12, True),
        (None, None, 50, False),
        (None, 6, 5, True),
    ],
)
def test_authorization_expiring(
    valid_to: date | None, authorized: int | None, used: int, expected: bool
) -> None:
    """docs/clinical-reference.md §2: warn 14 days before expiry or when one visit is left."""
    assert authorization_expiring(valid_to, authorized, used, TODAY) is expected


def test_authorization_expiring_custom_window_and_validation() -> None:
    assert authorization_expiring(TODAY + timedelta(days=30), None, 0, TODAY, warn_days=30)
    with pytest.raises(ValidationError, match="visits_used"):
        authorization_expiring(None, 5, -1, TODAY)


REQUESTED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("elapsed", "expedited", "expected"),
    [
        (timedelta(days=7), False, False),
        (timedelta(days=7, seconds=1), False, True),
        (timedelta(hours=72), True, False),
        (timedelta(hours=72, seconds=1), True, True),
        (timedelta(days=4), False, False),
    ],
)
def test_cms_0057_f_decision_times(elapsed: timedelta, expedited: bool, expected: bool) -> None:
    """CMS-0057-F: standard decisions within 7 calendar days, expedited within 72 hours."""
    assert authorization_decision_overdue(REQUESTED, expedited, REQUESTED + elapsed) is expected


def test_decision_overdue_refuses_mixed_timezones() -> None:
    with pytest.raises(ValidationError):
        authorization_decision_overdue(REQUESTED, False, datetime(2026, 2, 1))
