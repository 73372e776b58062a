"""Referral letters: what may go in, what the referrer ticked, and the audited PDF.

The one door between the chart and a letter. It decides which items the acting user may
send (permissions, never psychotherapy notes, Part 2 records only with the patient's
consent), offers them as a checklist pre-selected by the recipient's discipline, turns
the chosen ones into :class:`~carecoord.letters.data.LetterData` (naming what was left
out) and records every generated letter in the audit trail and the referral's history.
:func:`record_sent_letter` keeps the exact PDF that left the clinic; every screen that
marks a referral sent calls it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from carecoord.clinical import allergy_status as allergy_rules
from carecoord.clinical import mme
from carecoord.clinical import monitoring as monitoring_rules
from carecoord.clinical import peg as peg_display
from carecoord.clinical import referral_workflow as workflow
from carecoord.clinical.vocabulary import (
    AssessmentKind,
    AuthorizationOutcome,
    DataCategory,
    DeliveryMethod,
    Discipline,
    DocumentKind,
    Modality,
    PlanStatus,
    Priority,
    ReferralState,
    SendMethod,
)
from carecoord.db import Database
from carecoord.errors import NotFound, PermissionDenied, ValidationError
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
from carecoord.letters.packet import build_packet, stamp_copy
from carecoord.letters.referral_letter import render_letter
from carecoord.models import Document, Patient, Referral, ReferralEvent, TeamMember
from carecoord.services import audit, consents, monitoring, pain_drawings, record, referrals
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.assessments import AssessmentView, assessments_of
from carecoord.services.common import check_version, commit, service, today
from carecoord.services.documents import add_document
from carecoord.services.permissions import (
    Action,
    allowed,
    assessment_category,
    referral_category,
    require,
)
from carecoord.services.plans import PlanView, plans_of
from carecoord.services.reference import ensure_reference, number_all
from carecoord.services.settings import ClinicSettings, load_settings

ENTITY = "Referral"
MAX_HISTORY_TEXT = 1000  # ReferralEvent.reason's length

REHABILITATION = frozenset({Discipline.PHYSICAL_REHABILITATION, Discipline.PHYSICAL_THERAPY})
PSYCHIATRY = frozenset({Discipline.PSYCHIATRY, Discipline.PSYCHOLOGY})
# Recipients inside mental-health and addiction care get psychiatric and substance-use
# content by default, sensitive or not (docs/clinical-reference.md §3); everyone else gets
# it only when the physician ticks it.
MENTAL_HEALTH_AND_ADDICTION = frozenset(
    {
        Discipline.PSYCHIATRY,
        Discipline.PSYCHOLOGY,
        Discipline.SOCIAL_WORK,
        Discipline.PAIN_REHABILITATION_PROGRAM,
    }
)
SENSITIVE_CATEGORIES = frozenset({DataCategory.PSYCHIATRIC, DataCategory.SUBSTANCE_USE})
SENSITIVE_DIAGNOSES = "psychiatric and substance-use diagnoses"
PSYCHOTROPICS = "psychotropic medications"
SENSITIVE_SCORES = "mood and substance-use risk scores"
PSYCHOLOGICAL_ACTIVITIES = "psychological therapy activities"
PART2_WITHHELD = "diagnoses from a 42 CFR Part 2 program (no valid consent on file)"
HEADACHE = frozenset({Discipline.NEUROLOGY_HEADACHE})
MOOD_KINDS = frozenset({AssessmentKind.PHQ9, AssessmentKind.GAD7})
ATTACHABLE_BY_DEFAULT = frozenset(
    {DocumentKind.IMAGING, DocumentKind.LAB_RESULT, DocumentKind.OTHER}
)
# Recipients who get recent monitoring results by default (docs/clinical-reference.md §3.3):
# those who share or take over opioid therapy or care for substance use.
RESULTS_BY_DEFAULT = frozenset(
    {
        Discipline.PSYCHIATRY,
        Discipline.PAIN_REHABILITATION_PROGRAM,
        Discipline.PAIN_MEDICINE,
        Discipline.ANESTHESIOLOGY,
    }
)
RECENT_RESULT_DAYS = 365
"""Only the latest result of each kind taken within this many days is ticked by default."""
DRUG_SCREENS = "urine drug screens"
DOCTOR_CREDENTIALS = frozenset({"MD", "DO", "PHD", "PSYD", "DC", "DDS", "DMD", "DPM"})


class Section(StrEnum):
    """The letter's optional sections. Identification, urgency, reason and question,
    recipient and referrer are always printed: a letter without them is no letter."""

    EMPHASIS = "emphasis"
    DIAGNOSES = "diagnoses"
    MEDICATIONS = "medications"
    ALLERGIES = "allergies"
    SCORES = "scores"
    PAIN_DRAWING = "pain_drawing"
    RESULTS = "results"
    PLAN = "plan"
    TREATMENTS_TRIED = "treatments_tried"
    PATIENT_TOLD = "patient_told"
    AUTHORIZATION = "authorization"


SECTION_TITLES: dict[Section, str] = {
    Section.DIAGNOSES: layout.DIAGNOSES,
    Section.MEDICATIONS: layout.MEDICATIONS,
    Section.ALLERGIES: layout.ALLERGIES,
    Section.SCORES: layout.SCORES,
    Section.PAIN_DRAWING: layout.PAIN_DRAWING,
    Section.RESULTS: layout.RESULTS,
    Section.PLAN: layout.PLAN,
    Section.TREATMENTS_TRIED: layout.TREATMENTS,
    Section.PATIENT_TOLD: layout.PATIENT_TOLD,
    Section.AUTHORIZATION: layout.AUTHORIZATION,
}


def _ids(values: Iterable[int]) -> frozenset[int]:
    return frozenset(int(value) for value in values)


@dataclass(frozen=True)
class LetterOptions:
    """What the referrer ticked. An item is printed only when its section is on *and* its
    id is ticked; ids that are not the patient's, or that the user may not send, are
    ignored. Documents are attached only when a packet is built."""

    sections: AbstractSet[Section] = frozenset()
    diagnosis_ids: AbstractSet[int] = frozenset()
    medication_ids: AbstractSet[int] = frozenset()
    assessment_ids: AbstractSet[int] = frozenset()
    document_ids: AbstractSet[int] = frozenset()
    result_ids: AbstractSet[int] = frozenset()

    def __post_init__(self) -> None:
        # Any set is accepted (a checklist builds plain sets); frozensets are stored so
        # options stay hashable and nobody can change them after they were checked.
        object.__setattr__(self, "sections", frozenset(Section(s) for s in self.sections))
        for name in (
            "diagnosis_ids",
            "medication_ids",
            "assessment_ids",
            "document_ids",
            "result_ids",
        ):
            object.__setattr__(self, name, _ids(getattr(self, name)))

    def with_section(self, section: Section, on: bool = True) -> LetterOptions:
        chosen = self.sections | {section} if on else self.sections - {section}
        return replace(self, sections=chosen)


@dataclass(frozen=True)
class ItemChoice:
    """One checkbox: a diagnosis, medication, assessment or document."""

    id: int
    label: str
    detail: str
    category: DataCategory
    selected: bool
    blocked: str | None = None  # why it cannot be printed (no Part 2 consent on file)


@dataclass(frozen=True)
class SectionChoice:
    """One section's checkbox and, for list sections, its items."""

    section: Section
    title: str
    selected: bool
    items: tuple[ItemChoice, ...] = ()


