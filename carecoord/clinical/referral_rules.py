"""Referral workflow rules (states, FHIR codes, due dates, authorisation) so the loop closes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final

from carecoord.clinical.due_dates import MENTAL_HEALTH_DISCIPLINES as MENTAL_HEALTH_DISCIPLINES
from carecoord.clinical.due_dates import Settings, appointment_target
from carecoord.clinical.due_dates import Targets as Targets
from carecoord.clinical.vocabulary import Discipline, Priority, ReferralState
from carecoord.errors import IllegalTransition, ValidationError

# The state machine follows docs/clinical-reference.md §2:
# ``draft -> sent -> accepted -> scheduled -> seen -> report_received`` with side exits
# ``declined`` (by the specialist), ``cancelled`` (by the clinic) and ``on_hold``.
#
# Decisions where the brief was open:
#
# * ``seen`` leads only to ``report_received``: the visit has happened, so there is
#   nothing left to cancel, decline or hold, and holding it would hide an overdue
#   report from the worklist (the CMS50 loop would silently stay open).
# * ``on_hold`` may return only to the state it was held from, or be cancelled;
#   without a known ``held_from`` only cancelling is offered.
# * ``draft`` counts as open (a drafted referral to a discipline should stop the
#   same referral being suggested again).
# * Due dates are inclusive: a referral is overdue from the day after its due date.
#   Business days are Monday-Friday; public holidays are not known here.

_S = ReferralState

TRANSITIONS: Final[dict[ReferralState, frozenset[ReferralState]]] = {
    _S.DRAFT: frozenset({_S.SENT, _S.CANCELLED}),
    _S.SENT: frozenset({_S.ACCEPTED, _S.SCHEDULED, _S.DECLINED, _S.CANCELLED, _S.ON_HOLD}),
    _S.ACCEPTED: frozenset({_S.SCHEDULED, _S.DECLINED, _S.CANCELLED, _S.ON_HOLD}),
    # accepted again after a no-show; a report proves the visit (referral_workflow.TABLE)
    _S.SCHEDULED: frozenset({_S.ACCEPTED, _S.SEEN, _S.REPORT_RECEIVED, _S.CANCELLED, _S.ON_HOLD}),
    _S.SEEN: frozenset({_S.REPORT_RECEIVED}),
    _S.ON_HOLD: frozenset({_S.CANCELLED}),  # plus the state it was held from
    _S.REPORT_RECEIVED: frozenset(),
    _S.DECLINED: frozenset(),
    _S.CANCELLED: frozenset(),
}
"""Allowed next states; ``on_hold`` may also return to the state it was held from."""

HOLDABLE_STATES: Final = frozenset(s for s, nxt in TRANSITIONS.items() if _S.ON_HOLD in nxt)
CLOSED_STATES: Final = frozenset({_S.REPORT_RECEIVED, _S.DECLINED, _S.CANCELLED})
OPEN_STATES: Final = frozenset(_S) - CLOSED_STATES
REASON_REQUIRED: Final = frozenset({_S.DECLINED, _S.CANCELLED, _S.ON_HOLD})
"""Entering these states needs a reason (who declined or cancelled, and why)."""

FHIR_CODES: Final[dict[ReferralState, tuple[str, str]]] = {
    _S.DRAFT: ("draft", "draft"),
    _S.SENT: ("active", "requested"),
    _S.ACCEPTED: ("active", "accepted"),
    _S.SCHEDULED: ("active", "ready"),
    _S.SEEN: ("active", "in-progress"),
    _S.REPORT_RECEIVED: ("completed", "completed"),
    _S.DECLINED: ("active", "rejected"),
    _S.CANCELLED: ("revoked", "cancelled"),
    _S.ON_HOLD: ("on-hold", "on-hold"),
}
"""CareCoord state -> (FHIR R4 ServiceRequest.status, Task.status) for exports.

``scheduled`` is Task ``ready`` (booked, not yet performed); ``seen`` is
``in-progress`` because the loop is still open until the report arrives. The two
resources speak for different sides (docs/clinical-reference.md §10): the Task is the
performer's, so the specialist's refusal (``declined``) is Task ``rejected`` while the
clinic's request stays ServiceRequest ``active`` (it may go to someone else); only the
clinic withdraws its request (``cancelled``: ServiceRequest ``revoked``, Task
``cancelled``)."""

ENTERED_IN_ERROR: Final = ("entered-in-error", "entered-in-error")
"""Both resources' status for a referral created by mistake, whatever its state."""


