"""Progress toward a plan's goals and the plain data of the printed plan (audited).

Progress compares a goal's latest PEG or NRS score with its baseline and target and says
whether the change is clinically meaningful (docs/clinical-reference.md §4: a drop of
>= 30 %; for NRS also >= 2 points). The chart's plan tab, the plan PDF and the command line
all use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecoord.clinical import allergy_status, instruments, mme
from carecoord.clinical.vocabulary import (
    ActivityStatus,
    AssessmentKind,
    DataCategory,
    GoalAxis,
    Modality,
)
from carecoord.db import Database
from carecoord.errors import NotFound, ValidationError
from carecoord.letters.plan_pdf import (
    PlanActivityLine,
    PlanGoalLine,
    PlanPdfData,
    PlanReferralLine,
    PlanScorePoint,
    render_plan,
)
from carecoord.models import Patient, Referral
from carecoord.services import pain_drawings, record, referrals, team
from carecoord.services.actor import Actor
from carecoord.services.assessments import AssessmentView, assessments_of
from carecoord.services.common import service, today
from carecoord.services.letter_content import identification_of
from carecoord.services.letters import may_include
from carecoord.services.permissions import Action, require
from carecoord.services.plans import PLAN, ActivityView, GoalView, PlanView, plans_of
from carecoord.services.settings import load_settings
from carecoord.services.unit_of_work import unit_of_work

PEG_ITEMS = {"pain": "pain", "enjoy": "enjoyment", "activit": "activity"}
ITEM_TITLES = {
    "pain": "PEG pain item",
    "enjoyment": "PEG enjoyment item",
    "activity": "PEG activity item",
}


# --------------------------------------------------------------------------- progress
@dataclass(frozen=True)
class Measure:
    """What a goal's ``measure`` text means: PEG (mean or one item), NRS, or neither."""

    kind: AssessmentKind | None
    item: str | None  # a PEG item key, None for the PEG mean
    label: str

    def value(self, assessment: AssessmentView) -> float | None:
        if assessment.kind is not self.kind:
            return None
        if self.item is None:
            return float(assessment.total)
        raw = assessment.answers.get(self.item)
        return float(raw) if isinstance(raw, int | float) else None

    def format(self, value: float | None) -> str:
        if value is None:
            return ""
        if self.kind is AssessmentKind.PEG and self.item is None:
            return f"{value:.1f}"
        return f"{value:g}"


def measure_of(measure: str) -> Measure:
    """``peg``, ``PEG activity``, ``nrs`` … as a :class:`Measure` (unknown: no instrument)."""
    text = (measure or "").strip().lower()
    if text.startswith("peg"):
        rest = text[3:]
        for stem, item in PEG_ITEMS.items():
            if stem in rest:
                return Measure(AssessmentKind.PEG, item, ITEM_TITLES[item])
        return Measure(AssessmentKind.PEG, None, "PEG")
    if text.startswith("nrs"):
        return Measure(AssessmentKind.NRS, None, "NRS")
    return Measure(None, None, measure.strip().capitalize() if measure else "Other")


def scores_for(measure: Measure, views: Sequence[AssessmentView]) -> list[tuple[date, float]]:
    """(date, value) of the measure's scores, oldest first."""
    out = []
    for view in sorted(views, key=lambda a: (a.taken_on, a.id)):
        value = measure.value(view)
        if value is not None:
            out.append((view.taken_on, value))
    return out


def latest_score(measure: str, views: Sequence[AssessmentView]) -> tuple[date, float] | None:
    """The newest score of ``measure`` (what a new goal's baseline is pre-filled with)."""
    scores = scores_for(measure_of(measure), views)
    return scores[-1] if scores else None


@dataclass(frozen=True)
class GoalProgress:
    """Where a goal stands: the latest score against its baseline and target."""

    goal_id: int
    measure: str
    baseline: float | None
    target: float | None
    latest: float | None
    latest_on: date | None
    percent_improvement: float | None  # drop as % of baseline; negative when worse
    meaningful: bool
    worsened: bool
    target_reached: bool
    level: str  # "ok" (meaningful improvement), "danger" (meaningful worsening) or ""
    latest_text: str
    text: str  # short, for a table cell: "−43 % · clinically meaningful · target reached"
    detail: str = ""  # the same in full sentences, for a tooltip