@dataclass(frozen=True)
class LetterChoices:
    """The checklist shown before generating: everything available, defaults ticked."""

    referral_id: int
    discipline: Discipline
    sensitive: bool
    sections: tuple[SectionChoice, ...]
    documents: tuple[ItemChoice, ...] = field(default=())
    reference: str = ""
    part2_consent: str | None = None  # the consent in force for this recipient, summarised

    def section(self, section: Section) -> SectionChoice | None:
        return next((s for s in self.sections if s.section == section), None)

    @property
    def defaults(self) -> LetterOptions:
        """The pre-selected options (what ``options=None`` prints)."""

        def ticked(section: Section) -> frozenset[int]:
            choice = self.section(section)
            return frozenset(i.id for i in choice.items if i.selected) if choice else frozenset()

        return LetterOptions(
            sections=frozenset(s.section for s in self.sections if s.selected),
            diagnosis_ids=ticked(Section.DIAGNOSES),
            medication_ids=ticked(Section.MEDICATIONS),
            assessment_ids=ticked(Section.SCORES),
            document_ids=frozenset(d.id for d in self.documents if d.selected),
            result_ids=ticked(Section.RESULTS),
        )


# --------------------------------------------------------------------------- the gate
def may_include(actor: Actor, category: DataCategory) -> bool:
    """The single gate every item passes on its way into a letter.

    Psychotherapy notes (HIPAA 45 CFR 164.501) never enter a letter, whoever prints it;
    anything else only when the actor's role may both read and print its category.
    """
    if category == DataCategory.PSYCHOTHERAPY_NOTE:
        return False
    return allowed(actor, Action.READ_CLINICAL, category) and allowed(actor, Action.PRINT, category)