def fhir_status(state: ReferralState | str, *, entered_in_error: bool = False) -> tuple[str, str]:
    """The FHIR R4 (ServiceRequest.status, Task.status) of a referral.

    Args:
        state: The CareCoord state.
        entered_in_error: The referral was marked as created by mistake.

    Returns:
        The two codes, e.g. ``("active", "rejected")`` for a declined referral.

    Raises:
        ValidationError: An unknown state.
    """
    if entered_in_error:
        return ENTERED_IN_ERROR
    return FHIR_CODES[_state(state, "state")]


def _state(value: ReferralState | str, field: str) -> ReferralState:
    try:
        return ReferralState(value)
    except ValueError:
        raise ValidationError(field, f"unknown referral state {value!r}") from None


def legal_transitions(
    state: ReferralState | str, held_from: ReferralState | str | None = None
) -> tuple[ReferralState, ...]:
    """List the states a referral may move to next, in workflow order.

    Args:
        state: The current state.
        held_from: For ``on_hold``, the state it was held from (ignored otherwise).

    Returns:
        The next states; empty for the terminal states.

    Raises:
        ValidationError: An unknown state, or a ``held_from`` that cannot be held.
    """
    current = _state(state, "state")
    allowed = set(TRANSITIONS[current])
    if current is _S.ON_HOLD and held_from is not None:
        previous = _state(held_from, "held_from")
        if previous not in HOLDABLE_STATES:
            raise ValidationError("held_from", f"a referral cannot be held from {previous!r}")
        allowed.add(previous)
    return tuple(s for s in ReferralState if s in allowed)


def check_transition(
    from_: ReferralState | str,
    to: ReferralState | str,
    held_from: ReferralState | str | None = None,
) -> None:
    """Refuse a transition the workflow does not allow.

    Args:
        from_: The current state.
        to: The requested state.
        held_from: For leaving ``on_hold``, the state it was held from.

    Raises:
        IllegalTransition: The move is not allowed (names both states).
        ValidationError: An unknown state.
    """
    current, target = _state(from_, "from"), _state(to, "to")
    if target not in legal_transitions(current, held_from):
        raise IllegalTransition(current, target)


# ------------------------------------------------------------------------ time targets
# MENTAL_HEALTH_DISCIPLINES and Targets live in due_dates (re-exported here).