def goal_progress(
    goal: GoalView, views: Sequence[AssessmentView], *, plan_started: date | None = None
) -> GoalProgress:
    """Judge a goal: latest value vs baseline (meaningful change?) and vs target.

    A goal without a baseline takes the last score on or before the plan started (else
    the first one after). Lower is better on both PEG and NRS.
    """
    measure = measure_of(goal.measure)

    def result(**values: object) -> GoalProgress:
        base: dict[str, object] = {
            "goal_id": goal.id,
            "measure": measure.label,
            "baseline": goal.baseline,
            "target": goal.target,
            "latest": None,
            "latest_on": None,
            "percent_improvement": None,
            "meaningful": False,
            "worsened": False,
            "target_reached": False,
            "level": "",
            "latest_text": "",
            "text": "",
            "detail": "",
        }
        base.update(values)
        return GoalProgress(**base)  # type: ignore[arg-type]  # keys are the fields above

    if measure.kind is None:
        return result(
            latest_text="not measured here",
            text=f"Measured by {measure.label.lower()}: judge at review",
        )
    scores = scores_for(measure, views)
    if not scores:
        return result(latest_text=f"no {measure.label} yet", text=f"Record a {measure.label}")
    baseline = goal.baseline
    if baseline is None:
        before = [s for s in scores if plan_started is None or s[0] <= plan_started]
        baseline = (before[-1] if before else scores[0])[1]
    latest_on, latest = scores[-1]
    latest_text = f"{measure.format(latest)} ({latest_on.isoformat()})"
    reached = goal.target is not None and latest <= goal.target + 1e-9
    target_text = target_short = ""
    if goal.target is not None:
        target_text = (
            f"target {measure.format(goal.target)} reached"
            if reached
            else f"target {measure.format(goal.target)} not reached yet"
        )
        target_short = "target met" if reached else "not at target yet"
    try:
        change = instruments.meaningful_change(measure.kind, baseline, latest)
    except ValidationError:  # a baseline outside 0-10 (typed for another scale)
        return result(
            baseline=baseline,
            latest=latest,
            latest_on=latest_on,
            target_reached=reached,
            latest_text=latest_text,
            text=target_text or "no meaningful-change rule for this baseline",
        )
    first_only = len(scores) == 1 and goal.baseline is None
    if first_only:
        judged, short = "one score so far", "one score so far"
    elif change.meaningful:
        judged, short = "clinically meaningful improvement", "clinically meaningful"
    elif change.worsened:
        judged, short = "clinically meaningful worsening", "meaningful worsening"
    elif change.change < 0:
        judged, short = "not a meaningful change yet", "not yet meaningful"
    else:
        judged, short = "no improvement", "no improvement"
    percent = change.percent_improvement
    moved = ""
    if percent is not None and not first_only:
        drop = -percent
        sign = "−" if drop < 0 else "+" if drop > 0 else "±"
        moved = f"{sign}{abs(drop):.0f} %"
    text = " · ".join(part for part in (moved, short, target_short) if part)
    rule = (
        "≥ 2 points or ≥ 30 % is clinically meaningful (Farrar 2001)"
        if measure.kind is AssessmentKind.NRS
        else "≥ 30 % is clinically meaningful (Krebs 2009)"
    )
    detail = (
        f"{measure.label} {latest_text}: {moved or 'no change'} from baseline "
        f"{measure.format(baseline)}, {judged}"
        + (f"; {target_text}" if target_text else "")
        + f". {rule}."
    )
    level = "ok" if change.meaningful else "danger" if change.worsened else ""
    return result(
        baseline=baseline,
        latest=latest,
        latest_on=latest_on,
        percent_improvement=percent,
        meaningful=change.meaningful,
        worsened=change.worsened,
        target_reached=reached,
        level=level,
        latest_text=latest_text,
        text=text,
        detail=detail,
    )


# --------------------------------------------------------------------------- plan PDF
def _pick_plan(plans: list[PlanView], plan_id: int | None, patient_id: int) -> PlanView:
    if plan_id is not None:
        for plan in plans:
            if plan.id == plan_id:
                return plan
        raise NotFound(PLAN, plan_id)
    if not plans:
        raise NotFound(PLAN, f"for patient {patient_id}")
    # The active plan when there is one, else the newest (plans_of lists newest first).
    active = [p for p in plans if p.status.value == "active"]
    return active[0] if active else plans[0]


def _activity_line(a: ActivityView) -> PlanActivityLine:
    if a.sessions_planned is not None:
        sessions = f"{a.sessions_done} of {a.sessions_planned}"
    else:
        sessions = str(a.sessions_done) if a.sessions_done else ""
    return PlanActivityLine(
        modality=a.modality.label,
        modality_index=list(Modality).index(a.modality),
        description=a.description,
        responsible=a.responsible_name or "",
        start_on=a.start_on,
        end_on=a.end_on,
        sessions=sessions,
        status=a.status.label,
        status_key=a.status.value,
        stop_reason=a.stop_reason if a.status is ActivityStatus.STOPPED else None,
        procedure=a.modality is Modality.INTERVENTIONAL
        and (a.end_on is None or a.end_on == a.start_on),
    )


