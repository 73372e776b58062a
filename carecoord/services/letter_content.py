"""The wording of a referral letter: the chosen chart items as printed lines.

Turns the chart read by :mod:`carecoord.services.letter_choices` and the referrer's
ticks into :class:`~carecoord.letters.data.LetterData`, naming what was left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecoord.clinical import allergy_status as allergy_rules
from carecoord.clinical import mme
from carecoord.clinical import monitoring as monitoring_rules
from carecoord.clinical.vocabulary import (
    AssessmentKind,
    AuthorizationOutcome,
    Modality,
    Priority,
)
from carecoord.errors import ValidationError
from carecoord.letters import referral_letter as layout
from carecoord.letters.data import (
    ActivityLine,
    AllergyLine,
    AuthorizationDetails,
    DiagnosisLine,
    Enclosure,
    GoalLine,
    HeadacheEmphasis,
    LetterData,
    MedicationLine,
    MmeTotal,
    NotIncluded,
    PatientIdentification,
    PlanOfTreatment,
    PsychiatryEmphasis,
    Recipient,
    Referrer,
    RehabilitationEmphasis,
    ResultLine,
    ScoreLine,
    Urgency,
)
from carecoord.letters.dates import format_date
from carecoord.models import Document, Patient, Referral, TeamMember
from carecoord.services import consents, monitoring, pain_drawings, record
from carecoord.services.actor import Actor
from carecoord.services.assessments import AssessmentView
from carecoord.services.common import today
from carecoord.services.letter_choices import (
    DOCTOR_CREDENTIALS,
    DRUG_SCREENS,
    MOOD_KINDS,
    PART2_WITHHELD,
    PSYCHIATRY,
    PSYCHOLOGICAL_ACTIVITIES,
    PSYCHOTROPICS,
    REHABILITATION,
    SECTION_TITLES,
    SENSITIVE_CATEGORIES,
    SENSITIVE_DIAGNOSES,
    SENSITIVE_SCORES,
    LetterOptions,
    Section,
    _band,
    _Chart,
    _DocumentEntry,
    _dose,
    _item9,
    _peg_baseline,
    _score,
)
from carecoord.services.permissions import (
    assessment_category,
)
from carecoord.services.rows import view_from


def identification_of(patient: Patient) -> PatientIdentification:
    """Who a printed page is about, as every letter and plan summary heads it: full name
    (given, middle, family), date of birth, MRN, sex, phone and insurance."""
    name = " ".join(p for p in (patient.given_name, patient.middle_name, patient.family_name) if p)
    return PatientIdentification(
        name,
        patient.date_of_birth,
        patient.mrn,
        patient.sex.label,
        patient.phone,
        patient.insurance_payer,
        patient.insurance_member_id,
    )


def _result_lines(results: Sequence[monitoring.ResultView]) -> tuple[ResultLine, ...]:
    """Printed rows in the Results tab's order of kinds, oldest first within a kind: one
    row per number, per drug-screen substance, and per PDMP check naming who checked."""
    order = list(monitoring_rules.ResultKind)
    lines = []
    for r in sorted(results, key=lambda r: (order.index(r.kind), r.taken_on, r.id)):
        for x in r.values:
            if r.kind == monitoring_rules.ResultKind.DRUG_SCREEN:
                test = f"Drug screen: {x.label}"
                expected = "expected" if x.expected else "not expected"
                value = f"{x.shown} ({expected})"
            elif r.kind == monitoring_rules.ResultKind.PDMP:
                test = "PDMP check"
                value = x.shown + (f", by {r.performed_by}" if r.performed_by else "")
            else:
                test, value = x.label, x.shown
            flag = x.flag
            if flag and r.kind == monitoring_rules.ResultKind.DRUG_SCREEN:
                flag = "unexpected"  # the result cell already says which way
            lines.append(ResultLine(test, r.taken_on, value, x.reference, flag))
    return tuple(lines)


def _score_line(a: AssessmentView, peg_baseline: AssessmentView | None = None) -> ScoreLine:
    """A score with its band; a PHQ-9 always states item 9 (a 0 is worth knowing too)."""
    flag = None
    band = _band(a, peg_baseline)
    item9 = _item9(a)
    if item9:
        flag = f"Item 9 (thoughts of self-harm) scored {item9}"
    elif item9 == 0:
        band = f"{band}; item 9 (thoughts of self-harm) 0"
    return ScoreLine(a.kind.label, a.taken_on, _score(a), band, flag)


def _medication_line(m: record.MedicationView) -> MedicationLine:
    frequency = m.frequency_label
    if m.max_doses_per_day is not None:
        frequency += f", at most {m.max_doses_per_day:g} a day"
    return MedicationLine(
        m.drug, _dose(m), frequency, m.route_label, m.is_opioid, m.daily_mme, m.mme_note
    )


def _mme(medications: list[record.MedicationView]) -> MmeTotal | None:
    summary = record.mme_summary(medications)
    if not summary.has_opioids:
        return None
    return MmeTotal(summary.total, summary.left_out, summary.advice, mme.format_total(summary))


def _measure(measure: str) -> str:
    return {"peg": "PEG", "nrs": "NRS", "other": "Other"}.get(measure.lower(), measure)


def _person(member: TeamMember) -> str:
    return f"{member.given_name} {member.family_name}"


def _recipient(row: Referral) -> Recipient:
    member = row.recipient
    if member is None:
        return Recipient(f"{row.discipline.label} service", discipline=row.discipline.label)
    credentials = (member.credentials or "").replace(".", "").upper().split(",")
    doctor = any(c.strip() in DOCTOR_CREDENTIALS for c in credentials)
    salutation = f"Dear Dr. {member.family_name}," if doctor else f"Dear {_person(member)},"
    return view_from(
        Recipient,
        member,
        name=_person(member),
        discipline=member.discipline.label,
        salutation=salutation,
    )


def _referrer(chart: _Chart, actor: Actor) -> Referrer:
    member = chart.referrer_member
    if member is None:
        return Referrer(actor.display_name)
    return view_from(
        Referrer, member, name=_person(member), role=member.specialty or member.discipline.label
    )


def _authorization(row: Referral) -> AuthorizationDetails:
    return view_from(
        AuthorizationDetails,
        row,
        "auth_",
        outcome=row.auth_outcome.label,
        visits_used=row.auth_visits_used or 0,
    )


def _functional_limits(assessments: list[AssessmentView], date_style: str) -> tuple[str, ...]:
    """How pain limits function, in the patient's own PEG answers (latest included)."""
    peg = next((a for a in assessments if a.kind == AssessmentKind.PEG), None)
    if peg is None:
        return ()
    answers = peg.answers
    when = format_date(peg.taken_on, date_style)
    return (
        f"Pain interferes with general activity: {answers.get('activity')}/10 (PEG, {when})",
        f"Pain interferes with enjoyment of life: {answers.get('enjoyment')}/10 (PEG, {when})",
    )


