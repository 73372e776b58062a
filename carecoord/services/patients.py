"""Patients: register, edit, warn about duplicates, discharge (finding them: patient_search)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carecoord.clinical.vocabulary import AdministrativeSex, PatientStatus
from carecoord.db import Database
from carecoord.errors import CareCoordError, ValidationError
from carecoord.models import Patient
from carecoord.services import audit
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import apply, moved_names, service, today
from carecoord.services.permissions import Action, require
from carecoord.services.rows import view_from
from carecoord.services.unit_of_work import UnitOfWork, unit_of_work

ENTITY = "Patient"
MRN_RE = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,31}$")
US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_AGE_YEARS = 130


@dataclass(frozen=True)
class PatientInput:
    """What a person types on the patient form."""

    family_name: str
    given_name: str
    date_of_birth: date | str | None
    sex: AdministrativeSex | str = AdministrativeSex.UNKNOWN
    middle_name: str | None = None
    mrn: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    preferred_language: str | None = None
    insurance_payer: str | None = None
    insurance_member_id: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class PatientSummary:
    """One row of a patient list."""

    id: int
    mrn: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: AdministrativeSex
    status: PatientStatus
    phone: str | None

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    def age(self, on: date | None = None) -> int:
        return age_on(self.date_of_birth, on or today())


@dataclass(frozen=True)
class PatientDetail(PatientSummary):
    middle_name: str | None
    email: str | None
    address: str | None
    preferred_language: str | None
    insurance_payer: str | None
    insurance_member_id: str | None
    discharged_on: date | None
    discharge_reason: str | None
    notes: str | None
    version: int
    updated_by: str | None
    updated_at: datetime


class PossibleDuplicate(CareCoordError):
    """Patients with the same names and date of birth exist; ask before saving."""

    def __init__(self, matches: list[PatientSummary]) -> None:
        listed = "; ".join(f"{m.display_name} (MRN {m.mrn})" for m in matches[:5])
        super().__init__(f"A patient with the same name and date of birth exists: {listed}")
        self.matches = matches


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def summary_of(row: Patient) -> PatientSummary:
    return view_from(PatientSummary, row)


def detail_of(row: Patient) -> PatientDetail:
    return view_from(PatientDetail, row)


def validate(data: PatientInput, *, on: date | None = None) -> dict[str, Any]:
    """The column values for ``data``; ValidationError(s) naming every bad field at once,
    so the form shows all of them on one save."""
    now = on or today()
    errors = v.Collector()
    family = errors.check(lambda: v.required_text(data.family_name, "family_name", max_length=80))
    given = errors.check(lambda: v.required_text(data.given_name, "given_name", max_length=80))
    if family is not None and not v.search_key(family):
        errors.add("family_name", "must contain letters or digits")
    if given is not None and not v.search_key(given):
        errors.add("given_name", "must contain letters or digits")
    born = errors.check(lambda: _birth_date(data.date_of_birth, now))
    mrn = errors.check(lambda: _mrn(data.mrn))
    values = {
        "middle_name": lambda: v.text(data.middle_name, "middle_name", max_length=80),
        "sex": lambda: v.choice(data.sex, AdministrativeSex, "sex"),
        "phone": lambda: v.phone(data.phone),
        "email": lambda: v.email(data.email),
        "address": lambda: v.text(data.address, "address", max_length=400, multiline=True),
        "preferred_language": lambda: v.text(
            data.preferred_language, "preferred_language", max_length=40
        ),
        "insurance_payer": lambda: v.text(data.insurance_payer, "insurance_payer", max_length=120),
        "insurance_member_id": lambda: v.text(
            data.insurance_member_id, "insurance_member_id", max_length=60
        ),
        "notes": lambda: v.text(data.notes, "notes", max_length=4000, multiline=True),
    }
    checked: dict[str, Any] = {name: errors.check(rule) for name, rule in values.items()}
    errors.raise_any()
    assert family is not None and given is not None and born is not None
    return {
        "family_name": family,
        "given_name": given,
        "family_key": v.search_key(family),
        "given_key": v.search_key(given),
        "date_of_birth": born,
        "mrn": mrn,
        **checked,
    }


def _birth_date(value: object, now: date) -> date:
    born = v.required_date(value, "date_of_birth")
    v.not_future(born, "date_of_birth", now)
    if age_on(born, now) > MAX_AGE_YEARS:
        raise ValidationError("date_of_birth", f"gives an age over {MAX_AGE_YEARS} years")
    return born


def _mrn(value: object) -> str | None:
    mrn = v.text(value, "mrn", max_length=32)
    if mrn is not None:
        mrn = mrn.upper()
        if not MRN_RE.match(mrn):
            raise ValidationError("mrn", "may hold only letters, digits and hyphens")
    return mrn


def _duplicates(
    session: Session, family_key: str, given_key: str, born: date, exclude_id: int | None
) -> list[PatientSummary]:
    query = select(Patient).where(
        Patient.family_key == family_key,
        Patient.given_key == given_key,
        Patient.date_of_birth == born,
    )
    if exclude_id is not None:
        query = query.where(Patient.id != exclude_id)
    return [summary_of(p) for p in session.scalars(query.limit(20))]


def _serialise_registration(session: Session, values: dict[str, Any]) -> None:
    """Let one registration of a given name and birth date check-then-insert at a time.

    PostgreSQL: a transaction-scoped advisory lock on the name key (parallel registrations
    of the same person otherwise all see "no duplicate" and all insert). SQLite writers
    already hold the database lock from ``BEGIN IMMEDIATE``.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = f"patient:{values['family_key']}|{values['given_key']}|{values['date_of_birth']}"
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


