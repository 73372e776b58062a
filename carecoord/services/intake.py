"""Inbound referrals (intake): enter, list, triage and schedule referrals sent to the clinic.

Every function checks the role (physicians triage; the front desk enters, waitlists and
books; clinicians read; administrators see no intake at all), audits and commits; the
state changes come from the pure table in ``clinical.intake_workflow``. Clinical text
(reason, codes, decisions) is masked for a role that may not read its category.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecoord.clinical import intake_workflow as flow
from carecoord.clinical.intake_workflow import Event, IntakeSource, IntakeState
from carecoord.clinical.vocabulary import AdministrativeSex, CareTeamRole, DataCategory, Priority
from carecoord.db import Database
from carecoord.errors import CareCoordError, ValidationError
from carecoord.models import CareTeamMembership, IntakeReferral, Patient, TeamMember
from carecoord.services import audit, codes, patients
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import apply as apply_values
from carecoord.services.common import check_version, is_record_id, load, service, today
from carecoord.services.intake_reply import reply_pdf
from carecoord.services.patients import PatientSummary
from carecoord.services.permissions import (
    Action,
    diagnosis_category,
    masked,
    require,
)
from carecoord.services.rows import add_recorded, view_from
from carecoord.services.settings import load_settings
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "IntakeReferral"
S = IntakeState
CATEGORY_RANK = {
    DataCategory.GENERAL: 0,
    DataCategory.PSYCHIATRIC: 1,
    DataCategory.SUBSTANCE_USE: 2,
}


# ---------------------------------------------------------------------------- input
@dataclass(frozen=True)
class IntakeInput:
    """What the front desk types from a referral letter (or an import reads from FHIR)."""

    referrer_name: str
    family_name: str
    given_name: str
    date_of_birth: date | str | None
    reason: str
    received_on: date | str | None = None
    referrer_practice: str | None = None
    referrer_phone: str | None = None
    referrer_fax: str | None = None
    referrer_email: str | None = None
    middle_name: str | None = None
    sex: AdministrativeSex | str = AdministrativeSex.UNKNOWN
    phone: str | None = None
    referrer_mrn: str | None = None
    diagnosis_codes: Sequence[str] = ()
    requested_priority: Priority | str = Priority.ROUTINE


def _codes(values: object) -> list[str]:
    if isinstance(values, str):
        values = values.split(",")
    if not isinstance(values, list | tuple) or not all(isinstance(c, str) for c in values):
        raise ValidationError("diagnosis_codes", "must be ICD-10-CM codes, as text")
    found: list[str] = []
    for typed in values:
        if not typed.strip():
            continue
        try:
            code = codes.require_billable(typed).code
        except ValidationError as error:
            raise ValidationError("diagnosis_codes", error.message) from None
        if code not in found:
            found.append(code)
    if len(",".join(found)) > 200:
        raise ValidationError("diagnosis_codes", "too many codes (at most about 20)")
    return found


def category_of(code_list: Sequence[str]) -> DataCategory:
    """The most restricted category among the codes (general without codes)."""
    categories = [diagnosis_category(c) for c in code_list] or [DataCategory.GENERAL]
    return max(categories, key=CATEGORY_RANK.__getitem__)


def validate(data: IntakeInput, *, on: date | None = None) -> dict[str, Any]:
    """The column values for ``data``; every bad field named at once (nothing written)."""
    now = on or today()
    errors = v.Collector()

    def received() -> date:
        day = v.a_date(data.received_on, "received_on") or now
        v.not_future(day, "received_on", now)
        return day

    def born() -> date:
        day = v.required_date(data.date_of_birth, "date_of_birth")
        v.not_future(day, "date_of_birth", now)
        if patients.age_on(day, now) > patients.MAX_AGE_YEARS:
            raise ValidationError("date_of_birth", "gives an age over 130 years")
        return day

    values = errors.fields(
        {
            "referrer_name": lambda: v.required_text(
                data.referrer_name, "referrer_name", max_length=160
            ),
            "referrer_practice": lambda: v.text(
                data.referrer_practice, "referrer_practice", max_length=160
            ),
            "referrer_phone": lambda: v.phone(data.referrer_phone, "referrer_phone"),
            "referrer_fax": lambda: v.phone(data.referrer_fax, "referrer_fax"),
            "referrer_email": lambda: v.email(data.referrer_email, "referrer_email"),
            "received_on": received,
            "family_name": lambda: v.required_text(data.family_name, "family_name", max_length=80),
            "given_name": lambda: v.required_text(data.given_name, "given_name", max_length=80),
            "middle_name": lambda: v.text(data.middle_name, "middle_name", max_length=80),
            "date_of_birth": born,
            "sex": lambda: v.choice(data.sex, AdministrativeSex, "sex"),
            "phone": lambda: v.phone(data.phone),
            "referrer_mrn": lambda: v.text(data.referrer_mrn, "referrer_mrn", max_length=60),
            "reason": lambda: v.required_text(
                data.reason, "reason", max_length=4000, multiline=True
            ),
            "diagnosis_codes": lambda: _codes(data.diagnosis_codes),
            "requested_priority": lambda: v.choice(
                data.requested_priority, Priority, "requested_priority"
            ),
        }
    )
    errors.raise_any()
    code_list = values["diagnosis_codes"]
    values["category"] = category_of(code_list)
    values["diagnosis_codes"] = ",".join(code_list) or None
    return values


# ---------------------------------------------------------------------------- views
@dataclass(frozen=True)
class IntakeRow:
    """One item on an intake list; clinical text already masked for the reader."""

    id: int
    state: IntakeState
    received_on: date
    referrer_name: str
    referrer_practice: str | None
    patient_name: str
    date_of_birth: date
    patient_id: int | None
    reason: str
    requested_priority: Priority
    priority: Priority | None
    due_on: date | None
    first_visit_on: date | None
    overdue: bool
    version: int


@dataclass(frozen=True)
class IntakeDetail(IntakeRow):
    """Everything about one item, for its panel and for the actions."""

    source: IntakeSource
    source_identifier: str | None
    referrer_phone: str | None
    referrer_fax: str | None
    referrer_email: str | None
    family_name: str
    given_name: str
    middle_name: str | None
    sex: AdministrativeSex
    phone: str | None
    referrer_mrn: str | None
    diagnosis_codes: tuple[str, ...]
    category: DataCategory
    triaged_on: date | None
    triaged_by: str | None
    decline_reason: str | None
    info_reason: str | None
    coordinating_member_id: int | None
    first_visit_due: date | None
    booked_late: bool
    seen_on: date | None
    withdrawn_reason: str | None
    closed_on: date | None
    has_reply_letter: bool
    events: tuple[Event, ...]
    """What the workflow allows next (the screen still offers only what the role may)."""


def _row_values(actor: Actor, r: IntakeReferral, day: date) -> dict[str, Any]:
    return {
        "id": r.id,
        "state": r.state,
        "received_on": r.received_on,
        "referrer_name": r.referrer_name,
        "referrer_practice": r.referrer_practice,
        "patient_name": f"{r.family_name}, {r.given_name}",
        "date_of_birth": r.date_of_birth,
        "patient_id": r.patient_id,
        "reason": masked(actor, r.category, r.reason),
        "requested_priority": r.requested_priority,
        "priority": r.priority,
        "due_on": r.due_on,
        "first_visit_on": r.first_visit_on,
        "overdue": flow.is_overdue(r.state, r.due_on, day),
        "version": r.version,
    }


def row_of(actor: Actor, r: IntakeReferral, day: date) -> IntakeRow:
    return IntakeRow(**_row_values(actor, r, day))


def detail_of(actor: Actor, r: IntakeReferral, day: date) -> IntakeDetail:
    codes_text = masked(actor, r.category, r.diagnosis_codes)
    plain = {f.name for f in fields(IntakeDetail)} - {f.name for f in fields(IntakeRow)}
    values = {name: getattr(r, name) for name in plain if hasattr(IntakeReferral, name)}
    values.update(
        diagnosis_codes=tuple(codes_text.split(",")) if codes_text else (),
        decline_reason=masked(actor, r.category, r.decline_reason),
        info_reason=masked(actor, r.category, r.info_reason),
        withdrawn_reason=masked(actor, r.category, r.withdrawn_reason),
        has_reply_letter=r.reply_letter_sha256 is not None,
        events=flow.allowed_events(r.state),
    )
    return IntakeDetail(**_row_values(actor, r, day), **values)


# ---------------------------------------------------------------------------- create
def insert(
    session: Session,
    actor: Actor,
    values: dict[str, Any],
    *,
    detail: str | None = None,
    **extra: Any,
) -> IntakeReferral:
    """Add one validated item in the caller's transaction (hand entry and FHIR import)."""
    settings = load_settings(session).workflow
    start = flow.received(values["received_on"], values["requested_priority"], settings)
    row = IntakeReferral(**values, **extra, state=start.state, due_on=start.due_on)
    row.updated_by = actor.username
    add_recorded(session, actor, row, ENTITY, patient_id=None, category=row.category, detail=detail)
    return row