def _require_print(actor: Actor, category: DataCategory) -> None:
    if not may_include(actor, category):
        raise PermissionDenied(actor.role.label.lower(), Action.PRINT.value, category.label.lower())


# --------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class _DocumentEntry:
    id: int
    referral_id: int | None
    kind: DocumentKind
    title: str
    media_type: str
    received_on: date
    category: DataCategory


@dataclass(frozen=True)
class _Chart:
    """What a letter may draw on, already filtered through :func:`may_include`."""

    referral: Referral
    category: DataCategory
    settings: ClinicSettings
    referrer_member: TeamMember | None
    diagnoses: tuple[record.DiagnosisView, ...]
    medications: tuple[record.MedicationView, ...]
    allergies: tuple[record.AllergyView, ...]
    assessments: tuple[AssessmentView, ...]  # newest first
    plan: PlanView | None
    headache: record.HeadacheView | None
    documents: tuple[_DocumentEntry, ...]
    consent: consents.ConsentView | None = None
    pain_drawing: pain_drawings.PainDrawingView | None = None  # the newest
    allergy_status: allergy_rules.AllergyStatus | None = None  # None: not for this role
    results: tuple[monitoring.ResultView, ...] = ()  # newest first

    @property
    def mental_health(self) -> bool:
        return self.referral.discipline in MENTAL_HEALTH_AND_ADDICTION

    def blocked(self, d: record.DiagnosisView) -> str | None:
        """Why a diagnosis cannot go in this letter (Part 2 without consent), or None."""
        if d.part2 and self.consent is None:
            return "from a 42 CFR Part 2 program: record the patient's consent to disclose first"
        return None


def _load_referral(session: Session, referral_id: int) -> Referral:
    if isinstance(referral_id, bool) or not isinstance(referral_id, int):
        raise NotFound(ENTITY, referral_id)
    row = session.scalar(
        select(Referral)
        .where(Referral.id == referral_id)
        .options(
            joinedload(Referral.patient),
            joinedload(Referral.recipient),
            joinedload(Referral.referring_member),
        )
    )
    if row is None:
        raise NotFound(ENTITY, referral_id)
    return row


def _read_chart(session: Session, actor: Actor, referral_id: int) -> _Chart:
    """Read, inside the caller's session, everything the letter may use."""
    row = _load_referral(session, referral_id)
    category = referral_category(row.discipline, row.sensitive)
    _require_print(actor, category)
    ensure_reference(session, row)
    patient_id = row.patient_id
    general = may_include(actor, DataCategory.GENERAL)
    referrer = row.referring_member
    if referrer is None and actor.team_member_id is not None:
        referrer = session.get(TeamMember, actor.team_member_id)
    documents = session.execute(
        select(
            Document.id,
            Document.referral_id,
            Document.kind,
            Document.title,
            Document.file_name,
            Document.media_type,
            Document.received_on,
            Document.category,
        )
        .where(Document.patient_id == patient_id)
        .order_by(Document.received_on.desc(), Document.id.desc())
    ).all()
    entries = []
    for doc in documents:
        doc_category = doc.category  # set when filed (docs/clinical-reference.md §9)
        if may_include(actor, doc_category):
            entries.append(
                _DocumentEntry(
                    doc.id,
                    doc.referral_id,
                    doc.kind,
                    doc.title or doc.file_name,
                    doc.media_type,
                    doc.received_on,
                    doc_category,
                )
            )
    on = today()
    plan = None
    if general:
        plan = next(
            (
                p
                for p in plans_of(session, patient_id, actor=actor)
                if p.status == PlanStatus.ACTIVE
            ),
            None,
        )
    return _Chart(
        referral=row,
        category=category,
        settings=load_settings(session),
        referrer_member=referrer,
        diagnoses=tuple(
            d for d in record.diagnoses_of(session, patient_id) if may_include(actor, d.category)
        ),
        medications=tuple(
            m
            for m in record.medications_of(session, patient_id, actor=actor)
            if general and (m.stop_date is None or m.stop_date >= on)
        ),
        allergies=tuple(record.allergies_of(session, patient_id)) if general else (),
        allergy_status=record.allergy_status_of(session, patient_id) if general else None,
        assessments=tuple(
            a
            for a in reversed(assessments_of(session, actor, patient_id))
            if may_include(actor, assessment_category(a.kind.value))
        ),
        plan=plan,
        headache=record.headache_of(session, patient_id)
        if row.discipline in HEADACHE and general
        else None,
        documents=tuple(entries),
        pain_drawing=next(iter(pain_drawings.pain_drawings_of(session, patient_id)), None)
        if general
        else None,
        consent=consents.valid_consent(session, patient_id, row.recipient_member_id, on)
        if may_include(actor, DataCategory.SUBSTANCE_USE)
        else None,
        results=tuple(
            r
            for r in monitoring.results_of(session, actor, patient_id)
            if may_include(actor, r.category)
        ),
    )


