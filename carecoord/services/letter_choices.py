"""What a referral letter may contain and the checklist the referrer ticks.

The gate (who may print which data category), the chart as one letter reads it, and the
choices pre-selected by the recipient's discipline. Used by :mod:`carecoord.services.letters`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from carecoord.clinical import allergy_status as allergy_rules
from carecoord.clinical import monitoring as monitoring_rules
from carecoord.clinical import peg as peg_display
from carecoord.clinical.vocabulary import (
    AssessmentKind,
    AuthorizationOutcome,
    DataCategory,
    Discipline,
    DocumentKind,
    PlanStatus,
)
from carecoord.errors import NotFound, PermissionDenied
from carecoord.letters import referral_letter as layout
from carecoord.models import Document, Referral, TeamMember
from carecoord.services import consents, monitoring, pain_drawings, record
from carecoord.services.actor import Actor
from carecoord.services.assessments import AssessmentView, assessments_of
from carecoord.services.common import today
from carecoord.services.permissions import (
    Action,
    allowed,
    assessment_category,
    referral_category,
)
from carecoord.services.plans import PlanView, plans_of
from carecoord.services.reference import ensure_reference
from carecoord.services.rows import audit_update
from carecoord.services.settings import ClinicSettings, load_settings
from carecoord.services.unit_of_work import UnitOfWork

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


def _numbered(uow: UnitOfWork, row: Referral) -> str:
    """The referral's reference number. A row written without the ORM may have none yet:
    it is numbered now, and that change audited (a unit of work commits no change unaudited)."""
    if row.reference is not None:
        return row.reference
    reference = ensure_reference(uow.session, row)
    category = referral_category(row.discipline, row.sensitive)
    audit_update(uow, row, ENTITY, category=category, detail="reference number assigned")
    return reference


def _read_chart(uow: UnitOfWork, actor: Actor, referral_id: int) -> _Chart:
    """Read, inside the caller's unit of work, everything the letter may use."""
    session = uow.session
    row = _load_referral(session, referral_id)
    category = referral_category(row.discipline, row.sensitive)
    _require_print(actor, category)
    _numbered(uow, row)
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
