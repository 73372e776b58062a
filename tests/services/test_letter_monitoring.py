"""Monitoring results in referral letters, read back from the PDF: on by default for
psychiatry, addiction-program and pain-medicine / anesthesiology recipients; drug screens
(substance use) only for mental-health and addiction recipients unless ticked, and never
from a role that may not read them; a left-out section says so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from carecoord.clinical.monitoring import ResultKind
from carecoord.db import Database
from carecoord.services import monitoring, record
from carecoord.services.actor import Actor
from carecoord.services.common import today
from carecoord.services.letters import Section, default_options, generate_letter
from carecoord.services.monitoring import ResultEntry, ScreenEntry
from carecoord.services.settings import ClinicSettings, save_settings
from tests.letters.samples import pdf_text
from tests.services.helpers import new_member, new_patient, new_referral

HEADING = "Relevant results: opioid-therapy monitoring"
LEFT_OUT = "Not included in this letter: opioid-therapy monitoring."
SCREENS_LEFT_OUT = "Not included in this letter: urine drug screens."


def _chart(db: Database, physician: Actor, admin: Actor) -> int:
    save_settings(db, admin, ClinicSettings(clinic_name="Riverside Pain Clinic"))
    patient = new_patient(db, physician)
    record.add_medication(
        db, physician, patient.id, record.MedicationInput("oxycodone", 10, "mg", "bid")
    )
    add = monitoring.record_result
    add(
        db,
        physician,
        patient.id,
        ResultEntry(
            ResultKind.DRUG_SCREEN,
            today() - timedelta(days=4),
            screens=(
                ScreenEntry("oxycodone", "positive", True),
                ScreenEntry("cocaine", "positive", False),
            ),
        ),
    )
    add(
        db,
        physician,
        patient.id,
        ResultEntry("liver", today() - timedelta(days=400), values={"alt": 20}),
    )
    add(
        db,
        physician,
        patient.id,
        ResultEntry("liver", today() - timedelta(days=9), values={"alt": 88, "ast": 35}),
    )
    add(
        db,
        physician,
        patient.id,
        ResultEntry(
            "pdmp",
            today() - timedelta(days=9),
            pdmp_result="consistent",
            performed_by="Kim Ortiz, RN",
        ),
    )
    return patient.id


@pytest.mark.parametrize("discipline", ["pain_medicine", "anesthesiology"])
def test_pain_medicine_gets_recent_results_without_drug_screens(
    db: Database, physician: Actor, admin: Actor, discipline: str
) -> None:
    patient_id = _chart(db, physician, admin)
    referral = new_referral(db, physician, patient_id, new_member(db, physician, discipline))
    choices = default_options(db, physician, referral.id)
    results = choices.section(Section.RESULTS)
    assert results is not None and results.selected
    ticked = [i.label.split(" 20")[0] for i in results.items if i.selected]
    assert ticked == ["PDMP check", "Liver function"]  # the old liver panel and the screen not
    text = pdf_text(generate_letter(db, physician, referral.id))
    assert HEADING in text
    assert "88 U/L" in text and "7–56" in text and "high" in text
    assert "20 U/L" not in text  # older than the latest of its kind
    assert "Kim Ortiz, RN" in text
    assert "Cocaine" not in text
    assert SCREENS_LEFT_OUT in text


def test_psychiatry_gets_drug_screens_flagged(db: Database, physician: Actor, admin: Actor) -> None:
    patient_id = _chart(db, physician, admin)
    referral = new_referral(db, physician, patient_id, new_member(db, physician, "psychiatry"))
    text = pdf_text(generate_letter(db, physician, referral.id))
    assert HEADING in text
    assert "Drug screen: Cocaine" in text
    assert "Positive (not expected)" in text and "unexpected" in text
    assert "Drug screen: Oxycodone" in text
    assert SCREENS_LEFT_OUT not in text


def test_addiction_program_gets_them_too(db: Database, physician: Actor, admin: Actor) -> None:
    patient_id = _chart(db, physician, admin)
    member = new_member(db, physician, "pain_rehabilitation_program")
    referral = new_referral(db, physician, patient_id, member)
    text = pdf_text(generate_letter(db, physician, referral.id))
    assert "Drug screen: Cocaine" in text and "88 U/L" in text


def test_other_recipients_get_the_omission_named(
    db: Database, physician: Actor, admin: Actor
) -> None:
    patient_id = _chart(db, physician, admin)
    member = new_member(db, physician, "physical_therapy", family="Berg")
    referral = new_referral(db, physician, patient_id, member)
    choices = default_options(db, physician, referral.id)
    section = choices.section(Section.RESULTS)
    assert section is not None and not section.selected
    text = pdf_text(generate_letter(db, physician, referral.id))
    assert HEADING not in text
    assert LEFT_OUT in text
    # Ticked by hand, a drug screen goes to a recipient outside addiction care as well.
    screen = next(i.id for i in section.items if i.category.value == "substance_use")
    options = choices.defaults.with_section(Section.RESULTS)
    options = type(options)(**{**options.__dict__, "result_ids": {screen}})
    text = pdf_text(generate_letter(db, physician, referral.id, options))
    assert "Drug screen: Cocaine" in text and LEFT_OUT not in text


def test_a_clinician_never_prints_drug_screens(
    db: Database, physician: Actor, clinician: Actor, admin: Actor
) -> None:
    patient_id = _chart(db, physician, admin)
    referral = new_referral(db, physician, patient_id, new_member(db, physician, "psychiatry"))
    choices = default_options(db, clinician, referral.id)
    section = choices.section(Section.RESULTS)
    assert section is not None
    assert all(i.category.value == "general" for i in section.items)
    text = pdf_text(generate_letter(db, clinician, referral.id))
    assert HEADING in text and "88 U/L" in text
    assert "Drug screen" not in text and "Cocaine" not in text