@service
def create_intake(db: Database, actor: Actor, data: IntakeInput) -> IntakeDetail:
    """Record a referral received by letter, fax or phone.

    Raises:
        ValidationError: A field breaks a rule (all named; nothing is written).
        PermissionDenied: The role may not enter inbound referrals.
    """
    require(actor, Action.ENTER_INTAKE)
    values = validate(data)
    require(actor, Action.ENTER_INTAKE, values["category"])
    with unit_of_work(db, actor, write=True) as uow:
        row = insert(uow.session, actor, values, source=IntakeSource.HAND)
        uow.commit()
        return detail_of(actor, row, today())


@service
def get_intake(db: Database, actor: Actor, intake_id: int) -> IntakeDetail:
    """One item with everything the panel shows (audited read)."""
    require(actor, Action.READ_INTAKE)
    with unit_of_work(db, actor) as uow:
        row = uow.load(IntakeReferral, intake_id, ENTITY)
        require(actor, Action.READ_INTAKE, row.category)
        uow.audit_read(ENTITY, row.id, category=row.category)
        return detail_of(actor, row, today())


# ---------------------------------------------------------------------------- moves
def _facts(row: IntakeReferral) -> flow.Facts:
    return view_from(flow.Facts, row)


def _move(
    session: Session,
    actor: Actor,
    row: IntakeReferral,
    details: flow.Details,
    expected_version: int | None,
) -> list[str]:
    check_version(row, expected_version, ENTITY)
    action = Action.TRIAGE_INTAKE if details.event in flow.TRIAGE_EVENTS else Action.ENTER_INTAKE
    require(actor, action, row.category)
    settings = load_settings(session).workflow
    transition = flow.apply(_facts(row), details, today(), settings)
    changed = apply_values(row, dict(transition.changes))
    if details.event in flow.TRIAGE_EVENTS:
        row.triaged_by = actor.username
    row.updated_by = actor.username
    audit.record(
        session,
        actor,
        "update",
        ENTITY,
        row.id,
        patient_id=row.patient_id,
        category=row.category,
        detail=f"{transition.from_state.value} -> {transition.to_state.value}"
        f" ({details.event.value}): {', '.join(sorted(changed))}"[:200],
    )
    return changed


