"""Diagnoses (billable ICD-10-CM only), medications with MME, allergies, headache profile."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import Diagnosis, HeadacheProfile, Medication
from carecoord.services import record
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from carecoord.services.record import HeadacheInput, MedicationInput
from tests.services.helpers import count, new_patient


def test_only_billable_codes_are_accepted(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    added = record.add_diagnosis(db, physician, patient.id, "m54.50", onset="2024-02-01")
    assert (added.code, added.title) == ("M54.50", "Low back pain, unspecified")
    with pytest.raises(ValidationError) as error:
        record.add_diagnosis(db, physician, patient.id, "M54.5")
    assert error.value.field == "code"
    with pytest.raises(ValidationError) as error:
        record.add_diagnosis(db, physician, patient.id, "Q99.99X")
    assert error.value.field == "code"
    with pytest.raises(ValidationError) as error:
        record.add_diagnosis(db, physician, patient.id, "M54.50")
    assert "already" in error.value.message
    with pytest.raises(ValidationError) as error:
        record.add_diagnosis(
            db, physician, patient.id, "G89.4", onset=date.today() + timedelta(days=2)
        )
    assert error.value.field == "onset"
    assert count(db, Diagnosis) == 1


def test_front_desk_cannot_record_diagnoses(
    db: Database, physician: Actor, front_desk: Actor
) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(PermissionDenied):
        record.add_diagnosis(db, front_desk, patient.id, "G89.4")


def test_medications_and_the_daily_mme_total(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    hydrocodone = record.add_medication(
        db, physician, patient.id, MedicationInput("hydrocodone", 5, "mg", "qid")
    )
    assert hydrocodone.is_opioid and hydrocodone.daily_mme == pytest.approx(20)
    oxy = record.add_medication(
        db, physician, patient.id, MedicationInput("oxycodone", 10, "mg", "bid")
    )
    assert oxy.daily_mme == pytest.approx(30)
    record.add_medication(
        db, physician, patient.id, MedicationInput("gabapentin", 300, "mg", "tid")
    )
    bup = record.add_medication(
        db,
        physician,
        patient.id,
        MedicationInput("buprenorphine", 10, "mcg/hr", "continuous", route="transdermal"),
    )
    assert bup.is_opioid and bup.daily_mme is None
    assert bup.mme_note == "not counted (no factor)"
    chart = load_chart(db, physician, patient.id)
    assert chart.mme.total == pytest.approx(50)
    assert chart.mme.at_least_50 and not chart.mme.at_least_90
    assert chart.mme.not_converted  # buprenorphine is listed, never counted as zero
    assert any(a.code == "mme_50" for a in chart.alerts)
    record.add_medication(
        db,
        physician,
        patient.id,
        MedicationInput("fentanyl", 25, "mcg/hr", "continuous", route="transdermal"),
    )
    chart = load_chart(db, physician, patient.id)
    assert chart.mme.total == pytest.approx(110)
    assert [a.code for a in chart.alerts if a.code.startswith("mme")] == ["mme_90"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (MedicationInput("oxycodone", -5, "mg", "bid"), "dose"),
        (MedicationInput("oxycodone", 5, "mg", "whenever"), "frequency"),
        (MedicationInput("oxycodone", 5, "mg", "bid", route="by owl"), "route"),
        (MedicationInput("", 5, "mg", "bid"), "drug"),
        (
            MedicationInput(
                "naproxen", 500, "mg", "bid", start_date="2026-03-01", stop_date="2026-02-01"
            ),
            "stop_date",
        ),
    ],
)
def test_medication_validation(
    db: Database, physician: Actor, data: MedicationInput, field: str
) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(ValidationError) as error:
        record.add_medication(db, physician, patient.id, data)
    assert error.value.field == field
    assert count(db, Medication) == 0


def test_allergies(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    allergy = record.add_allergy(
        db, physician, patient.id, "Codeine", reaction="Hives", severity="moderate"
    )
    with pytest.raises(ValidationError):
        record.add_allergy(db, physician, patient.id, "Codeine")
    record.remove_allergy(db, physician, allergy.id, expected_version=allergy.version)
    assert load_chart(db, physician, patient.id).allergies == ()


def test_headache_profile_and_overuse_risk(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    saved = record.save_headache_profile(
        db,
        physician,
        patient.id,
        HeadacheInput(
            "1",
            attacks_per_month=6,
            headache_days_per_month=16,
            acute_medication_days_per_month=15,
            triggers="sleep loss, red wine",
        ),
    )
    assert saved.overuse_risk == "likely"
    updated = record.save_headache_profile(
        db,
        physician,
        patient.id,
        HeadacheInput(
            "1", attacks_per_month=4, headache_days_per_month=8, acute_medication_days_per_month=4
        ),
        expected_version=saved.version,
    )
    assert updated.id == saved.id and updated.overuse_risk == "none"
    with pytest.raises(ValidationError) as error:
        record.save_headache_profile(
            db,
            physician,
            patient.id,
            HeadacheInput("1", headache_days_per_month=40),
            expected_version=updated.version,
        )
    assert "headache_days" in error.value.field
    assert count(db, HeadacheProfile) == 1


def test_as_needed_opioid_needs_its_daily_maximum(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(ValidationError) as error:
        record.add_medication(
            db, physician, patient.id, MedicationInput("oxycodone", 5, "mg", "prn")
        )
    assert error.value.field == "max_doses_per_day"
    assert count(db, Medication) == 0
    prn = record.add_medication(
        db,
        physician,
        patient.id,
        MedicationInput("oxycodone", 5, "mg", "prn", max_doses_per_day=4),
    )
    assert prn.daily_mme == pytest.approx(30) and prn.frequency_label == "as needed"
    naproxen = record.add_medication(
        db, physician, patient.id, MedicationInput("naproxen", 250, "mg", "prn")
    )
    assert naproxen.daily_mme is None
