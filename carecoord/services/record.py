"""The clinical record on a chart: diagnoses, medications, allergies, headache profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecoord.clinical import allergy_status, drugs, medication_line, mme
from carecoord.clinical import headache as headache_rules
from carecoord.clinical.headache import AcuteDrugClass, RedFlag
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
from carecoord.services import audit, codes
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import apply, check_version, commit, load, service, today
from carecoord.services.permissions import (
    Action,
    diagnosis_category,
    item_category,
    masked,
    may_read,
    medication_category,
    require,
)

PSYCHOTROPIC_WORDS = (
    "sertraline",
    "duloxetine",
    "venlafaxine",
    "amitriptyline",
    "nortriptyline",
    "fluoxetine",
    "escitalopram",
    "citalopram",
    "paroxetine",
    "bupropion",
    "mirtazapine",
    "trazodone",
    "quetiapine",
    "aripiprazole",
    "lithium",
    "lamotrigine",
    "buspirone",
    "clonazepam",
    "lorazepam",
    "diazepam",
    "alprazolam",
    "desvenlafaxine",
    "milnacipran",
)
ROUTES = tuple(medication_line.ROUTES)
PSYCHOTROPIC_CLASSES = frozenset(
    {
        drugs.DrugClass.ANTIDEPRESSANT,
        drugs.DrugClass.BENZODIAZEPINE,
        drugs.DrugClass.ANTIPSYCHOTIC,
        drugs.DrugClass.SEDATIVE_HYPNOTIC,
    }
)


# -------------------------------------------------------------------------- diagnoses
@dataclass(frozen=True)
class DiagnosisView:
    id: int
    patient_id: int
    code: str
    title: str
    onset: date | None
    active: bool
    notes: str | None
    category: DataCategory
    version: int
    part2: bool = False  # received from a 42 CFR Part 2 program


def diagnosis_view(row: Diagnosis) -> DiagnosisView:
    return DiagnosisView(
        row.id,
        row.patient_id,
        row.code,
        row.title,
        row.onset,
        row.active,
        row.notes,
        diagnosis_category(row.code),
        row.version,
        bool(row.part2),
    )


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
    with db.session(write=True) as session:
        patient = load(session, Patient, patient_id, "Patient")
        v.not_before(started, patient.date_of_birth, "onset", "the date of birth")
        existing = session.scalar(
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
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "create",
            "Diagnosis",
            row.id,
            patient_id=patient_id,
            category=category,
            detail="diagnosis added",
        )
        session.commit()
        return diagnosis_view(row)


@service
def set_diagnosis_active(
    db: Database, actor: Actor, diagnosis_id: int, active: bool, *, expected_version: int
) -> DiagnosisView:
    """Resolve (or reactivate) a diagnosis; it stays in the history."""
    with db.session(write=True) as session:
        row = load(session, Diagnosis, diagnosis_id, "Diagnosis")
        category = diagnosis_category(row.code)
        require(actor, Action.EDIT_CLINICAL, category)
        check_version(row, expected_version, "Diagnosis")
        if row.active != active:
            row.active = active
            row.updated_by = actor.username
            audit.record(
                session,
                actor,
                "update",
                "Diagnosis",
                row.id,
                patient_id=row.patient_id,
                category=category,
                detail="active" if active else "resolved",
            )
            commit(session, row, "Diagnosis")
        return diagnosis_view(row)


# ------------------------------------------------------------------------ medications
@dataclass(frozen=True)
class MedicationInput:
    """A structured line as typed: route, unit and indication codes accepted in any case."""

    drug: str
    dose: float
    unit: str
    frequency: str
    route: str = "oral"
    start_date: date | str | None = None
    stop_date: date | str | None = None
    max_doses_per_day: float | None = None
    notes: str | None = None
    indication: str | None = None
    concentration_mg_per_ml: float | None = None
    category: DataCategory | str | None = None  # None: from the drug, indication and notes


@dataclass(frozen=True)
class MedicationView:
    """One stored line; ``needs_review`` says why a line that no longer validates is shown
    without a number (it never stops the chart from opening)."""

    id: int
    patient_id: int
    drug: str
    dose: float
    unit: str
    frequency: str
    frequency_label: str
    route: str
    start_date: date | None
    stop_date: date | None
    max_doses_per_day: float | None
    is_opioid: bool
    is_psychotropic: bool
    daily_mme: float | None
    mme_note: str | None
    notes: str | None
    version: int
    indication: str | None = None
    concentration_mg_per_ml: float | None = None
    needs_review: str | None = None
    category: DataCategory = DataCategory.GENERAL

    @property
    def current(self) -> bool:
        return self.stop_date is None or self.stop_date >= today()

    @property
    def route_label(self) -> str:
        return medication_line.route_label(self.route)

    @property
    def dose_label(self) -> str:
        """ "10 mg", "5 mL (10 mg/mL)", "25 mcg/h"."""
        text = f"{self.dose:g} {self.unit}"
        if self.concentration_mg_per_ml is not None:
            text += f" ({self.concentration_mg_per_ml:g} mg/mL)"
        return text

    @property
    def indication_label(self) -> str:
        return medication_line.INDICATIONS.get(self.indication or "", self.indication or "")

    def dose_line(self) -> mme.MedicationDose:
        """The line as the pure MME and safety rules take it."""
        return mme.MedicationDose(
            self.drug,
            self.dose,
            self.frequency,
            self.max_doses_per_day,
            unit=self.unit,
            route=self.route,
            indication=self.indication,
            concentration_mg_per_ml=self.concentration_mg_per_ml,
        )


def _psychotropic(drug: str) -> bool:
    if drugs.drug_class_of(drug) & PSYCHOTROPIC_CLASSES:
        return True
    return any(w in drug.lower() for w in PSYCHOTROPIC_WORDS)


def _review(line: mme.MedicationDose, opioid: bool) -> str | None:
    """Why a stored line needs review (it would be refused at entry today), or None."""
    try:
        _, route, _ = mme.check_line(line, opioid=opioid)
    except ValidationError as error:
        return f"{error.field.replace('_', ' ')}: {error.message}"
    if route == medication_line.UNKNOWN_ROUTE:
        return "route not recorded"
    return None


def _safe_label(frequency: str) -> str:
    try:
        return mme.frequency_label(frequency)
    except ValidationError:
        return f"{frequency} (unknown frequency)"


def medication_view(row: Medication, actor: Actor) -> MedicationView:
    """The view of one stored row, its notes masked for a role that may not read its
    category; never raises for data that no longer validates."""
    view = MedicationView(
        id=row.id,
        patient_id=row.patient_id,
        drug=row.drug,
        dose=row.dose,
        unit=row.unit,
        frequency=row.frequency,
        frequency_label=_safe_label(row.frequency),
        route=row.route,
        start_date=row.start_date,
        stop_date=row.stop_date,
        max_doses_per_day=row.max_doses_per_day,
        is_opioid=mme.is_opioid(row.drug),
        is_psychotropic=row.is_psychotropic or _psychotropic(row.drug),
        daily_mme=None,
        mme_note=None,
        notes=masked(actor, row.category, row.notes),
        version=row.version,
        indication=row.indication,
        concentration_mg_per_ml=row.concentration_mg_per_ml,
        category=row.category,
    )
    line = view.dose_line()
    summary = mme.total_mme([line])
    daily, note = None, None
    if summary.lines:
        daily = summary.lines[0][1]
    elif summary.not_converted:
        note = summary.not_converted[0].note
    elif summary.problems:
        note = "not counted (needs review)"
    review = _review(line, view.is_opioid)
    return replace(view, daily_mme=daily, mme_note=note, needs_review=review)


def _frequency(value: object) -> str:
    frequency = v.required_text(value, "frequency", max_length=20).lower()
    if frequency not in mme.FREQUENCY_LABELS:
        raise ValidationError("frequency", "must be one of: " + ", ".join(mme.FREQUENCY_LABELS))
    return frequency


def _route(value: object) -> str:
    route = medication_line.route_code(v.required_text(value, "route", max_length=30))
    if route == medication_line.UNKNOWN_ROUTE:
        raise ValidationError("route", "choose the route the medication is given by")
    return route


def validate_medication(data: MedicationInput) -> dict[str, Any]:
    """Check a line as entered; the error names the field and the rule.

    Refused: an unknown unit, route, frequency or indication; a unit that does not fit
    the route (mcg/h by mouth); a patch or rate without "continuous"; "continuous"
    without an hourly unit; an opioid in mL without its concentration; an as-needed
    line without its maximum doses per day.
    """
    errors = v.Collector()  # every field's error at once; the line's rules need them all
    drug = errors.check(lambda: v.required_text(data.drug, "drug", max_length=120))
    dose = errors.check(
        lambda: v.number(data.dose, "dose", minimum=0, maximum=100_000, required=True)
    )
    if dose is None and not errors.failed("dose"):
        errors.add("dose", "is required")
    unit = errors.check(
        lambda: medication_line.unit_code(v.required_text(data.unit, "unit", max_length=20))
    )
    frequency = errors.check(lambda: _frequency(data.frequency))
    route = errors.check(lambda: _route(data.route))
    indication = errors.check(lambda: medication_line.indication_code(data.indication))
    max_doses = errors.check(
        lambda: v.number(data.max_doses_per_day, "max_doses_per_day", minimum=0.1, maximum=48)
    )
    concentration = errors.check(
        lambda: v.number(
            data.concentration_mg_per_ml, "concentration_mg_per_ml", minimum=0.001, maximum=10_000
        )
    )
    if unit != "mL":
        concentration = None
    start = errors.check(lambda: v.a_date(data.start_date, "start_date"))
    stop = errors.check(lambda: v.a_date(data.stop_date, "stop_date"))
    errors.check(lambda: v.not_before(stop, start, "stop_date", "the start date"))
    notes_checked = errors.check(lambda: v.text(data.notes, "notes", max_length=400))
    errors.raise_any()
    assert drug is not None and dose is not None and unit is not None
    assert frequency is not None and route is not None
    is_opioid = mme.is_opioid(drug)
    mme.check_line(
        mme.MedicationDose(
            drug,
            dose,
            frequency,
            max_doses,
            unit=unit,
            route=route,
            indication=indication,
            concentration_mg_per_ml=concentration,
        ),
        opioid=is_opioid,
    )
    notes = notes_checked
    default_category = medication_category(
        drug, notes, medication_line.INDICATIONS.get(indication or "")
    )
    return {
        "drug": drug,
        "dose": dose,
        "unit": unit,
        "frequency": frequency,
        "route": route,
        "max_doses_per_day": max_doses,
        "start_date": start,
        "stop_date": stop,
        "is_opioid": is_opioid,
        "is_psychotropic": _psychotropic(drug),
        "notes": notes,
        "indication": indication,
        "concentration_mg_per_ml": concentration,
        "category": item_category(data.category, default_category),
    }


@service
def add_medication(
    db: Database, actor: Actor, patient_id: int, data: MedicationInput
) -> MedicationView:
    values = validate_medication(data)
    require(actor, Action.EDIT_CLINICAL, values["category"])
    with db.session(write=True) as session:
        load(session, Patient, patient_id, "Patient")
        row = Medication(patient_id=patient_id, updated_by=actor.username, **values)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "create",
            "Medication",
            row.id,
            patient_id=patient_id,
            category=row.category,
        )
        session.commit()
        return medication_view(row, actor)


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
    with db.session(write=True) as session:
        row = load(session, Medication, medication_id, "Medication")
        require(actor, Action.EDIT_CLINICAL, row.category)
        check_version(row, expected_version, "Medication")
        changed = apply(row, values)
        if changed:
            row.updated_by = actor.username
            audit.record(
                session,
                actor,
                "update",
                "Medication",
                row.id,
                patient_id=row.patient_id,
                category=row.category,
                detail=", ".join(changed),
            )
            commit(session, row, "Medication")
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
    with db.session(write=True) as session:
        row = load(session, Medication, medication_id, "Medication")
        require(actor, Action.EDIT_CLINICAL, row.category)
        check_version(row, expected_version, "Medication")
        v.not_before(stop, row.start_date, "stop_date", "the start date")
        row.stop_date = stop
        row.updated_by = actor.username
        audit.record(
            session,
            actor,
            "update",
            "Medication",
            row.id,
            patient_id=row.patient_id,
            category=row.category,
            detail="stopped",
        )
        commit(session, row, "Medication")
        return medication_view(row, actor)


def current_doses(medications: Sequence[MedicationView]) -> list[mme.MedicationDose]:
    """The current lines as the pure MME and opioid-safety rules take them."""
    return [m.dose_line() for m in medications if m.current]


def mme_summary(medications: Sequence[MedicationView]) -> mme.MmeSummary:
    """Total daily MME of the current lines; never raises (bad lines are listed)."""
    return mme.total_mme(current_doses(medications))


# -------------------------------------------------------------------------- allergies
@dataclass(frozen=True)
class AllergyView:
    id: int
    patient_id: int
    substance: str
    reaction: str | None
    severity: AllergySeverity
    version: int


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
    with db.session(write=True) as session:
        load(session, Patient, patient_id, "Patient")
        duplicate = session.scalar(
            select(Allergy.id).where(
                Allergy.patient_id == patient_id, Allergy.substance == values["substance"]
            )
        )
        if duplicate is not None:
            raise ValidationError("substance", f"{values['substance']} is already recorded")
        confirmed = _no_known_row(session, patient_id)
        if confirmed is not None:
            if not clear_no_known_allergies:
                raise ValidationError(
                    allergy_status.CLEAR_FIELD,
                    "this chart says no known allergies (confirmed by "
                    f"{confirmed.confirmed_by_name} on {confirmed.confirmed_on.isoformat()}): "
                    "confirm that recording an allergy clears that",
                )
            audit.record(
                session,
                actor,
                "delete",
                ALLERGY_STATUS,
                confirmed.id,
                patient_id=patient_id,
                detail="no known allergies cleared: an allergy was recorded",
            )
            session.delete(confirmed)
        row = Allergy(patient_id=patient_id, updated_by=actor.username, **values)
        session.add(row)
        session.flush()
        audit.record(session, actor, "create", "Allergy", row.id, patient_id=patient_id)
        session.commit()
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
    with db.session(write=True) as session:
        row = load(session, Allergy, allergy_id, "Allergy")
        check_version(row, expected_version, "Allergy")
        patient_id = row.patient_id
        audit.record(
            session,
            actor,
            "delete",
            "Allergy",
            row.id,
            patient_id=patient_id,
            detail="allergy removed (entered in error)",
        )
        session.delete(row)
        if confirm_no_known_allergies:
            session.flush()
            _confirm_no_known(session, actor, patient_id)
        session.commit()


ALLERGY_STATUS = "Allergy status"


def _no_known_row(session: Session, patient_id: int) -> NoKnownAllergies | None:
    return session.scalar(select(NoKnownAllergies).where(NoKnownAllergies.patient_id == patient_id))


def _confirm_no_known(session: Session, actor: Actor, patient_id: int) -> NoKnownAllergies:
    """Record (or renew) the confirmation in ``session``; refused while allergies are listed."""
    listed = session.scalar(
        select(func.count()).select_from(Allergy).where(Allergy.patient_id == patient_id)
    )
    if listed:
        raise ValidationError(
            allergy_status.CONFIRM_FIELD,
            f"the chart lists {listed} allerg{'y' if listed == 1 else 'ies'}: remove any "
            "entered in error before confirming no known allergies",
        )
    row = _no_known_row(session, patient_id)
    action = "update" if row is not None else "create"
    if row is None:
        row = NoKnownAllergies(patient_id=patient_id)
        session.add(row)
    row.confirmed_by = actor.username
    row.confirmed_by_name = actor.display_name
    row.confirmed_on = today()
    row.confirmed_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
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
    with db.session(write=True) as session:
        load(session, Patient, patient_id, "Patient")
        _confirm_no_known(session, actor, patient_id)
        session.commit()
        return allergy_status_of(session, patient_id)


@service
def withdraw_no_known_allergies(
    db: Database, actor: Actor, patient_id: int
) -> allergy_status.AllergyStatus:
    """Take back a "no known allergies" confirmed in error: the chart is "not yet asked"."""
    require(actor, Action.EDIT_CLINICAL, DataCategory.GENERAL)
    with db.session(write=True) as session:
        load(session, Patient, patient_id, "Patient")
        row = _no_known_row(session, patient_id)
        if row is None:
            raise ValidationError(
                allergy_status.CONFIRM_FIELD, "this chart does not say no known allergies"
            )
        audit.record(
            session,
            actor,
            "delete",
            ALLERGY_STATUS,
            row.id,
            patient_id=patient_id,
            detail="no known allergies withdrawn (confirmed in error)",
        )
        session.delete(row)
        session.commit()
        return allergy_status_of(session, patient_id)


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


# ---------------------------------------------------------------------------- headache
@dataclass(frozen=True)
class HeadacheInput:
    """A headache profile as entered (docs/clinical-reference.md §6).

    Days per drug class and the red-flag screen are optional: None means "not
    recorded" / "not screened", which the overuse grading and suggestions respect.
    """

    headache_type: HeadacheType | str
    attacks_per_month: int = 0
    headache_days_per_month: int = 0
    acute_medication_days_per_month: int = 0
    with_aura: bool = False
    triggers: str | None = None
    notes: str | None = None
    triptan_days_per_month: int | None = None
    ergot_days_per_month: int | None = None
    opioid_days_per_month: int | None = None
    combination_analgesic_days_per_month: int | None = None
    simple_analgesic_days_per_month: int | None = None
    red_flags: tuple[RedFlag | str, ...] | None = None

    def days_by_class(self) -> dict[AcuteDrugClass, int | None]:
        """Acute-medication days per ICHD-3 8.2 class (None: not recorded)."""
        return {c: getattr(self, c.field) for c in AcuteDrugClass}


@dataclass(frozen=True)
class HeadacheView:
    id: int
    patient_id: int
    headache_type: HeadacheType
    with_aura: bool
    attacks_per_month: int
    headache_days_per_month: int
    acute_medication_days_per_month: int
    triggers: str | None
    notes: str | None
    overuse_risk: str
    recorded_at: datetime | None
    version: int
    days_by_class: dict[AcuteDrugClass, int | None] = field(default_factory=dict)
    overuse_reasons: tuple[str, ...] = ()
    red_flags: tuple[RedFlag, ...] | None = None
    """SNNOOP10 flags found, in published order; None when not screened."""


def headache_view(row: HeadacheProfile) -> HeadacheView:
    by_class = {c: getattr(row, c.field) for c in AcuteDrugClass}
    risk = headache_rules.overuse_risk(
        row.acute_medication_days_per_month, by_class, row.headache_days_per_month
    )
    return HeadacheView(
        row.id,
        row.patient_id,
        row.headache_type,
        row.with_aura,
        row.attacks_per_month,
        row.headache_days_per_month,
        row.acute_medication_days_per_month,
        row.triggers,
        row.notes,
        risk.level,
        row.recorded_at,
        row.version,
        by_class,
        risk.reasons,
        None if row.red_flags is None else headache_rules.red_flags(row.red_flags),
    )


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
    with db.session(write=True) as session:
        load(session, Patient, patient_id, "Patient")
        row = session.scalar(
            select(HeadacheProfile).where(HeadacheProfile.patient_id == patient_id)
        )
        if row is None:
            row = HeadacheProfile(patient_id=patient_id, **values)
            session.add(row)
            action = "create"
        else:
            check_version(row, expected_version, "Headache profile")
            apply(row, values)
            action = "update"
        row.recorded_at = utcnow()
        row.updated_by = actor.username
        session.flush()
        audit.record(session, actor, action, "Headache profile", row.id, patient_id=patient_id)
        commit(session, row, "Headache profile")
        return headache_view(row)


# --------------------------------------------------------------------- chart loaders
def diagnoses_of(session: Session, patient_id: int) -> list[DiagnosisView]:
    rows = session.scalars(
        select(Diagnosis)
        .where(Diagnosis.patient_id == patient_id)
        .order_by(Diagnosis.active.desc(), Diagnosis.id)
    )
    return [diagnosis_view(r) for r in rows]


def medications_of(session: Session, patient_id: int, *, actor: Actor) -> list[MedicationView]:
    """The medications ``actor`` may read (a line of a category the role may not read is
    left out whole, as diagnoses are: its drug alone tells the condition)."""
    rows = session.scalars(
        select(Medication).where(Medication.patient_id == patient_id).order_by(Medication.id)
    )
    return [medication_view(r, actor) for r in rows if may_read(actor, r.category)]


def allergies_of(session: Session, patient_id: int) -> list[AllergyView]:
    rows = session.scalars(
        select(Allergy).where(Allergy.patient_id == patient_id).order_by(Allergy.id)
    )
    return [
        AllergyView(r.id, r.patient_id, r.substance, r.reaction, r.severity, r.version)
        for r in rows
    ]


def headache_of(session: Session, patient_id: int) -> HeadacheView | None:
    row = session.scalar(select(HeadacheProfile).where(HeadacheProfile.patient_id == patient_id))
    return headache_view(row) if row else None


@service
def get_headache_profile(db: Database, actor: Actor, patient_id: int) -> HeadacheView | None:
    """The patient's headache profile, or None (an audited read of clinical data)."""
    require(actor, Action.READ_CLINICAL, DataCategory.GENERAL)
    with db.session(write=True) as session:
        load(session, Patient, patient_id, "Patient")
        profile = headache_of(session, patient_id)
        audit.record(
            session,
            actor,
            "read",
            "Headache profile",
            profile.id if profile else None,
            patient_id=patient_id,
        )
        session.commit()
        return profile