def _risk_flags(assessments: list[AssessmentView], date_style: str) -> tuple[str, ...]:
    flags = []
    phq = next((a for a in assessments if a.kind == AssessmentKind.PHQ9), None)
    item9 = _item9(phq) if phq is not None else None
    if phq is not None and item9:
        when = format_date(phq.taken_on, date_style)
        flags.append(f"PHQ-9 item 9 (thoughts of self-harm) scored {item9} on {when}")
    ort = next((a for a in assessments if a.kind == AssessmentKind.ORT), None)
    if ort is not None and "high" in ort.band.lower():
        flags.append(
            f"ORT {_score(ort)} (high band, >= 8): a screening result, not a diagnosis; "
            "risk tools predict poorly (CDC 2022)"
        )
    return tuple(flags)


def _letter(
    chart: _Chart, actor: Actor, options: LetterOptions, enclosures: tuple[Enclosure, ...]
) -> LetterData:
    """Word the chosen items; nothing outside ``chart`` (already gated) can enter."""
    row, patient, settings = chart.referral, chart.referral.patient, chart.settings
    sections = options.sections

    def chosen_ids(section: Section, ids: AbstractSet[int]) -> AbstractSet[int]:
        return ids if section in sections else frozenset()

    diagnosis_ids = chosen_ids(Section.DIAGNOSES, options.diagnosis_ids)
    medication_ids = chosen_ids(Section.MEDICATIONS, options.medication_ids)
    assessment_ids = chosen_ids(Section.SCORES, options.assessment_ids)
    result_ids = chosen_ids(Section.RESULTS, options.result_ids)
    diagnoses = [d for d in chart.diagnoses if d.id in diagnosis_ids]
    medications = [m for m in chart.medications if m.id in medication_ids]
    assessments = [a for a in chart.assessments if a.id in assessment_ids]  # newest first
    results = [r for r in chart.results if r.id in result_ids]

    def listed(section: Section, chosen: Sequence[object], available: Sequence[object]) -> bool:
        """A list section prints only when something in it was ticked, or when the chart has
        nothing of the kind ("None recorded." must never mean "left out")."""
        return section in sections and (bool(chosen) or not available)

    show_diagnoses = listed(Section.DIAGNOSES, diagnoses, chart.diagnoses)
    show_medications = listed(Section.MEDICATIONS, medications, chart.medications)
    show_scores = listed(Section.SCORES, assessments, chart.assessments)
    show_results = listed(Section.RESULTS, results, chart.results)

    refused = [d for d in diagnoses if chart.blocked(d)]
    if refused:
        names = ", ".join(d.code for d in refused)
        raise ValidationError(
            "part2_consent",
            f"{names} came from a 42 CFR Part 2 program and no valid consent to disclose it "
            "to this recipient is on file: record the patient's consent or untick it",
        )
    part2 = any(d.part2 for d in diagnoses)

    emphasis = Section.EMPHASIS in sections
    rehabilitation = psychiatry = headache = None
    if emphasis and row.discipline in REHABILITATION:
        rehabilitation = RehabilitationEmphasis(
            _functional_limits(assessments, settings.date_format)
        )
    if emphasis and row.discipline in PSYCHIATRY:
        psychiatry = PsychiatryEmphasis(
            tuple(_score_line(a) for a in assessments if a.kind in MOOD_KINDS),
            _risk_flags(assessments, settings.date_format),
            tuple(_medication_line(m) for m in medications if m.is_psychotropic),
        )
    if emphasis and chart.headache is not None:
        h = chart.headache
        headache = HeadacheEmphasis(
            h.headache_type.label,
            h.with_aura,
            h.attacks_per_month,
            h.headache_days_per_month,
            h.acute_medication_days_per_month,
            h.overuse_risk,
            h.triggers,
        )
    # Mood scores print once: in the psychiatry box when it is there, else with the rest.
    listed_scores = [a for a in assessments if psychiatry is None or a.kind not in MOOD_KINDS]
    listed_scores.sort(key=lambda a: (list(AssessmentKind).index(a.kind), a.taken_on))

    plan = _plan(chart) if Section.PLAN in sections else None
    drawing = (
        pain_drawings.print_of(chart.pain_drawing)
        if Section.PAIN_DRAWING in sections and chart.pain_drawing is not None
        else None
    )
    not_included = _not_included(
        chart, options, diagnoses, medications, assessments, show_scores, plan, results
    )

    return LetterData(
        letterhead=settings.letterhead,
        date=today(),
        paper_size=settings.paper_size,
        recipient=_recipient(row),
        patient=identification_of(patient),
        urgency=Urgency(
            row.priority.value,
            row.priority.label,
            row.priority_reason if row.priority != Priority.ROUTINE else None,
        ),
        expectation=row.expectation.label,
        reason=row.reason,
        clinical_question=row.clinical_question,
        referrer=_referrer(chart, actor),
        discipline=row.discipline.label,
        referral_id=row.id,
        diagnoses=tuple(
            DiagnosisLine(d.code, d.title, d.onset, d.active, d.notes) for d in diagnoses
        )
        if show_diagnoses
        else None,
        medications=tuple(_medication_line(m) for m in medications) if show_medications else None,
        mme=_mme(medications) if show_medications else None,
        allergies=tuple(
            AllergyLine(a.substance, a.reaction, a.severity.label) for a in chart.allergies
        )
        if Section.ALLERGIES in sections
        else None,
        allergy_statement=allergy_rules.statement(chart.allergy_status, settings.date_format)
        if chart.allergy_status is not None
        else None,
        scores=tuple(_score_line(a, _peg_baseline(chart.assessments)) for a in listed_scores)
        if show_scores
        else None,
        results=_result_lines(results) if show_results else None,
        treatments_tried=(row.treatments_tried or "")
        if Section.TREATMENTS_TRIED in sections
        else None,
        patient_told=(row.patient_told or "") if Section.PATIENT_TOLD in sections else None,
        authorization=_authorization(row) if Section.AUTHORIZATION in sections else None,
        rehabilitation=rehabilitation,
        psychiatry=psychiatry,
        headache=headache,
        plan=plan,
        pain_drawing=drawing,
        enclosures=enclosures,
        reference=row.reference or "",
        date_format=settings.date_format,
        not_included=not_included,
        part2_notice=part2,
        part2_consent=_consent_scope(chart.consent, settings.date_format) if part2 else "",
    )


