"""What a treatment-plan PDF prints: plain data the plan report service fills in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carecoord.letters.data import (
    Letterhead,
    PainDrawingPrint,
    PatientIdentification,
)


@dataclass(frozen=True)
class PlanGoalLine:
    """A goal as printed; progress already judged (meaningful change, target reached)."""

    axis: str
    description: str
    measure: str
    baseline: str
    target: str
    review_on: date | None
    latest: str
    progress: str
    level: str = ""  # "improved", "worse" or ""


@dataclass(frozen=True)
class PlanActivityLine:
    modality: str
    modality_index: int  # position in the domain's modality list (its colour)
    description: str
    responsible: str
    start_on: date
    end_on: date | None
    sessions: str
    status: str
    status_key: str  # planned, active, done, stopped
    stop_reason: str | None = None
    procedure: bool = False  # a one-day interventional procedure: a diamond


@dataclass(frozen=True)
class PlanReferralLine:
    discipline: str
    recipient: str
    state: str
    sent_on: date
    appointment_on: date | None = None
    report_on: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True)
class PlanScorePoint:
    series: str  # "PEG" or "NRS"
    day: date
    value: float


@dataclass(frozen=True)
class PlanPdfData:
    """Everything the plan summary prints, already chosen and worded."""

    letterhead: Letterhead
    patient: PatientIdentification
    title: str
    status: str
    started_on: date
    review_on: date | None
    goals: tuple[PlanGoalLine, ...]
    activities: tuple[PlanActivityLine, ...]
    printed_on: date
    prepared_by: str
    referrals: tuple[PlanReferralLine, ...] = ()
    scores: tuple[PlanScorePoint, ...] = ()
    care_team: tuple[tuple[str, str], ...] = ()  # (role, name)
    notes: str | None = None
    paper_size: str = "letter"
    # carecoord.clinical.mme.format_total of the current medications; None without opioids.
    opioid_load: str | None = None
    # The newest pain drawing; None when the patient has none.
    pain_drawing: PainDrawingPrint | None = None
    # clinical.allergy_status.statement: the list, "No known drug allergies (confirmed by …
    # on …)" or "Allergy status not yet recorded"; None prints no line (old callers).
    allergies: str | None = None
