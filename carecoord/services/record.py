"""The clinical record on a chart: diagnoses, medications, allergies, headache profile."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecoord.clinical import allergy_status
from carecoord.clinical import headache as headache_rules
from carecoord.clinical.vocabulary import AllergySeverity, DataCategory, HeadacheType
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import (
    Allergy,
    Diagnosis,
    HeadacheProfile,
    Medication,
    NoKnownAllergies,
    Patient,
    utcnow,
)
from carecoord.services import codes
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import apply, check_version, service, today
from carecoord.services.permissions import (
    Action,
    diagnosis_category,
    require,
)
from carecoord.services.record_views import (
    AllergyView,
    DiagnosisView,
    HeadacheInput,
    HeadacheView,
    MedicationInput,
    MedicationView,
    allergies_of,
    diagnosis_view,
    headache_of,
    headache_view,
    medication_view,
    validate_medication,
)

# re-exported: the chart, FHIR, monitoring and plan report read these as record.<name>
from carecoord.services.record_views import current_doses as current_doses
from carecoord.services.record_views import diagnoses_of as diagnoses_of
from carecoord.services.record_views import medications_of as medications_of
from carecoord.services.record_views import mme_summary as mme_summary
from carecoord.services.rows import add_audited
from carecoord.services.unit_of_work import UnitOfWork, unit_of_work


@service
def add_diagnosis(
    db: Database,
    actor: Actor,
    patient_id: int,
    code: str,
    *,
    onset: date | str | None = None,
    notes: str | None = None,
    part2: bool = False,
) -> DiagnosisView:
    """Add a billable ICD-10-CM diagnosis (the title comes from the code set).

    ``part2`` marks a substance-use diagnosis received from a 42 CFR Part 2 program: letters
    disclose it only with the patient's consent on file.
    """
    entry = codes.require_billable(code)
    category = diagnosis_category(entry.code)
    require(actor, Action.EDIT_CLINICAL, category)
    if part2 and category != DataCategory.SUBSTANCE_USE:
        raise ValidationError("part2", "only a substance-use diagnosis comes from a Part 2 program")
    started = v.a_date(onset, "onset")
    v.not_future(started, "onset", today())
    note = v.text(notes, "notes", max_length=400)
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load(Patient, patient_id, "Patient")
        v.not_before(started, patient.date_of_birth, "onset", "the date of birth")
        existing = uow.session.scalar(
            select(Diagnosis.id).where(
                Diagnosis.patient_id == patient_id,
                Diagnosis.code == entry.code,
                Diagnosis.active.is_(True),
            )
        )
        if existing is not None:
            raise ValidationError("code", f"{entry.code} is already an active diagnosis")
        row = Diagnosis(
            patient_id=patient_id,
            code=entry.code,
            title=entry.title,
            onset=started,
            notes=note,
            active=True,
            part2=bool(part2),
            updated_by=actor.username,
        )
        add_audited(
            uow,
            row,
            "Diagnosis",
            patient_id=patient_id,
            category=category,
            detail="diagnosis added",
        )
        uow.commit()
        return diagnosis_view(row)


@service
def set_diagnosis_active(
    db: Database, actor: Actor, diagnosis_id: int, active: bool, *, expected_version: int
) -> DiagnosisView:
    """Resolve (or reactivate) a diagnosis; it stays in the history."""
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(Diagnosis, diagnosis_id, "Diagnosis")
        category = diagnosis_category(row.code)
        require(actor, Action.EDIT_CLINICAL, category)
        check_version(row, expected_version, "Diagnosis")
        if row.active != active:
            row.active = active
            uow.commit_change(
                row,
                "update",
                "Diagnosis",
                patient_id=row.patient_id,
                category=category,
                detail="active" if active else "resolved",
            )
        return diagnosis_view(row)


@service
def add_medication(
    db: Database, actor: Actor, patient_id: int, data: MedicationInput
) -> MedicationView:
    values = validate_medication(data)
    require(actor, Action.EDIT_CLINICAL, values["category"])
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        row = Medication(patient_id=patient_id, updated_by=actor.username, **values)
        add_audited(uow, row, "Medication", patient_id=patient_id, category=row.category)
        uow.commit()
        return medication_view(row, actor)


def _medication_to_edit(uow: UnitOfWork, medication_id: int, expected_version: int) -> Medication:
    """The medication line an edit changes: loaded, its category's edit right checked, and
    the version the screen showed."""
    row = uow.load(Medication, medication_id, "Medication")
    assert uow.actor is not None
    require(uow.actor, Action.EDIT_CLINICAL, row.category)
    check_version(row, expected_version, "Medication")
    return row


def _save_medication(uow: UnitOfWork, row: Medication, detail: str) -> None:
    """Who changed the line, its audit record (``detail`` says what), commit."""
    uow.commit_change(
        row, "update", "Medication", patient_id=row.patient_id, category=row.category, detail=detail
    )


@service
def update_medication(
    db: Database,
    actor: Actor,
    medication_id: int,
    data: MedicationInput,
    *,
    expected_version: int,
) -> MedicationView:
    values = validate_medication(data)
    require(actor, Action.EDIT_CLINICAL, values["category"])
    with unit_of_work(db, actor, write=True) as uow:
        row = _medication_to_edit(uow, medication_id, expected_version)
        changed = apply(row, values)
        if changed:
            _save_medication(uow, row, ", ".join(changed))
        return medication_view(row, actor)


@service
def stop_medication(
    db: Database,
    actor: Actor,
    medication_id: int,
    *,
    on: date | str | None = None,
    expected_version: int,
) -> MedicationView:
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    stop = v.a_date(on, "stop_date") or today()
    with unit_of_work(db, actor, write=True) as uow:
        row = _medication_to_edit(uow, medication_id, expected_version)
        v.not_before(stop, row.start_date, "stop_date", "the start date")
        row.stop_date = stop
        _save_medication(uow, row, "stopped")
        return medication_view(row, actor)


@service
def add_allergy(
    db: Database,
    actor: Actor,
    patient_id: int,
    substance: str,
    *,
    reaction: str | None = None,
    severity: AllergySeverity | str = AllergySeverity.UNKNOWN,
    clear_no_known_allergies: bool = False,
) -> AllergyView:
    """Add an allergy or intolerance.

    On a chart that says "no known allergies" the caller must pass
    ``clear_no_known_allergies=True`` (the person was asked and agreed): the confirmation
    is then removed in the same transaction, audited, so the chart never says both.
    """
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    values = {
        "substance": v.required_text(substance, "substance", max_length=120),
        "reaction": v.text(reaction, "reaction", max_length=200),
        "severity": v.choice(severity, AllergySeverity, "severity"),
    }
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        duplicate = uow.session.scalar(
            select(Allergy.id).where(
                Allergy.patient_id == patient_id, Allergy.substance == values["substance"]
            )
        )
        if duplicate is not None:
            raise ValidationError("substance", f"{values['substance']} is already recorded")
        confirmed = _no_known_row(uow.session, patient_id)
        if confirmed is not None:
            if not clear_no_known_allergies:
                raise ValidationError(
                    allergy_status.CLEAR_FIELD,
                    "this chart says no known allergies (confirmed by "
                    f"{confirmed.confirmed_by_name} on {confirmed.confirmed_on.isoformat()}): "
                    "confirm that recording an allergy clears that",
                )
            _delete_no_known(uow, confirmed, "no known allergies cleared: an allergy was recorded")
        row = Allergy(patient_id=patient_id, updated_by=actor.username, **values)
        add_audited(uow, row, "Allergy", patient_id=patient_id)
        uow.commit()
        return AllergyView(
            row.id, patient_id, row.substance, row.reaction, row.severity, row.version
        )


@service
def remove_allergy(
    db: Database,
    actor: Actor,
    allergy_id: int,
    *,
    expected_version: int,
    confirm_no_known_allergies: bool = False,
) -> None:
    """Delete an allergy entered in error (audited).

    Removing the last allergy leaves the chart "not yet asked", never "no known
    allergies": an entry made in error says nothing about what the patient told us.
    ``confirm_no_known_allergies=True`` records that the patient confirmed none are
    known, in the same transaction; it is refused while other allergies remain.
    """
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load_for_change(Allergy, allergy_id, "Allergy", expected_version)
        patient_id = row.patient_id
        uow.audit(
            "delete",
            "Allergy",
            row.id,
            patient_id=patient_id,
            detail="allergy removed (entered in error)",
        )
        uow.session.delete(row)
        if confirm_no_known_allergies:
            uow.session.flush()
            _confirm_no_known(uow, patient_id)
        uow.commit()


ALLERGY_STATUS = "Allergy status"


def _no_known_row(session: Session, patient_id: int) -> NoKnownAllergies | None:
    return session.scalar(select(NoKnownAllergies).where(NoKnownAllergies.patient_id == patient_id))


def _confirm_no_known(uow: UnitOfWork, patient_id: int) -> NoKnownAllergies:
    """Record (or renew) the confirmation in the caller's unit; refused while allergies
    are listed."""
    listed = uow.session.scalar(
        select(func.count()).select_from(Allergy).where(Allergy.patient_id == patient_id)
    )
    if listed:
        raise ValidationError(
            allergy_status.CONFIRM_FIELD,
            f"the chart lists {listed} allerg{'y' if listed == 1 else 'ies'}: remove any "
            "entered in error before confirming no known allergies",
        )
    row = _no_known_row(uow.session, patient_id)
    action = "update" if row is not None else "create"
    if row is None:
        row = NoKnownAllergies(patient_id=patient_id)
        uow.session.add(row)
    actor = uow.actor
    assert actor is not None
    row.confirmed_by = actor.username
    row.confirmed_by_name = actor.display_name
    row.confirmed_on = today()
    row.confirmed_at = utcnow()
    uow.session.flush()
    uow.audit(
        action,
        ALLERGY_STATUS,
        row.id,
        patient_id=patient_id,
        detail="no known allergies confirmed" + (" again" if action == "update" else ""),
    )
    return row


@service
def confirm_no_known_allergies(
    db: Database, actor: Actor, patient_id: int
) -> allergy_status.AllergyStatus:
    """Record that the patient confirmed having no known allergies (who, today).

    Confirming again renews who and when (asked again at a later visit). Refused, naming
    ``confirm_no_known_allergies``, while the chart lists any allergy.
    """
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        _confirm_no_known(uow, patient_id)
        uow.commit()
        return allergy_status_of(uow.session, patient_id)


@service
def withdraw_no_known_allergies(
    db: Database, actor: Actor, patient_id: int
) -> allergy_status.AllergyStatus:
    """Take back a "no known allergies" confirmed in error: the chart is "not yet asked"."""
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        row = _no_known_row(uow.session, patient_id)
        if row is None:
            raise ValidationError(
                allergy_status.CONFIRM_FIELD, "this chart does not say no known allergies"
            )
        _delete_no_known(uow, row, "no known allergies withdrawn (confirmed in error)")
        uow.commit()
        return allergy_status_of(uow.session, patient_id)


def _delete_no_known(uow: UnitOfWork, row: NoKnownAllergies, why: str) -> None:
    """Take a chart's "no known allergies" away (the chart is "not yet asked"), audited."""
    uow.audit("delete", ALLERGY_STATUS, row.id, patient_id=row.patient_id, detail=why)
    uow.session.delete(row)


