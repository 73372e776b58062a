"""Referrals: create, edit, walk the state machine, authorise, close the loop."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from carecoord.clinical import referral_rules as rules
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
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import Patient, Referral, ReferralEvent, TeamMember, utcnow
from carecoord.services import audit
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
        appointment_due=row.appointment_due,
        appointment_date=row.appointment_date,
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
    )
    return view


# ----------------------------------------------------------------------- validation
def _member(session: Session, member_id: int | None, field: str) -> TeamMember | None:
    if member_id is None:
        return None
    member = session.get(TeamMember, member_id) if isinstance(member_id, int) else None
    if member is None:
        raise ValidationError(field, "is not in the team directory")
    return member


def validate_request(session: Session, data: ReferralInput) -> dict[str, Any]:
    """Column values for the clinical request, or ValidationError naming the field."""
    discipline = v.choice(data.discipline, Discipline, "discipline")
    priority = v.choice(data.priority, Priority, "priority")
    priority_reason = v.text(data.priority_reason, "priority_reason", max_length=400)
    if priority != Priority.ROUTINE and not priority_reason:
        raise ValidationError("priority_reason", f"say why this referral is {priority.label}")
    recipient = _member(session, data.recipient_member_id, "recipient")
    if recipient is not None and recipient.discipline != discipline:
        raise ValidationError(
            "recipient", f"{recipient.display_name} is not in {discipline.label.lower()}"
        )
    if recipient is not None and not recipient.active:
        raise ValidationError("recipient", f"{recipient.display_name} is no longer active")
    _member(session, data.referring_member_id, "referring_member")
    return {
        "discipline": discipline,
        "priority": priority,
        "priority_reason": priority_reason if priority != Priority.ROUTINE else None,
        "expectation": v.choice(data.expectation, Expectation, "expectation"),
        "reason": v.required_text(data.reason, "reason", max_length=4000, multiline=True),
        "clinical_question": v.text(
            data.clinical_question, "clinical_question", max_length=4000, multiline=True
        ),
        "patient_told": v.text(data.patient_told, "patient_told", max_length=2000, multiline=True),
        "treatments_tried": v.text(
            data.treatments_tried, "treatments_tried", max_length=4000, multiline=True
        ),
        "sensitive": v.flag(data.sensitive, "sensitive"),
        "recipient_member_id": data.recipient_member_id,
        "referring_member_id": data.referring_member_id,
    }


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
) -> None:
    session.add(
        ReferralEvent(
            referral_id=row.id,
            username=actor.username,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
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
        values = validate_request(session, data)
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
        values = validate_request(session, data)
        old_category = referral_category(row.discipline, row.sensitive)
        new_category = referral_category(values["discipline"], values["sensitive"])
        _require(actor, Action.EDIT_CLINICAL, old_category)
        _require(actor, Action.EDIT_CLINICAL, new_category)
        if row.state != S.DRAFT and values["discipline"] != row.discipline:
            raise ValidationError("discipline", "cannot change after the referral was sent")
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
) -> ReferralView:
    """Move a referral along its workflow, recording who, when and why.

    ``report_received`` goes through :func:`record_report_received`, which files the
    report (closing the loop).

    Raises:
        IllegalTransition: the move is not allowed from the current state.
        ValidationError: a required detail (reason, send method, appointment) is missing.
    """
    target = v.choice(to_state, ReferralState, "state")
    if target == S.REPORT_RECEIVED:
        raise ValidationError(
            "state", "record the specialist's report (or why there is none) to close the loop"
        )
    why = v.text(reason, "reason", max_length=1000, multiline=True)
    when = v.a_date(on, "on")
    v.not_future(when, "on", today())
    with db.session(write=True) as session:
        row = _load(session, referral_id)
        check_version(row, expected_version, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        _require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        targets = load_settings(session).targets
        apply_transition(
            session, row, actor, target, why, when, sent_via, appointment_date, targets
        )
        commit(session, row, ENTITY)
        return view_of(_load(session, row.id), actor, with_events=True)


def apply_transition(
    session: Session,
    row: Referral,
    actor: Actor,
    target: ReferralState,
    why: str | None,
    when: date | None,
    sent_via: SendMethod | str | None,
    appointment_date: date | str | None,
    targets: rules.Targets,
) -> None:
    """Apply one workflow move inside the caller's transaction (history and audit too);
    letters.record_sent_letter uses it so a letter is stored and sent atomically."""
    source = row.state
    day = when or today()
    rules.check_transition(source, target, row.held_from)
    if target in rules.REASON_REQUIRED and not why:
        raise ValidationError("reason", f"say why the referral is {target.label.lower()}")
    resuming = source == S.ON_HOLD and target != S.CANCELLED
    if resuming:
        row.held_from = None
        row.due_on = {
            S.SENT: row.appointment_due,
            S.ACCEPTED: row.appointment_due,
            S.SCHEDULED: row.appointment_date,
            S.SEEN: row.report_due,
        }.get(target)
    elif target == S.SENT:
        if row.recipient_member_id is None:
            raise ValidationError("recipient", "choose the specialist before sending")
        if row.auth_outcome == AuthorizationOutcome.DENIED:
            raise ValidationError(
                "auth_outcome", "the payer denied authorisation; appeal or cancel instead"
            )
        row.sent_via = v.choice(sent_via, SendMethod, "sent_via")
        row.sent_on = day
        row.appointment_due = rules.appointment_due(day, row.priority, row.discipline, targets)
        row.due_on = row.appointment_due
    elif target == S.SCHEDULED:
        booked = v.required_date(appointment_date, "appointment_date")
        v.not_before(booked, row.sent_on, "appointment_date", "the day the referral was sent")
        row.appointment_date = booked
        row.due_on = booked
    elif target == S.SEEN:
        appointment = row.appointment_date
        seen = when or (
            appointment if appointment is not None and appointment <= today() else today()
        )
        v.not_future(seen, "on", today())
        v.not_before(seen, row.sent_on, "on", "the day the referral was sent")
        row.seen_on = seen
        row.report_due = rules.report_due(seen, targets)
        row.due_on = row.report_due
    elif target == S.ON_HOLD:
        row.held_from = source
        row.due_on = None
    elif target in (S.DECLINED, S.CANCELLED):
        row.closed_on = day
        row.due_on = None
    elif target == S.ACCEPTED:
        row.due_on = row.appointment_due
    if target == S.CANCELLED:
        row.held_from = None
    row.state = target
    row.updated_by = actor.username
    detail = why
    if target == S.SENT and not resuming:
        detail = f"sent by {row.sent_via.label.lower() if row.sent_via else 'unknown'}" + (
            f": {why}" if why else ""
        )
    _event(session, row, actor, "transition", from_state=source, to_state=target, reason=detail)
    audit.record(
        session,
        actor,
        "transition",
        ENTITY,
        row.id,
        patient_id=row.patient_id,
        category=referral_category(row.discipline, row.sensitive),
        detail=f"{source.value} -> {target.value}",
    )


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
    """Close the loop: file the specialist's report (or record why there is none).

    A referral still ``scheduled`` is first marked ``seen`` on its appointment date, since
    a report proves the visit happened.
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
        targets = load_settings(session).targets
        if row.state == S.SCHEDULED:
            seen_on = min(row.appointment_date or received, received)
            apply_transition(
                session,
                row,
                actor,
                S.SEEN,
                "visit implied by the report",
                seen_on,
                None,
                None,
                targets,
            )
            row.seen_on = seen_on
        rules.check_transition(row.state, S.REPORT_RECEIVED, row.held_from)
        v.not_before(received, row.sent_on, "received_on", "the day the referral was sent")
        if document_values is not None:
            add_document(
                session,
                actor,
                row.patient_id,
                document_values,
                referral_id=row.id,
                category=category,
            )
        source = row.state
        row.state = S.REPORT_RECEIVED
        row.report_received_on = received
        row.no_report_reason = None if document_values is not None else why_none
        row.closed_on = received
        row.due_on = None
        row.updated_by = actor.username
        note = "report filed" if document_values is not None else "no report"
        history = note if document_values is not None else f"no report: {why_none}"
        _event(
            session,
            row,
            actor,
            "transition",
            from_state=source,
            to_state=S.REPORT_RECEIVED,
            reason=history,
        )
        audit.record(
            session,
            actor,
            "transition",
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail=f"{source.value} -> report_received ({note})",
        )
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