# --------------------------------------------------------------------------- choices
def _score_kinds(discipline: Discipline) -> frozenset[AssessmentKind]:
    kinds = {AssessmentKind.PEG, AssessmentKind.NRS}
    if discipline in MENTAL_HEALTH_AND_ADDICTION:
        kinds |= {AssessmentKind.PHQ9, AssessmentKind.GAD7, AssessmentKind.ORT}
    return frozenset(kinds)


def _diagnosis_preselected(chart: _Chart, d: record.DiagnosisView) -> bool:
    if not d.active or chart.blocked(d):
        return False
    return d.category == DataCategory.GENERAL or chart.mental_health


def _choices(chart: _Chart) -> LetterChoices:
    """The checklist, pre-selected by the recipient's discipline (docs/clinical-reference.md
    §3): mental-health and addiction recipients get problems, every medication, allergies
    and the mood and risk scores; everyone else the same without psychiatric and
    substance-use diagnoses, psychotropics and those scores. The sensitive flag never
    strips anything: it decides who may print the letter, not what a treating specialist
    needs."""
    row = chart.referral
    discipline = row.discipline
    mental_health = chart.mental_health
    diagnoses = tuple(
        ItemChoice(
            d.id,
            f"{d.code} {d.title}",
            ("active" if d.active else "resolved") + (", Part 2" if d.part2 else ""),
            d.category,
            _diagnosis_preselected(chart, d),
            chart.blocked(d),
        )
        for d in chart.diagnoses
    )
    medications = tuple(
        ItemChoice(
            m.id,
            m.drug,
            f"{_dose(m)}, {m.frequency_label}, {m.route}"
            + (", psychotropic" if m.is_psychotropic else ""),
            DataCategory.PSYCHIATRIC if m.is_psychotropic else DataCategory.GENERAL,
            mental_health or not m.is_psychotropic,
        )
        for m in chart.medications
    )
    wanted = _score_kinds(discipline)
    latest_seen: set[AssessmentKind] = set()
    assessments = []
    for a in chart.assessments:  # newest first: the first of each kind is the latest
        first = a.kind not in latest_seen
        latest_seen.add(a.kind)
        assessments.append(
            ItemChoice(
                a.id,
                f"{a.kind.label} {_score(a)}",
                f"{a.taken_on.isoformat()}, {_band(a, _peg_baseline(chart.assessments))}",
                assessment_category(a.kind.value),
                first and a.kind in wanted,
            )
        )
    results = _result_choices(chart)
    sections = []
    if discipline in REHABILITATION | PSYCHIATRY | HEADACHE:
        title = {
            **dict.fromkeys(REHABILITATION, layout.REHABILITATION),
            **dict.fromkeys(PSYCHIATRY, layout.PSYCHIATRY),
            **dict.fromkeys(HEADACHE, layout.HEADACHE),
        }[discipline]
        sections.append(SectionChoice(Section.EMPHASIS, title, True))
    items = {
        Section.DIAGNOSES: diagnoses,
        Section.MEDICATIONS: medications,
        Section.SCORES: tuple(assessments),
        Section.RESULTS: results,
    }
    defaults = {
        Section.DIAGNOSES: True,
        Section.MEDICATIONS: True,
        Section.ALLERGIES: True,
        Section.SCORES: True,
        # Only when the referrer ticks it: a drawing is not part of every referral note.
        Section.PAIN_DRAWING: False,
        Section.RESULTS: discipline in RESULTS_BY_DEFAULT and any(r.selected for r in results),
        Section.PLAN: chart.plan is not None,
        Section.TREATMENTS_TRIED: bool(row.treatments_tried),
        Section.PATIENT_TOLD: bool(row.patient_told),
        Section.AUTHORIZATION: row.auth_outcome != AuthorizationOutcome.NOT_REQUIRED,
    }
    for section, title in SECTION_TITLES.items():
        if section is Section.PAIN_DRAWING:
            if chart.pain_drawing is None:
                continue  # nothing to tick
            title = f"{title} of {chart.pain_drawing.drawn_on.isoformat()}"
        sections.append(SectionChoice(section, title, defaults[section], items.get(section, ())))
    documents = tuple(
        ItemChoice(
            d.id,
            d.title,
            f"{d.kind.label}, received {d.received_on.isoformat()}",
            d.category,
            d.referral_id == row.id and d.kind in ATTACHABLE_BY_DEFAULT,
        )
        for d in chart.documents
        if d.kind != DocumentKind.LETTER_SENT
    )
    return LetterChoices(
        row.id,
        discipline,
        row.sensitive,
        tuple(sections),
        documents,
        row.reference or "",
        chart.consent.summary if chart.consent is not None else None,
    )