def _reason(reason: str) -> str | None:
    """A move's reason (request information, withdraw, decline): one length rule for all."""
    return v.text(reason, "reason", max_length=1000, multiline=True)


def _event(
    db: Database, actor: Actor, intake_id: int, details: flow.Details, expected_version: int | None
) -> IntakeDetail:
    require(actor, Action.READ_INTAKE)
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(IntakeReferral, intake_id, ENTITY)
        _move(uow.session, actor, row, details, expected_version)
        uow.commit(row, ENTITY)
        return detail_of(actor, row, today())


@service
def request_information(
    db: Database,
    actor: Actor,
    intake_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
    on: date | None = None,
) -> IntakeDetail:
    """Send the referral back for more information (a physician's triage decision)."""
    text = _reason(reason)
    return _event(
        db, actor, intake_id, flow.Details(Event.REQUEST_INFO, on=on, reason=text), expected_version
    )


@service
def information_received(
    db: Database, actor: Actor, intake_id: int, *, expected_version: int | None = None
) -> IntakeDetail:
    """The referrer's information arrived: the item waits for triage again."""
    return _event(db, actor, intake_id, flow.Details(Event.INFO_RECEIVED), expected_version)


@service
def waitlist_intake(
    db: Database, actor: Actor, intake_id: int, *, expected_version: int | None = None
) -> IntakeDetail:
    """Put an accepted referral on the waiting list for a first visit."""
    return _event(db, actor, intake_id, flow.Details(Event.WAITLIST), expected_version)