def _goal_line(goal: GoalView, progress: GoalProgress) -> PlanGoalLine:
    measure = measure_of(goal.measure)
    level = "improved" if progress.level == "ok" else "worse" if progress.level == "danger" else ""
    return PlanGoalLine(
        axis=GoalAxis(goal.axis).label,
        description=goal.description,
        measure=measure.label,
        baseline=measure.format(goal.baseline),
        target=measure.format(goal.target),
        review_on=goal.review_on,
        latest=progress.latest_text,
        progress=progress.text,
        level=level,
    )


def _referral_lines(session: Session, actor: Actor, patient_id: int) -> list[PlanReferralLine]:
    rows = session.scalars(
        select(Referral)
        .where(Referral.patient_id == patient_id, Referral.sent_on.is_not(None))
        .order_by(Referral.sent_on, Referral.id)
    ).all()
    lines = []
    for row in rows:
        view = referrals.view_of(row, actor)
        if view.restricted or not may_include(actor, view.category) or view.sent_on is None:
            continue
        lines.append(
            PlanReferralLine(
                discipline=view.discipline.label,
                recipient=view.recipient_name or f"{view.discipline.label} service",
                state=view.state.label,
                sent_on=view.sent_on,
                appointment_on=view.seen_on or view.appointment_date,
                report_on=view.report_received_on,
                closed_on=view.closed_on,
            )
        )
    return lines


@service
def plan_pdf_data(
    db: Database, actor: Actor, patient_id: int, plan_id: int | None = None
) -> PlanPdfData:
    """The printed plan's plain data, read in one short session and audited as a print.

    Args:
        plan_id: Which plan; ``None`` takes the active plan, else the newest.

    Raises:
        NotFound: No such patient, no such plan of this patient, or no plan at all.
        PermissionDenied: The actor may not read or print clinical data.
    """
    require(actor.role, Action.READ_CLINICAL, DataCategory.GENERAL)
    require(actor.role, Action.PRINT, DataCategory.GENERAL)
    with unit_of_work(db, actor, write=True) as uow:
        patient = uow.load(Patient, patient_id, "Patient")
        plan = _pick_plan(plans_of(uow.session, patient_id, actor=actor), plan_id, patient_id)
        views = assessments_of(
            uow.session, actor, patient_id, (AssessmentKind.PEG, AssessmentKind.NRS)
        )
        referral_lines = _referral_lines(uow.session, actor, patient_id)
        care_team = team._care_team(uow.session, patient_id)
        settings = load_settings(uow.session)
        load_summary = record.mme_summary(
            record.medications_of(uow.session, patient_id, actor=actor)
        )
        drawings = pain_drawings.pain_drawings_of(uow.session, patient_id)  # newest first
        allergies = record.allergy_status_of(uow.session, patient_id)
        uow.audit(
            "print",
            PLAN,
            plan.id,
            patient_id=patient_id,
            detail="plan summary",
        )
        uow.commit()
        identification = identification_of(patient)
    goals = tuple(
        _goal_line(g, goal_progress(g, views, plan_started=plan.started_on)) for g in plan.goals
    )
    return PlanPdfData(
        letterhead=settings.letterhead,
        patient=identification,
        title=plan.title,
        status=plan.status.label,
        started_on=plan.started_on,
        review_on=plan.review_on,
        goals=goals,
        activities=tuple(_activity_line(a) for a in plan.activities),
        printed_on=today(),
        prepared_by=actor.full_name or actor.username,
        referrals=tuple(referral_lines),
        scores=tuple(
            PlanScorePoint("PEG" if a.kind is AssessmentKind.PEG else "NRS", a.taken_on, a.total)
            for a in views
        ),
        care_team=tuple((m.role.label, m.member.display_name) for m in care_team.current),
        notes=plan.notes,
        paper_size=settings.paper_size,
        opioid_load=mme.format_total(load_summary) if load_summary.has_opioids else None,
        pain_drawing=pain_drawings.print_of(drawings[0]) if drawings else None,
        allergies=allergy_status.statement(allergies, settings.date_format),
    )


@service
def generate_plan_pdf(
    db: Database, actor: Actor, patient_id: int, plan_id: int | None = None
) -> bytes:
    """Read (audited) and render the plan summary: PDF bytes."""
    return render_plan(plan_pdf_data(db, actor, patient_id, plan_id))


def plan_file_name(patient_id: int, plan_id: int | None = None) -> str:
    """A file name without patient data in it."""
    suffix = f"-{plan_id:06d}" if plan_id is not None else ""
    return f"treatment-plan-patient-{patient_id:06d}{suffix}.pdf"


__all__ = [
    "GoalProgress",
    "Measure",
    "generate_plan_pdf",
    "goal_progress",
    "latest_score",
    "measure_of",
    "plan_file_name",
    "plan_pdf_data",
    "scores_for",
]
