"""One patient's chart in one read: what the chart window and letters need."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from carecoord.clinical import allergy_status as allergy_rules
from carecoord.clinical import mme, opioid_safety, suggestions
from carecoord.clinical import referral_rules as rules
from carecoord.clinical.headache import RedFlag
from carecoord.clinical.vocabulary import AssessmentKind, DataCategory, Discipline, Priority
from carecoord.db import Database
from carecoord.models import Patient, Referral
from carecoord.services import monitoring, record, referrals, team
from carecoord.services.actor import Actor
from carecoord.services.assessments import AssessmentView, assessments_of, latest
from carecoord.services.common import service
from carecoord.services.patients import PatientDetail, detail_of
from carecoord.services.permissions import Action, allowed, require
from carecoord.services.plans import PlanView, plans_of
from carecoord.services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class Alert:
    """A chip in the chart header; ``level`` is "danger", "warning" or "info"."""

    code: str
    level: str
    text: str


@dataclass(frozen=True)
class Chart:
    patient: PatientDetail
    diagnoses: tuple[record.DiagnosisView, ...]
    medications: tuple[record.MedicationView, ...]
    mme: mme.MmeSummary
    allergies: tuple[record.AllergyView, ...]
    care_team: team.CareTeam
    referrals: tuple[referrals.ReferralView, ...]
    assessments: tuple[AssessmentView, ...]
    plans: tuple[PlanView, ...]
    headache: record.HeadacheView | None
    alerts: tuple[Alert, ...]
    suggestions: tuple[suggestions.Suggestion, ...]
    clinical_restricted: bool
    safety: tuple[opioid_safety.Alert, ...] = ()
    # None when the role may not read clinical data (the header then shows no allergy chip).
    allergy_status: allergy_rules.AllergyStatus | None = None

    @property
    def coordinator_name(self) -> str | None:
        member = self.care_team.coordinator()
        return member.display_name if member else None


@service
def load_chart(db: Database, actor: Actor, patient_id: int) -> Chart:
    """Everything shown on a chart, read in one short transaction (an audited chart read)."""
    require(actor, Action.READ_DEMOGRAPHICS)
    can_read_clinical = allowed(actor, Action.READ_CLINICAL, DataCategory.GENERAL)
    with unit_of_work(db, actor) as uow:  # a read: audited once per chart opening
        session = uow.session
        patient = uow.load(Patient, patient_id, "Patient")
        care_team = team._care_team(session, patient_id)
        referral_rows = session.scalars(
            select(Referral)
            .where(Referral.patient_id == patient_id)
            .options(  # each referral's people joined in: no query per member, nor per role
                joinedload(Referral.recipient), joinedload(Referral.referring_member)
            )
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        ).all()
        referral_views = tuple(referrals.view_of(r, actor) for r in referral_rows)
        if can_read_clinical:
            diagnoses = tuple(
                d
                for d in record.diagnoses_of(session, patient_id)
                if allowed(actor, Action.READ_CLINICAL, d.category)
            )
            medications = tuple(record.medications_of(session, patient_id, actor=actor))
            allergies = tuple(record.allergies_of(session, patient_id))
            allergy_state = record.allergy_status_of(session, patient_id, allergies)
            assessment_views = tuple(assessments_of(session, actor, patient_id))
            plan_views = tuple(plans_of(session, patient_id, actor=actor))
            headache = record.headache_of(session, patient_id)
            results = monitoring.overview_of(session, actor, patient_id, medications)
            monitoring_alerts = tuple(Alert(*a) for a in results.alerts)
        else:
            diagnoses, medications, allergies = (), (), ()
            allergy_state = None
            assessment_views, plan_views, headache = (), (), None
            monitoring_alerts = ()
        uow.audit_read("Chart", patient_id, patient_id=patient_id)
    summary = record.mme_summary(medications)
    safety = tuple(
        opioid_safety.alerts(
            record.current_doses(medications),
            [d.code for d in diagnoses if d.active],
            overdose_history=opioid_safety.has_overdose(d.code for d in diagnoses),
        )
    )
    alerts = _alerts(care_team, referral_views, assessment_views, safety) + monitoring_alerts
    ideas = _suggestions(care_team, referral_views, assessment_views, diagnoses, summary, safety)
    if headache is not None and headache.red_flags:
        ideas = _with_red_flags(ideas, headache.red_flags, care_team, referral_views)
    return Chart(
        patient=detail_of(patient),
        diagnoses=diagnoses,
        medications=medications,
        mme=summary,
        allergies=allergies,
        care_team=care_team,
        referrals=referral_views,
        assessments=assessment_views,
        plans=plan_views,
        headache=headache,
        alerts=alerts,
        suggestions=tuple(ideas),
        clinical_restricted=not can_read_clinical,
        safety=safety,
        allergy_status=allergy_state,
    )


def _alerts(
    care_team: team.CareTeam,
    referral_views: tuple[referrals.ReferralView, ...],
    assessment_views: tuple[AssessmentView, ...],
    safety: tuple[opioid_safety.Alert, ...],
) -> tuple[Alert, ...]:
    alerts: list[Alert] = []
    phq = latest(list(assessment_views), AssessmentKind.PHQ9)
    if phq is not None and phq.alert:
        alerts.append(
            Alert(
                "phq9_item9",
                "danger",
                f"PHQ-9 item 9 positive ({phq.taken_on}): same-day safety assessment · "
                "crisis line 988",
            )
        )
    alerts += [Alert(a.code, a.severity, a.title) for a in safety]
    for role in care_team.gaps:
        alerts.append(Alert(f"gap_{role.value}", "warning", f"No {role.label.lower()}"))
    overdue = sum(1 for r in referral_views if r.overdue)
    if overdue:
        alerts.append(Alert("overdue", "warning", f"{overdue} overdue referral(s)"))
    expiring = sum(1 for r in referral_views if r.authorization_expiring)
    if expiring:
        alerts.append(Alert("auth", "warning", f"{expiring} authorisation(s) expiring"))
    return tuple(alerts)


def _suggestions(
    care_team: team.CareTeam,
    referral_views: tuple[referrals.ReferralView, ...],
    assessment_views: tuple[AssessmentView, ...],
    diagnoses: tuple[record.DiagnosisView, ...],
    summary: mme.MmeSummary,
    safety: tuple[opioid_safety.Alert, ...],
) -> list[suggestions.Suggestion]:
    phq = latest(list(assessment_views), AssessmentKind.PHQ9)
    gad = latest(list(assessment_views), AssessmentKind.GAD7)
    phq_all = [a for a in assessment_views if a.kind is AssessmentKind.PHQ9]
    previous = phq_all[-2] if len(phq_all) >= 2 else None
    ort_view = latest(list(assessment_views), AssessmentKind.ORT)
    item9 = None
    if phq is not None:
        items = phq.answers.get("items") or []
        item9 = int(items[8]) if len(items) == 9 else None
    team_disciplines: set[Discipline] = {m.member.discipline for m in care_team.current}
    open_disciplines = {r.discipline for r in referral_views if r.state in rules.OPEN_STATES}
    return suggestions.suggest(
        phq9_total=int(phq.total) if phq else None,
        phq9_item9=item9,
        ort_band=ort_view.band if ort_view else None,
        diagnosis_codes=tuple(d.code for d in diagnoses if d.active),
        team_disciplines=tuple(team_disciplines),
        daily_mme=summary.total if summary.lines else None,
        open_referral_disciplines=tuple(open_disciplines),
        gad7_total=int(gad.total) if gad else None,
        phq9_previous_total=int(previous.total) if previous else None,
        safety_alerts=safety,
    )


def _with_red_flags(
    ideas: list[suggestions.Suggestion],
    flags: tuple[RedFlag, ...],
    care_team: team.CareTeam,
    referral_views: tuple[referrals.ReferralView, ...],
) -> list[suggestions.Suggestion]:
    """The suggestions with the headache profile's red flags applied (urgent neurology).

    Kept apart from ``_suggestions`` so the red-flag rule is one call; the rule itself is
    ``suggestions.suggest``'s (docs/clinical-reference.md §6).
    """
    covered_team = {m.member.discipline for m in care_team.current}
    open_disciplines = {r.discipline for r in referral_views if r.state in rules.OPEN_STATES}
    urgent = suggestions.suggest(
        team_disciplines=tuple(covered_team),
        open_referral_disciplines=tuple(open_disciplines),
        headache_red_flags=flags,
    )
    kept = [s for s in ideas if s.discipline != Discipline.NEUROLOGY_HEADACHE]
    rank = {Priority.STAT: 0, Priority.ASAP: 1, Priority.URGENT: 2, Priority.ROUTINE: 3}
    return sorted([*urgent, *kept], key=lambda s: rank[s.priority])


__all__ = ["Alert", "Chart", "load_chart"]
