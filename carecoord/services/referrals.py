"""Referrals: create, edit, walk the state machine, authorise, close the loop."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from carecoord.clinical import referral_rules as rules
from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import (
    AuthorizationOutcome,
    DataCategory,
    Discipline,
    DocumentKind,
    Expectation,
    Priority,
    ReferralState,
    SendMethod,
)
from carecoord.db import Database
from carecoord.errors import IllegalTransition, PermissionDenied, ValidationError
from carecoord.models import Patient, Referral, ReferralEvent, utcnow
from carecoord.services import audit, review
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import (
    apply,
    check_version,
    commit,
    is_record_id,
    load,
    service,
    today,
)
from carecoord.services.documents import DocumentUpload, add_document, validate_upload
from carecoord.services.permissions import (
    RESTRICTED,
    Action,
    allowed,
    masked,
    may_read,
    referral_category,
)
from carecoord.services.reference import ensure_reference
from carecoord.services.referral_checks import request_values
from carecoord.services.settings import load_settings

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
    return AuthorizationInput(
        outcome=row.auth_outcome,
        payer=row.auth_payer,
        member_id=row.auth_member_id,
        number=row.auth_number,
        denial_reason=row.auth_denial_reason,
        requested_at=row.auth_requested_at,
        expedited=row.auth_expedited,
        issued_on=row.auth_issued_on,
        provider=row.auth_provider,
        service=row.auth_service,
        visits_authorized=row.auth_visits_authorized,
        visits_used=row.auth_visits_used,
        valid_from=row.auth_valid_from,
        valid_to=row.auth_valid_to,
    )


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

    view = ReferralView(
        id=row.id,
        patient_id=row.patient_id,
        patient_name=f"{row.patient.family_name}, {row.patient.given_name}",
        patient_mrn=row.patient.mrn,
        patient_date_of_birth=row.patient.date_of_birth,
        discipline=row.discipline,
        recipient_member_id=row.recipient_member_id,
        recipient_name=row.recipient.display_name if row.recipient else None,
        referring_member_id=row.referring_member_id,
        referring_name=row.referring_member.display_name if row.referring_member else None,
        priority=row.priority,
        priority_reason=mask(row.priority_reason),
        expectation=row.expectation,
        reason=masked(actor, category, row.reason),
        clinical_question=mask(row.clinical_question),
        patient_told=mask(row.patient_told),
        treatments_tried=mask(row.treatments_tried),
        sensitive=row.sensitive,
        category=category,
        restricted=restricted,
        state=row.state,
        held_from=row.held_from,
        legal_next=rules.legal_transitions(row.state, row.held_from),
        sent_on=row.sent_on,
        sent_via=row.sent_via,
        accepted_on=row.accepted_on,
        appointment_due=row.appointment_due,
        appointment_date=row.appointment_date,
        booked_late=bool(row.booked_late),
        no_show_count=row.no_show_count or 0,
        hold_reason=row.hold_reason,
        hold_review_on=row.hold_review_on,
        hold_review_due=workflow.hold_review_due(row.state, row.hold_review_on, on),
        seen_on=row.seen_on,
        report_due=row.report_due,
        report_received_on=row.report_received_on,
        no_report_reason=mask(row.no_report_reason),
        due_on=row.due_on,
        closed_on=row.closed_on,
        overdue=overdue(row, on),
        authorization=_authorization_of(row),
        authorization_expiring=auth_expiring(row, on),
        authorization_decision_overdue=auth_decision_overdue(row, utcnow()),
        version=row.version,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
        events=tuple(
            EventView(
                e.id,
                e.at,
                e.username,
                e.kind,
                e.from_state,
                e.to_state,
                mask(e.reason),
                e.document_id,
            )
            for e in row.events
        )
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


def _require(actor: Actor, action: Action, category: DataCategory) -> None:
    if not allowed(actor, action, category):
        raise PermissionDenied(actor.role.label.lower(), action.value, category.label.lower())


def _event(
    session: Session,
    row: Referral,
    actor: Actor,
    kind: str,
    *,
    from_state: ReferralState | None = None,
    to_state: ReferralState | None = None,
    reason: str | None = None,
    undo_values: str | None = None,
) -> None:
    session.add(
        ReferralEvent(
            referral_id=row.id,
            username=actor.username,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            undo_values=undo_values,
        )
    )


def _load(session: Session, referral_id: int) -> Referral:
    if not is_record_id(referral_id):
        from carecoord.errors import NotFound

        raise NotFound(ENTITY, referral_id)
    row = session.scalars(
        select(Referral)
        .where(Referral.id == referral_id)
        .options(selectinload(Referral.events))
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        from carecoord.errors import NotFound

        raise NotFound(ENTITY, referral_id)
    return row


# ------------------------------------------------------------------------- commands
@service
def create_referral(
    db: Database, actor: Actor, data: ReferralInput, authorization: AuthorizationInput | None = None
) -> ReferralView:
    """Draft a referral. The referrer defaults to the acting clinician's directory entry."""
    with db.session(write=True) as session:
        patient = load(session, Patient, data.patient_id, "Patient")
        values = request_values(session, data)  # every bad field at once
        category = referral_category(values["discipline"], values["sensitive"])
        _require(actor, Action.EDIT_CLINICAL, category)
        if values["referring_member_id"] is None:
            values["referring_member_id"] = actor.team_member_id
        if authorization is None:
            authorization = AuthorizationInput(
                payer=patient.insurance_payer, member_id=patient.insurance_member_id
            )
        values.update(validate_authorization(authorization))
        row = Referral(patient_id=patient.id, state=S.DRAFT, updated_by=actor.username, **values)
        session.add(row)
        session.flush()
        ensure_reference(session, row)
        _event(session, row, actor, "created", to_state=S.DRAFT)
        audit.record(
            session,
            actor,
            "create",
            ENTITY,
            row.id,
            patient_id=patient.id,
            category=category,
            detail=f"{row.discipline.value}, {row.priority.value}",
        )
        session.commit()
        return view_of(_load(session, row.id), actor, with_events=True)