@service
def find_duplicates(
    db: Database, actor: Actor, data: PatientInput, exclude_id: int | None = None
) -> list[PatientSummary]:
    """Existing patients with the same names and date of birth (the duplicate warning)."""
    require(actor, Action.READ_DEMOGRAPHICS)
    values = validate(data)
    with unit_of_work(db, actor, write=True) as uow:
        found = _duplicates(
            uow.session,
            values["family_key"],
            values["given_key"],
            values["date_of_birth"],
            exclude_id,
        )
        uow.audit("search", ENTITY, detail=f"duplicate check, {len(found)} matches")
        uow.commit()
        return found


@service
def create_patient(
    db: Database, actor: Actor, data: PatientInput, *, allow_duplicate: bool = False
) -> PatientDetail:
    """Register a patient; an empty MRN gets the next clinic number (CC0000123).

    Raises:
        ValidationError: a field breaks a rule (nothing is written).
        PossibleDuplicate: same names and date of birth exist and ``allow_duplicate`` is off.
    """
    require(actor, Action.EDIT_DEMOGRAPHICS)
    values = validate(data)
    with unit_of_work(db, actor, write=True) as uow:
        patient = register(uow.session, actor, values, allow_duplicate=allow_duplicate)
        uow.commit()
        return detail_of(patient)


def duplicates_of(session: Session, values: dict[str, Any]) -> list[PatientSummary]:
    """Registered patients with the names and birth date of validated ``values``."""
    return _duplicates(
        session, values["family_key"], values["given_key"], values["date_of_birth"], None
    )


def register(
    session: Session, actor: Actor, values: dict[str, Any], *, allow_duplicate: bool
) -> Patient:
    """Insert a patient from :func:`validate`'s ``values`` inside the caller's transaction
    (registration and intake acceptance share it); audited, not committed.

    Raises:
        PossibleDuplicate: look-alikes exist and ``allow_duplicate`` is off.
        ValidationError: the MRN is taken.
    """
    values = dict(values)
    _serialise_registration(session, values)
    if not allow_duplicate:
        matches = duplicates_of(session, values)
        if matches:
            raise PossibleDuplicate(matches)
    wanted_mrn = values.pop("mrn")
    patient = Patient(**values, mrn=wanted_mrn or f"TMP-{uuid.uuid4().hex[:28]}")
    patient.updated_by = actor.username
    session.add(patient)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationError("mrn", f"{wanted_mrn} is already used by another patient") from None
    if not wanted_mrn:
        patient.mrn = f"CC{patient.id:07d}"
    audit.record(session, actor, "create", ENTITY, patient.id, patient_id=patient.id)
    return patient


