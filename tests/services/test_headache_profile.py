"""The headache profile stores medication days per class and the red-flag screen.

See docs/clinical-reference.md §6.
"""

from __future__ import annotations

import pytest

from carecoord.clinical.headache import AcuteDrugClass, RedFlag
from carecoord.clinical.vocabulary import Discipline, Priority
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import HeadacheProfile
from carecoord.services import record
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from carecoord.services.record import HeadacheInput
from tests.services.helpers import audit_actions, count, new_patient


def test_acute_medication_days_may_exceed_headache_days(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    saved = record.save_headache_profile(
        db,
        physician,
        patient.id,
        HeadacheInput(
            "1",
            attacks_per_month=3,
            headache_days_per_month=6,
            acute_medication_days_per_month=12,
            simple_analgesic_days_per_month=12,
        ),
    )
    assert (saved.headache_days_per_month, saved.acute_medication_days_per_month) == (6, 12)
    # simple analgesics on 12 days: below their 15-day threshold
    assert saved.overuse_risk == "none"


def test_days_per_class_and_red_flags_are_stored_and_graded(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    saved = record.save_headache_profile(
        db,
        physician,
        patient.id,
        HeadacheInput(
            "1",
            attacks_per_month=8,
            headache_days_per_month=18,
            acute_medication_days_per_month=14,
            triptan_days_per_month=11,
            simple_analgesic_days_per_month=5,
            red_flags=("papilloedema", RedFlag.SUDDEN_ONSET),
        ),
    )
    again = record.get_headache_profile(db, physician, patient.id)
    assert again == saved
    assert saved.days_by_class == {
        AcuteDrugClass.TRIPTAN: 11,
        AcuteDrugClass.ERGOT: None,
        AcuteDrugClass.OPIOID: None,
        AcuteDrugClass.COMBINATION_ANALGESIC: None,
        AcuteDrugClass.SIMPLE_ANALGESIC: 5,
    }
    assert saved.overuse_risk == "likely"
    assert saved.overuse_reasons == ("Triptans on 11 days a month (>= 10, ICHD-3 8.2.2)",)
    assert saved.red_flags == (RedFlag.SUDDEN_ONSET, RedFlag.PAPILLOEDEMA)
    assert ("create", "Headache profile") in audit_actions(db)


def test_not_screened_differs_from_screened_without_flags(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    first = record.save_headache_profile(db, physician, patient.id, HeadacheInput("1"))
    assert first.red_flags is None
    second = record.save_headache_profile(
        db, physician, patient.id, HeadacheInput("1", red_flags=()), expected_version=first.version
    )
    assert second.red_flags == ()


def test_a_class_above_the_total_is_refused_and_nothing_written(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    with pytest.raises(ValidationError) as error:
        record.save_headache_profile(
            db,
            physician,
            patient.id,
            HeadacheInput("1", acute_medication_days_per_month=5, opioid_days_per_month=6),
        )
    assert error.value.field == "opioid_days_per_month"
    with pytest.raises(ValidationError) as error:
        record.save_headache_profile(
            db, physician, patient.id, HeadacheInput("1", red_flags=("aura",))
        )
    assert error.value.field == "red_flags"
    assert count(db, HeadacheProfile) == 0


def test_a_red_flag_makes_the_charts_neurology_suggestion_urgent(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    record.add_diagnosis(db, physician, patient.id, "G43.909")
    chart = load_chart(db, physician, patient.id)
    neurology = [s for s in chart.suggestions if s.discipline == Discipline.NEUROLOGY_HEADACHE]
    assert [s.priority for s in neurology] == [Priority.ROUTINE]
    record.save_headache_profile(
        db, physician, patient.id, HeadacheInput("1", red_flags=("older_age",))
    )
    chart = load_chart(db, physician, patient.id)
    neurology = [s for s in chart.suggestions if s.discipline == Discipline.NEUROLOGY_HEADACHE]
    assert [s.priority for s in neurology] == [Priority.URGENT]
    assert "Onset after age 50" in neurology[0].reason