def _result_choices(chart: _Chart) -> tuple[ItemChoice, ...]:
    """Each monitoring result a checkbox; the latest of each kind within a year ticked,
    a drug screen (substance use) only for mental-health and addiction recipients, as
    every other substance-use item (§3.3)."""
    cutoff = today().toordinal() - RECENT_RESULT_DAYS
    seen: set[monitoring_rules.ResultKind] = set()
    out = []
    for r in chart.results:  # newest first: the first of each kind is the latest
        first = r.kind not in seen
        seen.add(r.kind)
        sensitive = r.category in SENSITIVE_CATEGORIES
        out.append(
            ItemChoice(
                r.id,
                f"{r.kind.label} {r.taken_on.isoformat()}",
                r.summary() + (f" — {'; '.join(r.flags)}" if r.flags else ""),
                r.category,
                first
                and r.taken_on.toordinal() >= cutoff
                and (chart.mental_health or not sensitive),
            )
        )
    return tuple(out)


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


# --------------------------------------------------------------------------- wording
def _dose(m: record.MedicationView) -> str:
    return m.dose_label


def _score(a: AssessmentView) -> str:
    return f"{round(a.total, 1):g}"


def _item9(a: AssessmentView) -> int | None:
    items = a.answers.get("items") or []
    return int(items[8]) if a.kind == AssessmentKind.PHQ9 and len(items) == 9 else None


def _peg_baseline(assessments: Sequence[AssessmentView]) -> AssessmentView | None:
    """The patient's first PEG, the baseline its later scores are judged against."""
    pegs = [a for a in assessments if a.kind == AssessmentKind.PEG]
    return min(pegs, key=lambda a: (a.taken_on, a.id), default=None)


def _band(a: AssessmentView, peg_baseline: AssessmentView | None) -> str:
    """The band; for a PEG (no published bands, Krebs 2009) its change from baseline."""
    if a.kind != AssessmentKind.PEG:
        return a.band
    if peg_baseline is None or peg_baseline.id == a.id:
        return peg_display.change_from_baseline(None, a.total)
    return peg_display.change_from_baseline(peg_baseline.total, a.total)


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
    return Recipient(
        name=_person(member),
        credentials=member.credentials,
        discipline=member.discipline.label,
        specialty=member.specialty,
        organisation=member.organisation,
        address=member.address,
        phone=member.phone,
        fax=member.fax,
        salutation=salutation,
    )


def _referrer(chart: _Chart, actor: Actor) -> Referrer:
    member = chart.referrer_member
    if member is None:
        return Referrer(actor.display_name)
    return Referrer(
        name=_person(member),
        credentials=member.credentials,
        role=member.specialty or member.discipline.label,
        phone=member.phone,
        fax=member.fax,
        email=member.email,
    )


