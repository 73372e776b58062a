"""The plain data of a referral letter: what the renderer prints, nothing it must look up.

Every field is already chosen (permissions, the referrer's ticks) and already worded, so
the renderer stays a pure function and tests can build a letter without a database. A
section that is ``None`` was left out of the letter; an empty tuple means "none recorded".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carecoord.clinical.pain_map import PainMark, RegionPain

URGENT_PRIORITIES = frozenset({"urgent", "asap", "stat"})


@dataclass(frozen=True)
class Letterhead:
    """The clinic as it prints at the top of every letter."""

    name: str
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    logo_png: bytes | None = None


@dataclass(frozen=True)
class Recipient:
    """The specialist the letter is addressed to (or the discipline when none is chosen)."""

    name: str
    credentials: str | None = None
    discipline: str = ""
    specialty: str | None = None
    organisation: str | None = None
    address: str | None = None
    phone: str | None = None
    fax: str | None = None
    salutation: str = "Dear colleague,"


@dataclass(frozen=True)
class PatientIdentification:
    """Enough to identify the patient without doubt at the specialist's office."""

    name: str
    date_of_birth: date
    mrn: str
    sex: str
    phone: str | None = None
    insurance_payer: str | None = None
    insurance_member_id: str | None = None


@dataclass(frozen=True)
class Urgency:
    """FHIR priority (value and label) and, when not routine, why."""

    priority: str
    label: str
    reason: str | None = None

    @property
    def prominent(self) -> bool:
        """Urgent, ASAP and STAT get a coloured box the reader cannot miss."""
        return self.priority in URGENT_PRIORITIES


@dataclass(frozen=True)
class DiagnosisLine:
    code: str
    title: str
    onset: date | None = None
    active: bool = True
    note: str | None = None


@dataclass(frozen=True)
class MedicationLine:
    """One prescription line; ``daily_mme`` for converted opioids, ``mme_note`` otherwise."""

    drug: str
    dose: str
    frequency: str
    route: str
    is_opioid: bool = False
    daily_mme: float | None = None
    mme_note: str | None = None


@dataclass(frozen=True)
class MmeTotal:
    """Total daily MME of the opioids listed, the unconverted ones named, and the advice.

    ``display`` is the wording of ``carecoord.clinical.mme.format_total`` (says
    "incomplete" and never "0 MME/day" when an opioid was left out).
    """

    total: float
    not_converted: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()
    display: str | None = None


@dataclass(frozen=True)
class AllergyLine:
    substance: str
    reaction: str | None = None
    severity: str = "Unknown"


@dataclass(frozen=True)
class ScoreLine:
    """One outcome score: instrument label, date, total as printed, band, and a flag note."""

    instrument: str
    taken_on: date
    score: str
    interpretation: str
    flag: str | None = None


@dataclass(frozen=True)
class ResultLine:
    """One monitoring result as printed: what, when, the value with its unit, the
    reference range and a flag (out of range, unexpected screen, PDMP concerns)."""

    test: str
    taken_on: date
    value: str
    reference: str = ""
    flag: str | None = None


@dataclass(frozen=True)
class AuthorizationDetails:
    outcome: str
    payer: str | None = None
    member_id: str | None = None
    number: str | None = None
    provider: str | None = None
    service: str | None = None
    visits_authorized: int | None = None
    visits_used: int = 0
    valid_from: date | None = None
    valid_to: date | None = None
    denial_reason: str | None = None


@dataclass(frozen=True)
class GoalLine:
    axis: str
    description: str
    measure: str
    baseline: float | None = None
    target: float | None = None
    review_on: date | None = None


@dataclass(frozen=True)
class ActivityLine:
    """One activity of the active treatment plan, any modality, any discipline."""

    modality: str
    description: str
    status: str
    start_on: date | None = None
    end_on: date | None = None
    responsible: str | None = None
    sessions: str | None = None


@dataclass(frozen=True)
class PlanOfTreatment:
    """C-CDA's Plan of Treatment: the active plan's goals and activities."""

    title: str | None
    goals: tuple[GoalLine, ...]
    activities: tuple[ActivityLine, ...]
    review_on: date | None = None


@dataclass(frozen=True)
class RehabilitationEmphasis:
    """Rehabilitation wants to know how pain limits function (the goals are in the plan)."""

    functional_limits: tuple[str, ...]


@dataclass(frozen=True)
class PsychiatryEmphasis:
    """Psychiatry wants mood scores, risk flags (PHQ-9 item 9) and current psychotropics."""

    mood_scores: tuple[ScoreLine, ...]
    risk_flags: tuple[str, ...]
    psychotropics: tuple[MedicationLine, ...]


@dataclass(frozen=True)
class HeadacheEmphasis:
    """Neurology wants the ICHD-3 type, frequency, triggers and medication-overuse risk."""

    headache_type: str
    with_aura: bool
    attacks_per_month: int
    headache_days_per_month: int
    acute_medication_days_per_month: int
    overuse_risk: str
    triggers: str | None = None


@dataclass(frozen=True)
class PainDrawingPrint:
    """A pain drawing as printed: the marks on the body diagram and the regions they name."""

    drawn_on: date
    marks: tuple[PainMark, ...]
    regions: tuple[RegionPain, ...]
    notes: str | None = None


@dataclass(frozen=True)
class Referrer:
    """Who signs the letter and how the specialist reaches them directly."""

    name: str
    credentials: str | None = None
    role: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class NotIncluded:
    """A "Not included in this letter: …" line printed where ``section`` (a heading of
    the renderer) stands, so a reader never takes a choice for "none"."""

    section: str
    what: str


@dataclass(frozen=True)
class Enclosure:
    """One attached document listed on the letter when a packet is built."""

    title: str
    kind: str


@dataclass(frozen=True)
class LetterData:
    """Everything one referral letter prints, in docs/clinical-reference.md §3 order."""

    letterhead: Letterhead
    date: date
    paper_size: str
    recipient: Recipient
    patient: PatientIdentification
    urgency: Urgency
    expectation: str
    reason: str
    clinical_question: str | None
    referrer: Referrer
    discipline: str = ""
    referral_id: int | None = None
    diagnoses: tuple[DiagnosisLine, ...] | None = None
    medications: tuple[MedicationLine, ...] | None = None
    mme: MmeTotal | None = None
    allergies: tuple[AllergyLine, ...] | None = None
    # Printed when ``allergies`` is empty: clinical.allergy_status.statement ("No known drug
    # allergies (confirmed by … on …)" or "Allergy status not yet recorded"); None: unknown.
    allergy_statement: str | None = None
    scores: tuple[ScoreLine, ...] | None = None
    results: tuple[ResultLine, ...] | None = None  # monitoring results (drug screens …)
    treatments_tried: str | None = None
    patient_told: str | None = None
    authorization: AuthorizationDetails | None = None
    rehabilitation: RehabilitationEmphasis | None = None
    psychiatry: PsychiatryEmphasis | None = None
    headache: HeadacheEmphasis | None = None
    plan: PlanOfTreatment | None = None
    pain_drawing: PainDrawingPrint | None = None
    enclosures: tuple[Enclosure, ...] = ()
    reference: str = ""
    date_format: str = "us_long"
    not_included: tuple[NotIncluded, ...] = ()
    part2_notice: bool = False
    part2_consent: str = ""  # the scope of the consent, which 42 CFR 2.32 sends along
