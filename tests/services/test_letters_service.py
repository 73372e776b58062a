"""Letters from the chart: what goes in, what stays out, who may print, what is recorded."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from carecoord.clinical.vocabulary import AssessmentKind, DataCategory, UserRole
from carecoord.db import Database
from carecoord.errors import NotFound, PermissionDenied
from carecoord.letters.referral_letter import NOT_INCLUDED, SECTION_ORDER
from carecoord.models import AuditEvent, Referral, ReferralEvent
from carecoord.services import assessments, plans, record, referrals
from carecoord.services.actor import Actor
from carecoord.services.documents import DocumentUpload, attach_document
from carecoord.services.letters import (
    LetterOptions,
    Section,
    default_options,
    generate_letter,
    letter_data,
    may_include,
    referrals_in_state,
)
from carecoord.services.plans import GoalInput
from carecoord.services.settings import ClinicSettings, save_settings
from tests.letters.samples import ordered, page_texts, pdf_text, png, small_pdf
from tests.services.helpers import new_member, new_patient, new_referral

CANARY_DIAGNOSIS = "CANARY-DIAGNOSIS-NOTE"
CANARY_MEDICATION = "Canarymycin"
CANARY_TREATMENT = "CANARY-TREATMENTS"
CANARY_TOLD = "CANARY-TOLD"


@dataclass(frozen=True)
class Chart:
    patient_id: int
    back_pain: int
    depression: int
    opioid_use: int
    oxycodone: int
    buprenorphine: int
    sertraline: int
    canary_medication: int
    peg: int
    phq9: int


def _clinic(db: Database, admin: Actor) -> None:
    save_settings(
        db,
        admin,
        ClinicSettings(
            clinic_name="Riverside Pain Clinic",
            address="1 River Road\nPortland, OR 97201",
            phone="(503) 555-0100",
            fax="(503) 555-0101",
        ),
    )


def _chart(db: Database, physician: Actor) -> Chart:
    patient = new_patient(
        db, physician, insurance_payer="Acme Health", insurance_member_id="AC-123"
    )
    pid = patient.id
    back = record.add_diagnosis(db, physician, pid, "M54.50", onset="2021-03-01")
    depression = record.add_diagnosis(db, physician, pid, "F32.A", notes=CANARY_DIAGNOSIS)
    opioid_use = record.add_diagnosis(db, physician, pid, "F11.20")
    med = record.MedicationInput
    oxy = record.add_medication(db, physician, pid, med("oxycodone", 10, "mg", "bid"))
    bup = record.add_medication(
        db, physician, pid, med("buprenorphine", 8, "mg", "daily", route="sublingual")
    )
    sertraline = record.add_medication(db, physician, pid, med("sertraline", 50, "mg", "daily"))
    canary = record.add_medication(db, physician, pid, med(CANARY_MEDICATION, 1, "mg", "daily"))
    record.add_allergy(db, physician, pid, "Penicillin", reaction="Rash", severity="moderate")
    peg = assessments.record_assessment(
        db, physician, pid, "peg", {"pain": 7, "enjoyment": 6, "activity": 8}
    )
    assessments.record_assessment(db, physician, pid, "nrs", {"value": 7})
    phq9 = assessments.record_assessment(
        db, physician, pid, "phq9", {"items": [2, 2, 2, 1, 1, 1, 1, 1, 1]}
    )
    return Chart(
        pid,
        back.id,
        depression.id,
        opioid_use.id,
        oxy.id,
        bup.id,
        sertraline.id,
        canary.id,
        peg.id,
        phq9.id,
    )


@pytest.fixture
def chart(db: Database, physician: Actor, admin: Actor) -> Chart:
    _clinic(db, admin)
    return _chart(db, physician)


def _rehab_referral(db: Database, physician: Actor, chart: Chart, **extra: object) -> int:
    rehab = new_member(
        db, physician, "physical_rehabilitation", "Wróbel", "Łukasz", fax="(503) 555-0201"
    )
    return new_referral(db, physician, chart.patient_id, rehab, **extra).id


def _psychiatry_referral(db: Database, physician: Actor, chart: Chart, **extra: object) -> int:
    psychiatrist = new_member(db, physician, "psychiatry", "Okafor", "Ada")
    return new_referral(
        db,
        physician,
        chart.patient_id,
        psychiatrist,
        treatments_tried=CANARY_TREATMENT,
        patient_told=CANARY_TOLD,
        **extra,
    ).id


def test_letter_prints_identity_recipient_sections_and_mme(
    db: Database, physician: Actor, chart: Chart
) -> None:
    referral_id = _rehab_referral(
        db, physician, chart, treatments_tried="Physio x 12", patient_told="Explained the plan"
    )
    text = pdf_text(generate_letter(db, physician, referral_id))
    assert "Zoë Ñúñez" in text and "May 12, 1980" in text
    assert "Łukasz Wróbel, MD" in text and "Fax (503) 555-0201" in text
    assert "Dear Dr. Wróbel," in text
    assert "Acme Health" in text and "AC-123" in text
    assert "Total daily MME: 30 MME/day — incomplete: not counted:" in text
    assert "Penicillin" in text and "PEG" in text and "NRS pain" in text
    headings = [
        h
        for h in SECTION_ORDER
        if h
        not in (
            "Psychiatry focus: mood, risk and psychotropics",
            "Headache profile",
            "Pain drawing",  # ticked only (and this chart has none)
            "Relevant results: opioid-therapy monitoring",  # no results on this chart
            "Plan of treatment",
            "Authorization",
            "Substance-use records: 42 CFR Part 2",
            "Enclosures",
        )
    ]
    assert ordered(text, headings)
    # Rehabilitation defaults: no mood scores, no psychiatric or substance-use diagnosis,
    # no psychotropic, each absence named.
    assert "PHQ-9" not in text and "F32.A" not in text and "F11.20" not in text
    assert "sertraline" not in text and "oxycodone" in text
    flat = " ".join(text.split())
    for line in (
        "Not included in this letter: psychiatric and substance-use diagnoses.",
        "Not included in this letter: psychotropic medications.",
        "Not included in this letter: mood and substance-use risk scores.",
    ):
        assert line in flat
    assert "Pain interferes with general activity: 8/10" in text


def test_generating_records_audit_event_and_history(
    db: Database, physician: Actor, chart: Chart
) -> None:
    referral_id = _rehab_referral(db, physician, chart)
    generate_letter(db, physician, referral_id, what="letter printed")
    with db.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "print").order_by(AuditEvent.id)
        ).one()
        history = session.scalars(
            select(ReferralEvent).where(
                ReferralEvent.referral_id == referral_id, ReferralEvent.kind == "letter"
            )
        ).one()
        assert (event.entity, event.entity_id, event.username) == (
            "Referral",
            referral_id,
            "drlee",
        )
        assert event.data_category == "general" and event.detail == "letter printed"
        assert event.patient_id == chart.patient_id
        assert (history.username, history.reason) == ("drlee", "letter printed")


def test_sensitive_psychiatry_letter_still_carries_what_a_psychiatrist_needs(
    db: Database, physician: Actor, chart: Chart
) -> None:
    referral_id = _psychiatry_referral(db, physician, chart, sensitive=True)
    choices = default_options(db, physician, referral_id)
    assert choices.sensitive
    text = pdf_text(generate_letter(db, physician, referral_id))
    assert "Zoë Ñúñez" in text and "May 12, 1980" in text and "Ada Okafor" in text
    assert "Chronic low back pain with low mood" in text and "Is an SNRI appropriate" in text
    # Problems, every medication with its dose and the MME, allergies, mood scores.
    for present in ("M54.50", "F32.A", "F11.20", "oxycodone", "10 mg", "sertraline"):
        assert present in text
    assert "Total daily MME: 30 MME/day" in text and "Penicillin" in text
    assert "PHQ-9" in text and "Item 9 (thoughts of self-harm) scored 1" in text
    assert NOT_INCLUDED not in text
    # The unticked still stays out.
    only_back_pain = LetterOptions(sections={Section.DIAGNOSES}, diagnosis_ids={chart.back_pain})
    text = pdf_text(generate_letter(db, physician, referral_id, only_back_pain))
    assert "M54.50" in text
    assert CANARY_DIAGNOSIS not in text and "F32.A" not in text
    assert CANARY_MEDICATION not in text and CANARY_TREATMENT not in text


def test_unticked_item_is_absent(db: Database, physician: Actor, chart: Chart) -> None:
    referral_id = _rehab_referral(db, physician, chart)
    defaults = default_options(db, physician, referral_id).defaults
    assert chart.canary_medication in defaults.medication_ids
    assert CANARY_MEDICATION in pdf_text(generate_letter(db, physician, referral_id, defaults))
    without = replace(defaults, medication_ids=defaults.medication_ids - {chart.canary_medication})
    text = pdf_text(generate_letter(db, physician, referral_id, without))
    assert CANARY_MEDICATION not in text and "oxycodone" in text
    # A ticked item in a section switched off stays out too.
    no_meds = defaults.with_section(Section.MEDICATIONS, False)
    text = pdf_text(generate_letter(db, physician, referral_id, no_meds))
    assert "oxycodone" not in text and "Current medications" not in text


def test_a_section_with_nothing_ticked_is_left_out_not_shown_empty(
    db: Database, physician: Actor, chart: Chart
) -> None:
    referral_id = _rehab_referral(db, physician, chart)
    defaults = default_options(db, physician, referral_id).defaults
    assert Section.MEDICATIONS in defaults.sections
    nothing_ticked = replace(defaults, medication_ids=frozenset())
    text = pdf_text(generate_letter(db, physician, referral_id, nothing_ticked))
    # "None recorded." would tell the specialist the patient takes nothing.
    assert "Current medications" not in text and "oxycodone" not in text


def test_defaults_follow_the_discipline(db: Database, physician: Actor, chart: Chart) -> None:
    psych = default_options(db, physician, _psychiatry_referral(db, physician, chart))
    rehab = default_options(db, physician, _rehab_referral(db, physician, chart))
    program = new_member(db, physician, "pain_rehabilitation_program", "Hale", "Jo")
    addiction = default_options(
        db, physician, new_referral(db, physician, chart.patient_id, program).id
    )

    def ticked(choices: object, section: Section) -> set[int]:
        found = choices.section(section)  # type: ignore[attr-defined]
        return {i.id for i in found.items if i.selected}

    everything = {chart.back_pain, chart.depression, chart.opioid_use}
    assert ticked(psych, Section.DIAGNOSES) == everything
    assert ticked(rehab, Section.DIAGNOSES) == {chart.back_pain}
    assert ticked(addiction, Section.DIAGNOSES) == everything
    assert chart.sertraline not in ticked(rehab, Section.MEDICATIONS)
    assert chart.sertraline in ticked(addiction, Section.MEDICATIONS)
    assert chart.phq9 in ticked(psych, Section.SCORES)
    assert chart.phq9 not in ticked(rehab, Section.SCORES)
    assert chart.peg in ticked(rehab, Section.SCORES)
    assert chart.sertraline in ticked(psych, Section.MEDICATIONS)
    assert psych.section(Section.EMPHASIS) is not None and psych.defaults.sections
    assert addiction.section(Section.EMPHASIS) is None
    # Every readable item is offered, ticked or not.
    assert {i.id for i in rehab.section(Section.DIAGNOSES).items} == {  # type: ignore[union-attr]
        chart.back_pain,
        chart.depression,
        chart.opioid_use,
    }


def test_psychiatry_letter_emphasises_mood_risk_and_psychotropics(
    db: Database, physician: Actor, chart: Chart
) -> None:
    referral_id = _psychiatry_referral(
        db, physician, chart, priority="urgent", priority_reason="PHQ-9 item 9 positive"
    )
    text = pdf_text(generate_letter(db, physician, referral_id))
    assert ordered(text, ["URGENT", "PHQ-9 item 9 positive", "Psychiatry focus"])
    assert "PHQ-9 item 9 (thoughts of self-harm) scored 1" in text
    assert ordered(text, ["Current psychotropics", "sertraline", "Problems"])
    assert "F32.A" in text and CANARY_DIAGNOSIS in text


def test_rehabilitation_letter_carries_the_active_plan_goals(
    db: Database, physician: Actor, chart: Chart
) -> None:
    plan = plans.create_plan(
        db,
        physician,
        chart.patient_id,
        title="Back to work",
        started_on=date.today(),
        goals=(GoalInput("function", "Walk 30 minutes daily", "peg", 8, 5),),
    )
    plans.update_plan(
        db,
        physician,
        plan.id,
        title=plan.title,
        status="active",
        started_on=plan.started_on,
        review_on=date.today() + timedelta(days=90),
        notes=None,
        expected_version=plan.version,
    )
    data = letter_data(db, physician, _rehab_referral(db, physician, chart))
    assert data.rehabilitation is not None and data.plan is not None
    assert data.plan.title == "Back to work"
    assert [g.description for g in data.plan.goals] == ["Walk 30 minutes daily"]


def test_front_desk_may_not_print_a_psychiatry_referral(
    db: Database, physician: Actor, front_desk: Actor, admin: Actor, chart: Chart
) -> None:
    referral_id = _psychiatry_referral(db, physician, chart)
    for call in (
        lambda a: generate_letter(db, a, referral_id),
        lambda a: letter_data(db, a, referral_id),
        lambda a: default_options(db, a, referral_id),
    ):
        with pytest.raises(PermissionDenied):
            call(front_desk)
        with pytest.raises(PermissionDenied):
            call(admin)
    with db.session() as session:
        letters = session.scalars(select(ReferralEvent).where(ReferralEvent.kind == "letter"))
        assert list(letters) == []


def test_front_desk_general_letter_offers_no_psychiatric_items(
    db: Database, physician: Actor, front_desk: Actor, chart: Chart
) -> None:
    referral_id = _rehab_referral(db, physician, chart)
    choices = default_options(db, front_desk, referral_id)
    diagnoses = choices.section(Section.DIAGNOSES)
    scores = choices.section(Section.SCORES)
    assert diagnoses is not None and scores is not None
    assert {i.id for i in diagnoses.items} == {chart.back_pain}
    assert AssessmentKind.PHQ9.label not in {i.label.split(" ")[0] for i in scores.items}
    everything = LetterOptions(
        sections=set(Section),
        diagnosis_ids={chart.back_pain, chart.depression, chart.opioid_use},
        assessment_ids={chart.phq9, chart.peg},
    )
    text = pdf_text(generate_letter(db, front_desk, referral_id, everything))
    assert "M54.50" in text and "F32.A" not in text and "F11.20" not in text
    assert "PHQ-9" not in text and "PEG" in text


def test_ids_of_another_patient_are_ignored(db: Database, physician: Actor, chart: Chart) -> None:
    other = new_patient(db, physician, "Other", "Person", date(1970, 1, 1))
    foreign = record.add_diagnosis(db, physician, other.id, "M79.7", notes="FOREIGN-NOTE")
    referral_id = _rehab_referral(db, physician, chart)
    options = LetterOptions(sections={Section.DIAGNOSES}, diagnosis_ids={foreign.id})
    assert "FOREIGN-NOTE" not in pdf_text(generate_letter(db, physician, referral_id, options))


def test_psychotherapy_notes_pass_the_gate_for_nobody() -> None:
    for role in UserRole:
        actor = Actor(None, "x", role)
        assert not may_include(actor, DataCategory.PSYCHOTHERAPY_NOTE)


def test_packet_appends_the_chosen_documents(db: Database, physician: Actor, chart: Chart) -> None:
    referral_id = _rehab_referral(db, physician, chart)
    report = attach_document(
        db,
        physician,
        chart.patient_id,
        DocumentUpload("mri.pdf", small_pdf(2, "MRI page"), "imaging", title="MRI lumbar spine"),
        referral_id=referral_id,
    )
    photo = attach_document(
        db,
        physician,
        chart.patient_id,
        DocumentUpload("gait.png", png(), "other", title="Gait photo"),
        referral_id=referral_id,
    )
    choices = default_options(db, physician, referral_id)
    assert {d.id for d in choices.documents if d.selected} == {report.id, photo.id}

    letter = generate_letter(db, physician, referral_id)
    packet = generate_letter(db, physician, referral_id, packet=True)
    letter_pages = len(PdfReader(io.BytesIO(letter)).pages)
    texts = page_texts(packet)
    assert len(texts) == letter_pages + 2 + 1
    assert ordered("\n".join(texts[:letter_pages]), ["Enclosures", "MRI lumbar spine"])
    assert "Gait photo" in "\n".join(texts[:letter_pages])
    # Attached in the checklist's order (newest first): the photo, then the MRI's pages.
    assert "Gait photo" in texts[letter_pages] and "MRI page 2" in texts[-1]

    only_mri = replace(choices.defaults, document_ids=frozenset({report.id}))
    packet = generate_letter(db, physician, referral_id, only_mri, packet=True)
    assert len(page_texts(packet)) == letter_pages + 2
    with db.session() as session:
        history = [
            e.reason
            for e in session.scalars(
                select(ReferralEvent)
                .where(ReferralEvent.kind == "letter")
                .order_by(ReferralEvent.id)
            )
        ]
    assert history == [
        "letter generated",
        "letter generated (packet with 2 document(s))",
        "letter generated (packet with 1 document(s))",
    ]


def test_referrals_in_state_lists_what_the_actor_may_print(
    db: Database, physician: Actor, front_desk: Actor, chart: Chart
) -> None:
    rehab = _rehab_referral(db, physician, chart)
    psych = _psychiatry_referral(db, physician, chart)
    assert referrals_in_state(db, physician, "draft") == [rehab, psych]
    assert referrals_in_state(db, front_desk, "draft") == [rehab]
    assert referrals_in_state(db, physician, "sent") == []


def test_unknown_referral_is_not_found(db: Database, physician: Actor) -> None:
    with pytest.raises(NotFound):
        generate_letter(db, physician, 999_999)
    with pytest.raises(NotFound):
        default_options(db, physician, 999_999)


def test_letter_without_clinic_settings_or_recipient_still_prints(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    view = referrals.create_referral(
        db,
        physician,
        referrals.ReferralInput(patient.id, "neurology_headache", "Daily headache"),
    )
    text = pdf_text(generate_letter(db, physician, view.id))
    assert "Neurology / headache medicine service" in text and "Dear colleague," in text
    assert "Page 1 of 1" in text


@pytest.mark.parametrize(
    ("style", "written"),
    [("us_long", "March 3, 2026"), ("day_month", "3 March 2026"), ("us_numeric", "03/03/2026")],
)
def test_rehabilitation_and_psychiatry_boxes_print_dates_in_the_clinics_format(
    db: Database, physician: Actor, admin: Actor, style: str, written: str
) -> None:
    """The PEG and item-9 lines inside the discipline boxes follow Settings, like the rest."""
    save_settings(db, admin, ClinicSettings(clinic_name="Riverside Pain Clinic", date_format=style))
    pid = new_patient(db, physician).id
    taken = date(2026, 3, 3)
    assessments.record_assessment(
        db, physician, pid, "peg", {"pain": 7, "enjoyment": 6, "activity": 8}, taken_on=taken
    )
    assessments.record_assessment(
        db, physician, pid, "phq9", {"items": [1, 1, 1, 1, 1, 1, 1, 1, 1]}, taken_on=taken
    )
    rehab = new_member(db, physician, "physical_rehabilitation", "Wróbel", "Łukasz")
    psychiatrist = new_member(db, physician, "psychiatry", "Okafor", "Ada")
    rehab_text = pdf_text(
        generate_letter(db, physician, new_referral(db, physician, pid, rehab).id)
    )
    psych_text = pdf_text(
        generate_letter(db, physician, new_referral(db, physician, pid, psychiatrist).id)
    )
    assert f"(PEG, {written})" in rehab_text
    assert f"scored 1 on {written}" in psych_text
    assert "2026-03-03" not in rehab_text + psych_text


def test_a_referral_without_a_number_is_numbered_by_its_letter_and_that_is_audited(
    db: Database, physician: Actor, chart: Chart
) -> None:
    """A row written without the ORM may lack its reference; reading its letter numbers it
    in the letter's unit of work, which commits no change without an audit record."""
    referral_id = _rehab_referral(db, physician, chart)
    with db.session(write=True) as session:
        session.execute(update(Referral).where(Referral.id == referral_id).values(reference=None))
        session.commit()
    default_options(db, physician, referral_id)
    with db.session() as session:
        stored = session.get(Referral, referral_id)
        assert stored is not None and stored.reference is not None
        numbered = session.scalars(
            select(AuditEvent).where(AuditEvent.detail == "reference number assigned")
        ).one()
        assert (numbered.action, numbered.entity, numbered.entity_id) == (
            "update",
            "Referral",
            referral_id,
        )
    default_options(db, physician, referral_id)  # numbered once: nothing more to audit
    with db.session() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.detail == "reference number assigned")
            )
            == 1
        )