@service
def book_first_visit(
    db: Database,
    actor: Actor,
    intake_id: int,
    visit_on: date | str | None,
    *,
    expected_version: int | None = None,
) -> IntakeDetail:
    """Book the first visit (from accepted or the waiting list)."""
    day = v.a_date(visit_on, "first_visit_on")
    return _event(db, actor, intake_id, flow.Details(Event.BOOK, visit_on=day), expected_version)


@service
def mark_seen(
    db: Database,
    actor: Actor,
    intake_id: int,
    on: date | str | None,
    *,
    expected_version: int | None = None,
) -> IntakeDetail:
    """The patient came to the first visit: the intake item is closed."""
    day = v.a_date(on, "on")
    return _event(db, actor, intake_id, flow.Details(Event.SEEN, on=day), expected_version)


@service
def withdraw_intake(
    db: Database,
    actor: Actor,
    intake_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
) -> IntakeDetail:
    """The referrer withdrew (or cancelled) the referral."""
    text = _reason(reason)
    return _event(db, actor, intake_id, flow.Details(Event.WITHDRAW, reason=text), expected_version)


@service
def decline_intake(
    db: Database,
    actor: Actor,
    intake_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
) -> IntakeDetail:
    """Decline the referral and keep the reply letter to the referrer (PDF, with its SHA-256).

    Raises:
        ValidationError: No reason.
        IllegalTransition: The item is not waiting for triage.
    """
    text = _reason(reason)
    require(actor, Action.READ_INTAKE)
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(IntakeReferral, intake_id, ENTITY)
        _move(uow.session, actor, row, flow.Details(Event.DECLINE, reason=text), expected_version)
        pdf = reply_pdf(uow.session, actor, row)
        row.reply_letter = pdf
        row.reply_letter_sha256 = hashlib.sha256(pdf).hexdigest()
        uow.commit(row, ENTITY)
        return detail_of(actor, row, today())


@service
def reply_letter(db: Database, actor: Actor, intake_id: int) -> bytes:
    """The decline letter exactly as it was made, to print, save or send (audited print)."""
    require(actor, Action.READ_INTAKE)
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(IntakeReferral, intake_id, ENTITY)
        require(actor, Action.PRINT, row.category)
        if row.reply_letter is None:
            raise ValidationError("reply_letter", "this referral was not declined with a letter")
        uow.audit("print", ENTITY, row.id, category=row.category, detail="reply letter")
        uow.commit()
        return row.reply_letter


# ---------------------------------------------------------------------------- accept
class PatientMatch(CareCoordError):
    """Registered patients have the referral's names and birth date: link only on confirmation."""

    def __init__(self, matches: list[PatientSummary]) -> None:
        listed = "; ".join(f"{m.display_name} (MRN {m.mrn})" for m in matches[:5])
        super().__init__(
            f"A registered patient has the same name and date of birth: {listed}. "
            "Confirm to link the referral to that chart."
        )
        self.matches = matches


