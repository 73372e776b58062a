"""What a letter carries for each recipient discipline × sensitive flag, what it names as
left out, Part 2 consent, the reference number and the clinic's date format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from carecoord.clinical.vocabulary import Discipline
from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.services import assessments, consents, plans, record
from carecoord.services.actor import Actor
from carecoord.services.consents import ConsentInput
from carecoord.services.letters import (
    LetterOptions,
    Section,
    default_options,
    generate_letter,
    referral_labels,
)
from carecoord.services.plans import ActivityInput, GoalInput
from carecoord.services.reference import referral_reference
from carecoord.services.settings import ClinicSettings, get_settings, save_settings
from tests.letters.samples import page_texts, pdf_text
from tests.services.helpers import new_member, new_patient, new_referral

NOT_INCLUDED = "Not included in this letter:"
MENTAL_HEALTH_AND_ADDICTION = {
    "psychiatry",
    "psychology",
    "social_work",
    "pain_rehabilitation_program",
}
SENSITIVE_LINES = (
    "Not included in this letter: psychiatric and substance-use diagnoses.",
    "Not included in this letter: psychotropic medications.",
    "Not included in this letter: mood and substance-use risk scores.",
    "Not included in this letter: psychological therapy activities.",
)
# Headings every default letter of this chart prints, whoever receives it.
ALWAYS = (
    "Patient",
    "Urgency",
    "Reason for referral and question",
    "Problems: relevant history and active diagnoses",
    "Current medications",
    "Allergies and intolerances",
    "Relevant results: outcome scores",
    "Plan of treatment",
    "Sincerely,",
)


@dataclass(frozen=True)
class Chart:
    patient_id: int
    back_pain: int
    depression: int
    opioid_use: int
    oxycodone: int
    sertraline: int
    phq9: int


def _clinic(db: Database, admin: Actor, **extra: object) -> None:
    save_settings(
        db,
        admin,
        ClinicSettings(
            clinic_name="Riverside Pain Clinic",
            address="1 River Road\nPortland, OR 97201",
            phone="(503) 555-0100",
            fax="(503) 555-0101",
            **extra,  # type: ignore[arg-type]
        ),
    )


def _chart(db: Database, physician: Actor, *, part2: bool = False) -> Chart:
    pid = new_patient(db, physician).id
    back = record.add_diagnosis(db, physician, pid, "M54.50")
    depression = record.add_diagnosis(db, physician, pid, "F32.A")
    opioid_use = record.add_diagnosis(db, physician, pid, "F11.20", part2=part2)
    med = record.MedicationInput
    oxy = record.add_medication(db, physician, pid, med("oxycodone", 10, "mg", "bid"))
    sertraline = record.add_medication(db, physician, pid, med("sertraline", 50, "mg", "daily"))
    record.add_allergy(db, physician, pid, "Penicillin", reaction="Rash", severity="moderate")
    assessments.record_assessment(
        db, physician, pid, "peg", {"pain": 7, "enjoyment": 6, "activity": 8}
    )
    phq9 = assessments.record_assessment(
        db, physician, pid, "phq9", {"items": [2, 2, 2, 1, 1, 1, 1, 1, 1]}
    )
    plan = plans.create_plan(
        db,
        physician,
        pid,
        title="Back to work",
        started_on=date.today(),
        goals=(GoalInput("function", "Walk 30 minutes daily", "peg", 8, 5),),
    )
    plans.save_activity(
        db, physician, plan.id, ActivityInput("physical_therapy", "Graded walking", date.today())
    )
    plan = plans.save_activity(
        db, physician, plan.id, ActivityInput("psychological", "CBT for pain", date.today())
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
    return Chart(pid, back.id, depression.id, opioid_use.id, oxy.id, sertraline.id, phq9.id)


@pytest.fixture
def chart(db: Database, physician: Actor, admin: Actor) -> Chart:
    _clinic(db, admin)
    return _chart(db, physician)


def _referral(
    db: Database, physician: Actor, chart: Chart, discipline: str, **extra: object
) -> int:
    member = new_member(db, physician, discipline, "Okafor", "Ada", fax="(503) 555-0201")
    return new_referral(db, physician, chart.patient_id, member, **extra).id


def _flat(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


@pytest.mark.parametrize("sensitive", [False, True], ids=["plain", "sensitive"])
@pytest.mark.parametrize("discipline", [d.value for d in Discipline])
def test_each_discipline_gets_what_it_needs_and_hears_what_was_left_out(
    db: Database, physician: Actor, chart: Chart, discipline: str, sensitive: bool
) -> None:
    referral_id = _referral(db, physician, chart, discipline, sensitive=sensitive)
    text = _flat(generate_letter(db, physician, referral_id))
    for heading in ALWAYS:
        assert heading in text, heading
    # Everyone: general problems, every non-psychotropic drug with its dose, the MME,
    # allergies, the PEG, the plan's goals and physical activities.
    for present in (
        "M54.50",
        "oxycodone",
        "10 mg",
        "Total daily MME: 30 MME/day",
        "Penicillin",
        "PEG",
        "Walk 30 minutes daily",
        "Graded walking",
    ):
        assert present in text, present
    sensitive_content = ("F32.A", "F11.20", "sertraline", "PHQ-9", "Item 9", "CBT for pain")
    if discipline in MENTAL_HEALTH_AND_ADDICTION:
        # Sensitive or not, a mental-health or addiction recipient gets all of it.
        for present in sensitive_content:
            assert present in text, present
        assert NOT_INCLUDED not in text
    else:
        for absent in sensitive_content:
            assert absent not in text, absent
        for line in SENSITIVE_LINES:
            assert line in text, line
    emphasis = {
        "physical_rehabilitation": "Rehabilitation focus: function",
        "physical_therapy": "Rehabilitation focus: function",
        "psychiatry": "Psychiatry focus: mood, risk and psychotropics",
        "psychology": "Psychiatry focus: mood, risk and psychotropics",
    }.get(discipline)
    if emphasis is not None:
        assert emphasis in text


@pytest.mark.parametrize("discipline", ["psychiatry", "neurosurgery"])
def test_every_section_left_out_prints_its_not_included_line(
    db: Database, physician: Actor, chart: Chart, discipline: str
) -> None:
    referral_id = _referral(
        db,
        physician,
        chart,
        discipline,
        sensitive=True,
        treatments_tried="Physio x 12",
        patient_told="Explained the plan",
    )
    defaults = default_options(db, physician, referral_id).defaults
    assert Section.TREATMENTS_TRIED in defaults.sections
    bare = LetterOptions(sections={Section.EMPHASIS})
    text = _flat(generate_letter(db, physician, referral_id, bare))
    for what in (
        "relevant history and active diagnoses",
        "current medications",
        "allergies and intolerances",
        "outcome scores",
        "plan of treatment",
        "treatments tried and their effect",
        "what the patient has been told",
    ):
        assert f"{NOT_INCLUDED} {what}." in text, what
    for absent in ("M54.50", "oxycodone", "Penicillin", "Physio x 12", "Walk 30 minutes"):
        assert absent not in text
    # A section switched on with nothing ticked is named as left out too.
    nothing_ticked = LetterOptions(sections={Section.MEDICATIONS})
    text = _flat(generate_letter(db, physician, referral_id, nothing_ticked))
    assert f"{NOT_INCLUDED} current medications." in text and "oxycodone" not in text


def test_allergies_are_on_by_default_for_every_recipient(
    db: Database, physician: Actor, chart: Chart
) -> None:
    for discipline in Discipline:
        referral_id = _referral(db, physician, chart, discipline.value, sensitive=True)
        choices = default_options(db, physician, referral_id)
        allergies = choices.section(Section.ALLERGIES)
        assert allergies is not None and allergies.selected, discipline


def test_outside_recipient_gets_sensitive_items_when_the_physician_ticks_them(
    db: Database, physician: Actor, chart: Chart
) -> None:
    referral_id = _referral(db, physician, chart, "neurosurgery", sensitive=True)
    defaults = default_options(db, physician, referral_id).defaults
    assert chart.depression not in defaults.diagnosis_ids
    assert chart.sertraline not in defaults.medication_ids
    assert chart.phq9 not in defaults.assessment_ids
    ticked = LetterOptions(
        sections=defaults.sections,
        diagnosis_ids=defaults.diagnosis_ids | {chart.depression},
        medication_ids=defaults.medication_ids | {chart.sertraline},
        assessment_ids=defaults.assessment_ids | {chart.phq9},
    )
    text = _flat(generate_letter(db, physician, referral_id, ticked))
    assert "F32.A" in text and "sertraline" in text and "PHQ-9" in text
    assert "Not included in this letter: psychotropic medications." not in text
    assert "Not included in this letter: psychiatric and substance-use diagnoses." not in text


# --------------------------------------------------------------------------- Part 2
def _consent(**changes: object) -> ConsentInput:
    values: dict[str, object] = {
        "given_by": "the patient",
        "signed_on": date.today() - timedelta(days=2),
        "scope": "substance-use diagnoses relevant to the referral",
        "purpose": "treatment",
        "expires_on": date.today() + timedelta(days=180),
    }
    values.update(changes)
    return ConsentInput(**values)  # type: ignore[arg-type]


def test_part2_diagnosis_needs_a_consent_naming_the_recipient(
    db: Database, physician: Actor, admin: Actor
) -> None:
    _clinic(db, admin)
    chart = _chart(db, physician, part2=True)
    program = new_member(db, physician, "pain_rehabilitation_program", "Hale", "Jo")
    referral_id = new_referral(db, physician, chart.patient_id, program).id

    # No consent: offered but blocked, not ticked, and the letter says why it is absent.
    choices = default_options(db, physician, referral_id)
    diagnoses = choices.section(Section.DIAGNOSES)
    assert diagnoses is not None
    [item] = [i for i in diagnoses.items if i.id == chart.opioid_use]
    assert not item.selected and item.blocked is not None and "Part 2" in item.blocked
    text = _flat(generate_letter(db, physician, referral_id))
    assert "F11.20" not in text and "42 CFR part 2 prohibits" not in text
    assert (
        "Not included in this letter: diagnoses from a 42 CFR Part 2 program "
        "(no valid consent on file)." in text
    )
    # Ticking it anyway is refused with the reason, and nothing is recorded.
    forced = LetterOptions(sections={Section.DIAGNOSES}, diagnosis_ids={chart.opioid_use})
    with pytest.raises(ValidationError) as refused:
        generate_letter(db, physician, referral_id, forced)
    assert refused.value.field == "part2_consent"
    assert "F11.20" in refused.value.message and "consent" in refused.value.message

    # A consent for another recipient does not count; one for this recipient does.
    other = new_member(db, physician, "psychiatry", "Other", "Doc")
    consents.record_consent(db, physician, chart.patient_id, _consent(recipient_member_id=other.id))
    with pytest.raises(ValidationError):
        generate_letter(db, physician, referral_id, forced)
    recorded = consents.record_consent(
        db, physician, chart.patient_id, _consent(recipient_member_id=program.id)
    )
    assert recorded.recipient == "Jo Hale, MD"
    choices = default_options(db, physician, referral_id)
    assert choices.part2_consent is not None and "Jo Hale, MD" in choices.part2_consent
    text = _flat(generate_letter(db, physician, referral_id))
    assert "F11.20" in text
    assert "Substance-use records: 42 CFR Part 2" in text
    assert "42 CFR part 2 prohibits unauthorized use or disclosure of these records." in text
    # 2.32 also sends the consent's scope along.
    assert "The patient's consent: signed by the patient on" in text
    assert "to Jo Hale, MD, for treatment; it covers substance-use diagnoses" in text

    # Revoked: refused again.
    consents.revoke_consent(db, physician, recorded.id)
    with pytest.raises(ValidationError):
        generate_letter(db, physician, referral_id, forced)


def test_an_expired_consent_does_not_count(db: Database, physician: Actor, admin: Actor) -> None:
    _clinic(db, admin)
    chart = _chart(db, physician, part2=True)
    program = new_member(db, physician, "pain_rehabilitation_program", "Hale", "Jo")
    referral_id = new_referral(db, physician, chart.patient_id, program).id
    consents.record_consent(
        db,
        physician,
        chart.patient_id,
        _consent(
            signed_on=date.today() - timedelta(days=400),
            expires_on=date.today() - timedelta(days=1),
        ),
    )
    forced = LetterOptions(sections={Section.DIAGNOSES}, diagnosis_ids={chart.opioid_use})
    with pytest.raises(ValidationError):
        generate_letter(db, physician, referral_id, forced)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"given_by": "  "}, "given_by"),
        ({"scope": ""}, "scope"),
        ({"purpose": ""}, "purpose"),
        ({"signed_on": None}, "signed_on"),
        ({"signed_on": date.today() + timedelta(days=1)}, "signed_on"),
        ({"expires_on": date.today() - timedelta(days=30)}, "expires_on"),
    ],
)
def test_consent_needs_every_element(
    db: Database, physician: Actor, changes: dict[str, object], field: str
) -> None:
    pid = new_patient(db, physician).id
    with pytest.raises(ValidationError) as refused:
        consents.record_consent(db, physician, pid, _consent(**changes))
    assert refused.value.field == field
    assert consents.consents_of(db, physician, pid) == []


def test_front_desk_may_not_record_or_read_consents(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    pid = new_patient(db, physician).id
    with pytest.raises(PermissionDenied):
        consents.record_consent(db, front_desk, pid, _consent())
    with pytest.raises(PermissionDenied):
        consents.consents_of(db, front_desk, pid)


def test_only_a_substance_use_diagnosis_comes_from_a_part2_program(
    db: Database, physician: Actor
) -> None:
    pid = new_patient(db, physician).id
    with pytest.raises(ValidationError) as refused:
        record.add_diagnosis(db, physician, pid, "M54.50", part2=True)
    assert refused.value.field == "part2"


# --------------------------------------------------------------------------- reference
def test_reference_number_is_stable_printed_on_every_page_and_named_in_reports(
    db: Database, physician: Actor, admin: Actor, chart: Chart
) -> None:
    assert referral_reference("Riverside Pain Clinic", 42) == "RPC-000042"
    assert referral_reference("", 7) == "REF-000007"
    referral_id = _referral(db, physician, chart, "neurosurgery")
    expected = f"RPC-{referral_id:06d}"
    pages = page_texts(generate_letter(db, physician, referral_id))
    assert f"Our reference: {expected}" in pages[0]
    assert all(f"Ref. {expected}" in page for page in pages)
    # Renaming the clinic never renumbers a referral.
    settings = get_settings(db)
    save_settings(db, admin, ClinicSettings(**{**settings.__dict__, "clinic_name": "Other"}))
    assert f"Our reference: {expected}" in pdf_text(generate_letter(db, physician, referral_id))
    assert referral_labels(db, physician, [referral_id]) == {
        referral_id: f"Ñúñez, Zoë, ref. {expected}"
    }


# --------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    ("style", "born"),
    [
        ("us_long", "May 12, 1980"),
        ("us_numeric", "05/12/1980"),
        ("iso", "1980-05-12"),
        ("day_month", "12 May 1980"),
    ],
)
def test_letters_print_dates_in_the_clinics_format(
    db: Database, physician: Actor, admin: Actor, style: str, born: str
) -> None:
    _clinic(db, admin, date_format=style)
    chart = _chart(db, physician)
    text = pdf_text(generate_letter(db, physician, _referral(db, physician, chart, "psychiatry")))
    assert born in text


def test_unknown_date_format_is_refused(db: Database, admin: Actor) -> None:
    with pytest.raises(ValidationError) as refused:
        _clinic(db, admin, date_format="dd.mm.yy")
    assert refused.value.field == "date_format"
    assert get_settings(db).date_format == "us_long"


def test_doctor_is_addressed_with_the_full_stop(
    db: Database, physician: Actor, chart: Chart
) -> None:
    text = pdf_text(generate_letter(db, physician, _referral(db, physician, chart, "psychiatry")))
    assert "Dear Dr. Okafor," in text and "Dear Dr Okafor" not in text


def test_a_section_held_back_only_by_policy_names_the_policy_not_the_section(
    db: Database, physician: Actor, admin: Actor
) -> None:
    _clinic(db, admin)
    pid = new_patient(db, physician).id
    record.add_diagnosis(db, physician, pid, "F11.20", part2=True)
    record.add_medication(
        db, physician, pid, record.MedicationInput("sertraline", 50, "mg", "daily")
    )
    surgeon = new_member(db, physician, "neurosurgery", "Berg", "Ola")
    text = _flat(generate_letter(db, physician, new_referral(db, physician, pid, surgeon).id))
    assert "sertraline" not in text and "F11.20" not in text
    assert "Not included in this letter: psychotropic medications." in text
    assert "Not included in this letter: current medications." not in text
    assert "Not included in this letter: psychiatric and substance-use diagnoses." in text
    assert "Not included in this letter: relevant history and active diagnoses." not in text
    program = new_member(db, physician, "pain_rehabilitation_program", "Hale", "Jo")
    text = _flat(generate_letter(db, physician, new_referral(db, physician, pid, program).id))
    assert "sertraline" in text and "F11.20" not in text
    assert (
        "Not included in this letter: diagnoses from a 42 CFR Part 2 program "
        "(no valid consent on file)." in text
    )
    assert "Not included in this letter: relevant history and active diagnoses." not in text


def test_phq9_states_item_9_even_when_it_is_zero(
    db: Database, physician: Actor, admin: Actor
) -> None:
    _clinic(db, admin)
    pid = new_patient(db, physician).id
    assessments.record_assessment(
        db, physician, pid, "phq9", {"items": [1, 1, 1, 1, 1, 1, 1, 1, 0]}
    )
    psychiatrist = new_member(db, physician, "psychiatry", "Okafor", "Ada")
    text = _flat(generate_letter(db, physician, new_referral(db, physician, pid, psychiatrist).id))
    assert "item 9 (thoughts of self-harm) 0" in text