def allergy_status_of(
    session: Session, patient_id: int, allergies: Sequence[AllergyView] | None = None
) -> allergy_status.AllergyStatus:
    """The chart's allergy state (clinical/allergy_status.py) read in ``session``; pass
    ``allergies`` when already read."""
    listed = allergies_of(session, patient_id) if allergies is None else allergies
    items = [allergy_status.AllergyItem(a.substance, a.reaction, a.severity.label) for a in listed]
    row = _no_known_row(session, patient_id)
    confirmation = (
        allergy_status.Confirmation(row.confirmed_by_name, row.confirmed_on) if row else None
    )
    return allergy_status.derive(items, confirmation)


@service
def save_headache_profile(
    db: Database,
    actor: Actor,
    patient_id: int,
    data: HeadacheInput,
    *,
    expected_version: int | None = None,
) -> HeadacheView:
    """Create or update the patient's headache profile (docs/clinical-reference.md §6).

    Acute-medication days may exceed headache days (they are counted differently);
    no drug class may have more days than the acute-medication total.
    """
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    by_class = data.days_by_class()
    headache_rules.validate_profile(
        data.attacks_per_month,
        data.headache_days_per_month,
        data.acute_medication_days_per_month,
        by_class,
    )
    flags = None if data.red_flags is None else headache_rules.red_flags(data.red_flags)
    values = {
        "headache_type": v.choice(data.headache_type, HeadacheType, "headache_type"),
        "attacks_per_month": data.attacks_per_month,
        "headache_days_per_month": data.headache_days_per_month,
        "acute_medication_days_per_month": data.acute_medication_days_per_month,
        **{c.field: days for c, days in by_class.items()},
        "red_flags": None if flags is None else [f.value for f in flags],
        "with_aura": v.flag(data.with_aura, "with_aura"),
        "triggers": v.text(data.triggers, "triggers", max_length=400),
        "notes": v.text(data.notes, "notes", max_length=4000, multiline=True),
    }
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        row = uow.session.scalar(
            select(HeadacheProfile).where(HeadacheProfile.patient_id == patient_id)
        )
        if row is None:
            row = HeadacheProfile(patient_id=patient_id, **values)
            uow.session.add(row)
            action = "create"
        else:
            check_version(row, expected_version, "Headache profile")
            apply(row, values)
            action = "update"
        row.recorded_at = utcnow()
        row.updated_by = actor.username
        uow.session.flush()
        uow.audit(action, "Headache profile", row.id, patient_id=patient_id)
        uow.commit(row, "Headache profile")
        return headache_view(row)


@service
def get_headache_profile(db: Database, actor: Actor, patient_id: int) -> HeadacheView | None:
    """The patient's headache profile, or None (an audited read of clinical data)."""
    require(actor, Action.READ_CLINICAL, DataCategory.GENERAL)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        profile = headache_of(uow.session, patient_id)
        uow.audit_read(
            "Headache profile",
            profile.id if profile else None,
            patient_id=patient_id,
        )
        return profile