def _patient_values(row: IntakeReferral) -> dict[str, Any]:
    data = patients.PatientInput(
        family_name=row.family_name,
        given_name=row.given_name,
        middle_name=row.middle_name,
        date_of_birth=row.date_of_birth,
        sex=row.sex,
        phone=row.phone,
    )
    return patients.validate(data)


def _link(
    session: Session,
    actor: Actor,
    row: IntakeReferral,
    link_patient_id: int | None,
    confirm_link: bool,
    register_new: bool,
) -> Patient:
    if link_patient_id is not None:
        return load(session, Patient, link_patient_id, "Patient")
    values = _patient_values(row)
    matches = patients.duplicates_of(session, values)
    if matches and not register_new:
        if not confirm_link:
            raise PatientMatch(matches)
        if len(matches) > 1:
            raise ValidationError("link_patient_id", "several patients match: choose one")
        return load(session, Patient, matches[0].id, "Patient")
    require(actor, Action.EDIT_DEMOGRAPHICS)
    return patients.register(session, actor, values, allow_duplicate=True)


def _coordinator(session: Session, member_id: int | None) -> TeamMember:
    if member_id is None:
        raise ValidationError("coordinating_member_id", "choose the coordinating physician")
    member = session.get(TeamMember, member_id) if is_record_id(member_id) else None
    if member is None or not member.active:
        raise ValidationError("coordinating_member_id", "is not an active team member")
    return member


@service
def accept_intake(
    db: Database,
    actor: Actor,
    intake_id: int,
    *,
    priority: Priority | str,
    coordinating_member_id: int | None,
    expected_version: int | None = None,
    link_patient_id: int | None = None,
    confirm_link: bool = False,
    register_new: bool = False,
) -> IntakeDetail:
    """Accept with a priority: link the chart (or register the patient) and name the
    coordinating physician on the patient's care team.

    A registered patient with the same names and birth date is linked only when the user
    confirms (``confirm_link``) or chooses a chart (``link_patient_id``); ``register_new``
    registers a different person of the same name.

    Raises:
        PatientMatch: Look-alike patients exist and nothing was confirmed.
        ValidationError: Unknown priority, no coordinating physician.
    """
    level = v.choice(priority, Priority, "priority")
    require(actor, Action.READ_INTAKE)
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(IntakeReferral, intake_id, ENTITY)
        require(actor, Action.TRIAGE_INTAKE, row.category)
        check_version(row, expected_version, ENTITY)
        member = _coordinator(uow.session, coordinating_member_id)
        details = flow.Details(Event.ACCEPT, priority=level)
        flow.apply(
            _facts(row), details, today(), load_settings(uow.session).workflow
        )  # refuse early
        patient = _link(uow.session, actor, row, link_patient_id, confirm_link, register_new)
        row.patient_id = patient.id
        row.coordinating_member_id = member.id
        _move(uow.session, actor, row, details, expected_version)
        _name_coordinator(uow.session, patient.id, member.id)
        uow.commit(row, ENTITY)
        return detail_of(actor, row, today())


def _name_coordinator(session: Session, patient_id: int, member_id: int) -> None:
    """Add the coordinating physician to the care team unless the patient has one."""
    current = session.scalar(
        select(func.count())
        .select_from(CareTeamMembership)
        .where(
            CareTeamMembership.patient_id == patient_id,
            CareTeamMembership.role == CareTeamRole.COORDINATING_PHYSICIAN,
            CareTeamMembership.until.is_(None),
        )
    )
    if not current:
        session.add(
            CareTeamMembership(
                patient_id=patient_id,
                member_id=member_id,
                role=CareTeamRole.COORDINATING_PHYSICIAN,
                since=today(),
            )
        )


__all__ = [
    "IntakeDetail",
    "IntakeInput",
    "IntakeRow",
    "PatientMatch",
]