def _consent_scope(consent: consents.ConsentView | None, style: str) -> str:
    """What 42 CFR 2.32 asks to accompany the disclosure: the consent's scope, in words."""
    if consent is None:
        return ""
    return (
        f"signed by {consent.given_by} on {format_date(consent.signed_on, style)}, "
        f"to {consent.recipient}, for {consent.purpose}; it covers {consent.scope}; "
        f"valid until {format_date(consent.expires_on, style)} unless revoked earlier."
    )


def _plan(chart: _Chart) -> PlanOfTreatment | None:
    """C-CDA Plan of Treatment: the active plan's goals and activities, for every
    discipline; psychological therapy only for mental-health and addiction recipients."""
    plan = chart.plan
    if plan is None:
        return None
    activities = [
        a for a in plan.activities if chart.mental_health or a.modality != Modality.PSYCHOLOGICAL
    ]
    return PlanOfTreatment(
        plan.title,
        tuple(
            GoalLine(
                g.axis.label, g.description, _measure(g.measure), g.baseline, g.target, g.review_on
            )
            for g in plan.goals
        ),
        tuple(
            ActivityLine(
                a.modality.label,
                a.description,
                a.status.label,
                a.start_on,
                a.end_on,
                a.responsible_name,
                f"{a.sessions_done} of {a.sessions_planned} sessions"
                if a.sessions_planned
                else None,
            )
            for a in activities
        ),
        plan.review_on,
    )


