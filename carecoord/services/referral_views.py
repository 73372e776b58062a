"""A referral as the screens see it: input shapes, views, what the actor may do now.

Also the validation of the request and authorization fields, shared by create and update
in :mod:`carecoord.services.referrals`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from carecoord.clinical import referral_rules as rules
from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import (
    AuthorizationOutcome,
    DataCategory,
    Discipline,
    Expectation,
    Priority,
    ReferralState,
    SendMethod,
)
from carecoord.errors import ValidationError
from carecoord.models import Referral, ReferralEvent, utcnow
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import (
    today,
)
from carecoord.services.permissions import (
    Action,
    allowed,
    masked,
    may_read,
    referral_category,
)
from carecoord.services.rows import view_from

ENTITY = "Referral"
S = ReferralState


@dataclass(frozen=True)
class ReferralInput:
    """The clinical request, as the referring clinician writes it."""

    patient_id: int
    discipline: Discipline | str
    reason: str
    recipient_member_id: int | None = None
    referring_member_id: int | None = None
    priority: Priority | str = Priority.ROUTINE
    priority_reason: str | None = None
    expectation: Expectation | str = Expectation.ADVICE
    clinical_question: str | None = None
    patient_told: str | None = None
    treatments_tried: str | None = None
    sensitive: bool = False


@dataclass(frozen=True)
class AuthorizationInput:
    """Insurance prior-authorisation fields (Da Vinci PAS / X12 278)."""

    outcome: AuthorizationOutcome | str = AuthorizationOutcome.NOT_REQUIRED
    payer: str | None = None
    member_id: str | None = None
    number: str | None = None
    denial_reason: str | None = None
    requested_at: datetime | None = None
    expedited: bool = False
    issued_on: date | str | None = None
    provider: str | None = None
    service: str | None = None
    visits_authorized: int | None = None
    visits_used: int = 0
    valid_from: date | str | None = None
    valid_to: date | str | None = None


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    username: str
    kind: str
    from_state: ReferralState | None
    to_state: ReferralState | None
    reason: str | None
    document_id: int | None = None  # the stored copy of a sent letter


@dataclass(frozen=True)
class ReferralView:
    """A referral as the acting user may see it.

    When ``restricted`` is true the user's role may handle the logistics but not read the
    clinical content (psychiatric or substance-use referrals for the front desk): the
    clinical fields then read "restricted".
    """

    id: int
    patient_id: int
    patient_name: str
    patient_mrn: str
    patient_date_of_birth: date
    discipline: Discipline
    recipient_member_id: int | None
    recipient_name: str | None
    referring_member_id: int | None
    referring_name: str | None
    priority: Priority
    priority_reason: str | None
    expectation: Expectation
    reason: str
    clinical_question: str | None
    patient_told: str | None
    treatments_tried: str | None
    sensitive: bool
    category: DataCategory
    restricted: bool
    state: ReferralState
    held_from: ReferralState | None
    legal_next: tuple[ReferralState, ...]
    sent_on: date | None
    sent_via: SendMethod | None
    appointment_due: date | None
    appointment_date: date | None
    seen_on: date | None
    report_due: date | None
    report_received_on: date | None
    no_report_reason: str | None
    due_on: date | None
    closed_on: date | None
    overdue: bool
    authorization: AuthorizationInput
    authorization_expiring: bool
    authorization_decision_overdue: bool
    version: int
    updated_by: str | None
    updated_at: datetime
    events: tuple[EventView, ...] = ()
    reference: str = ""  # the number the specialist quotes back (printed on every page)
    accepted_on: date | None = None
    booked_late: bool = False
    no_show_count: int = 0
    hold_reason: str | None = None
    hold_review_on: date | None = None
    hold_review_due: bool = False
    entered_in_error: bool = False
    """Created by mistake: kept with its history, out of every worklist and measure."""
    entered_in_error_reason: str | None = None
    allowed_actions: frozenset[str] = frozenset()
    """What the acting user may do now: workflow events (``workflow.Event`` values) and
    the :data:`ACTIONS` below. Screens show exactly these, never re-deriving permissions."""

    def may(self, action: str) -> bool:
        """Whether the acting user may do ``action`` (an event or one of :data:`ACTIONS`)."""
        return str(action) in self.allowed_actions


def _authorization_of(row: Referral) -> AuthorizationInput:
    return view_from(AuthorizationInput, row, "auth_")


def overdue(row: Referral, on: date) -> bool:
    return rules.is_overdue(row.state, row.appointment_due, row.report_due, on)


def auth_expiring(row: Referral, on: date) -> bool:
    return (
        row.auth_outcome == AuthorizationOutcome.APPROVED
        and row.state in rules.OPEN_STATES
        and rules.authorization_expiring(
            row.auth_valid_to, row.auth_visits_authorized, row.auth_visits_used or 0, on
        )
    )


def auth_decision_overdue(row: Referral, now: datetime) -> bool:
    return (
        row.auth_outcome == AuthorizationOutcome.PENDING
        and row.auth_requested_at is not None
        and rules.authorization_decision_overdue(row.auth_requested_at, row.auth_expedited, now)
    )


EDIT: Final = "edit"
AUTHORISE: Final = "authorise"
LETTER: Final = "letter"
NOTE: Final = "note"
UNDO: Final = "undo"
FILE_REPORT: Final = "file_report"
ENTERED_IN_ERROR: Final = "entered_in_error"
"""Mark the referral as created by mistake (:mod:`carecoord.services.referral_errors`)."""
ACTIONS: Final = (EDIT, AUTHORISE, LETTER, NOTE, UNDO, FILE_REPORT, ENTERED_IN_ERROR)


def allowed_actions(row: Referral, actor: Actor, *, with_undo: bool = True) -> frozenset[str]:
    """Everything the actor may do with this referral now (the screens' only source)."""
    category = referral_category(row.discipline, row.sensitive)
    logistics = allowed(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
    found: set[str] = set()
    if row.entered_in_error_at is not None:
        # Kept for the record only: nothing moves it, prints it or edits it any more.
        return frozenset({NOTE}) if logistics else frozenset()
    is_open = row.state not in rules.CLOSED_STATES
    if allowed(actor, Action.EDIT_CLINICAL, category):
        found.add(ENTERED_IN_ERROR)
        if is_open:
            found.add(EDIT)
    # the letters' own gate (services.letters.may_include): read and print the category
    if allowed(actor, Action.READ_CLINICAL, category) and allowed(actor, Action.PRINT, category):
        found.add(LETTER)
    if logistics:
        found.add(NOTE)
        if is_open:
            found.add(AUTHORISE)
        for event in workflow.allowed_events(facts_of(row)):
            if event is workflow.Event.REPORT:
                found.add(FILE_REPORT)
            elif event is not workflow.Event.REPRIORITISE:
                found.add(event.value)
        if with_undo and undoable_by(row, actor.username, utcnow()):
            found.add(UNDO)
    return frozenset(found)


def view_of(row: Referral, actor: Actor, *, with_events: bool = False) -> ReferralView:
    """The referral as ``actor`` may read it: every free-text field (request, reasons for
    hold, decline, cancellation or a missing report, history notes) is masked by the
    referral's category (:func:`~carecoord.services.permissions.masked`)."""
    category = referral_category(row.discipline, row.sensitive)
    restricted = not may_read(actor, category)
    on = today()

    def mask(value: str | None) -> str | None:
        return masked(actor, category, value)

    view = view_from(
        ReferralView,
        row,
        patient_name=f"{row.patient.family_name}, {row.patient.given_name}",
        patient_mrn=row.patient.mrn,
        patient_date_of_birth=row.patient.date_of_birth,
        recipient_name=row.recipient.display_name if row.recipient else None,
        referring_name=row.referring_member.display_name if row.referring_member else None,
        priority_reason=mask(row.priority_reason),
        reason=mask(row.reason),
        clinical_question=mask(row.clinical_question),
        patient_told=mask(row.patient_told),
        treatments_tried=mask(row.treatments_tried),
        category=category,
        restricted=restricted,
        legal_next=rules.legal_transitions(row.state, row.held_from),
        booked_late=bool(row.booked_late),
        no_show_count=row.no_show_count or 0,
        hold_review_due=workflow.hold_review_due(row.state, row.hold_review_on, on),
        no_report_reason=mask(row.no_report_reason),
        overdue=overdue(row, on),
        authorization=_authorization_of(row),
        authorization_expiring=auth_expiring(row, on),
        authorization_decision_overdue=auth_decision_overdue(row, utcnow()),
        events=tuple(view_from(EventView, e, reason=mask(e.reason)) for e in row.events)
        if with_events
        else (),
        reference=row.reference or "",
        entered_in_error=row.entered_in_error_at is not None,
        entered_in_error_reason=mask(row.entered_in_error_reason),
        allowed_actions=allowed_actions(row, actor, with_undo=with_events),
    )
    return view


# ----------------------------------------------------------------------- validation
def validate_authorization(data: AuthorizationInput) -> dict[str, Any]:
    outcome = v.choice(data.outcome, AuthorizationOutcome, "auth_outcome")
    valid_from = v.a_date(data.valid_from, "auth_valid_from")
    valid_to = v.a_date(data.valid_to, "auth_valid_to")
    v.not_before(valid_to, valid_from, "auth_valid_to", "the start of validity")
    authorized = v.integer(data.visits_authorized, "auth_visits_authorized", minimum=0, maximum=999)
    used = v.integer(data.visits_used, "auth_visits_used", minimum=0, maximum=999) or 0
    if authorized is not None and used > authorized:
        raise ValidationError("auth_visits_used", "cannot exceed the visits authorised")
    denial = v.text(data.denial_reason, "auth_denial_reason", max_length=400)
    if outcome == AuthorizationOutcome.DENIED and not denial:
        raise ValidationError("auth_denial_reason", "say why the payer denied it")
    number = v.text(data.number, "auth_number", max_length=60)
    if outcome == AuthorizationOutcome.APPROVED and not number:
        raise ValidationError("auth_number", "an approved authorisation needs its number")
    requested_at = data.requested_at
    if requested_at is not None and (
        not isinstance(requested_at, datetime) or requested_at.tzinfo is None
    ):
        raise ValidationError("auth_requested_at", "must be a date and time with time zone")
    if outcome == AuthorizationOutcome.PENDING and requested_at is None:
        requested_at = utcnow()
    return {
        "auth_outcome": outcome,
        "auth_payer": v.text(data.payer, "auth_payer", max_length=120),
        "auth_member_id": v.text(data.member_id, "auth_member_id", max_length=60),
        "auth_number": number,
        "auth_denial_reason": denial if outcome == AuthorizationOutcome.DENIED else None,
        "auth_requested_at": requested_at,
        "auth_expedited": v.flag(data.expedited, "auth_expedited"),
        "auth_issued_on": v.a_date(data.issued_on, "auth_issued_on"),
        "auth_provider": v.text(data.provider, "auth_provider", max_length=160),
        "auth_service": v.text(data.service, "auth_service", max_length=160),
        "auth_visits_authorized": authorized,
        "auth_visits_used": used,
        "auth_valid_from": valid_from,
        "auth_valid_to": valid_to,
    }


def facts_of(row: Referral) -> workflow.Facts:
    """The workflow's plain copy of a referral row."""
    return view_from(
        workflow.Facts,
        row,
        has_recipient=row.recipient_member_id is not None,
        authorization_denied=row.auth_outcome == AuthorizationOutcome.DENIED,
        booked_late=bool(row.booked_late),
        no_show_count=row.no_show_count or 0,
    )


def _last_move(row: Referral) -> ReferralEvent | None:
    moves = [e for e in row.events if e.kind in ("transition", "undo")]
    return moves[-1] if moves else None


def undoable_move(row: Referral, username: str, now: datetime, reason: str | None) -> ReferralEvent:
    """The last move of this referral, if ``username`` may undo it now with ``reason``.

    Raises:
        ValidationError: Nothing to undo, another user's move, too old, or no reason.
    """
    last = _last_move(row)
    workflow.check_undo(
        last_move_by=last.username if last else None,
        last_move_at=last.at if last else None,
        last_move_undoable=last is not None
        and last.kind == "transition"
        and last.undo_values is not None,
        user=username,
        now=now,
        reason=reason,
    )
    assert last is not None and last.undo_values is not None
    return last


def undoable_by(row: Referral, username: str, now: datetime) -> bool:
    """Whether ``username`` may undo this referral's last move now."""
    try:
        undoable_move(row, username, now, "(checking)")
    except ValidationError:
        return False
    return True
