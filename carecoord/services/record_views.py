"""The patient record as the chart and the letters read it: views, the medication line's
validation, and the loaders of each clinical area (diagnoses, medications, allergies,
headache profile).

The audited use cases that change these live in :mod:`carecoord.services.record`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecoord.clinical import drugs, medication_line, mme
from carecoord.clinical import headache as headache_rules
from carecoord.clinical.headache import AcuteDrugClass, RedFlag
from carecoord.clinical.vocabulary import AllergySeverity, DataCategory, HeadacheType
from carecoord.errors import ValidationError
from carecoord.models import (
    Allergy,
    Diagnosis,
    HeadacheProfile,
    Medication,
)
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import today
from carecoord.services.permissions import (
    PSYCHIATRIC_DRUGS,
    diagnosis_category,
    item_category,
    masked,
    may_read,
    medication_category,
)
from carecoord.services.rows import view_from

PSYCHOTROPIC_WORDS = (
    *PSYCHIATRIC_DRUGS,
    "duloxetine",
    "venlafaxine",
    "desvenlafaxine",
    "milnacipran",
    "amitriptyline",
    "nortriptyline",
    "trazodone",
    "lamotrigine",
    "clonazepam",
    "diazepam",
)
"""Drug names that make a medication psychotropic: the psychiatric-only drugs and those
with another use too (pain, sleep, muscle spasm)."""
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
    return view_from(
        DiagnosisView, row, category=diagnosis_category(row.code), part2=bool(row.part2)
    )


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
        return mme.dose_of(self)


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
    view = view_from(
        MedicationView,
        row,
        frequency_label=_safe_label(row.frequency),
        is_opioid=mme.is_opioid(row.drug),
        is_psychotropic=row.is_psychotropic or _psychotropic(row.drug),
        daily_mme=None,
        mme_note=None,
        notes=masked(actor, row.category, row.notes),
        needs_review=None,
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