def _not_included(
    chart: _Chart,
    options: LetterOptions,
    diagnoses: Sequence[record.DiagnosisView],
    medications: Sequence[record.MedicationView],
    assessments: Sequence[AssessmentView],
    show_scores: bool,
    plan: PlanOfTreatment | None,
    results: Sequence[monitoring.ResultView] = (),
) -> tuple[NotIncluded, ...]:
    """The "Not included in this letter" lines: a section the chart has but the letter
    leaves out, and, for recipients outside mental-health and addiction care, the
    sensitive content not ticked (named whether or not the chart holds any, so the line
    itself discloses nothing)."""
    row, sections = chart.referral, options.sections
    out: list[NotIncluded] = []
    available = {
        Section.DIAGNOSES: bool(chart.diagnoses),
        Section.MEDICATIONS: bool(chart.medications),
        Section.ALLERGIES: True,  # "none" and "not sent" must never look alike
        Section.SCORES: bool(chart.assessments),
        Section.PAIN_DRAWING: chart.pain_drawing is not None,
        Section.RESULTS: bool(chart.results),
        Section.PLAN: chart.plan is not None,
        Section.TREATMENTS_TRIED: bool(row.treatments_tried),
        Section.PATIENT_TOLD: bool(row.patient_told),
        Section.AUTHORIZATION: row.auth_outcome != AuthorizationOutcome.NOT_REQUIRED,
    }
    printed = {
        Section.DIAGNOSES: Section.DIAGNOSES in sections
        and (bool(diagnoses) or not chart.diagnoses),
        Section.MEDICATIONS: Section.MEDICATIONS in sections
        and (bool(medications) or not chart.medications),
        Section.SCORES: show_scores,
        Section.RESULTS: Section.RESULTS in sections and (bool(results) or not chart.results),
    }
    outside = not chart.mental_health

    def withheld(section: Section) -> bool:
        """Switched on, yet everything the chart has here is held back by policy (sensitive
        for this recipient, or Part 2 without consent): name the policy, not the section."""
        if section not in sections:
            return False
        if section == Section.DIAGNOSES:
            return all(
                chart.blocked(d) or (outside and d.category in SENSITIVE_CATEGORIES)
                for d in chart.diagnoses
            )
        if section == Section.MEDICATIONS:
            return outside and all(m.is_psychotropic for m in chart.medications)
        if section == Section.SCORES:
            return outside and all(
                assessment_category(a.kind.value) in SENSITIVE_CATEGORIES for a in chart.assessments
            )
        if section == Section.RESULTS:
            return outside and all(r.category in SENSITIVE_CATEGORIES for r in chart.results)
        return False

    listed_sections = (Section.DIAGNOSES, Section.MEDICATIONS, Section.SCORES, Section.RESULTS)
    covered = {s for s in listed_sections if withheld(s)}
    for section, title in SECTION_TITLES.items():
        shown = printed.get(section, section in sections)
        if available[section] and not shown and section not in covered:
            out.append(NotIncluded(title, title.split(": ")[-1].lower()))

    def named(section: Section) -> bool:
        return printed.get(section, False) or section in covered

    if outside:
        if named(Section.DIAGNOSES) and not any(
            d.category in SENSITIVE_CATEGORIES for d in diagnoses
        ):
            out.append(NotIncluded(layout.DIAGNOSES, SENSITIVE_DIAGNOSES))
        if named(Section.MEDICATIONS) and not any(m.is_psychotropic for m in medications):
            out.append(NotIncluded(layout.MEDICATIONS, PSYCHOTROPICS))
        if named(Section.SCORES) and not any(
            assessment_category(a.kind.value) in SENSITIVE_CATEGORIES for a in assessments
        ):
            out.append(NotIncluded(layout.SCORES, SENSITIVE_SCORES))
        if named(Section.RESULTS) and not any(r.category in SENSITIVE_CATEGORIES for r in results):
            out.append(NotIncluded(layout.RESULTS, DRUG_SCREENS))
        if plan is not None:
            out.append(NotIncluded(layout.PLAN, PSYCHOLOGICAL_ACTIVITIES))
    if named(Section.DIAGNOSES) and any(chart.blocked(d) for d in chart.diagnoses):
        out.append(NotIncluded(layout.DIAGNOSES, PART2_WITHHELD))
    return tuple(out)


def _attached(chart: _Chart, options: LetterOptions) -> list[_DocumentEntry]:
    return [d for d in chart.documents if d.id in options.document_ids]


def _contents(session: Session, documents: list[_DocumentEntry]) -> list[tuple[str, str, bytes]]:
    if not documents:
        return []
    wanted = [d.id for d in documents]
    query = select(Document.id, Document.content).where(Document.id.in_(wanted))
    rows = {row.id: row.content for row in session.execute(query)}
    return [(d.title, d.media_type, rows[d.id]) for d in documents]