@service
def update_referral(
    db: Database, actor: Actor, referral_id: int, data: ReferralInput, *, expected_version: int
) -> ReferralView:
    """Edit the clinical request (not allowed once the referral is closed)."""
    with db.session(write=True) as session:
        row = _load(session, referral_id)
        check_version(row, expected_version, ENTITY)
        if data.patient_id != row.patient_id:
            raise ValidationError("patient", "a referral cannot move to another patient")
        if row.state in rules.CLOSED_STATES:
            raise ValidationError("state", f"a {row.state.label.lower()} referral cannot be edited")
        values = request_values(session, data)  # every bad field at once
        old_category = referral_category(row.discipline, row.sensitive)
        new_category = referral_category(values["discipline"], values["sensitive"])
        _require(actor, Action.EDIT_CLINICAL, old_category)
        _require(actor, Action.EDIT_CLINICAL, new_category)
        if row.state != S.DRAFT and values["discipline"] != row.discipline:
            raise ValidationError("discipline", "cannot change after the referral was sent")
        if values["priority"] != row.priority:
            # A new priority moves the appointment target (and the booked-late flag).
            moved = workflow.apply(
                facts_of(row),
                workflow.Details(workflow.Event.REPRIORITISE, priority=values["priority"]),
                today(),
                load_settings(session).workflow,
            )
            values.update(moved.changes)
        changed = apply(row, values)
        if changed:
            row.updated_by = actor.username
            _event(session, row, actor, "updated", reason="changed: " + ", ".join(changed))
            audit.record(
                session,
                actor,
                "update",
                ENTITY,
                row.id,
                patient_id=row.patient_id,
                category=new_category,
                detail=", ".join(changed),
            )
            commit(session, row, ENTITY)
        return view_of(_load(session, row.id), actor, with_events=True)