def add_business_days(start: date, n: int) -> date:
    """Return the date ``n`` business days (Monday-Friday) after ``start``.

    A weekend start counts as the Friday before, so Saturday + 1 is Monday.
    ``n == 0`` returns ``start`` unchanged. Holidays are not skipped.

    Args:
        start: The day counting starts from (not itself counted).
        n: Business days to add, >= 0.

    Returns:
        The resulting date, always a weekday when ``n > 0``.

    Raises:
        ValidationError: Negative ``n``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValidationError("n", f"must be a whole number >= 0 (got {n!r})")
    if n == 0:
        return start
    if start.weekday() >= 5:  # roll a weekend start back to Friday: same count
        start -= timedelta(days=start.weekday() - 4)
    weeks, rest = divmod(n, 5)
    result = start + timedelta(weeks=weeks)
    weekday = result.weekday()
    if weekday + rest >= 5:
        rest += 2
    return result + timedelta(days=rest)


def appointment_due(
    sent_on: date,
    priority: Priority | str,
    discipline: Discipline | str | None,
    targets: Targets | None = None,
) -> date:
    """Return the date by which a sent referral should have an appointment.

    Args:
        sent_on: The day the referral was sent.
        priority: FHIR priority; stat / asap / urgent count calendar days.
        discipline: The receiving discipline; psychology and social work get the
            shorter routine target.
        targets: The clinic's targets (defaults when None).

    Business days skip US public holidays (the default calendar); the services use the
    clinic's own calendar through ``due_dates.appointment_target``.

    Returns:
        The last day that is still on time.

    Raises:
        ValidationError: Unknown priority or discipline.
    """
    try:
        level = Priority(priority)
    except ValueError:
        raise ValidationError("priority", f"unknown priority {priority!r}") from None
    try:
        kind = Discipline.OTHER_SPECIALIST if discipline is None else Discipline(discipline)
    except ValueError:
        raise ValidationError("discipline", f"unknown discipline {discipline!r}") from None
    settings = Settings(targets=targets or Targets())
    return appointment_target(sent_on, level, kind, settings)


def report_due(seen_on: date, targets: Targets | None = None) -> date:
    """Return the date by which the specialist's report is expected.

    Args:
        seen_on: The day of the visit.
        targets: The clinic's targets (defaults when None: 14 calendar days).

    Returns:
        The last day that is still on time.
    """
    return seen_on + timedelta(days=(targets or Targets()).report_days)


def is_overdue(
    state: ReferralState | str,
    appointment_due: date | None,
    report_due: date | None,
    today: date,
) -> bool:
    """Tell whether a referral belongs on the front desk's overdue worklist.

    ``sent`` and ``accepted`` are overdue after ``appointment_due`` (nobody has
    booked the patient yet); ``seen`` is overdue after ``report_due`` (the loop is
    not closed). ``scheduled`` is never overdue for its appointment: once booked,
    chasing the specialist cannot make it earlier, and a booked date that has
    passed is a different job (record the visit or the no-show; see
    :func:`visit_outcome_missing`). Drafts, held and closed referrals are never
    overdue. A missing due date means "not overdue".

    Args:
        state: The referral's state.
        appointment_due: From :func:`appointment_due`.
        report_due: From :func:`report_due`.
        today: The current date.

    Returns:
        True when it is past its target.
    """
    current = _state(state, "state")
    if current in (_S.SENT, _S.ACCEPTED):
        return appointment_due is not None and today > appointment_due
    if current is _S.SEEN:
        return report_due is not None and today > report_due
    return False


def visit_outcome_missing(
    state: ReferralState | str, appointment_on: date | None, today: date
) -> bool:
    """Tell whether a scheduled appointment has passed without its outcome being recorded.

    Args:
        state: The referral's state.
        appointment_on: The booked appointment date.
        today: The current date.

    Returns:
        True when the referral is still ``scheduled`` after its appointment day.
    """
    return (
        _state(state, "state") is _S.SCHEDULED
        and appointment_on is not None
        and (today > appointment_on)
    )


# ----------------------------------------------------------------------- authorisation

AUTHORIZATION_WARN_DAYS: Final = 14
STANDARD_DECISION: Final = timedelta(days=7)
EXPEDITED_DECISION: Final = timedelta(hours=72)


def authorization_expiring(
    valid_to: date | None,
    visits_authorized: int | None,
    visits_used: int,
    today: date,
    warn_days: int = AUTHORIZATION_WARN_DAYS,
) -> bool:
    """Tell whether an insurance authorisation needs renewing soon.

    Args:
        valid_to: Last day the authorisation is valid (None: no end date).
        visits_authorized: Number of visits authorised (None: not limited).
        visits_used: Visits already used.
        today: The current date.
        warn_days: Warn this many days before ``valid_to``.

    Returns:
        True within ``warn_days`` of expiry (or after it), or when one visit or
        none is left.

    Raises:
        ValidationError: Negative visit counts or ``warn_days``.
    """
    for name, value in (
        ("visits_used", visits_used),
        ("warn_days", warn_days),
        ("visits_authorized", 0 if visits_authorized is None else visits_authorized),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(name, f"must be a whole number >= 0 (got {value!r})")
    if valid_to is not None and (valid_to - today).days <= warn_days:
        return True
    return visits_authorized is not None and visits_authorized - visits_used <= 1


def authorization_decision_overdue(requested_on: datetime, expedited: bool, now: datetime) -> bool:
    """Tell whether a payer has exceeded the CMS-0057-F prior-authorisation decision time.

    Standard requests must be decided within 7 calendar days, expedited ones within
    72 hours (CMS-0057-F, from 2026). Exactly at the limit is still on time.

    Args:
        requested_on: When the request was submitted.
        expedited: Whether it was an expedited request.
        now: The current time.

    Returns:
        True when the request is still pending past the limit.

    Raises:
        ValidationError: One datetime is timezone-aware and the other naive.
    """
    if (requested_on.tzinfo is None) != (now.tzinfo is None):
        raise ValidationError("requested_on", "must be timezone-aware exactly when now is")
    limit = EXPEDITED_DECISION if expedited else STANDARD_DECISION
    return now - requested_on > limit