def _authorization(row: Referral) -> AuthorizationDetails:
    return AuthorizationDetails(
        outcome=row.auth_outcome.label,
        payer=row.auth_payer,
        member_id=row.auth_member_id,
        number=row.auth_number,
        provider=row.auth_provider,
        service=row.auth_service,
        visits_authorized=row.auth_visits_authorized,
        visits_used=row.auth_visits_used or 0,
        valid_from=row.auth_valid_from,
        valid_to=row.auth_valid_to,
        denial_reason=row.auth_denial_reason,
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

    name = " ".join(p for p in (patient.given_name, patient.middle_name, patient.family_name) if p)
    return LetterData(
        letterhead=settings.letterhead,
        date=today(),
        paper_size=settings.paper_size,
        recipient=_recipient(row),
        patient=PatientIdentification(
            name,
            patient.date_of_birth,
            patient.mrn,
            patient.sex.label,
            patient.phone,
            patient.insurance_payer,
            patient.insurance_member_id,
        ),
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


# --------------------------------------------------------------------------- public API
@service
def default_options(db: Database, actor: Actor, referral_id: int) -> LetterChoices:
    """The checklist for a referral's letter: every item the user may send, with the
    recipient discipline's defaults ticked (docs/clinical-reference.md §3).

    Raises:
        NotFound: No such referral.
        PermissionDenied: The actor's role may not print this referral's category.
    """
    with db.session(write=True) as session:
        chart = _read_chart(session, actor, referral_id)
        choices = _choices(chart)
        _audit_read(session, actor, chart, "letter options")
        session.commit()
        return choices


@service
def letter_data(
    db: Database,
    actor: Actor,
    referral_id: int,
    options: LetterOptions | None = None,
    *,
    packet: bool = False,
) -> LetterData:
    """The letter's plain data (for a preview), read in one short, audited session.

    Args:
        options: What to include; ``None`` takes the discipline's defaults.
        packet: List the chosen documents as enclosures.

    Raises:
        NotFound: No such referral.
        PermissionDenied: The actor's role may not print this referral's category.
    """
    with db.session(write=True) as session:
        chart = _read_chart(session, actor, referral_id)
        chosen = options if options is not None else _choices(chart).defaults
        enclosures = (
            tuple(Enclosure(d.title, d.kind.label) for d in _attached(chart, chosen))
            if packet
            else ()
        )
        data = _letter(chart, actor, chosen, enclosures)
        _audit_read(session, actor, chart, "letter data")
        session.commit()
        return data


@service
def generate_letter(
    db: Database,
    actor: Actor,
    referral_id: int,
    options: LetterOptions | None = None,
    *,
    packet: bool = False,
    what: str = "letter generated",
) -> bytes:
    """Render a referral's letter (or packet) and record it in the audit trail and history.

    The data is read in one session, rendered outside it, and only a letter that rendered
    is recorded. A packet's history entry names how many documents went with it.

    Args:
        options: What to include; ``None`` takes the discipline's defaults.
        packet: Append the chosen documents (PDFs and images) after the letter.
        what: The history entry, e.g. "letter printed" or "letter saved to FILE".

    Returns:
        The PDF bytes.

    Raises:
        NotFound: No such referral.
        PermissionDenied: The actor's role may not print this referral's category.
        ValidationError: An attached document cannot be read.
    """
    note = v.required_text(what, "what", max_length=MAX_HISTORY_TEXT, multiline=True)
    with db.session(write=True) as session:
        chart = _read_chart(session, actor, referral_id)
        chosen = options if options is not None else _choices(chart).defaults
        attached = _attached(chart, chosen) if packet else []
        enclosures = tuple(Enclosure(d.title, d.kind.label) for d in attached)
        data = _letter(chart, actor, chosen, enclosures)
        attachments = _contents(session, attached)
        session.commit()  # the reference number, if this referral had none yet
    pdf = render_letter(data)
    if packet:
        pdf = build_packet(pdf, attachments)
        note = f"{note} (packet with {len(attachments)} document(s))"[:MAX_HISTORY_TEXT]
    referrals.record_letter(db, actor, referral_id, note)
    return pdf


@service
def referrals_in_state(db: Database, actor: Actor, state: ReferralState | str) -> list[int]:
    """Ids of the referrals in ``state`` whose letters the actor may print, oldest first."""
    wanted = v.choice(state, ReferralState, "state")
    with db.session() as session:
        rows = session.execute(
            select(Referral.id, Referral.discipline, Referral.sensitive)
            .where(Referral.state == wanted)
            .order_by(Referral.id)
        ).all()
    return [r.id for r in rows if may_include(actor, referral_category(r.discipline, r.sensitive))]


def letter_file_name(referral_id: int, *, packet: bool = False) -> str:
    """A file name that identifies the letter without putting patient data on disk names."""
    return f"referral-{referral_id:06d}-{'packet' if packet else 'letter'}.pdf"


def _audit_read(session: Session, actor: Actor, chart: _Chart, detail: str) -> None:
    row = chart.referral
    audit.record(
        session,
        actor,
        "read",
        ENTITY,
        row.id,
        patient_id=row.patient_id,
        category=chart.category,
        detail=detail,
    )


__all__ = [
    "DeliveryMethod",
    "ItemChoice",
    "LetterChoices",
    "LetterOptions",
    "Section",
    "SectionChoice",
    "SentLetterView",
    "default_options",
    "generate_letter",
    "letter_data",
    "letter_file_name",
    "may_include",
    "recipient_gaps",
    "record_sent_letter",
    "referral_labels",
    "referrals_in_state",
    "sent_letter_copy",
    "sent_letters",
]


# --------------------------------------------------------------------------- sent letters
LETTER_SENT_EVENT = "letter sent"
# The referral's coarse "sent via" has no "by hand": a copy handed over was printed.
REFERRAL_METHOD = {
    DeliveryMethod.PRINT: SendMethod.PRINT,
    DeliveryMethod.FAX: SendMethod.FAX,
    DeliveryMethod.EMAIL: SendMethod.EMAIL,
    DeliveryMethod.PORTAL: SendMethod.PORTAL,
    DeliveryMethod.HAND: SendMethod.PRINT,
}


@dataclass(frozen=True)
class SentLetterView:
    """One stored copy of a letter as it left the clinic."""

    document_id: int
    referral_id: int
    file_name: str
    sha256: str
    size_bytes: int
    method: DeliveryMethod
    sent_on: date
    sent_by: str
    filed_at: datetime
    reference: str


def _sent_view(doc: Document, reference: str) -> SentLetterView:
    return SentLetterView(
        doc.id,
        doc.referral_id or 0,
        doc.file_name,
        doc.sha256,
        doc.size_bytes,
        doc.sent_via or DeliveryMethod.PRINT,
        doc.received_on,
        doc.filed_by,
        doc.filed_at,
        reference,
    )


@service
def record_sent_letter(
    db: Database,
    actor: Actor,
    referral_id: int,
    pdf_bytes: bytes,
    method: DeliveryMethod | str,
    *,
    on: date | str | None = None,
    expected_version: int | None = None,
) -> SentLetterView:
    """Keep exactly what was sent, and mark the referral sent, in one transaction.

    The one function every screen calls when a letter leaves the clinic (referral editor,
    letter preview, worklist batch). The PDF bytes are stored unchanged as a "letter sent"
    document on the referral with their SHA-256, who, when and how; the referral's
    history gets an entry linked to that copy; a referral that can still move to Sent
    (a draft) moves there. A later edit of the chart never touches the stored copy.

    Args:
        pdf_bytes: The letter (or packet) exactly as printed, faxed or sent.
        method: print, fax, email, portal or hand.
        on: The day it left (today when omitted; never in the future).
        expected_version: The referral version the screen showed; checked only when the
            referral moves to Sent (another user may have moved it meanwhile).

    Raises:
        NotFound: No such referral.
        PermissionDenied: The role may not print this referral or manage its logistics.
        ValidationError: Not a PDF, an unknown method, a future date, or the referral
            cannot be sent yet (no recipient, authorization denied).
        ConflictError: ``expected_version`` is stale.
    """
    how = v.choice(method, DeliveryMethod, "method")
    day = v.a_date(on, "on") or today()
    v.not_future(day, "on", today())
    if not isinstance(pdf_bytes, bytes | bytearray) or not bytes(pdf_bytes).startswith(b"%PDF-"):
        raise ValidationError("pdf", "the letter to keep must be the PDF that was sent")
    content = bytes(pdf_bytes)
    with db.session(write=True) as session:
        row = _load_referral(session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        _require_print(actor, category)
        require(actor, Action.EDIT_REFERRAL_LOGISTICS, category)
        reference = ensure_reference(session, row)
        if workflow.TABLE.get((row.state, workflow.Event.SEND)) is not None:
            if expected_version is not None:
                check_version(row, expected_version, ENTITY)
            referrals.apply_event(
                session,
                row,
                actor,
                workflow.Details(workflow.Event.SEND, on=day, sent_via=REFERRAL_METHOD[how]),
                load_settings(session).workflow,
            )
        digest = hashlib.sha256(content).hexdigest()
        document = add_document(
            session,
            actor,
            row.patient_id,
            {
                "kind": DocumentKind.LETTER_SENT,
                "title": f"Letter sent {day.isoformat()} ({how.label.lower()})",
                "file_name": f"referral-{row.id:06d}-sent-{day:%Y%m%d}.pdf",
                "media_type": "application/pdf",
                "size_bytes": len(content),
                "sha256": digest,
                "received_on": day,
                "content": content,
                "sent_via": how,
            },
            referral_id=row.id,
            category=category,
        )
        session.add(
            ReferralEvent(
                referral_id=row.id,
                username=actor.username,
                kind="letter",
                reason=f"{LETTER_SENT_EVENT} by {how.label.lower()} on {day.isoformat()}; "
                f"stored copy {document.file_name}, SHA-256 {digest[:16]}…",
                document_id=document.id,
            )
        )
        view = _sent_view(document, reference)
        commit(session, row, ENTITY)
        return view


def _load_sent(session: Session, actor: Actor, document_id: int) -> tuple[Document, Referral]:
    doc = session.get(Document, document_id) if isinstance(document_id, int) else None
    if doc is None or doc.kind != DocumentKind.LETTER_SENT or doc.referral_id is None:
        raise NotFound("Sent letter", document_id)
    row = _load_referral(session, doc.referral_id)
    _require_print(actor, referral_category(row.discipline, row.sensitive))
    return doc, row


@service
def sent_letters(db: Database, actor: Actor, referral_id: int) -> list[SentLetterView]:
    """The stored copies of a referral's sent letters, oldest first (an audited read)."""
    with db.session(write=True) as session:
        row = _load_referral(session, referral_id)
        category = referral_category(row.discipline, row.sensitive)
        _require_print(actor, category)
        docs = session.scalars(
            select(Document)
            .where(Document.referral_id == row.id, Document.kind == DocumentKind.LETTER_SENT)
            .order_by(Document.filed_at, Document.id)
        ).all()
        views = [_sent_view(d, row.reference or "") for d in docs]
        audit.record(
            session,
            actor,
            "read",
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail=f"{len(views)} sent letter(s)",
        )
        session.commit()
        return views


@service
def sent_letter_copy(
    db: Database, actor: Actor, document_id: int, *, stamped: bool = True
) -> bytes:
    """A stored sent letter: its exact bytes, or (``stamped``) those bytes with "Copy of
    the letter sent on DATE" on every page for a reprint. Audited and noted in the history.

    Raises:
        NotFound: No such sent letter.
        PermissionDenied: The role may not print this referral.
        ValidationError: The stored bytes no longer match their SHA-256.
    """
    with db.session(write=True) as session:
        doc, row = _load_sent(session, actor, document_id)
        content = doc.content
        if hashlib.sha256(content).hexdigest() != doc.sha256:
            raise ValidationError("sha256", "the stored letter does not match its SHA-256")
        style = load_settings(session).date_format
        how = doc.sent_via.label.lower() if doc.sent_via else "print"
        note = (
            f"COPY of the letter sent on {format_date(doc.received_on, style)} by {how} "
            f"· Ref. {row.reference or row.id}"
        )
        category = referral_category(row.discipline, row.sensitive)
        what = "copy of sent letter reprinted" if stamped else "sent letter opened"
        session.add(
            ReferralEvent(
                referral_id=row.id,
                username=actor.username,
                kind="letter",
                reason=f"{what} ({doc.file_name})",
                document_id=doc.id,
            )
        )
        audit.record(
            session,
            actor,
            "print",
            ENTITY,
            row.id,
            patient_id=row.patient_id,
            category=category,
            detail=f"{what}, document {doc.id}",
        )
        session.commit()
    return stamp_copy(content, note) if stamped else content


@service
def referral_labels(db: Database, actor: Actor, referral_ids: Sequence[int]) -> dict[int, str]:
    """How people name a referral: "Ñúñez, Zoë, ref. RPC-000012" (patient and reference
    number, never the internal id), for reports such as a batch's skipped letters.

    Raises:
        PermissionDenied: The role may not read demographics.
    """
    require(actor, Action.READ_DEMOGRAPHICS)
    wanted = sorted({int(i) for i in referral_ids})
    if not wanted:
        return {}
    with db.session(write=True) as session:
        rows = session.execute(
            select(
                Referral.id,
                Referral.patient_id,
                Referral.reference,
                Patient.given_name,
                Patient.family_name,
            )
            .join(Patient, Patient.id == Referral.patient_id)
            .where(Referral.id.in_(wanted))
        ).all()
        references = {r.id: r.reference for r in rows}
        if any(ref is None for ref in references.values()):
            number_all(session.connection())
            references = dict(
                session.execute(
                    select(Referral.id, Referral.reference).where(Referral.id.in_(wanted))
                ).tuples()
            )
        for patient_id in sorted({r.patient_id for r in rows}):
            audit.record(
                session,
                actor,
                "read",
                "Patient",
                patient_id,
                patient_id=patient_id,
                detail="referral labels",
            )
        session.commit()
    return {r.id: f"{r.family_name}, {r.given_name}, ref. {references[r.id]}" for r in rows}


@service
def recipient_gaps(db: Database, actor: Actor, referral_id: int) -> tuple[str, ...]:
    """What the letter cannot be sent to: no recipient, no postal address, no fax.

    The letter still prints; the preview says what is missing so nobody hunts for it.
    Team-directory data only, so no chart read is audited.
    """
    with db.session() as session:
        row = _load_referral(session, referral_id)
        _require_print(actor, referral_category(row.discipline, row.sensitive))
        member = row.recipient
        if member is None:
            return ("no specialist chosen",)
        gaps = []
        if not (member.address or "").strip():
            gaps.append("no postal address")
        if not (member.fax or "").strip():
            gaps.append("no fax number")
        return tuple(gaps)
