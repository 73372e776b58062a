"""Issue #9 findings 1-8 through the services, on SQLite and PostgreSQL.

Expected values come from the CDC 2022 guideline's MME table and recommendations
(MMWR Recomm Rep 2022;71(3)) and the PHQ-9 item-9 rule of docs/clinical-reference.md §4.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from carecoord.clinical.vocabulary import Priority
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import Medication
from carecoord.services import assessments, record
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from carecoord.services.letters import generate_letter
from carecoord.services.record import MedicationInput
from tests.letters.samples import pdf_text
from tests.services.helpers import count, new_member, new_patient, new_referral


def add(db: Database, actor: Actor, patient_id: int, *args: object, **kw: object) -> None:
    record.add_medication(db, actor, patient_id, MedicationInput(*args, **kw))  # type: ignore[arg-type]


def test_finding_1_other_routes_are_not_converted(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    add(db, physician, patient.id, "morphine", 2, "mg", "daily", route="intrathecal")
    add(db, physician, patient.id, "hydromorphone", 1, "mg", "q4h", route="IV")
    add(db, physician, patient.id, "oxycodone", 5, "mg", "q6h", route="Rectal")
    chart = load_chart(db, physician, patient.id)
    assert chart.mme.total == 0 and chart.mme.lines == ()
    assert [x.drug for x in chart.mme.not_converted] == ["morphine", "hydromorphone", "oxycodone"]
    assert not chart.mme.complete
    assert [a.code for a in chart.safety] == ["not_converted"]
    assert "not_converted" in [a.code for a in chart.alerts]
    assert [m.route for m in chart.medications] == ["intrathecal", "iv", "rectal"]


def test_finding_2_units_are_converted(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    add(db, physician, patient.id, "fentanyl", 0.025, "mg/h", "continuous", route="transdermal")
    add(db, physician, patient.id, "hydromorphone", 2000, "mcg", "q6h")
    chart = load_chart(db, physician, patient.id)
    assert [m.daily_mme for m in chart.medications] == [60, 40]
    assert chart.mme.total == 100 and chart.mme.complete


def test_finding_3_patch_with_bid_is_refused_at_entry(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(ValidationError) as error:
        add(db, physician, patient.id, "fentanyl", 25, "mcg/h", "bid", route="transdermal")
    assert error.value.field == "frequency"
    assert "continuous" in error.value.message
    with pytest.raises(ValidationError) as error:
        add(db, physician, patient.id, "fentanyl", 25, "mg", "bid", route="transdermal")
    assert error.value.field == "unit"
    assert count(db, Medication) == 0


def test_finding_3_a_stored_bad_line_never_locks_the_chart(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    add(db, physician, patient.id, "fentanyl", 25, "mcg/h", "continuous", route="transdermal")
    add(db, physician, patient.id, "oxycodone", 10, "mg", "bid")
    with db.session(write=True) as session:  # data written before today's rules
        session.execute(
            update(Medication).where(Medication.drug == "fentanyl").values(frequency="bid")
        )
        session.commit()
    chart = load_chart(db, physician, patient.id)
    patch = chart.medications[0]
    assert patch.needs_review is not None and "continuous" in patch.needs_review
    assert patch.daily_mme is None and patch.mme_note == "not counted (needs review)"
    assert chart.mme.total == 30 and not chart.mme.complete
    assert chart.mme.problems[0].field == "frequency"


def test_finding_4_brands_and_typos_are_never_silently_dropped(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    add(db, physician, patient.id, "Nalocet", 5, "mg", "q6h")
    add(db, physician, patient.id, "oxycodon", 5, "mg", "bid")
    chart = load_chart(db, physician, patient.id)
    nalocet, typo = chart.medications
    assert nalocet.is_opioid and nalocet.daily_mme == 30
    assert typo.daily_mme is None
    assert typo.mme_note == "not counted (oxycodone?)"
    assert [a.code for a in chart.safety] == ["unrecognised_opioid"]


def test_finding_5_buprenorphine_alone_never_prints_zero_mme(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    add(db, physician, patient.id, "Belbuca", 150, "mcg", "bid", route="buccal")
    member = new_member(db, physician, "physical_rehabilitation")
    referral = new_referral(db, physician, patient.id, member)
    text = pdf_text(generate_letter(db, physician, referral.id))
    assert "0 MME/day" not in text
    assert "Total daily MME: MME/day not calculated — incomplete: not counted: Belbuca" in text


def test_finding_6_methadone_for_oud_is_not_converted(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    add(
        db,
        physician,
        patient.id,
        "methadone",
        100,
        "mg",
        "daily",
        indication="opioid use disorder treatment",
    )
    chart = load_chart(db, physician, patient.id)
    (line,) = chart.medications
    assert line.indication == "opioid_use_disorder"
    assert line.indication_label == "opioid use disorder treatment"
    assert line.daily_mme is None
    assert "470" not in (line.mme_note or "")
    assert not chart.mme.at_least_90
    assert [a.code for a in chart.safety] == ["not_converted"]


def test_finding_7_cdc_rules_and_an_open_referral(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    record.add_diagnosis(db, physician, patient.id, "F11.20")
    add(db, physician, patient.id, "oxycodone", 20, "mg", "bid")
    add(db, physician, patient.id, "Xanax", 0.5, "mg", "tid")
    add(db, physician, patient.id, "Lyrica", 75, "mg", "bid")
    program = new_member(db, physician, "pain_rehabilitation_program", family="Reyes")
    new_referral(db, physician, patient.id, program)
    chart = load_chart(db, physician, patient.id)
    assert [a.code for a in chart.safety] == [
        "opioid_benzodiazepine",
        "opioid_gabapentinoid",
        "naloxone",
        "moud",
        "mme_50",
    ]
    reasons = " | ".join(s.reason for s in chart.suggestions)
    assert "CDC 2022 Rec. 12" in reasons  # the open referral does not silence it
    assert "CDC 2022 Rec. 8" in reasons and "CDC 2022 Rec. 11" in reasons
    # naloxone on the list answers Rec. 8
    add(db, physician, patient.id, "Narcan", 4, "mg", "prn", route="other", max_doses_per_day=2)
    chart = load_chart(db, physician, patient.id)
    assert "naloxone" not in [a.code for a in chart.safety]


def test_finding_8_phq9_item9_is_stat_with_the_crisis_line(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    assessments.record_assessment(
        db, physician, patient.id, "phq9", {"items": [1, 1, 0, 0, 0, 0, 0, 0, 1]}
    )
    assessments.record_assessment(
        db, physician, patient.id, "gad7", {"items": [2, 2, 2, 2, 1, 1, 0]}
    )
    chart = load_chart(db, physician, patient.id)
    chip = next(a for a in chart.alerts if a.code == "phq9_item9")
    assert "same-day safety assessment" in chip.text and "988" in chip.text
    first = chart.suggestions[0]
    assert first.priority is Priority.STAT
    assert "988 Suicide & Crisis Lifeline" in first.reason
    assert "team's psychiatrist" not in first.reason
    assert any("GAD-7 total 10" in s.reason for s in chart.suggestions)


def test_entry_refuses_bad_combinations(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    cases = [
        (MedicationInput("oxycodone", 5, "mg", "prn"), "max_doses_per_day"),
        (MedicationInput("oxycodone", 5, "mL", "bid"), "concentration_mg_per_ml"),
        (MedicationInput("morphine", 5, "mcg/h", "continuous", route="oral"), "unit"),
        (MedicationInput("morphine", 5, "mg", "continuous"), "unit"),
        (MedicationInput("morphine", 5, "mg", "bid", route="unknown"), "route"),
        (MedicationInput("morphine", 5, "mg", "bid", route="by owl"), "route"),
        (MedicationInput("morphine", 5, "tablets", "bid"), "unit"),
        (MedicationInput("morphine", 5, "mg", "bid", indication="vibes"), "indication"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as error:
            record.add_medication(db, physician, patient.id, data)
        assert error.value.field == field, data
    assert count(db, Medication) == 0
    ok = record.add_medication(
        db,
        physician,
        patient.id,
        MedicationInput("methadone", 2, "ML", "daily", route="PO", concentration_mg_per_ml=10),
    )
    assert (ok.unit, ok.route, ok.daily_mme) == ("mL", "oral", 94)
    assert ok.dose_label == "2 mL (10 mg/mL)"


def test_plan_pdf_prints_the_incomplete_opioid_load(db: Database, physician: Actor) -> None:
    """Issue #9: the plan PDF uses the same wording as the chart and letters."""
    from carecoord.services import plans
    from carecoord.services.plan_report import generate_plan_pdf

    patient = new_patient(db, physician)
    plans.create_plan(db, physician, patient.id, title="Back pain plan", started_on="2026-01-05")
    add(db, physician, patient.id, "oxycodone", 10, "mg", "bid")
    add(db, physician, patient.id, "hydromorphone", 1, "mg", "q4h", route="iv")
    text = " ".join(pdf_text(generate_plan_pdf(db, physician, patient.id)).split())
    assert "Daily opioid load 30 MME/day — incomplete: not counted: hydromorphone (route IV" in text


def test_dashboard_counts_current_lines_needing_review(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    from carecoord.services import dashboard_summary
    from carecoord.services.dashboard import dashboard

    patient = new_patient(db, physician)
    add(db, physician, patient.id, "fentanyl", 25, "mcg/h", "continuous", route="transdermal")
    add(db, physician, patient.id, "oxycodone", 5, "mg", "bid")
    assert dashboard(db, physician).medication_review_count == 0
    with db.session(write=True) as session:  # as migration 0004 leaves an implied route
        session.execute(
            update(Medication).where(Medication.drug == "fentanyl").values(route="unknown")
        )
        # A bulk write outside the services recounts the dashboard's kept summary, as the
        # migration that added the summary does (docs/architecture.md, "Dashboard summary").
        dashboard_summary.rebuild(session.connection())
        session.commit()
    assert dashboard(db, physician).medication_review_count == 1
    assert dashboard(db, front_desk).medication_review_count == 1  # general clinical data
    chart = load_chart(db, physician, patient.id)
    assert chart.medications[0].needs_review == "route not recorded"
    assert chart.medications[0].route_label == "unknown — needs review"