@service
def update_authorization(
    db: Database,
    actor: Actor,
    referral_id: int,
    data: AuthorizationInput,
    *,
    expected_version: int,
) -> ReferralView:
    """Record the payer's authorisation (front desk work)."""
    values = validate_authorization(data)
    with db.session(write=True) as session:
        row = _load(session, referral_id)
        check_version(row, expected_version, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        _require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        changed = apply(row, values)
        if changed:
            row.updated_by = actor.username
            _event(
                session,
                row,
                actor,
                "authorization",
                reason=f"authorisation {row.auth_outcome.label.lower()}",
            )
            audit.record(
                session,
                actor,
                "update",
                ENTITY,
                row.id,
                patient_id=row.patient_id,
                category=category,
                detail="authorization: " + ", ".join(changed),
            )
            commit(session, row, ENTITY)
        return view_of(_load(session, row.id), actor, with_events=True)


EVENT_OF_STATE: dict[ReferralState, workflow.Event] = {
    S.SENT: workflow.Event.SEND,
    S.ACCEPTED: workflow.Event.ACCEPT,
    S.SCHEDULED: workflow.Event.SCHEDULE,
    S.SEEN: workflow.Event.SEEN,
    S.REPORT_RECEIVED: workflow.Event.REPORT,
    S.DECLINED: workflow.Event.DECLINE,
    S.CANCELLED: workflow.Event.CANCEL,
    S.ON_HOLD: workflow.Event.HOLD,
}


def event_for(
    current: ReferralState, held_from: ReferralState | None, target: ReferralState
) -> workflow.Event:
    """The real-world event that moves ``current`` to ``target`` (for state-based callers)."""
    if current == S.ON_HOLD and target == held_from:
        return workflow.Event.RESUME
    if current == S.SCHEDULED and target == S.SCHEDULED:
        return workflow.Event.RESCHEDULE
    if current == S.SCHEDULED and target == S.ACCEPTED:
        return workflow.Event.NO_SHOW
    return EVENT_OF_STATE.get(target, workflow.Event.SEND)


@service
def transition(
    db: Database,
    actor: Actor,
    referral_id: int,
    to_state: ReferralState | str,
    *,
    expected_version: int,
    reason: str | None = None,
    on: date | str | None = None,
    sent_via: SendMethod | str | None = None,
    appointment_date: date | str | None = None,
    review_on: date | str | None = None,
    confirm: bool = False,
) -> ReferralView:
    """Move a referral to ``to_state`` (the event is inferred; see :func:`perform`).

    ``report_received`` goes through :func:`record_report_received`, which files the
    report (closing the loop).
    """
    target = v.choice(to_state, ReferralState, "state")
    if target == S.REPORT_RECEIVED:
        raise ValidationError(
            "state", "record the specialist's report (or why there is none) to close the loop"
        )
    with db.session() as session:
        row = _load(session, referral_id)
        event = event_for(row.state, row.held_from, target)
        if workflow.TABLE.get((row.state, event)) is None:
            raise IllegalTransition(row.state, target)
    return perform(
        db,
        actor,
        referral_id,
        event,
        expected_version=expected_version,
        reason=reason,
        on=on,
        sent_via=sent_via,
        appointment_date=appointment_date,
        review_on=review_on,
        confirm=confirm,
    )


@service
def perform(
    db: Database,
    actor: Actor,
    referral_id: int,
    event: workflow.Event | str,
    *,
    expected_version: int,
    reason: str | None = None,
    on: date | str | None = None,
    sent_via: SendMethod | str | None = None,
    appointment_date: date | str | None = None,
    review_on: date | str | None = None,
    confirm: bool = False,
) -> ReferralView:
    """Apply one real-world event (accept, schedule, no-show, seen, hold, resume...).

    Loads, authorises, asks the pure workflow for every field change, writes them with a
    history line that remembers the old values (for undo), audits and commits.

    Raises:
        IllegalTransition: The event is not allowed from the current state.
        ValidationError: A detail the event needs is missing or wrong (names the field).
    """
    chosen = v.choice(event, workflow.Event, "event")
    if chosen in (workflow.Event.REPORT, workflow.Event.REPRIORITISE):
        raise ValidationError(
            "event", "file the report, or change the priority in the request, instead"
        )
    details = workflow.Details(
        chosen,
        on=v.a_date(on, "on"),
        appointment_date=v.a_date(appointment_date, "appointment_date"),
        reason=v.text(reason, "reason", max_length=400, multiline=True),
        review_on=v.a_date(review_on, "review_on"),
        sent_via=v.optional_choice(sent_via, SendMethod, "sent_via"),
        confirm=v.flag(confirm, "confirm"),
    )
    with db.session(write=True) as session:
        row = _load(session, referral_id)
        check_version(row, expected_version, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        _require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        apply_event(session, row, actor, details, load_settings(session).workflow)
        commit(session, row, ENTITY)
        return view_of(_load(session, row.id), actor, with_events=True)


def facts_of(row: Referral) -> workflow.Facts:
    """The workflow's plain copy of a referral row."""
    return workflow.Facts(
        state=row.state,
        priority=row.priority,
        discipline=row.discipline,
        held_from=row.held_from,
        has_recipient=row.recipient_member_id is not None,
        authorization_denied=row.auth_outcome == AuthorizationOutcome.DENIED,
        sent_on=row.sent_on,
        sent_via=row.sent_via,
        accepted_on=row.accepted_on,
        appointment_due=row.appointment_due,
        appointment_date=row.appointment_date,
        booked_late=bool(row.booked_late),
        no_show_count=row.no_show_count or 0,
        seen_on=row.seen_on,
        report_due=row.report_due,
        report_received_on=row.report_received_on,
        no_report_reason=row.no_report_reason,
        hold_reason=row.hold_reason,
        hold_review_on=row.hold_review_on,
        due_on=row.due_on,
        closed_on=row.closed_on,
    )


def _encode(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


DATE_FIELDS = frozenset(
    name for name, f in workflow.Facts.__dataclass_fields__.items() if "date" in str(f.type)
)
ENUM_FIELDS: dict[str, type[Any]] = {
    "state": ReferralState,
    "held_from": ReferralState,
    "priority": Priority,
    "sent_via": SendMethod,
}


def _decode(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in ENUM_FIELDS:
        return ENUM_FIELDS[name](value)
    if name in DATE_FIELDS:
        return date.fromisoformat(value)
    return value


def apply_event(
    session: Session,
    row: Referral,
    actor: Actor,
    details: workflow.Details,
    settings: workflow.Settings,
) -> workflow.Transition:
    """Apply one workflow event inside the caller's transaction (history and audit too);
    ``letters.record_sent_letter`` uses it so a letter is stored and sent atomically."""
    moved = workflow.apply(facts_of(row), details, today(), settings)
    old = {name: _encode(getattr(row, name)) for name in moved.changes}
    for name, value in moved.changes.items():
        setattr(row, name, value)
    row.updated_by = actor.username
    detail = details.reason
    if details.event is workflow.Event.SEND:
        via = row.sent_via.label.lower() if row.sent_via else "unknown"
        detail = f"sent by {via}" + (f": {details.reason}" if details.reason else "")
    elif details.event in (workflow.Event.SCHEDULE, workflow.Event.RESCHEDULE):
        booked = f"appointment {row.appointment_date.isoformat() if row.appointment_date else ''}"
        detail = booked + (f": {details.reason}" if details.reason else "")
    elif details.event is workflow.Event.NO_SHOW:
        detail = f"no-show {row.no_show_count}" + (f": {details.reason}" if details.reason else "")
    elif details.event is workflow.Event.HOLD and row.hold_review_on is not None:
        detail = f"{details.reason} (review {row.hold_review_on.isoformat()})"
    _event(
        session,
        row,
        actor,
        "transition",
        from_state=moved.from_state,
        to_state=moved.to_state,
        reason=detail,
        undo_values=json.dumps(old, sort_keys=True),
    )
    audit.record(
        session,
        actor,
        "transition",
        ENTITY,
        row.id,
        patient_id=row.patient_id,
        category=referral_category(row.discipline, row.sensitive),
        detail=f"{details.event.value}: {moved.from_state.value} -> {moved.to_state.value}",
    )
    return moved


def _last_move(row: Referral) -> ReferralEvent | None:
    moves = [e for e in row.events if e.kind in ("transition", "undo")]
    return moves[-1] if moves else None


def undoable_by(row: Referral, username: str, now: datetime) -> bool:
    """Whether ``username`` may undo this referral's last move now."""
    last = _last_move(row)
    try:
        workflow.check_undo(
            last_move_by=last.username if last else None,
            last_move_at=last.at if last else None,
            last_move_undoable=last is not None
            and last.kind == "transition"
            and last.undo_values is not None,
            user=username,
            now=now,
            reason="(checking)",
        )
    except ValidationError:
        return False
    return True


@service
def undo_last_move(
    db: Database, actor: Actor, referral_id: int, *, reason: str, expected_version: int
) -> ReferralView:
    """Undo the referral's last move: only by its author, within 24 hours, with a reason.

    Every field the move changed gets its old value back; the history keeps both lines.
    Undoing a filed report withdraws it from the reviewer's inbox (not once acknowledged).

    Raises:
        ValidationError: Nothing to undo, another user's move, too old, or no reason.
    """
    why = v.text(reason, "reason", max_length=400, multiline=True)
    with db.session(write=True) as session:
        row = _load(session, referral_id)
        check_version(row, expected_version, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        _require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        last = _last_move(row)
        workflow.check_undo(
            last_move_by=last.username if last else None,
            last_move_at=last.at if last else None,
            last_move_undoable=last is not None
            and last.kind == "transition"
            and last.undo_values is not None,
            user=actor.username,
            now=utcnow(),
            reason=why,
        )
        assert last is not None and last.undo_values is not None
        if last.to_state == S.REPORT_RECEIVED:
            review.withdraw_for_referral(session, row.id)
        source = row.state
        for name, value in json.loads(last.undo_values).items():
            setattr(row, name, _decode(name, value))
        row.updated_by = actor.username
        _event(
            session,
            row,
            actor,
            "undo",
            from_state=source,
            to_state=row.state,
            reason=f"undid {source.label.lower()}: {why}",
        )
        audit.record(
            session,
            actor,
            "undo",
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail=f"{source.value} -> {row.state.value}: {why}",
        )
        commit(session, row, ENTITY)
        return view_of(_load(session, row.id), actor, with_events=True)


@service
def record_report_received(
    db: Database,
    actor: Actor,
    referral_id: int,
    *,
    expected_version: int,
    report: DocumentUpload | None = None,
    no_report_reason: str | None = None,
    received_on: date | str | None = None,
) -> ReferralView:
    """Close the loop at the front desk: file the specialist's report (or why there is none).

    A filed report lands in the referring clinician's "Reports to review"; the loop closes
    for the clinician when they acknowledge it (:func:`services.review.acknowledge`).
    A referral still ``scheduled`` is marked seen on its appointment date (or the day the
    report came, if earlier), since a report proves the visit happened.
    """
    received = v.a_date(received_on, "received_on") or today()
    v.not_future(received, "received_on", today())
    why_none = v.text(no_report_reason, "no_report_reason", max_length=400)
    if report is None and not why_none:
        raise ValidationError("report", "attach the specialist's report or say why there is none")
    document_values = (
        validate_upload(replace(report, kind=DocumentKind.SPECIALIST_REPORT, received_on=received))
        if report is not None
        else None
    )
    with db.session(write=True) as session:
        row = _load(session, referral_id)
        check_version(row, expected_version, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        _require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        note = "report filed" if document_values is not None else f"no report: {why_none}"
        details = workflow.Details(
            workflow.Event.REPORT,
            on=received,
            reason=note if document_values is not None else why_none,
            no_report=document_values is None,
        )
        apply_event(session, row, actor, details, load_settings(session).workflow)
        if document_values is not None:
            document = add_document(
                session,
                actor,
                row.patient_id,
                document_values,
                referral_id=row.id,
                category=category,
            )
            review.add_report_for_review(session, row, document.id, received)
        commit(session, row, ENTITY)
        return view_of(_load(session, row.id), actor, with_events=True)


@service
def add_note(db: Database, actor: Actor, referral_id: int, note: str) -> ReferralView:
    """A free-text history entry (a phone call chasing the report, say)."""
    text = v.required_text(note, "note", max_length=1000, multiline=True)
    with db.session(write=True) as session:
        row = _load(session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        _require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        _event(session, row, actor, "note", reason=text)
        audit.record(
            session, actor, "note", ENTITY, row.id, patient_id=row.patient_id, category=category
        )
        session.commit()
        return view_of(_load(session, row.id), actor, with_events=True)


@service
def record_letter(db: Database, actor: Actor, referral_id: int, what: str) -> None:
    """History and audit entry for a generated, printed or saved letter."""
    with db.session(write=True) as session:
        row = _load(session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        _require(actor, Action.PRINT, category)
        _event(session, row, actor, "letter", reason=what)
        audit.record(
            session,
            actor,
            "print",
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail=what,
        )
        session.commit()


# --------------------------------------------------------------------------- queries
@service
def get_referral(db: Database, actor: Actor, referral_id: int) -> ReferralView:
    """One referral with its history (clinical content hidden where the role may not read it)."""
    with db.session(write=True) as session:
        row = _load(session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        if not (
            allowed(actor, Action.READ_CLINICAL, category)
            or allowed(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        ):
            raise PermissionDenied(actor.role.label.lower(), "read", category.label.lower())
        view = view_of(row, actor, with_events=True)
        audit.record(
            session,
            actor,
            "read",
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail=RESTRICTED if view.restricted else None,
        )
        session.commit()
        return view


@service
def list_for_patient(db: Database, actor: Actor, patient_id: int) -> list[ReferralView]:
    """A chart's referrals, newest first (clinical content restricted per the matrix)."""
    _require(actor, Action.READ_DEMOGRAPHICS, DataCategory.GENERAL)
    with db.session(write=True) as session:
        load(session, Patient, patient_id, "Patient")
        rows = session.scalars(
            select(Referral)
            .where(Referral.patient_id == patient_id)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        ).all()
        views = [view_of(r, actor) for r in rows]
        audit.record(session, actor, "read", ENTITY, patient_id=patient_id, detail="list")
        session.commit()
        return views