@service
def update_patient(
    db: Database, actor: Actor, patient_id: int, data: PatientInput, *, expected_version: int
) -> PatientDetail:
    """Save edits made on a form opened at ``expected_version``.

    Raises:
        ConflictError: someone saved the patient after the form was opened.
    """
    require(actor, Action.EDIT_DEMOGRAPHICS)
    values = validate(data)
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load_for_change(Patient, patient_id, ENTITY, expected_version)
        if values["mrn"] is None:
            values.pop("mrn")
        changed = apply(patient, values)
        if changed:
            patient.updated_by = actor.username
            try:
                uow.session.flush()
            except IntegrityError:
                uow.session.rollback()
                raise ValidationError("mrn", "is already used by another patient") from None
            uow.audit(
                "update",
                ENTITY,
                patient.id,
                patient_id=patient.id,
                detail="changed: " + ", ".join(sorted(set(changed) - {"family_key", "given_key"})),
            )
            uow.commit(patient, ENTITY)
        return detail_of(patient)


@service
def get_patient(db: Database, actor: Actor, patient_id: int) -> PatientDetail:
    """One patient's demographics (an audited read)."""
    require(actor, Action.READ_DEMOGRAPHICS)
    with unit_of_work(db, actor) as uow:
        patient = uow.load(Patient, patient_id, ENTITY)
        uow.audit_read(ENTITY, patient.id, patient_id=patient.id)
        return detail_of(patient)


@service
def discharge_patient(
    db: Database,
    actor: Actor,
    patient_id: int,
    *,
    on: date | str | None,
    reason: str | None,
    expected_version: int,
) -> PatientDetail:
    """Mark a patient discharged; their record stays searchable."""
    require(actor, Action.EDIT_DEMOGRAPHICS)
    when = v.required_date(on, "discharged_on")
    why = v.required_text(reason, "discharge_reason", max_length=400)
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load_for_change(Patient, patient_id, ENTITY, expected_version)
        if patient.status == PatientStatus.DISCHARGED:
            raise ValidationError("status", "the patient is already discharged")
        v.not_before(when, patient.date_of_birth, "discharged_on", "the date of birth")
        v.not_future(when, "discharged_on", today())
        return _set_status(uow, actor, patient, PatientStatus.DISCHARGED, when, why, "discharge")


@service
def readmit_patient(
    db: Database, actor: Actor, patient_id: int, *, expected_version: int
) -> PatientDetail:
    """Return a discharged patient to active care."""
    require(actor, Action.EDIT_DEMOGRAPHICS)
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load_for_change(Patient, patient_id, ENTITY, expected_version)
        if patient.status == PatientStatus.ACTIVE:
            raise ValidationError("status", "the patient is already active")
        return _set_status(uow, actor, patient, PatientStatus.ACTIVE, None, None, "readmit")


def _set_status(
    uow: UnitOfWork,
    actor: Actor,
    patient: Patient,
    status: PatientStatus,
    discharged_on: date | None,
    reason: str | None,
    action: str,
) -> PatientDetail:
    """Move the patient in or out of active care (a discharge keeps its date and reason),
    audited as ``action``; commit."""
    patient.status = status
    patient.discharged_on = discharged_on
    patient.discharge_reason = reason
    uow.commit_change(patient, action, ENTITY, patient_id=patient.id)
    return detail_of(patient)


__all__ = [
    "PatientDetail",
    "PatientInput",
    "PatientSummary",
    "PossibleDuplicate",
    "create_patient",
    "discharge_patient",
    "duplicates_of",
    "find_duplicates",
    "get_patient",
    "readmit_patient",
    "register",
    "update_patient",
]

# The search moved to services/patient_search.py; its names are still found here.
__getattr__ = moved_names(
    __name__,
    "carecoord.services.patient_search",
    "SearchQuery",
    "parse_search",
    "ORDER",
    "SearchAudit",
    "flush_search_audit",
    "search_patients",
    "SUMMARY_COLUMNS",
    "FAMILY",
    "GIVEN",
    "FAMILY_B",
    "GIVEN_B",
    "SearchCursor",
    "SearchPage",
    "search_page",
    "KEYSET_ORDER",
    "MRN_ORDER",
    "count_patients",
)
