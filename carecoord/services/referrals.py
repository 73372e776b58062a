"""Referrals: create, edit, walk the state machine, authorise, close the loop."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import TypedDict, Unpack

from sqlalchemy.orm import Session, selectinload

from carecoord.clinical import referral_rules as rules
from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import (
    DataCategory,
    DocumentKind,
    ReferralState,
    SendMethod,
)
from carecoord.db import Database
from carecoord.errors import IllegalTransition, ValidationError
from carecoord.models import Patient, Referral, utcnow
from carecoord.services import review
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import (
    apply,
    check_version,
    service,
    today,
)
from carecoord.services.documents import DocumentUpload, add_document, validate_upload
from carecoord.services.permissions import (
    RESTRICTED,
    Action,
    allowed,
    referral_category,
    require,
)
from carecoord.services.reference import ensure_reference
from carecoord.services.referral_checks import request_values
from carecoord.services.referral_moves import (
    _decode,
    _event,
    apply_event,
    event_for,
    record_print,
)
from carecoord.services.referral_views import (
    ENTITY,
    AuthorizationInput,
    ReferralInput,
    ReferralView,
    S,
    facts_of,
    undoable_move,
    validate_authorization,
    view_of,
)

# re-exported: screens name these two actions as referrals.LETTER and referrals.NOTE
from carecoord.services.referral_views import (
    LETTER as LETTER,
)
from carecoord.services.referral_views import (
    NOTE as NOTE,
)
from carecoord.services.rows import load_with, newest_first
from carecoord.services.settings import load_settings
from carecoord.services.unit_of_work import UnitOfWork, unit_of_work


class MoveDetails(TypedDict, total=False):
    """What a person may give with a move; :func:`transition` passes it on to
    :func:`perform`, which checks each (all optional: an event asks for what it needs)."""

    reason: str | None
    on: date | str | None
    sent_via: SendMethod | str | None
    appointment_date: date | str | None
    review_on: date | str | None
    confirm: bool


def _load(session: Session, referral_id: int) -> Referral:
    return load_with(
        session, Referral, referral_id, ENTITY, selectinload(Referral.events), fresh=True
    )


def _save_update(
    uow: UnitOfWork, row: Referral, kind: str, reason: str, category: DataCategory, detail: str
) -> None:
    """An edit of a referral: who changed it, its history line, its audit record, commit."""
    actor = uow.actor
    assert actor is not None
    row.updated_by = actor.username
    _event(uow.session, row, actor, kind, reason=reason)
    uow.audit("update", ENTITY, row.id, patient_id=row.patient_id, category=category, detail=detail)
    uow.commit(row, ENTITY)


def _fresh_view(uow: UnitOfWork, referral_id: int) -> ReferralView:
    """The referral as stored now, with its history (what every command returns)."""
    assert uow.actor is not None
    return view_of(_load(uow.session, referral_id), uow.actor, with_events=True)


# ------------------------------------------------------------------------- commands
@service
def create_referral(
    db: Database, actor: Actor, data: ReferralInput, authorization: AuthorizationInput | None = None
) -> ReferralView:
    """Draft a referral. The referrer defaults to the acting clinician's directory entry."""
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load(Patient, data.patient_id, "Patient")
        values = request_values(uow.session, data)  # every bad field at once
        category = referral_category(values["discipline"], values["sensitive"])
        require(actor, Action.EDIT_CLINICAL, category)
        if values["referring_member_id"] is None:
            values["referring_member_id"] = actor.team_member_id
        if authorization is None:
            authorization = AuthorizationInput(
                payer=patient.insurance_payer, member_id=patient.insurance_member_id
            )
        values.update(validate_authorization(authorization))
        row = Referral(patient_id=patient.id, state=S.DRAFT, updated_by=actor.username, **values)
        uow.session.add(row)
        uow.session.flush()
        ensure_reference(uow.session, row)
        _event(uow.session, row, actor, "created", to_state=S.DRAFT)
        uow.audit(
            "create",
            ENTITY,
            row.id,
            patient_id=patient.id,
            category=category,
            detail=f"{row.discipline.value}, {row.priority.value}",
        )
        uow.commit()
        return _fresh_view(uow, row.id)


@service
def update_referral(
    db: Database, actor: Actor, referral_id: int, data: ReferralInput, *, expected_version: int
) -> ReferralView:
    """Edit the clinical request (not allowed once the referral is closed)."""
    with unit_of_work(db, actor, write=True) as uow:
        row = _load(uow.session, referral_id)
        check_version(row, expected_version, ENTITY)
        if data.patient_id != row.patient_id:
            raise ValidationError("patient", "a referral cannot move to another patient")
        if row.state in rules.CLOSED_STATES:
            raise ValidationError("state", f"a {row.state.label.lower()} referral cannot be edited")
        values = request_values(uow.session, data)  # every bad field at once
        old_category = referral_category(row.discipline, row.sensitive)
        new_category = referral_category(values["discipline"], values["sensitive"])
        require(actor, Action.EDIT_CLINICAL, old_category)
        require(actor, Action.EDIT_CLINICAL, new_category)
        if row.state != S.DRAFT and values["discipline"] != row.discipline:
            raise ValidationError("discipline", "cannot change after the referral was sent")
        if values["priority"] != row.priority:
            # A new priority moves the appointment target (and the booked-late flag).
            moved = workflow.apply(
                facts_of(row),
                workflow.Details(workflow.Event.REPRIORITISE, priority=values["priority"]),
                today(),
                load_settings(uow.session).workflow,
            )
            values.update(moved.changes)
        changed = apply(row, values)
        if changed:
            _save_update(
                uow,
                row,
                "updated",
                "changed: " + ", ".join(changed),
                new_category,
                ", ".join(changed),
            )
        return _fresh_view(uow, row.id)


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
    with unit_of_work(db, actor, write=True) as uow:
        row = _load(uow.session, referral_id)
        check_version(row, expected_version, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        changed = apply(row, values)
        if changed:
            reason = f"authorisation {row.auth_outcome.label.lower()}"
            _save_update(
                uow, row, "authorization", reason, category, "authorization: " + ", ".join(changed)
            )
        return _fresh_view(uow, row.id)


@service
def transition(
    db: Database,
    actor: Actor,
    referral_id: int,
    to_state: ReferralState | str,
    *,
    expected_version: int,
    **given: Unpack[MoveDetails],
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
    with unit_of_work(db, actor) as uow:
        row = _load(uow.session, referral_id)
        event = event_for(row.state, row.held_from, target)
        if workflow.TABLE.get((row.state, event)) is None:
            raise IllegalTransition(row.state, target)
    return perform(db, actor, referral_id, event, expected_version=expected_version, **given)


@service
def perform(
    db: Database,
    actor: Actor,
    referral_id: int,
    event: workflow.Event | str,
    *,
    expected_version: int,
    **given: Unpack[MoveDetails],
) -> ReferralView:
    """Apply one real-world event (accept, schedule, no-show, seen, hold, resume...).

    Loads, authorises, asks the pure workflow for every field change, writes them with a
    history line that remembers the old values (for undo), audits and commits.

    Raises:
        IllegalTransition: The event is not allowed from the current state.
        ValidationError: A detail the event needs is missing or wrong (names the field).
    """
    unknown = given.keys() - MoveDetails.__optional_keys__
    if unknown:  # as Python says of a keyword no signature names
        raise TypeError(f"perform() got an unexpected keyword argument {min(unknown)!r}")
    chosen = v.choice(event, workflow.Event, "event")
    if chosen in (workflow.Event.REPORT, workflow.Event.REPRIORITISE):
        raise ValidationError(
            "event", "file the report, or change the priority in the request, instead"
        )
    details = workflow.Details(
        chosen,
        on=v.a_date(given.get("on"), "on"),
        appointment_date=v.a_date(given.get("appointment_date"), "appointment_date"),
        reason=v.text(given.get("reason"), "reason", max_length=400, multiline=True),
        review_on=v.a_date(given.get("review_on"), "review_on"),
        sent_via=v.optional_choice(given.get("sent_via"), SendMethod, "sent_via"),
        confirm=v.flag(given.get("confirm", False), "confirm"),
    )
    with unit_of_work(db, actor, write=True) as uow:
        row = _load(uow.session, referral_id)
        check_version(row, expected_version, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        apply_event(uow.session, row, actor, details, load_settings(uow.session).workflow)
        uow.commit(row, ENTITY)
        return _fresh_view(uow, row.id)


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
    with unit_of_work(db, actor, write=True) as uow:
        row = _load(uow.session, referral_id)
        check_version(row, expected_version, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        last = undoable_move(row, actor.username, utcnow(), why)
        assert last.undo_values is not None
        if last.to_state == S.REPORT_RECEIVED:
            review.withdraw_for_referral(uow.session, row.id)
        source = row.state
        for name, value in json.loads(last.undo_values).items():
            setattr(row, name, _decode(name, value))
        row.updated_by = actor.username
        _event(
            uow.session,
            row,
            actor,
            "undo",
            from_state=source,
            to_state=row.state,
            reason=f"undid {source.label.lower()}: {why}",
        )
        uow.audit(
            "undo",
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail=f"{source.value} -> {row.state.value}: {why}",
        )
        uow.commit(row, ENTITY)
        return _fresh_view(uow, row.id)


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
    with unit_of_work(db, actor, write=True) as uow:
        row = _load(uow.session, referral_id)
        check_version(row, expected_version, ENTITY)
        category = referral_category(row.discipline, row.sensitive)
        require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        note = "report filed" if document_values is not None else f"no report: {why_none}"
        details = workflow.Details(
            workflow.Event.REPORT,
            on=received,
            reason=note if document_values is not None else why_none,
            no_report=document_values is None,
        )
        apply_event(uow.session, row, actor, details, load_settings(uow.session).workflow)
        if document_values is not None:
            document = add_document(
                uow.session,
                actor,
                row.patient_id,
                document_values,
                referral_id=row.id,
                category=category,
            )
            review.add_report_for_review(uow.session, row, document.id, received)
        uow.commit(row, ENTITY)
        return _fresh_view(uow, row.id)


@service
def add_note(db: Database, actor: Actor, referral_id: int, note: str) -> ReferralView:
    """A free-text history entry (a phone call chasing the report, say)."""
    text = v.required_text(note, "note", max_length=1000, multiline=True)
    with unit_of_work(db, actor, write=True) as uow:
        row = _load(uow.session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        _event(uow.session, row, actor, "note", reason=text)
        uow.audit("note", ENTITY, row.id, patient_id=row.patient_id, category=category)
        uow.commit()
        return _fresh_view(uow, row.id)


@service
def record_letter(db: Database, actor: Actor, referral_id: int, what: str) -> None:
    """History and audit entry for a generated, printed or saved letter."""
    with unit_of_work(db, actor, write=True) as uow:
        row = _load(uow.session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        require(actor, Action.PRINT, category)
        record_print(uow, row, category, what, what)
        uow.commit()


# --------------------------------------------------------------------------- queries
@service
def get_referral(db: Database, actor: Actor, referral_id: int) -> ReferralView:
    """One referral with its history (clinical content hidden where the role may not read it)."""
    with unit_of_work(db, actor) as uow:
        row = _load(uow.session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        uow.require(
            allowed(actor, Action.READ_CLINICAL, category)
            or allowed(actor, Action.EDIT_REFERRAL_LOGISTICS, category),
            "read",
            category,
        )
        view = view_of(row, actor, with_events=True)
        uow.audit_read(
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail=RESTRICTED if view.restricted else None,
        )
        return view


@service
def list_for_patient(db: Database, actor: Actor, patient_id: int) -> list[ReferralView]:
    """A chart's referrals, newest first (clinical content restricted per the matrix)."""
    require(actor, Action.READ_DEMOGRAPHICS, DataCategory.GENERAL)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        rows = newest_first(uow.session, Referral, patient_id, Referral.created_at)
        views = [view_of(r, actor) for r in rows]
        uow.audit_read(ENTITY, patient_id=patient_id, detail="list")
        return views
